"""What the pages show of days of action: the coalition's list figures, events by state and
city, nearest to a ZIP code, the map's counts, and the summary after the day (numbers only,
never names)."""

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, select

from campaign.actions.models import Event, EventKind, EventState, Rsvp, RsvpState
from campaign.actions.services import RsvpFigures, local_start, rsvp_figures
from campaign.core.places import miles_between, place_of
from campaign.core.statemap import state_names
from campaign.extensions import db


@dataclass(frozen=True)
class DayFigures:
    """What the coalition's list of days shows of each: events listed, events waiting for an
    organizer, and people going to the events listed (as the day's own page counts them)."""

    listed: int = 0
    proposed: int = 0
    going: int = 0


def figures_per_day(day_ids: list[int]) -> dict[int, DayFigures]:
    """Day id -> its figures, in two reads whatever the number of days."""
    events = db.session.execute(
        select(Event.day_id, Event.state, func.count())
        .where(Event.day_id.in_(day_ids))
        .group_by(Event.day_id, Event.state)
    ).all()
    going = dict(
        db.session.execute(
            select(Event.day_id, func.count())
            .join(Rsvp, Rsvp.event_id == Event.id)
            .where(
                Event.day_id.in_(day_ids),
                Event.state == EventState.SCHEDULED,  # a cancelled event's RSVPs stay GOING
                Rsvp.state == RsvpState.GOING,
            )
            .group_by(Event.day_id)
        ).all()
    )
    per_state: dict[int, dict[str, int]] = defaultdict(dict)
    for day_id, state, number in events:
        per_state[day_id][state] = number
    return {
        day_id: DayFigures(
            listed=per_state[day_id].get(EventState.SCHEDULED, 0),
            proposed=per_state[day_id].get(EventState.PROPOSED, 0),
            going=going.get(day_id, 0),
        )
        for day_id in day_ids
    }


def by_state_and_city(events: list[Event]) -> list[tuple[str, list[tuple[str, list[Event]]]]]:
    """[(state name, [(city, events by start)])], states and cities in alphabetical order."""
    grouped: dict[str, dict[str, list[Event]]] = defaultdict(lambda: defaultdict(list))
    for event in events:
        grouped[event.us_state][event.city].append(event)
    names = state_names()
    return [
        (names.get(state, state), sorted(cities.items()))
        for state, cities in sorted(grouped.items(), key=lambda item: names.get(item[0], item[0]))
    ]


def nearest(events: list[Event], zip_code: str) -> list[tuple[Event, float]]:
    """Events still held, with their distance in miles from the ZIP code's center, nearest
    first; virtual events (anyone can join) after the others."""
    place = place_of(zip_code)
    if place is None:
        return []
    held = [event for event in events if event.is_scheduled]
    measured = [(event, miles_between(place.lat, place.lon, event.lat, event.lon)) for event in held]
    return sorted(measured, key=lambda pair: (pair[0].kind == EventKind.VIRTUAL, pair[1]))


def events_per_state(events: list[Event]) -> dict[str, int]:
    return dict(Counter(event.us_state for event in events))


@dataclass
class Line:
    """One city's (or the whole day's) figures."""

    city: str
    events: int = 0
    rsvps: int = 0
    attended: int = 0
    reported: int = 0  # events whose host sent a report


@dataclass
class Summary:
    total: Line
    cities: list[Line] = field(default_factory=list)
    rows: list[tuple[Event, int, int, int]] = field(
        default_factory=list
    )  # event, going, waitlisted, attended


def attendance(event: Event, checked_in: int) -> int:
    """The host's reported turnout when there is one, else the people checked in at the door
    (walk-ins the host added included)."""
    return event.turnout if event.turnout is not None else checked_in


def summarize(events: list[Event], figures: RsvpFigures | None = None) -> Summary:
    """Cities, events, RSVPs and attendance, in total and per city; cancelled events left out.
    A page that already read the RSVP figures of these events (`rsvp_figures`) passes them
    rather than having them read again."""
    held = [event for event in events if event.state == EventState.SCHEDULED]
    counts, checked_in = figures or rsvp_figures([event.id for event in held])
    total, cities = Line(city=""), {}
    summary = Summary(total=total)
    for event in held:
        going = counts[event.id].get(RsvpState.GOING, 0)
        waiting = counts[event.id].get(RsvpState.WAITLISTED, 0)
        came = attendance(event, checked_in.get(event.id, 0))
        summary.rows.append((event, going, waiting, came))
        line = cities.setdefault((event.us_state, event.city), Line(city=f"{event.city}, {event.us_state}"))
        for target in (line, total):
            target.events += 1
            target.rsvps += going
            target.attended += came
            target.reported += event.reported_at is not None
    summary.cities = [cities[key] for key in sorted(cities)]
    return summary


CSV_HEADER = (
    "event",
    "host",
    "city",
    "state",
    "starts (local)",
    "type",
    "going",
    "waitlist",
    "attended",
    "turnout reported",
    "photos",
)


def csv_rows(summary: Summary) -> Iterator[tuple]:
    """The organizers' figures per event: no names, no contact."""
    for event, going, waiting, came in summary.rows:
        yield (
            event.title,
            event.host_name,
            event.city,
            event.us_state,
            f"{local_start(event):%Y-%m-%d %H:%M}",
            event.kind.value,
            going,
            waiting,
            came,
            "" if event.turnout is None else event.turnout,
            event.photos_url,
        )
