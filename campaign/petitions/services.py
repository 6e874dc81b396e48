"""Petition rules: writing, opening, closing at the deadline, and what the public page shows."""

import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import joinedload

from campaign.coalitions.models import Coalition
from campaign.core import transitions
from campaign.core.images import PreparedImage
from campaign.core.slugs import unique_slug
from campaign.extensions import db
from campaign.petitions.models import (
    WRITTEN_FIELDS,
    Petition,
    PetitionImage,
    PetitionSignature,
    PetitionState,
    SignatureState,
)

FIELDS = (*WRITTEN_FIELDS, "deadline", "time_zone", "trusted_source")
RECENT_SIGNERS = 8
# A sign request takes an open petition from the process's memory for this long: one query less
# per signature in a surge. A petition closed elsewhere (another process, another thread before
# the close commits, the beat job's deadline check) takes signatures for at most this long, and
# they never count: confirming refuses a closed petition's signatures, and they expire.
OPEN_TARGET_SECONDS = 2.0


class PetitionStateError(Exception):
    """The petition is no longer in a state that allows this (a teammate or the clock moved it)."""


def create_petition(coalition_id: int, author_id: int, fields: dict) -> Petition:
    petition = Petition(
        coalition_id=coalition_id,
        created_by_id=author_id,
        slug=unique_slug(fields["title"], Petition.slug, "petition"),
        state=PetitionState.DRAFT,
    )
    update_petition(petition, fields)
    db.session.add(petition)
    db.session.flush()
    return petition


def update_petition(petition: Petition, fields: dict) -> None:
    for name in FIELDS:
        if name in fields:
            setattr(petition, name, fields[name])
    db.session.flush()


@dataclass(frozen=True)
class SignTarget:
    """What a sign request needs of its petition, read by one light query: the hot path."""

    id: int
    coalition_id: int
    state: PetitionState
    coalition_name: str

    @property
    def is_open(self) -> bool:
        return self.state == PetitionState.OPEN


_SIGN_TARGET = (
    select(Petition.id, Petition.coalition_id, Petition.state, Coalition.name)
    .join(Coalition, Coalition.id == Petition.coalition_id)
    .where(Petition.slug == bindparam("slug"))
)


def sign_target(slug: str) -> SignTarget | None:
    remembered = _open_targets()
    expires, target = remembered.get(slug, (0.0, None))
    if expires > time.monotonic():
        return target
    # On the session's connection, past the ORM: plain columns need no identity map.
    row = db.session.connection().execute(_SIGN_TARGET, {"slug": slug}).first()
    target = SignTarget(*row) if row else None
    if target is not None and target.is_open:  # a draft is never remembered: it opens at once
        remembered[slug] = (time.monotonic() + OPEN_TARGET_SECONDS, target)
    return target


def _open_targets() -> dict[str, tuple[float, SignTarget]]:
    """The app's own (tests run many apps in one process, with the same slugs)."""
    return current_app.extensions.setdefault("petition_sign_targets", {})


def set_image(petition: Petition, image: PreparedImage | None) -> None:
    """Replace the petition's image (None removes it). The old bytes go: nothing links to them."""
    db.session.execute(delete(PetitionImage).where(PetitionImage.petition_id == petition.id))
    petition.image_key = None
    petition.image_width = petition.image_height = 0
    if image is not None:
        petition.image_key = secrets.token_hex(16)
        petition.image_width, petition.image_height = image.width, image.height
        db.session.add(PetitionImage(key=petition.image_key, petition_id=petition.id, data=image.data))
    db.session.flush()


def image_bytes(key: str) -> bytes | None:
    return db.session.scalar(select(PetitionImage.data).where(PetitionImage.key == key))


def open_petition(petition: Petition, now: datetime) -> None:
    _move(
        petition,
        (PetitionState.DRAFT, PetitionState.CLOSED),
        PetitionState.OPEN,
        opened_at=now,
        closed_at=None,
    )


def close(petition: Petition, now: datetime) -> None:
    _move(petition, (PetitionState.OPEN,), PetitionState.CLOSED, closed_at=now)


def close_past_deadline(now: datetime) -> int:
    result = db.session.execute(
        update(Petition)
        .where(Petition.state == PetitionState.OPEN, Petition.deadline.is_not(None), Petition.deadline <= now)
        .values(state=PetitionState.CLOSED, closed_at=now)
    )
    if result.rowcount:
        _open_targets().clear()
    return result.rowcount


def _move(petition: Petition, allowed, to_state: PetitionState, **values) -> None:
    if not transitions.move(petition, allowed, to_state, **values):
        raise PetitionStateError
    _open_targets().pop(petition.slug, None)  # other processes see the change within seconds


def recent_public_signers(petition: Petition) -> list[str]:
    """ "Ana R., Philadelphia": only signers who chose to be shown, newest first."""
    rows = db.session.scalars(
        select(PetitionSignature)
        .options(joinedload(PetitionSignature.supporter))  # one query for the names, not one per signer
        .where(
            PetitionSignature.petition_id == petition.id,
            PetitionSignature.state == SignatureState.CONFIRMED,
            PetitionSignature.show_name.is_(True),
        )
        .order_by(PetitionSignature.confirmed_at.desc())
        .limit(RECENT_SIGNERS)
    )
    return [
        _public_name(signature)
        for signature in rows
        if signature.supporter and signature.supporter.first_name
    ]


def _public_name(signature: PetitionSignature) -> str:
    supporter = signature.supporter
    initial = f" {supporter.last_name[0]}." if supporter.last_name else ""
    return f"{supporter.first_name}{initial}" + (f", {signature.city}" if signature.city else "")


def petition_ids() -> list[int]:
    return list(db.session.scalars(select(Petition.id).where(Petition.state != PetitionState.DRAFT)))


def live_figures(petition: Petition) -> dict[str, int]:
    """The organizer page's counts, which it refreshes every few seconds: the stored tallies,
    and the signatures waiting for a click or held back (a range of the (petition, state)
    index, however big the petition)."""
    waiting = dict(
        db.session.execute(
            select(PetitionSignature.state, func.count())
            .where(
                PetitionSignature.petition_id == petition.id,
                PetitionSignature.state.in_([SignatureState.UNCONFIRMED, SignatureState.QUARANTINED]),
            )
            .group_by(PetitionSignature.state)
        ).all()
    )
    return {
        "total": petition.total,
        "online": petition.signature_count,
        "paper": petition.paper_count,
        "unconfirmed": waiting.get(SignatureState.UNCONFIRMED, 0),
        "quarantined": waiting.get(SignatureState.QUARANTINED, 0),
    }
