"""Paper signatures: batches an organizer enters, counted with the online ones and shown apart."""

from collections import Counter

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from campaign.core.places import place_of
from campaign.extensions import db
from campaign.petitions import tally
from campaign.petitions.models import PaperBatch, PaperEntry, Petition


def add_batch(
    petition: Petition, organization_id: int | None, count: int, names: list[tuple[str, str]], user_id: int
) -> PaperBatch:
    """`names` holds (name, ZIP) pairs read off the sheets; without them, `count` says how many."""
    batch = PaperBatch(
        petition_id=petition.id,
        organization_id=organization_id,
        count=len(names) or count,
        entered_by_id=user_id,
    )
    places = Counter()
    for name, zip_code in names:
        place = place_of(zip_code)
        entry = PaperEntry(name=name, zip_code=zip_code, us_state=place.state, county=place.county)
        batch.entries.append(entry)
        places.update(tally.places(entry.us_state, entry.county, entry.zip_code))
    db.session.add(batch)
    db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id)
        .values(paper_count=Petition.paper_count + batch.count)
    )
    tally.add_to_tallies(petition.id, places)
    db.session.flush()
    return batch


def batches(petition: Petition) -> list[PaperBatch]:
    return db.session.scalars(
        select(PaperBatch)
        .options(selectinload(PaperBatch.organization))  # the page names who collected each batch
        .where(PaperBatch.petition_id == petition.id)
        .order_by(PaperBatch.created_at.desc())
    ).all()
