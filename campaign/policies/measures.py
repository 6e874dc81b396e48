"""Measures as organizers keep them: added once per form, edited, deleted, their next hearing set
in the jurisdiction's own time, and the draft alert that calls supporters there to testify."""

from collections import Counter
from datetime import UTC, date, datetime

from babel.dates import format_datetime, format_time
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from campaign.core.form_keys import made_by_form
from campaign.core.places import place_of, zips_in_state
from campaign.core.zones import DEFAULT_TIME_ZONE, in_zone, moment_in_zone, to_local, to_utc, zone_info
from campaign.extensions import db
from campaign.notifications.models import Message
from campaign.policies import drafts, places, services
from campaign.policies.models import (
    OPEN_STAGES,
    CampaignTarget,
    Jurisdiction,
    JurisdictionKind,
    Measure,
    MeasureStage,
    MeasureStep,
)

# What an organizer writes on a measure; the jurisdiction is chosen once, when it is added.
MEASURE_FIELDS = ("title", "body", "introduced_on", "summary_en", "summary_es", "source_url", "public")
JURISDICTION_SOURCE = "jurisdiction"  # the audience source key (hearing_audience.py)


# -- where a jurisdiction is ---------------------------------------------------------------


def zips_of(jurisdiction: Jurisdiction) -> tuple[str, ...]:
    """The ZIP codes the offline data puts in a state, a county, or a city (by its name in its
    state, since a city's ZIP codes may reach past the county it was added with)."""
    if jurisdiction.kind == JurisdictionKind.STATE:
        return zips_in_state(jurisdiction.state)
    if jurisdiction.kind == JurisdictionKind.COUNTY:
        return places.zips_in_county(jurisdiction.fips)
    return places.zips_in_city(jurisdiction.name, jurisdiction.state)


def time_zone_of(jurisdiction: Jurisdiction) -> str:
    """The zone most of the jurisdiction's ZIP codes keep (a state split in two, like Indiana,
    votes in its capital's more often than not); Eastern when the data gives none."""
    zones = Counter(place_of(code).time_zone for code in zips_of(jurisdiction))
    for zone, _count in zones.most_common():
        if zone_info(zone).key == zone:  # IANA knows it (else zone_info says Eastern)
            return zone
    return DEFAULT_TIME_ZONE


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


def delete_measure(measure: Measure) -> list[drafts.Withdrawn]:
    """The measure and its history, and its unsent drafts (withdrawn, returned); campaigns that
    aimed at it keep their jurisdiction."""
    withdrawn = drafts.withdraw_all(measure)
    db.session.execute(
        update(CampaignTarget).where(CampaignTarget.measure_id == measure.id).values(measure_id=None)
    )
    db.session.execute(delete(MeasureStep).where(MeasureStep.measure_id == measure.id))
    db.session.delete(measure)
    db.session.flush()
    return withdrawn


def move_stage(
    measure: Measure, stage: MeasureStage, reached_on: date, note: str, account_id: int | None
) -> tuple[MeasureStep | None, list[drafts.Withdrawn]]:
    """services.set_stage, and the drafts it made untrue withdrawn: the won ones when the measure
    leaves "passed", the hearing's when deciding it clears the hearing."""
    before = drafts.facts(measure)
    step = services.set_stage(measure, stage, reached_on, note, account_id)
    return step, drafts.withdraw_changed(measure, before)


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


def set_hearing(measure: Measure, local: datetime, place: str) -> list[drafts.Withdrawn]:
    """The next hearing, typed in the jurisdiction's time (the form refuses one gone by); the
    unsent alerts to the hearing it replaces are withdrawn, and returned."""
    before = drafts.facts(measure)
    measure.next_hearing_at = to_utc(local, measure.time_zone)
    measure.next_hearing_place = place
    db.session.flush()
    return drafts.withdraw_changed(measure, before)


def hearing_ahead(measure: Measure) -> bool:
    """A next hearing is set and has not yet begun: supporters can still be called to it."""
    return bool(measure.next_hearing_at and measure.next_hearing_at > datetime.now(UTC).replace(tzinfo=None))


# -- the hearing alert -----------------------------------------------------------------------


def _invitation(measure: Measure, language: str) -> tuple[str, str]:
    """The subject and body of the alert in one language."""
    with force_locale(language):
        body = measure.body or _("council")
        moment, locale = in_zone(measure.next_hearing_at, measure.time_zone), get_locale()
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
            when=moment_in_zone(measure.next_hearing_at, measure.time_zone),
            place=measure.next_hearing_place,
        )
    return subject, text


def hearing_alert(measure: Measure, author_id: int) -> tuple[Message, bool]:
    """A draft alert to the coalition's supporters in the measure's jurisdiction, inviting them
    to the next hearing, in English and Spanish; never sent from here. It carries a key of the
    hearing, so a second click (or a teammate's) finds the first draft: returns it and whether
    it was made now. Raises notifications' EmptyAudience when nobody there can receive it."""
    subject, body = _invitation(measure, "en")
    subject_es, body_es = _invitation(measure, "es")
    fields = {
        "subject": subject[:200],
        "body": body,
        "subject_es": subject_es[:200],
        "body_es": body_es,
        "audience": {"source": JURISDICTION_SOURCE, "source_id": measure.id},
    }
    return drafts.save_once(measure.coalition_id, author_id, fields, drafts.hearing_key(measure))


def today_in(measure: Measure) -> date:
    return to_local(datetime.now(UTC).replace(tzinfo=None), measure.time_zone).date()
