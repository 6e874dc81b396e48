"""Jurisdictions made on first use, entries recorded and changed with their revisions, measures
moved through their stages, and what the public may see of them."""

import unicodedata
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Select, and_, select

from campaign.core.form_keys import add_once, made_by_form
from campaign.extensions import db
from campaign.policies import places
from campaign.policies.models import (
    OPEN_STAGES,
    STATUSES,
    Jurisdiction,
    JurisdictionKind,
    Measure,
    MeasureStage,
    MeasureStep,
    PolicyEntry,
    PolicyKind,
    PolicyRevision,
    TrackerSettings,
)

# What an organizer writes on an entry; the rest (who, when, the coalition) is set here.
ENTRY_FIELDS = (
    "kind",
    "status",
    "conditions",
    "name",
    "body",
    "votes_for",
    "votes_against",
    "adopted_on",
    "effective_on",
    "ended_on",
    "summary_en",
    "summary_es",
    "source_url",
    "source_title",
    "public",
    "verified_on",
)


class UnknownPlace(ValueError):
    """No state or county has that FIPS code in the shipped atlas."""


class NotAStatus(ValueError):
    """The status is not one of its kind's (STATUSES)."""


# -- jurisdictions ---------------------------------------------------------------------------


def jurisdiction_for_fips(fips: str) -> Jurisdiction:
    """The row of a state ("06") or county ("06037"), made the first time it is needed."""
    found = db.session.scalar(select(Jurisdiction).where(Jurisdiction.fips == fips))
    if found:
        return found
    if len(fips) == 2 and (code := places.state_code(fips)) in places.states():
        row = Jurisdiction(kind=JurisdictionKind.STATE, fips=fips, name=places.states()[code], state=code)
    elif len(fips) == 5 and fips in places.counties():
        county = places.counties()[fips]
        row = Jurisdiction(
            kind=JurisdictionKind.COUNTY, fips=fips, name=county.name, state=county.state, county_fips=fips
        )
    else:
        raise UnknownPlace(fips)
    row.folded_name = places.fold(row.name)
    db.session.add(row)
    db.session.flush()
    return row


