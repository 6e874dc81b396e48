"""Signature clusters (one IP hash, one email domain), an organizer's verdict on a whole cluster,
undoing a strike, and where the signatures came from."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.orm import aliased, selectinload

from campaign.coalitions.services import member_organizations
from campaign.core.slugs import slugify
from campaign.extensions import db
from campaign.petitions import paper
from campaign.petitions.models import (
    ClusterStrike,
    Petition,
    PetitionSignature,
    SignatureState,
    StruckSignature,
)
from campaign.petitions.signals import signature_confirmed

MIN_CLUSTER = 3
SHOWN_CLUSTERS = 30
COLUMNS = {"ip": PetitionSignature.ip_hash, "domain": PetitionSignature.email_domain}
# How long a strike can be undone; after that its list of signatures is dropped (upkeep.py).
UNDO_STRIKE_DAYS = 30
UNDO_STRIKE_WINDOW = timedelta(days=UNDO_STRIKE_DAYS)


def label(kind: str, key: str) -> str:
    """How the pages name a cluster: a network by its hash's first characters, never the hash."""
    return f"#{key[:8]}" if kind == "ip" else f"@{key}"


@dataclass(frozen=True)
class Cluster:
    kind: str  # "ip" or "domain"
    key: str
    total: int
    quarantined: int
    invalid: int

    @property
    def label(self) -> str:
        return label(self.kind, self.key)


def clusters(petition: Petition) -> list[Cluster]:
    """The biggest groups of signatures sharing an IP hash or an email domain, held-back ones first."""
    found = []
    for kind, column in COLUMNS.items():
        rows = db.session.execute(
            select(
                column,
                func.count(),
                func.sum(case((PetitionSignature.state == SignatureState.QUARANTINED, 1), else_=0)),
                func.sum(case((PetitionSignature.state == SignatureState.INVALID, 1), else_=0)),
            )
            .where(PetitionSignature.petition_id == petition.id, column.is_not(None), column != "")
            .group_by(column)
            .having(func.count() >= MIN_CLUSTER)
            .order_by(func.count().desc())
            .limit(SHOWN_CLUSTERS)
        )
        found += [Cluster(kind, key, total, held or 0, invalid or 0) for key, total, held, invalid in rows]
    return sorted(found, key=lambda cluster: (-cluster.quarantined, -cluster.total))


def _in_cluster(petition: Petition, kind: str, key: str):
    return (PetitionSignature.petition_id == petition.id, COLUMNS[kind] == key)


# A signature given back: confirmed if its signer clicked (meanwhile), else waiting for the click.
_CONFIRMED_OR_NOT = case(
    (PetitionSignature.confirmed_at.is_not(None), SignatureState.CONFIRMED.value),
    else_=SignatureState.UNCONFIRMED.value,
)


def release(petition: Petition, kind: str, key: str) -> int:
    """Held-back signatures of the cluster count after all (those confirmed by email at once)."""
    released = db.session.execute(
        update(PetitionSignature)
        .where(*_in_cluster(petition, kind, key), PetitionSignature.state == SignatureState.QUARANTINED)
        .values(state=_CONFIRMED_OR_NOT, quarantine_reason="", counted=False)
        .returning(PetitionSignature.id, PetitionSignature.state)
    ).all()
    _tell_confirmed(released)
    return len(released)


def _tell_confirmed(rows) -> None:
    """The signatures of `rows` (id, state) confirmed now, by an organizer's release or undo of
    a click that came before: features above hear of each as of a click (its webhooks)."""
    for signature_id, state in rows:
        if state == SignatureState.CONFIRMED:
            signature_confirmed.send(db.session.get(PetitionSignature, signature_id))


def invalidate(petition: Petition, kind: str, key: str, user_id: int, now: datetime) -> ClusterStrike | None:
    """Strike the whole cluster out, remembering each signature's state for an undo; None if
    nothing was left to strike (a second click). Counted ones stay on the tallies until the
    recount the caller enqueues (`tasks.recount_petition`): on a big petition it takes a second,
    not a request's.

    Signatures of the cluster an earlier strike already struck out are on this strike's list
    too, as invalid before it: undoing either strike then leaves them out while the other
    stands (`undo`)."""
    # Locked: a second click waits here, then finds them struck and strikes nothing.
    rows = db.session.execute(
        select(PetitionSignature.id, PetitionSignature.state)
        .where(*_in_cluster(petition, kind, key))
        .with_for_update()
    ).all()
    struck = sum(state != SignatureState.INVALID for _, state in rows)
    if not struck:
        return None
    strike = ClusterStrike(
        petition_id=petition.id,
        kind=kind,
        label=label(kind, key),
        count=struck,
        struck_by_id=user_id,
        struck_at=now,
    )
    db.session.add(strike)
    db.session.flush()
    db.session.execute(
        insert(StruckSignature),
        [{"strike_id": strike.id, "signature_id": id_, "state_before": state} for id_, state in rows],
    )
    db.session.execute(
        update(PetitionSignature)
        .where(PetitionSignature.id.in_(_struck_by(strike)))
        .values(state=SignatureState.INVALID)
    )
    return strike


def _struck_by(strike: ClusterStrike, state_before: SignatureState | None = None):
    query = select(StruckSignature.signature_id).where(StruckSignature.strike_id == strike.id)
    if state_before is not None:
        query = query.where(StruckSignature.state_before == state_before)
    return query


