"""When petitions passed 100, 1,000… signatures or their goal, read back from the signature rows.

No row records the moment: the signatures confirmed (and paper batches entered) since `since`
are put in order, added up from the count the petition had before them, and the rows at which
the running count first reaches a milestone are the moments it was passed. One query for all
the petitions asked about; it reads only the window's signatures.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_decimal, ngettext
from sqlalchemy import Integer, func, literal, select, true, union_all

from campaign.extensions import db
from campaign.petitions.models import PaperBatch, Petition, PetitionSignature, SignatureState
from campaign.petitions.upkeep import MILESTONES


@dataclass(frozen=True)
class Crossing:
    petition_id: int
    coalition_id: int
    title: str
    reached: int
    is_goal: bool
    at: datetime

    def describe(self) -> str:
        words = {"title": self.title, "count": format_decimal(self.reached)}
        if self.is_goal:
            return ngettext(
                "“%(title)s” reached its goal of %(count)s signature.",
                "“%(title)s” reached its goal of %(count)s signatures.",
                self.reached,
                **words,
            )
        return ngettext(
            "“%(title)s” passed %(count)s signature.",
            "“%(title)s” passed %(count)s signatures.",
            self.reached,
            **words,
        )


def crossings(coalition_ids: list[int], since: datetime) -> list[Crossing]:
    """Each milestone (and goal) the coalitions' petitions passed since `since`, oldest first."""
    petitions = select(Petition.id).where(Petition.coalition_id.in_(coalition_ids))
    recent = union_all(
        select(
            PetitionSignature.petition_id.label("petition_id"),
            PetitionSignature.confirmed_at.label("at"),
            literal(1, Integer).label("added"),
        ).where(
            PetitionSignature.petition_id.in_(petitions),
            PetitionSignature.state == SignatureState.CONFIRMED,
            PetitionSignature.confirmed_at >= since,
        ),
        select(PaperBatch.petition_id, PaperBatch.created_at, PaperBatch.count).where(
            PaperBatch.petition_id.in_(petitions), PaperBatch.created_at >= since
        ),
    ).subquery()
    by_petition = {"partition_by": recent.c.petition_id}
    running = select(
        recent.c.petition_id,
        recent.c.at,
        recent.c.added,
        func.sum(recent.c.added).over(**by_petition, order_by=recent.c.at, rows=(None, 0)).label("upto"),
        func.sum(recent.c.added).over(**by_petition).label("in_window"),
    ).subquery()
    # The stored count includes the window's signatures: what is left is the count before it.
    total = Petition.signature_count + Petition.paper_count
    after = total - running.c.in_window + running.c.upto
    steps = _steps(petitions)
    rows = db.session.execute(
        select(
            Petition.id,
            Petition.coalition_id,
            Petition.title,
            Petition.goal,
            steps.c.step,
            func.min(running.c.at),
        )
        .join(running, running.c.petition_id == Petition.id)
        .join(steps, steps.c.petition_id == Petition.id)
        .where(after - running.c.added < steps.c.step, steps.c.step <= after)
        .group_by(Petition.id, Petition.coalition_id, Petition.title, Petition.goal, steps.c.step)
    )
    found = [Crossing(pid, cid, title, step, step == goal, at) for pid, cid, title, goal, step, at in rows]
    return sorted(found, key=lambda crossing: (crossing.at, crossing.reached))


def latest_per_petition(found: list[Crossing]) -> list[Crossing]:
    """The highest milestone each petition passed: a week from 90 to 1,200 is news of 1,000."""
    latest = {crossing.petition_id: crossing for crossing in found}  # sorted: the last one wins
    return list(latest.values())


def _steps(petitions):
    """Each of `petitions` with each milestone, and with its own goal."""
    fixed = union_all(*(select(literal(step, Integer).label("step")) for step in MILESTONES)).subquery()
    return union_all(
        select(Petition.id.label("petition_id"), fixed.c.step)
        .join(fixed, true())  # every petition with every milestone
        .where(Petition.id.in_(petitions)),
        select(Petition.id, Petition.goal).where(Petition.id.in_(petitions)),
    ).subquery()