def city(name: str, county_fips: str) -> Jurisdiction:
    """The city of that name in that county, added the first time someone names it.

    Cities are shared, so a city the ZIP data knows is spelled as the ZIP data spells it,
    however it was typed: the first coalition to type "O.A.K.L.A.N.D" does not name Oakland
    for everyone else. A city the data does not know keeps its first spelling, in NFKC form
    (no fullwidth or mathematical letters)."""
    county = places.counties().get(county_fips)
    if county is None:
        raise UnknownPlace(county_fips)
    known = places.city_named(name, county.state)
    name = known.name if known else unicodedata.normalize("NFKC", " ".join(name.split()))
    folded = places.fold(name)
    found = db.session.scalar(
        select(Jurisdiction).where(
            Jurisdiction.kind == JurisdictionKind.CITY,
            Jurisdiction.county_fips == county_fips,
            Jurisdiction.folded_name == folded,
        )
    )
    if found:
        return found
    row = Jurisdiction(
        kind=JurisdictionKind.CITY, name=name, folded_name=folded,
        state=county.state, county_fips=county_fips,
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    return row


def jurisdiction_for(
    kind: JurisdictionKind, state: str, county_fips: str | None, city_name: str | None
) -> Jurisdiction:
    """The row of a place picked on a form (picker.JurisdictionPicker.pick), made on first use."""
    if kind == JurisdictionKind.STATE:
        return jurisdiction_for_fips(places.state_fips(state))
    if kind == JurisdictionKind.COUNTY:
        return jurisdiction_for_fips(county_fips)
    return city(city_name, county_fips)


def label(jurisdiction: Jurisdiction) -> str:
    """How pages name it, in the reader's language: "Los Angeles County, CA", "Oakland, CA"."""
    if jurisdiction.kind == JurisdictionKind.STATE:
        return jurisdiction.name
    if jurisdiction.kind == JurisdictionKind.CITY:
        return _("%(city)s, %(state)s", city=jurisdiction.name, state=jurisdiction.state)
    county = places.counties().get(jurisdiction.fips or "")
    if jurisdiction.fips in places.CONSOLIDATED:
        return _("%(name)s (city and county), %(state)s", name=jurisdiction.name, state=jurisdiction.state)
    if county and county.is_city:
        return _("%(name)s (independent city), %(state)s", name=jurisdiction.name, state=jurisdiction.state)
    if jurisdiction.state == "LA":
        return _("%(name)s Parish, LA", name=jurisdiction.name)
    if jurisdiction.state == "AK":
        return _("%(name)s, AK", name=jurisdiction.name)
    return _("%(name)s County, %(state)s", name=jurisdiction.name, state=jurisdiction.state)


def county_label(county: places.County) -> str:
    """A county of the atlas named as pages name it, without making its row."""
    return label(
        Jurisdiction(kind=JurisdictionKind.COUNTY, fips=county.fips, name=county.name, state=county.state)
    )


# -- entries ---------------------------------------------------------------------------------


def _check(fields: dict) -> dict:
    """The fields, with conditions cleared unless the status is "honors on conditions"."""
    kind = PolicyKind(fields["kind"])
    if fields["status"] not in STATUSES[kind]:
        raise NotAStatus(fields["status"])
    if kind != PolicyKind.DETAINERS or fields["status"] != "conditions":
        fields = fields | {"conditions": 0}
    return fields


def record_entry(
    coalition_id: int,
    jurisdiction: Jurisdiction,
    account_id: int | None,
    fields: dict,
    form_key: str | None = None,
) -> PolicyEntry:
    """A new dated entry in the jurisdiction's history, and its first revision. The same form
    sent twice (`form_key`, core/form_keys.py) records it once: the entry it made is returned."""
    made = made_by_form(PolicyEntry, coalition_id, form_key)
    if made:
        return made
    fields = _check({name: fields[name] for name in ENTRY_FIELDS if name in fields})
    entry, added = add_once(
        PolicyEntry(
            coalition_id=coalition_id, jurisdiction_id=jurisdiction.id, recorded_by=account_id,
            form_key=form_key, **fields,
        )
    )  # fmt: skip
    if not added:
        return entry
    changes = {
        name: [None, _plain(value)] for name, value in fields.items() if value not in (None, "", 0, False)
    }
    db.session.add(
        PolicyRevision(entry_id=entry.id, account_id=account_id, source_url=entry.source_url, changes=changes)
    )
    db.session.flush()
    return entry


def edit_entry(
    entry: PolicyEntry, account_id: int | None, fields: dict, source_url: str | None = None
) -> PolicyRevision | None:
    """Change an entry and keep what changed, on the source the organizer gave for the change
    (else the entry's own); nothing is recorded when nothing changed."""
    fields = {name: fields[name] for name in ENTRY_FIELDS if name in fields}
    if "kind" in fields or "status" in fields:
        fields = _check({"kind": entry.kind, "status": entry.status} | fields)
    changes = {}
    for name, value in fields.items():
        before = getattr(entry, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(entry, name, value)
    if not changes:
        return None
    revision = PolicyRevision(
        entry_id=entry.id, account_id=account_id, source_url=source_url or entry.source_url, changes=changes
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def revisions_of(entry_id: int) -> list[PolicyRevision]:
    return db.session.scalars(
        select(PolicyRevision).where(PolicyRevision.entry_id == entry_id).order_by(PolicyRevision.id.desc())
    ).all()


def history(entries: list[PolicyEntry]) -> list[PolicyEntry]:
    """Oldest first, by the date the change happened; undated entries last, as recorded."""
    return sorted(entries, key=lambda entry: (entry.dated is None, entry.dated or date.min, entry.id))


def current(entries: list[PolicyEntry], today: date | None = None) -> dict[tuple[int, str], PolicyEntry]:
    """(jurisdiction id, kind) -> the entry in force: the latest dated that has not ended by
    `today`. A jurisdiction whose latest entry has ended has no current policy of that kind."""
    today = today or date.today()
    latest: dict[tuple[int, str], PolicyEntry] = {}
    for entry in history(entries):
        if entry.dated and entry.dated > today:
            continue  # adopted, not yet in effect
        latest[(entry.jurisdiction_id, entry.kind)] = entry
    return {key: entry for key, entry in latest.items() if not entry.ended_on or entry.ended_on > today}


# -- who sees what ---------------------------------------------------------------------------


def tracker_shared(coalition_id: int) -> bool:
    settings = db.session.get(TrackerSettings, coalition_id)
    return bool(settings and settings.shared)


def set_tracker_shared(coalition_id: int, shared: bool) -> None:
    settings = db.session.get(TrackerSettings, coalition_id) or TrackerSettings(coalition_id=coalition_id)
    settings.shared = shared
    db.session.add(settings)
    db.session.flush()


def _shared_coalitions() -> Select:
    return select(TrackerSettings.coalition_id).where(TrackerSettings.shared.is_(True))


def public_entries(coalition_id: int | None = None) -> Select:
    """Entries any visitor may see: marked public, of a coalition that shares its tracker; of one
    coalition, or of every coalition that shares (the site-wide tracker)."""
    query = select(PolicyEntry).where(
        PolicyEntry.public.is_(True), PolicyEntry.coalition_id.in_(_shared_coalitions())
    )
    return query.where(PolicyEntry.coalition_id == coalition_id) if coalition_id else query


def public_measures(coalition_id: int | None = None) -> Select:
    query = select(Measure).where(Measure.public.is_(True), Measure.coalition_id.in_(_shared_coalitions()))
    return query.where(Measure.coalition_id == coalition_id) if coalition_id else query


# -- measures --------------------------------------------------------------------------------


def create_measure(
    coalition_id: int, jurisdiction: Jurisdiction, account_id: int | None, fields: dict
) -> Measure:
    measure = Measure(
        coalition_id=coalition_id, jurisdiction_id=jurisdiction.id, created_by=account_id, **fields
    )
    db.session.add(measure)
    db.session.flush()
    db.session.add(
        MeasureStep(
            measure_id=measure.id, stage=measure.stage,
            reached_on=measure.introduced_on or date.today(), account_id=account_id,
        )
    )  # fmt: skip
    db.session.flush()
    return measure


def set_stage(
    measure: Measure, stage: MeasureStage, reached_on: date, note: str, account_id: int | None
) -> MeasureStep | None:
    """Move a measure to a stage, forward or back (a bill is sent back to committee; a wrong
    "failed" is undone): every move is a step of its history. The same stage again is nothing."""
    stage = MeasureStage(stage)
    if measure.stage == stage:
        return None
    measure.stage = stage
    if stage not in OPEN_STAGES:
        measure.next_hearing_at = None  # decided: no hearing is next
    step = MeasureStep(
        measure_id=measure.id, stage=stage, reached_on=reached_on, note=note, account_id=account_id
    )
    db.session.add(step)
    db.session.flush()
    return step


def steps_of(measure_id: int) -> list[MeasureStep]:
    return db.session.scalars(
        select(MeasureStep)
        .where(MeasureStep.measure_id == measure_id)
        .order_by(MeasureStep.reached_on, MeasureStep.id)
    ).all()


def upcoming_hearings(measures: Select, now: datetime) -> Select:
    return measures.where(
        and_(Measure.next_hearing_at.is_not(None), Measure.next_hearing_at >= now),
        Measure.stage.in_(OPEN_STAGES),
    ).order_by(Measure.next_hearing_at)
