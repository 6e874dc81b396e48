"""The emails a petition sends its signers, through notifications' one email path."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from campaign.core.outbox import enqueue
from campaign.core.urls import external_url
from campaign.extensions import db
from campaign.notifications import services as notifications
from campaign.notifications import tasks as notification_tasks
from campaign.petitions.models import PetitionSignature
from campaign.supporters.tokens import loads_or_none, serializer

CONFIRM_SALT = "petitions.confirm-signature"
ASK_BATCH = 200


def confirm_token(signature: PetitionSignature) -> str:
    return serializer(CONFIRM_SALT).dumps(signature.id)


def signature_id_for_token(token: str) -> int | None:
    """No expiry: an unconfirmed signature stops counting when its petition closes instead."""
    return loads_or_none(CONFIRM_SALT, token)


def _send(signature: PetitionSignature, name: str, key: str, **extra) -> None:
    petition = signature.petition
    message = notifications.notify(
        petition.coalition_id,
        [signature.supporter_id],
        f"petitions/emails/{name}",
        {
            "petition_id": petition.id,
            "petition_title": petition.title,
            "petition_title_es": petition.title_es,
            "petition_url": external_url("petitions.public_petition", slug=petition.slug),
            "confirm_url": external_url("petitions.confirm", token=confirm_token(signature)),
        }
        | extra,
        dedupe_key=f"petition:{petition.id}:signature:{signature.id}:{key}",
        transactional=True,  # the signer asked for it by signing
    )
    if message is not None:
        enqueue(notification_tasks.start_message, message_id=message.id)


def ask_to_confirm(signature: PetitionSignature) -> None:
    _send(signature, "confirm", "confirm")


def ask_waiting_signers(now: datetime, batch: int = ASK_BATCH) -> int:
    """Email the next batch of new signers asking them to confirm; returns how many.

    The claim and the emails' rows commit together, so each signer is asked once: a worker that
    dies before its commit leaves the batch to the next run, and two workers skip each other's
    rows. Oldest first, so a surge is answered in the order people signed.
    """
    ids = db.session.scalars(
        select(PetitionSignature.id)
        .where(PetitionSignature.asked_at.is_(None))
        .order_by(PetitionSignature.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    if not ids:
        return 0
    db.session.execute(update(PetitionSignature).where(PetitionSignature.id.in_(ids)).values(asked_at=now))
    signatures = db.session.scalars(
        select(PetitionSignature)
        .options(selectinload(PetitionSignature.petition))
        .where(PetitionSignature.id.in_(ids), PetitionSignature.confirmed_at.is_(None))
    )
    for signature in signatures:
        ask_to_confirm(signature)
    return len(ids)


def remind_to_confirm(signature: PetitionSignature) -> None:
    _send(signature, "reminder", "reminder")


def tell_already_signed(signature: PetitionSignature, repeat: int) -> None:
    _send(signature, "already_signed", f"repeat:{repeat}", confirmed=signature.confirmed_at is not None)
