"""The emails a petition sends its signers, through notifications' one email path."""

from itsdangerous import BadSignature

from campaign.core.outbox import enqueue
from campaign.core.urls import external_url
from campaign.notifications import services as notifications
from campaign.notifications import tasks as notification_tasks
from campaign.petitions.models import PetitionSignature
from campaign.supporters.tokens import serializer

CONFIRM_SALT = "petitions.confirm-signature"


def confirm_token(signature: PetitionSignature) -> str:
    return serializer(CONFIRM_SALT).dumps(signature.id)


def signature_id_for_token(token: str) -> int | None:
    """No expiry: an unconfirmed signature stops counting when its petition closes instead."""
    try:
        return serializer(CONFIRM_SALT).loads(token)
    except BadSignature:
        return None


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


def remind_to_confirm(signature: PetitionSignature) -> None:
    _send(signature, "reminder", "reminder")


def tell_already_signed(signature: PetitionSignature, repeat: int) -> None:
    _send(signature, "already_signed", f"repeat:{repeat}", confirmed=signature.confirmed_at is not None)
