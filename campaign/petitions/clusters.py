"""Signature clusters (one IP hash, one email domain) and an organizer's verdict on a whole cluster."""

from dataclasses import dataclass

from sqlalchemy import case, func, select, update

from campaign.coalitions.services import member_organizations
from campaign.core.slugs import slugify
from campaign.extensions import db
from campaign.petitions.models import Petition, PetitionSignature, SignatureState

MIN_CLUSTER = 3
SHOWN_CLUSTERS = 30
COLUMNS = {"ip": PetitionSignature.ip_hash, "domain": PetitionSignature.email_domain}


@dataclass(frozen=True)
class Cluster:
    kind: str  # "ip" or "domain"
    key: str
    total: int
    quarantined: int
    invalid: int

    @property
    def label(self) -> str:
        return f"#{self.key[:8]}" if self.kind == "ip" else f"@{self.key}"


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


def release(petition: Petition, kind: str, key: str) -> int:
    """Held-back signatures of the cluster count after all (those confirmed by email at once)."""
    result = db.session.execute(
        update(PetitionSignature)
        .where(*_in_cluster(petition, kind, key), PetitionSignature.state == SignatureState.QUARANTINED)
        .values(
            state=case(
                (PetitionSignature.confirmed_at.is_not(None), SignatureState.CONFIRMED.value),
                else_=SignatureState.UNCONFIRMED.value,
            ),
            quarantine_reason="",
            counted=False,
        )
    )
    return result.rowcount


def invalidate(petition: Petition, kind: str, key: str) -> int:
    """Strike the whole cluster out. Counted ones stay on the tallies until the recount the
    caller enqueues (`tasks.recount_petition`): on a big petition it takes a second, not a request's."""
    result = db.session.execute(
        update(PetitionSignature)
        .where(*_in_cluster(petition, kind, key), PetitionSignature.state != SignatureState.INVALID)
        .values(state=SignatureState.INVALID)
    )
    return result.rowcount


@dataclass(frozen=True)
class Sources:
    members: list[tuple[str, str]]  # (member organization, its code), in the coalition's order
    counts: dict[str, int]  # confirmed signatures by code ("" for none)
    others: list[str]  # codes that are no member's (share-whatsapp, widget, ...)


def source_code(organization) -> str:
    """A member organization's `?source=` code: its name made URL-safe."""
    return slugify(organization.name, "member")[:40]


def sources(petition: Petition) -> Sources:
    """Where the confirmed signatures came from: each member organization's link, and the rest."""
    members = [(org.name, source_code(org)) for org in member_organizations(petition.coalition_id)]
    counts = _counts_by_source(petition)
    return Sources(members, counts, sorted(set(counts) - {code for _, code in members}))


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
