"""The organizers' upkeep of entries beyond recording them: listing, source PDFs, verifying, deleting."""

import difflib
import secrets
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from campaign.accounts.models import User
from campaign.coalitions.access import role_in
from campaign.coalitions.models import Coalition
from campaign.extensions import db
from campaign.policies import places, services
from campaign.policies.labels import KIND_LABELS, STATUS_LABELS, conditions_of
from campaign.policies.models import Jurisdiction, PolicyEntry, PolicyRevision, PolicySourceFile

PDF_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


class NotAPdf(ValueError):
    """The upload is not a PDF file, or is larger than PDF_MAX_BYTES."""


@dataclass
class Group:
    """A jurisdiction and the coalition's entries about it, in date order."""

    jurisdiction: Jurisdiction
    entries: list[PolicyEntry]


def grouped(coalition_id: int, state: str = "", kind: str = "") -> list[Group]:
    """The coalition's entries, optionally of one state and one kind, grouped by jurisdiction
    (states first, then by name) and dated oldest first within each."""
    query = select(PolicyEntry).join(Jurisdiction).where(PolicyEntry.coalition_id == coalition_id)
    if state:
        query = query.where(Jurisdiction.state == state)
    if kind:
        query = query.where(PolicyEntry.kind == kind)
    entries = db.session.scalars(query).unique().all()

    def place(entry):
        return entry.jurisdiction.state, entry.jurisdiction.kind != "state", entry.jurisdiction.folded_name

    ordered = sorted(services.history(entries), key=place)  # stable: history order kept within a place
    return [
        Group(jurisdiction, list(rows)) for jurisdiction, rows in groupby(ordered, lambda e: e.jurisdiction)
    ]


def close_county_names(name: str, state: str, limit: int = 5) -> list[str]:
    """Names of the state's counties close to a typed one, for "did you mean": "Clakamas" ->
    "Clackamas"."""
    names = {
        places.fold(county.name): county.name
        for county in places.counties().values()
        if county.state == state
    }
    return [
        names[folded] for folded in difflib.get_close_matches(places.fold(name), names, n=limit, cutoff=0.6)
    ]


def check_pdf(data: bytes) -> bytes:
    """The bytes of an upload that really is a PDF (its magic number, not its name or type)."""
    if len(data) > PDF_MAX_BYTES or not data.startswith(PDF_MAGIC):
        raise NotAPdf
    return data


def attach_pdf(
    entry: PolicyEntry, filename: str, data: bytes, account_id: int | None, source_url: str
) -> None:
    """Keep `data` as the entry's source PDF, replacing any before it under a new key (the old
    URL stops working), and record the change as a revision."""
    stored = db.session.get(PolicySourceFile, entry.id)
    before = stored.filename if stored else None
    if stored is None:
        stored = PolicySourceFile(entry_id=entry.id)
        db.session.add(stored)
    stored.key, stored.filename, stored.data = secrets.token_urlsafe(24), filename[:300], data
    db.session.add(
        PolicyRevision(
            entry_id=entry.id, account_id=account_id, source_url=source_url,
            changes={"source_file": [before, stored.filename]},
        )
    )  # fmt: skip
    db.session.flush()


def source_file(entry_id: int) -> PolicySourceFile | None:
    return db.session.get(PolicySourceFile, entry_id)


def pdf_readable_by(entry: PolicyEntry, user) -> bool:
    """A source PDF is the public's once its entry is (public, coalition sharing); before that
    only the entry's coalition reads it."""
    public = db.session.scalar(services.public_entries(entry.coalition_id).where(PolicyEntry.id == entry.id))
    return public is not None or role_in(db.session.get(Coalition, entry.coalition_id), user) is not None


def mark_verified(entry: PolicyEntry, account_id: int | None, today: date) -> PolicyRevision | None:
    return services.edit_entry(entry, account_id, {"verified_on": today}, source_url=entry.source_url)


def authors_of(revisions: list[PolicyRevision]) -> dict[int, str]:
    """Account id -> name, for the accounts that made these revisions."""
    ids = {revision.account_id for revision in revisions if revision.account_id}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}


def delete_entry(entry: PolicyEntry) -> None:
    """The entry, its revisions and its PDF go. Deleted here rather than left to the foreign
    keys' ON DELETE CASCADE, which SQLite does not apply unless asked."""
    db.session.execute(delete(PolicyRevision).where(PolicyRevision.entry_id == entry.id))
    db.session.execute(delete(PolicySourceFile).where(PolicySourceFile.entry_id == entry.id))
    db.session.delete(entry)
    db.session.flush()


@dataclass
class Change:
    label: str
    before: str
    after: str


DATE_FIELDS = ("adopted_on", "effective_on", "ended_on", "verified_on")
FIELD_LABELS = {
    "kind": _l("Kind of policy"),
    "status": _l("Status"),
    "conditions": _l("Conditions"),
    "name": _l("Name"),
    "body": _l("Who adopted it"),
    "votes_for": _l("Votes for"),
    "votes_against": _l("Votes against"),
    "adopted_on": _l("Adopted or signed on"),
    "effective_on": _l("In effect from"),
    "ended_on": _l("Ended or terminated on"),
    "summary_en": _l("Summary in English"),
    "summary_es": _l("Summary in Spanish"),
    "source_url": _l("Source web address"),
    "source_title": _l("Title of the source"),
    "source_file": _l("The source as a PDF"),
    "public": _l("Shown on the public tracker"),
    "verified_on": _l("Checked against its source on"),
}


def change_lines(revision: PolicyRevision, kind_now: str) -> list[Change]:
    """What a revision changed, in words: labels for kinds, statuses and conditions, not codes.
    A status is read beside the kind of the same revision, else the entry's kind now."""
    kind_before, kind_after = revision.changes.get("kind") or [kind_now, kind_now]
    return [
        Change(
            str(FIELD_LABELS.get(name, name)),
            _shown(name, before, kind_before or kind_after),
            _shown(name, after, kind_after),
        )
        for name, (before, after) in revision.changes.items()
    ]


def _shown(name: str, value, kind) -> str:
    if value is None or value == "":
        return ""
    if name == "kind":
        return str(KIND_LABELS.get(value, value))
    if name == "status":
        return str(STATUS_LABELS.get((kind, value), value))
    if name == "conditions":
        return ", ".join(str(label) for label in conditions_of(int(value)))
    if name == "public":
        return _("Yes") if value else _("No")
    if name in DATE_FIELDS:
        return format_date(date.fromisoformat(value))  # as the page's other dates, not ISO
    return str(value)
