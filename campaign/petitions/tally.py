"""Tallies: confirmed signatures folded into stored counts in batches, and the exact recount.

The sign request never touches a counter (the UK Parliament petitions site fell over on
counter-row contention). `fold()` claims uncounted confirmed rows with SKIP LOCKED, so several
workers can fold at once without counting a row twice, and adds them to the petition's count and
its per-state, per-county and per-ZIP rows with atomic `count = count + n` upserts.
"""

import logging
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, literal, select, tuple_, union_all, update

from campaign.core import upserts
from campaign.extensions import db
from campaign.petitions.models import (
    PaperBatch,
    PaperEntry,
    Petition,
    PetitionSignature,
    SignatureState,
    Tally,
)

log = logging.getLogger(__name__)

FOLD_BATCH = 5000


def places(us_state: str, county: str, zip_code: str) -> list[tuple[str, str]]:
    places = [("zip", zip_code)]
    if us_state:
        places.append(("state", us_state))
        if county:
            places.append(("county", f"{us_state}:{county}"))
    return places


def petitions_with_work() -> list[int]:
    return list(
        db.session.scalars(
            select(PetitionSignature.petition_id)
            .where(PetitionSignature.state == SignatureState.CONFIRMED, PetitionSignature.counted.is_(False))
            .distinct()
        )
    )


def fold(petition_id: int, batch: int = FOLD_BATCH) -> int:
    """Add up to `batch` newly confirmed signatures to the tallies; the caller commits."""
    rows = db.session.execute(
        select(
            PetitionSignature.id,
            PetitionSignature.us_state,
            PetitionSignature.county,
            PetitionSignature.zip_code,
        )
        .where(
            PetitionSignature.petition_id == petition_id,
            PetitionSignature.state == SignatureState.CONFIRMED,
            PetitionSignature.counted.is_(False),
        )
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    if not rows:
        return 0
    db.session.execute(
        update(PetitionSignature)
        .where(PetitionSignature.id.in_([row.id for row in rows]))
        .values(counted=True)
    )
    counts = Counter(place for row in rows for place in places(row.us_state, row.county, row.zip_code))
    add_to_tallies(petition_id, counts)
    db.session.execute(
        update(Petition)
        .where(Petition.id == petition_id)
        .values(signature_count=Petition.signature_count + len(rows))
    )
    return len(rows)


def add_to_tallies(petition_id: int, counts: Counter) -> None:
    """Add `counts` (of (level, place)) to the stored tallies, one row each, made if new. One
    statement run with each row's parameters: with all the rows written into one statement, a
    recount's few thousand took 0.4-0.5 s, and PostgreSQL takes 65,535 parameters at most."""
    if not counts:
        return
    statement = upserts.insert(Tally)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["petition_id", "level", "place"],
            set_={"count": Tally.count + statement.excluded.count},
        ),
        [
            {"petition_id": petition_id, "level": level, "place": place, "count": n}
            for (level, place), n in counts.items()
        ],
    )


def take_from_tallies(petition_id: int, counts: Counter) -> None:
    """Undo `add_to_tallies` (a paper batch corrected or deleted)."""
    change_tallies(petition_id, Counter({place: -n for place, n in counts.items()}))


def change_tallies(petition_id: int, changes: Counter) -> None:
    """Add `changes`, some of them negative, to the stored tallies; places left at 0 go."""
    add_to_tallies(petition_id, changes)
    lowered = [place for place, n in changes.items() if n < 0]
    if lowered:
        db.session.execute(
            delete(Tally).where(
                Tally.petition_id == petition_id,
                tuple_(Tally.level, Tally.place).in_(lowered),
                Tally.count <= 0,
            )
        )


NOT_COUNTED = tuple(state for state in SignatureState if state != SignatureState.CONFIRMED)