def can_undo(strike: ClusterStrike, now: datetime) -> bool:
    return strike.undone_at is None and strike.struck_at > now - UNDO_STRIKE_WINDOW


def undo(strike: ClusterStrike, user_id: int, now: datetime) -> bool:
    """Give the struck signatures their states back; False if it was undone already (a second
    click) or is too old. The caller enqueues the recount. One confirmed by its signer while
    struck out counts now. One that another strike still standing covers stays out: that
    strike's list takes over the state it had before this one, for its own undo."""
    # The petition's strikes locked: two undos at once would each see the other still standing.
    db.session.execute(
        select(ClusterStrike.id).where(ClusterStrike.petition_id == strike.petition_id).with_for_update()
    )
    claimed = db.session.execute(
        update(ClusterStrike)
        .where(
            ClusterStrike.id == strike.id,
            ClusterStrike.undone_at.is_(None),
            ClusterStrike.struck_at > now - UNDO_STRIKE_WINDOW,
        )
        .values(undone_at=now, undone_by_id=user_id)
    ).rowcount
    if not claimed:
        return False
    still_struck = _hand_over(strike)
    given_back = {
        SignatureState.CONFIRMED: SignatureState.CONFIRMED.value,
        SignatureState.QUARANTINED: SignatureState.QUARANTINED.value,
        SignatureState.UNCONFIRMED: _CONFIRMED_OR_NOT,
    }
    for state_before, state in given_back.items():
        rows = db.session.execute(
            update(PetitionSignature)
            .where(
                PetitionSignature.id.in_(_struck_by(strike, state_before)),
                PetitionSignature.id.not_in(still_struck),
                PetitionSignature.state == SignatureState.INVALID,
            )
            .values(state=state)
            .returning(PetitionSignature.id, PetitionSignature.state)
        ).all()
        if state_before == SignatureState.UNCONFIRMED:  # a confirmed one was told before its strike
            _tell_confirmed(rows)
    db.session.execute(delete(StruckSignature).where(StruckSignature.strike_id == strike.id))
    db.session.refresh(strike)
    return True


def _hand_over(strike: ClusterStrike):
    """The signatures of `strike` (being undone) that another strike still covers: those whose
    list says they were invalid already get this strike's state before instead, so undoing that
    one gives back what they were before either. Returns them, as a query."""
    standing = select(ClusterStrike.id).where(
        ClusterStrike.petition_id == strike.petition_id,
        ClusterStrike.id != strike.id,
        ClusterStrike.undone_at.is_(None),
    )
    mine = aliased(StruckSignature)
    state_before_mine = (
        select(mine.state_before)
        .where(mine.strike_id == strike.id, mine.signature_id == StruckSignature.signature_id)
        .scalar_subquery()
    )
    db.session.execute(
        update(StruckSignature)
        .where(
            StruckSignature.strike_id.in_(standing),
            StruckSignature.signature_id.in_(_struck_by(strike)),
            StruckSignature.state_before == SignatureState.INVALID,
        )
        .values(state_before=state_before_mine)
        .execution_options(synchronize_session=False)
    )
    return select(StruckSignature.signature_id).where(StruckSignature.strike_id.in_(standing))


def strikes(petition: Petition, now: datetime) -> list[ClusterStrike]:
    """Strikes of the last UNDO_STRIKE_DAYS, newest first: the page offers to undo those not
    undone yet."""
    return db.session.scalars(
        select(ClusterStrike)
        .where(
            ClusterStrike.petition_id == petition.id,
            ClusterStrike.struck_at > now - UNDO_STRIKE_WINDOW,
        )
        .options(selectinload(ClusterStrike.struck_by), selectinload(ClusterStrike.undone_by))
        .order_by(ClusterStrike.struck_at.desc(), ClusterStrike.id.desc())
    ).all()


@dataclass(frozen=True)
class Sources:
    members: list[tuple[str, str]]  # (member organization, its code), in the coalition's order
    counts: dict[str, int]  # confirmed signatures by code ("" for none)
    others: list[str]  # codes that are no member's (share-whatsapp, widget, ...)
    paper: list[paper.PaperLine]  # signatures on paper, by who collected them

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + sum(line.count for line in self.paper)


def source_code(organization) -> str:
    """A member organization's `?source=` code: its name made URL-safe."""
    return slugify(organization.name, "member")[:40]


def member_codes(members) -> list[tuple[str, str]]:
    """(name, `?source=` code) of each member organization, in the order given."""
    return [(member.name, source_code(member)) for member in members]


def sources(petition: Petition) -> Sources:
    """Where the confirmed signatures came from: each member organization's link, the rest, and
    the paper batches."""
    members = member_organizations(petition.coalition_id)
    codes = member_codes(members)
    counts = _counts_by_source(petition)
    others = sorted(set(counts) - {code for _, code in codes})
    return Sources(codes, counts, others, paper.by_collector(petition, paper.collector_names(members)))


def _counts_by_source(petition: Petition) -> dict[str, int]:
    """Confirmed signatures per `?source=` code ("" for none)."""
    return dict(
        db.session.execute(
            select(PetitionSignature.source, func.count())
            .where(
                PetitionSignature.petition_id == petition.id,
                PetitionSignature.state == SignatureState.CONFIRMED,
            )
            .group_by(PetitionSignature.source)
        ).all()
    )
