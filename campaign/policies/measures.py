"""Measures as organizers keep them: added once per form, edited, deleted, their next hearing set
in the jurisdiction's own time, and the draft alert that calls supporters there to testify."""

from collections import Counter
from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_date, format_datetime, format_time, get_timezone_name
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from campaign.core.form_keys import made_by_form
from campaign.core.places import all_places, place_of
from campaign.core.zones import DEFAULT_TIME_ZONE
from campaign.extensions import db
from campaign.notifications import services as alerts
from campaign.notifications.models import Message
from campaign.policies import places, services
from campaign.policies.models import (
    OPEN_STAGES,
    CampaignTarget,
    Jurisdiction,
    JurisdictionKind,
    Measure,
    MeasureStep,
)

# What an organizer writes on a measure; the jurisdiction is chosen once, when it is added.
MEASURE_FIELDS = ("title", "body", "introduced_on", "summary_en", "summary_es", "source_url", "public")
JURISDICTION_SOURCE = "jurisdiction"  # the audience source key (hearing_audience.py)


# -- where a jurisdiction is ---------------------------------------------------------------


@cache
def _zips_in_state(state: str) -> tuple[str, ...]:
    return tuple(sorted(code for code, place in all_places().items() if place.state == state))


def zips_of(jurisdiction: Jurisdiction) -> tuple[str, ...]:
    """The ZIP codes the offline data puts in a state, a county, or a city (by its name in its
    state, since a city's ZIP codes may reach past the county it was added with)."""
    if jurisdiction.kind == JurisdictionKind.STATE:
        return _zips_in_state(jurisdiction.state)
    if jurisdiction.kind == JurisdictionKind.COUNTY:
        return places.zips_in_county(jurisdiction.fips)
    return places.zips_in_city(jurisdiction.name, jurisdiction.state)


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def time_zone_of(jurisdiction: Jurisdiction) -> str:
    """The zone most of the jurisdiction's ZIP codes keep (a state split in two, like Indiana,
    votes in its capital's more often than not); Eastern when the data gives none."""
    zones = Counter(place_of(code).time_zone for code in zips_of(jurisdiction))
    for zone, _count in zones.most_common():
        if zone in _known_zones():
            return zone
    return DEFAULT_TIME_ZONE


