"""The RSVPs of a day of action, or of one of its events, as a spreadsheet with our columns or
Action Network's, streamed.

Only the people who RSVPed and are on file, and the event's public facts: never a venue or an
address (a private one reaches only people holding a place) and nothing of the host's (their
email, who proposed the event)."""

from collections.abc import Iterator

from sqlalchemy import Select, String, func, type_coerce

from campaign.actions.models import Event, Rsvp, RsvpState
from campaign.core.exports import minutes, stream_rows
from campaign.extensions import db
from campaign.supporters import action_network
from campaign.supporters.exports import PERSON, PERSON_COLUMNS, person_cells
from campaign.supporters.models import Supporter
from campaign.supporters.services import on_file

SHEET = action_network.Sheet(
    columns=(
        *PERSON_COLUMNS,
        "event",
        "event_city",
        "event_state",
        "event_starts_at_utc",
        "rsvp_status",
        "rsvped_at_utc",
        "checked_in_at_utc",
    ),
    action_network=PERSON_COLUMNS,
)
EXPORTED = tuple(RsvpState)
# Action Network takes each row as someone who RSVPed, and its sheet has no status column to
# say otherwise: a cancelled RSVP stays out of it.
ACTION_NETWORK_EXPORTED = (RsvpState.GOING, RsvpState.WAITLISTED, RsvpState.WALK_IN)
CHUNK = 5000


def _of(
    coalition_id: int, day_id: int, event_id: int | None, states: tuple[RsvpState, ...], *columns
) -> Select:
    """The RSVPs of people on file (`on_file`: confirmed, not erased) to the day's events, or to
    one of them. A walk-in who left no address has no record on file, so is no person here."""
    query = (
        on_file(coalition_id, *columns)
        .select_from(Supporter)
        .join(Rsvp, Rsvp.supporter_id == Supporter.id)
        .join(Event, Event.id == Rsvp.event_id)
        .where(Event.day_id == day_id, Rsvp.state.in_(states))
    )
    return query if event_id is None else query.where(Rsvp.event_id == event_id)


def row_count(coalition_id: int, day_id: int, event_id: int | None, states: tuple[RsvpState, ...]) -> int:
    return db.session.scalar(_of(coalition_id, day_id, event_id, states, func.count(Rsvp.id)))


def rows(
    coalition_id: int, day_id: int, event_id: int | None, states: tuple[RsvpState, ...]
) -> Iterator[tuple]:
    """The person's details are the record on file, confirmed by its owner, not what was typed
    with the RSVP: whoever RSVPs may type anyone's address."""
    person = person_cells()
    query = _of(
        coalition_id,
        day_id,
        event_id,
        states,
        *PERSON,
        Event.title,
        Event.city,
        Event.us_state,
        minutes(Event.starts_at),
        type_coerce(Rsvp.state, String),
        minutes(Rsvp.created_at),
        minutes(Rsvp.checked_in_at),
    ).order_by(Event.starts_at, Event.id, Rsvp.id)
    for row in stream_rows(query, CHUNK):
        title, city, us_state, starts, status, rsvped, checked_in = row[len(PERSON) :]
        yield (*person(row), title, city, us_state, starts, status, rsvped, checked_in or "")