def recount(petition_id: int) -> int:
    """The exact count from the signatures and paper entries themselves; repairs and logs any drift
    of the online count (a change no confirmation or strike explains). Returns that drift. The
    database groups the rows by place in one statement (a million signatures come back as a few
    thousand groups); the count and the tallies are summed from those groups."""
    of_petition = PetitionSignature.petition_id == petition_id
    # Everything confirmed is in the recount; mark the few not yet folded so fold() skips them.
    # Those are on their way, not drift.
    not_yet_folded = db.session.execute(
        update(PetitionSignature)
        .where(
            of_petition,
            PetitionSignature.state == SignatureState.CONFIRMED,
            PetitionSignature.counted.is_(False),
        )
        .values(counted=True)
    ).rowcount
    # Folded ones no longer confirmed (a strike, clusters.py) leave the count here: expected, not
    # drift either. Unmarked, so that a strike undone gives them back to fold() like any other.
    # The states named (not "!= confirmed"), so the index on (petition, state, counted) finds
    # them: a scan of a million rows otherwise, for the few that a strike leaves.
    struck_since_folded = db.session.execute(
        update(PetitionSignature)
        .where(
            of_petition,
            PetitionSignature.state.in_(NOT_COUNTED),
            PetitionSignature.counted.is_(True),
        )
        .values(counted=False)
    ).rowcount
    total, counts = 0, Counter()
    for online, zip_code, us_state, county, signers in db.session.execute(_groups(petition_id)):
        total += signers if online else 0
        for place in places(us_state, county, zip_code):
            counts[place] += signers
    petition = db.session.get(Petition, petition_id)
    drift = total - not_yet_folded - (petition.signature_count - struck_since_folded)
    if drift:
        log.warning(
            "petition %s: stored count %s, exact count %s", petition_id, petition.signature_count, total
        )
    _store(petition_id, counts)
    petition.signature_count = total
    petition.paper_count = db.session.scalar(
        select(func.coalesce(func.sum(PaperBatch.count), 0)).where(PaperBatch.petition_id == petition_id)
    )
    db.session.flush()
    return drift


def _store(petition_id: int, counts: Counter) -> None:
    """Make the petition's stored tallies `counts`, writing only the places that differ: none on
    most recounts. Rewriting every place of a million signers (some 4,700) took a third of it."""
    stored = db.session.execute(
        select(Tally.level, Tally.place, Tally.count).where(Tally.petition_id == petition_id)
    )
    changes = Counter(counts)
    changes.subtract({(level, place): n for level, place, n in stored})
    change_tallies(petition_id, Counter({place: n for place, n in changes.items() if n}))
    # A place stored at 0 or below (drift raised back to 0 is no lowering) holds no signer.
    db.session.execute(delete(Tally).where(Tally.petition_id == petition_id, Tally.count <= 0))


def _groups(petition_id: int):
    """(online, zip_code, us_state, county, signers): the confirmed online signatures and the paper
    entries, each grouped by place. A plain SELECT, which PostgreSQL may hand to parallel workers
    (an INSERT ... SELECT it never does)."""
    signed = (PetitionSignature.zip_code, PetitionSignature.us_state, PetitionSignature.county)
    written = (PaperEntry.zip_code, PaperEntry.us_state, PaperEntry.county)
    return union_all(
        select(literal(True), *signed, func.count())
        .where(
            PetitionSignature.petition_id == petition_id, PetitionSignature.state == SignatureState.CONFIRMED
        )
        .group_by(*signed),
        select(literal(False), *written, func.count())
        .join(PaperBatch, PaperBatch.id == PaperEntry.batch_id)
        .where(PaperBatch.petition_id == petition_id)
        .group_by(*written),
    )


def by_level(petition_id: int, level: str, prefix: str = "") -> list[tuple[str, int]]:
    """Stored counts of one level ("state", "county", "zip"), largest first."""
    query = select(Tally.place, Tally.count).where(Tally.petition_id == petition_id, Tally.level == level)
    if prefix:
        query = query.where(Tally.place.startswith(prefix))
    return [
        (place, count) for place, count in db.session.execute(query.order_by(Tally.count.desc(), Tally.place))
    ]


@dataclass(frozen=True)
class PlaceTotals:
    """The count by state, and the lines that make the states add up to the petition's total."""

    by_state: list[tuple[str, int]]
    paper_without_place: int  # batches entered as a number, without names and ZIP codes
    elsewhere: int  # ZIP codes in no state (military mail), or a tally a moment behind the count
    total: int


def place_totals(petition: Petition) -> PlaceTotals:
    by_state = by_level(petition.id, "state")
    unplaced = paper_without_place(petition.id)
    elsewhere = petition.total - unplaced - sum(count for _, count in by_state)
    return PlaceTotals(by_state, unplaced, max(elsewhere, 0), petition.total)


def paper_without_place(petition_id: int) -> int:
    """Paper signatures of batches that have no entries: a number, with no ZIP code to place."""
    named = exists().where(PaperEntry.batch_id == PaperBatch.id)
    return db.session.scalar(
        select(func.coalesce(func.sum(PaperBatch.count), 0)).where(
            PaperBatch.petition_id == petition_id, ~named
        )
    )