def _zone(measure: Measure) -> ZoneInfo:
    try:
        return ZoneInfo(measure.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


# -- measures --------------------------------------------------------------------------------


def add_measure(
    coalition_id: int, jurisdiction: Jurisdiction, account_id: int | None, fields: dict, form_key: str
) -> Measure:
    """A new measure in its jurisdiction's time zone; the form sent twice adds it once."""
    made = made_by_form(Measure, coalition_id, form_key)
    if made:
        return made
    fields = {name: fields[name] for name in MEASURE_FIELDS} | {
        "form_key": form_key,
        "time_zone": time_zone_of(jurisdiction),
    }
    try:
        with db.session.begin_nested():
            return services.create_measure(coalition_id, jurisdiction, account_id, fields)
    except IntegrityError:  # the same form, sent at this very moment, added it
        return made_by_form(Measure, coalition_id, form_key)


def edit_measure(measure: Measure, fields: dict) -> None:
    for name in MEASURE_FIELDS:
        setattr(measure, name, fields[name])
    db.session.flush()


def delete_measure(measure: Measure) -> None:
    """The measure and its history; campaigns that aimed at it keep their jurisdiction."""
    db.session.execute(
        update(CampaignTarget).where(CampaignTarget.measure_id == measure.id).values(measure_id=None)
    )
    db.session.execute(delete(MeasureStep).where(MeasureStep.measure_id == measure.id))
    db.session.delete(measure)
    db.session.flush()


def measures_of(coalition_id: int) -> list[Measure]:
    """Open measures first, the next hearing soonest; then the decided ones, newest first."""
    rows = db.session.scalars(select(Measure).where(Measure.coalition_id == coalition_id)).all()
    return sorted(
        rows,
        key=lambda measure: (
            not measure.is_open,
            measure.next_hearing_at is None,
            measure.next_hearing_at or datetime.min,
            -measure.id,
        ),
    )


def open_measures(coalition_id: int) -> list[Measure]:
    return db.session.scalars(
        select(Measure)
        .where(Measure.coalition_id == coalition_id, Measure.stage.in_(OPEN_STAGES))
        .order_by(Measure.title, Measure.id)
    ).all()


# -- the next hearing ------------------------------------------------------------------------


def hearing_utc(measure: Measure, local: datetime) -> datetime:
    """A wall-clock time typed for the measure's jurisdiction, as the naive UTC the database keeps."""
    return local.replace(tzinfo=_zone(measure)).astimezone(UTC).replace(tzinfo=None)


def hearing_local(measure: Measure) -> datetime | None:
    """The next hearing as the jurisdiction's wall clock shows it (to fill a form back in)."""
    if measure.next_hearing_at is None:
        return None
    return measure.next_hearing_at.replace(tzinfo=UTC).astimezone(_zone(measure)).replace(tzinfo=None)


def set_hearing(measure: Measure, local: datetime, place: str) -> None:
    """The next hearing, typed in the jurisdiction's time (the form refuses one gone by)."""
    measure.next_hearing_at, measure.next_hearing_place = hearing_utc(measure, local), place
    db.session.flush()


def hearing_ahead(measure: Measure) -> bool:
    """A next hearing is set and has not yet begun: supporters can still be called to it."""
    return bool(measure.next_hearing_at and measure.next_hearing_at > datetime.now(UTC).replace(tzinfo=None))


def hearing_when(measure: Measure) -> str:
    """ "Tuesday, March 9, 2027, 6:00 PM PST" in the reader's language and the jurisdiction's zone."""
    moment = measure.next_hearing_at.replace(tzinfo=UTC).astimezone(_zone(measure))
    locale = get_locale()
    day, time = format_date(moment, "full", locale=locale), format_time(moment, "short", locale=locale)
    short = get_timezone_name(moment, "short", locale=locale)
    if not short[:1].isalpha() or short.startswith("GMT"):  # Spanish has no "PST": say it whole
        short = get_timezone_name(moment, "long", locale=locale)
    return f"{day}, {time} {short}"


# -- the hearing alert -----------------------------------------------------------------------


def _hearing_key(measure: Measure) -> str:
    return f"hearing:{measure.id}:{measure.next_hearing_at:%Y%m%dT%H%M}"


def _invitation(measure: Measure, language: str) -> tuple[str, str]:
    """The subject and body of the alert in one language."""
    with force_locale(language):
        body = measure.body or _("council")
        moment = measure.next_hearing_at.replace(tzinfo=UTC).astimezone(_zone(measure))
        locale = get_locale()
        weekday = format_datetime(moment, "EEEE", locale=locale)
        time = format_time(moment, "short", locale=locale)
        subject = _(
            "The %(body)s votes %(weekday)s at %(time)s: come testify.", body=body, weekday=weekday, time=time
        )
        text = _(
            "The %(body)s of %(jurisdiction)s holds its hearing on %(measure)s on %(when)s, at "
            "%(place)s. Come testify: the room full of neighbors is what moves the vote.",
            body=body,
            jurisdiction=services.label(measure.jurisdiction),
            measure=measure.title,
            when=hearing_when(measure),
            place=measure.next_hearing_place,
        )
    return subject, text


def hearing_alert(measure: Measure, author_id: int) -> tuple[Message, bool]:
    """A draft alert to the coalition's supporters in the measure's jurisdiction, inviting them
    to the next hearing, in English and Spanish; never sent from here. It carries a key of the
    hearing, so a second click (or a teammate's) finds the first draft: returns it and whether
    it was made now. Raises notifications' EmptyAudience when nobody there can receive it."""
    key = _hearing_key(measure)
    made = db.session.scalar(
        select(Message).where(Message.dedupe_key == key, Message.coalition_id == measure.coalition_id)
    )
    if made:
        return made, False
    subject, body = _invitation(measure, "en")
    subject_es, body_es = _invitation(measure, "es")
    fields = {
        "subject": subject[:200],
        "body": body,
        "subject_es": subject_es[:200],
        "body_es": body_es,
        "audience": {"source": JURISDICTION_SOURCE, "source_id": measure.id},
    }
    try:
        with db.session.begin_nested():
            alert = alerts.save_alert(measure.coalition_id, author_id, fields)
            alert.dedupe_key = key
            db.session.flush()
    except IntegrityError:  # a teammate's click at this very moment made it
        return db.session.scalar(select(Message).where(Message.dedupe_key == key)), False
    return alert, True


def today_in(measure: Measure) -> date:
    return datetime.now(_zone(measure)).date()
