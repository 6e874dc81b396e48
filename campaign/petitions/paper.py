"""Paper signatures: batches an organizer enters, corrects or deletes (each change logged),
counted with the online ones and shown apart."""

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from campaign.coalitions.services import Member
from campaign.core.outbox import utcnow
from campaign.core.places import place_of
from campaign.extensions import db
from campaign.petitions import tally
from campaign.petitions.models import PaperBatch, PaperBatchChange, PaperChangeKind, PaperEntry, Petition


def add_batch(
    petition: Petition,
    organization_id: int | None,
    count: int,
    names: list[tuple[str, str]],
    user_id: int,
    form_key: str | None = None,
) -> PaperBatch:
    """`names` holds (name, ZIP) pairs read off the sheets; without them, `count` says how many.
    `form_key` is the one-time key of the form that adds it: the same form sent again (a double
    click) returns the batch it added instead of adding a second. None: not entered through a
    form (a script's batch, a test's)."""
    added = _added_by(petition, form_key) if form_key else None
    if added is not None:
        return added
    batch = PaperBatch(petition_id=petition.id, entered_by_id=user_id, form_key=form_key)
    _fill(batch, organization_id, count, names)
    try:
        # The same form sent twice at the same moment meets the unique key: one batch, counted once.
        with db.session.begin_nested():
            db.session.add(batch)
            db.session.flush()
    except IntegrityError:
        return _added_by(petition, form_key)
    _count(batch, +1)
    db.session.flush()
    return batch


def _added_by(petition: Petition, form_key: str) -> PaperBatch | None:
    return db.session.scalar(
        select(PaperBatch).where(PaperBatch.petition_id == petition.id, PaperBatch.form_key == form_key)
    )


def correct_batch(
    batch: PaperBatch,
    organization_id: int | None,
    count: int,
    names: list[tuple[str | None, str]],
    user_id: int,
    collectors: dict[int, str],
) -> bool:
    """The batch (loaded locked: `locked_batch`) as the organizer now says it was; the counts, the
    places and the log follow. False if that is what it already was (a second click)."""
    if (batch.organization_id, batch.count, _entries(batch)) == (organization_id, len(names) or count, names):
        return False
    before = described(batch, collectors)
    _count(batch, -1)
    batch.entries.clear()
    _fill(batch, organization_id, count, names)
    _count(batch, +1)
    _log(batch, PaperChangeKind.EDITED, user_id, before, described(batch, collectors))
    db.session.flush()
    return True


def locked_batch(petition: Petition, batch_id: int) -> PaperBatch | None:
    """The petition's batch, locked until the transaction ends: a second correction or deletion
    (a double click, another organizer) waits, then finds it changed or gone."""
    return db.session.scalar(
        select(PaperBatch)
        .where(PaperBatch.id == batch_id, PaperBatch.petition_id == petition.id)
        .with_for_update()
    )


def was_deleted(petition: Petition, batch_id: int) -> bool:
    """The petition's log has the batch's deletion: it was this petition's, and is gone."""
    return (
        db.session.scalar(
            select(PaperBatchChange.id).where(
                PaperBatchChange.petition_id == petition.id,
                PaperBatchChange.batch_id == batch_id,
                PaperBatchChange.kind == PaperChangeKind.DELETED,
            )
        )
        is not None
    )


def _entries(batch: PaperBatch) -> list[tuple[str | None, str]]:
    return [(entry.name, entry.zip_code) for entry in batch.entries]


def delete_batch(batch: PaperBatch, user_id: int, collectors: dict[int, str]) -> None:
    """The batch (loaded locked: `locked_batch`) off the count and its places, and logged."""
    _log(batch, PaperChangeKind.DELETED, user_id, described(batch, collectors), {})
    _count(batch, -1)
    db.session.delete(batch)
    db.session.flush()


def _fill(
    batch: PaperBatch, organization_id: int | None, count: int, names: list[tuple[str | None, str]]
) -> None:
    batch.organization_id = organization_id
    batch.count = len(names) or count
    for name, zip_code in names:
        place = place_of(zip_code)
        batch.entries.append(
            PaperEntry(name=name, zip_code=zip_code, us_state=place.state, county=place.county)
        )


