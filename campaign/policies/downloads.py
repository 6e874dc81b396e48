"""The public tracker as files: every entry a visitor may see, as CSV and as JSON.

The JSON document is stable (fields are only ever added):

    {"generated_on": "2026-12-05",
     "coalition": "the-slug" or null (the site-wide tracker),
     "entries": [{
        "id": 12,                       # the entry's number, stable across downloads
        "jurisdiction": "Hennepin",     # the name as recorded (a county's without "County")
        "jurisdiction_type": "county",  # state, county or city
        "fips": "27053",                # a state's 2 digits, a county's 5; null for a city
        "county_fips": "27053",         # a city's county; a county's own; null for a state
        "state": "MN",
        "kind": "detainers",            # detainers, 287g, secure_communities, state_law, resolution
        "status": "refuses",            # one of its kind's statuses (campaign/policies/models.py STATUSES)
        "conditions": ["judicial_warrant"],  # for "conditions": what the jail asks ICE for
        "name": "", "body": "Sheriff", "votes_for": null, "votes_against": null,
        "adopted_on": "2014-06-04", "effective_on": null, "ended_on": null,  # ISO dates or null
        "summary_en": "...", "summary_es": "...",
        "source_url": "https://...", "source_title": "...",
        "coalition": "Minnesota coalition name",
        "verified_on": "2026-11-30",
        "demo": false                   # demo data, not drawn from its source
     }, ...]}

Entries are in id order; a jurisdiction's history is its entries by date (adopted/effective).
"""

from collections.abc import Iterator
from datetime import UTC, date, timedelta

from flask_babel import get_locale
from icalendar import Event as CalendarEvent

from campaign.core.calendars import published_calendar, uid_domain
from campaign.core.exports import csv_lines
from campaign.core.i18n import in_language
from campaign.core.outbox import utcnow
from campaign.core.urls import external_url
from campaign.policies import tracker
from campaign.policies.models import DetainerCondition, Measure, PolicyEntry

HEARING_LENGTH = timedelta(hours=2)  # a hearing's end is not recorded; calendars want one

COLUMNS = (
    "id", "jurisdiction", "jurisdiction_type", "fips", "county_fips", "state", "kind", "status",
    "conditions", "name", "body", "votes_for", "votes_against", "adopted_on", "effective_on",
    "ended_on", "summary_en", "summary_es", "source_url", "source_title", "coalition",
    "verified_on", "demo",
)  # fmt: skip


def records(entries: list[PolicyEntry]) -> list[dict]:
    names = tracker.coalition_names({entry.coalition_id for entry in entries})
    return [_record(entry, names[entry.coalition_id]) for entry in entries]


def _record(entry: PolicyEntry, coalition: str) -> dict:
    place = entry.jurisdiction
    return {
        "id": entry.id,
        "jurisdiction": place.name,
        "jurisdiction_type": place.kind,
        "fips": place.fips,
        "county_fips": place.county_fips,
        "state": place.state,
        "kind": entry.kind,
        "status": entry.status,
        "conditions": [flag.name.lower() for flag in DetainerCondition if entry.conditions & flag],
        "name": entry.name,
        "body": entry.body,
        "votes_for": entry.votes_for,
        "votes_against": entry.votes_against,
        "adopted_on": _day(entry.adopted_on),
        "effective_on": _day(entry.effective_on),
        "ended_on": _day(entry.ended_on),
        "summary_en": entry.summary_en,
        "summary_es": entry.summary_es,
        "source_url": entry.source_url,
        "source_title": entry.source_title,
        "coalition": coalition,
        "verified_on": _day(entry.verified_on),
        "demo": entry.demo,
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def document(found: list[dict], coalition_slug: str | None, today: date) -> dict:
    return {"generated_on": today.isoformat(), "coalition": coalition_slug, "entries": found}


def csv_text(found: list[dict]) -> Iterator[str]:
    """The records as CSV, every cell safe to open in a spreadsheet; conditions joined by ";"."""
    rows = (
        [";".join(value) if name == "conditions" else value for name, value in record.items()]
        for record in found
    )
    return csv_lines(COLUMNS, rows)


def hearings_calendar(measures: list[Measure], place: str) -> bytes:
    """The upcoming hearings on a jurisdiction's public measures, as iCalendar."""
    calendar = published_calendar("Policy hearings", place)
    domain = uid_domain()
    language = str(get_locale() or "en")
    for measure in measures:
        event = CalendarEvent()
        event.add("uid", f"hearing-{measure.id}-{measure.next_hearing_at:%Y%m%dT%H%M}@{domain}")
        event.add("summary", measure.title)
        event.add("dtstart", measure.next_hearing_at.replace(tzinfo=UTC))
        event.add("dtend", (measure.next_hearing_at + HEARING_LENGTH).replace(tzinfo=UTC))
        event.add("dtstamp", utcnow().replace(tzinfo=UTC))
        event.add("location", measure.next_hearing_place)
        event.add("description", in_language(language, measure.summary_en, measure.summary_es))
        event.add("url", external_url("policies.jurisdiction", jurisdiction_id=measure.jurisdiction_id))
        calendar.add_component(event)
    return calendar.to_ical()