def _count(batch: PaperBatch, sign: int) -> None:
    """Add the batch to the petition's paper count and its places (+1), or take it off (-1)."""
    db.session.execute(
        update(Petition)
        .where(Petition.id == batch.petition_id)
        .values(paper_count=Petition.paper_count + sign * batch.count)
    )
    places = Counter(
        place
        for entry in batch.entries
        for place in tally.places(entry.us_state, entry.county, entry.zip_code)
    )
    if sign > 0:
        tally.add_to_tallies(batch.petition_id, places)
    else:
        tally.take_from_tallies(batch.petition_id, places)


def described(batch: PaperBatch, collectors: dict[int, str]) -> dict:
    """What the log keeps of a batch: who collected it, how many, how many by name. No names."""
    return {
        "collected_by": collector_name(batch, collectors),
        "count": batch.count,
        "named": len(batch.entries),
    }


def _log(batch: PaperBatch, kind: PaperChangeKind, user_id: int, before: dict, after: dict) -> None:
    db.session.add(
        PaperBatchChange(
            petition_id=batch.petition_id,
            batch_id=batch.id,
            kind=kind,
            before=before,
            after=after,
            changed_by_id=user_id,
            changed_at=utcnow(),
        )
    )


class BatchRow(NamedTuple):
    batch: PaperBatch
    named: int  # entries with a name and ZIP code; 0 for a batch entered as a number
    collected_by: str  # "" for the coalition itself


def batches(petition: Petition, names: dict[int, str]) -> list[BatchRow]:
    """Newest first, with who collected each (`names`: the members' names) and how many are named."""
    named = select(func.count()).where(PaperEntry.batch_id == PaperBatch.id).scalar_subquery()
    return [
        BatchRow(batch, count, collector_name(batch, names))
        for batch, count in db.session.execute(
            select(PaperBatch, named)
            .options(selectinload(PaperBatch.organization))
            .where(PaperBatch.petition_id == petition.id)
            .order_by(PaperBatch.created_at.desc(), PaperBatch.id.desc())
        )
    ]


def changes(petition: Petition) -> list[PaperBatchChange]:
    """The log of corrections and deletions, newest first."""
    return db.session.scalars(
        select(PaperBatchChange)
        .options(selectinload(PaperBatchChange.changed_by))
        .where(PaperBatchChange.petition_id == petition.id)
        .order_by(PaperBatchChange.changed_at.desc(), PaperBatchChange.id.desc())
    ).all()


def names_removed(batch: PaperBatch) -> bool:
    """Retention has cleared the names of the batch (retention.py); their ZIP codes stay."""
    return any(entry.name is None for entry in batch.entries)


def form_values(batch: PaperBatch) -> dict:
    """The batch as the form shows it: its names one "name, ZIP" a line, or else its number. A
    name retention has cleared is a line with its ZIP code alone, never a stand-in that saving
    would store as a name."""
    lines = "\n".join(
        f"{entry.name}, {entry.zip_code}" if entry.name is not None else entry.zip_code
        for entry in batch.entries
    )
    return {
        "organization_id": batch.organization_id or 0,
        "count": None if lines else batch.count,
        "names": lines,
    }


def collector_names(members: list[Member]) -> dict[int, str]:
    """Member organizations by id, with the names the coalition shows for them."""
    return {member.id: member.name for member in members}


def collector_name(batch: PaperBatch, names: dict[int, str]) -> str:
    """Who collected the batch; "" for the coalition itself. A former member keeps its own name."""
    if batch.organization_id is None:
        return ""
    return names.get(batch.organization_id) or (batch.organization.name if batch.organization else "")


@dataclass(frozen=True)
class PaperLine:
    collected_by: str  # "" for the coalition itself
    placed: bool  # entered with names and ZIP codes, so also counted by place
    count: int


def by_collector(petition: Petition, names: dict[int, str]) -> list[PaperLine]:
    """Paper signatures by who collected them, those with ZIP codes apart from those without."""
    totals = Counter()
    for batch, named, collected_by in batches(petition, names):
        totals[collected_by, bool(named)] += batch.count
    return [PaperLine(name, placed, count) for (name, placed), count in sorted(totals.items())]
