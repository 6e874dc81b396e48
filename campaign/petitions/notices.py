"""The emails a petition sends its signers, through notifications' one email path."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, select, update

from campaign.core.outbox import enqueue
from campaign.core.urls import external_url
from campaign.extensions import db
from campaign.notifications import services as notifications
from campaign.notifications import tasks as notification_tasks
from campaign.petitions.models import Petition, PetitionSignature
from campaign.supporters.tokens import loads_or_none, serializer

CONFIRM_SALT = "petitions.confirm-signature"
ASK_BATCH = 200
CONFIRM_LINK = "petition_confirm"  # the personal link the sender puts in each signer's email
_SLOT = "SIGNATURE-SLOT"  # where each signer's token goes in the link


def confirm_token(signature_id: int) -> str:
    return serializer(CONFIRM_SALT).dumps(signature_id)


def signature_id_for_token(token: str) -> int | None:
    """No expiry of its own: the link stops working when its petition closes."""
    return loads_or_none(CONFIRM_SALT, token)


def confirm_links(supporter_ids: list[int], petition_id: int) -> dict[int, str]:
    """Each signer's confirm link, for the sender; a signature deleted since has none."""
    rows = db.session.execute(
        select(PetitionSignature.id, PetitionSignature.supporter_id).where(
            PetitionSignature.petition_id == petition_id, PetitionSignature.supporter_id.in_(supporter_ids)
        )
    )
    # url_for and the serializer once, not per signer: outside a request each url_for builds a
    # request context.
    url, token = external_url("petitions.confirm", token=_SLOT), serializer(CONFIRM_SALT).dumps
    return {supporter_id: url.replace(_SLOT, token(id_)) for id_, supporter_id in rows}


def _notify(petition: Petition, supporter_ids: list[int], name: str, key: str, context: dict) -> None:
    words = {
        "petition_id": petition.id,
        "petition_title": petition.title,
        "petition_title_es": petition.title_es,
        "petition_url": external_url("petitions.public_petition", slug=petition.slug),
    }
    message = notifications.notify(
        petition.coalition_id,
        supporter_ids,
        f"petitions/emails/{name}",
        words | context,
        dedupe_key=f"petition:{petition.id}:{key}",
        transactional=True,  # the signer asked for it by signing
    )
    if message is not None:
        enqueue(notification_tasks.start_message, message_id=message.id)


def _notify_each_petition(signatures: Sequence[Row], name: str) -> None:
    """One `name` email per petition to these signers (rows of id, petition_id, supporter_id),
    each signer's confirm link put in by the sender: a message per signer cost the worker a
    task, a claim and a render each, and a surge's confirmations took hours."""
    by_petition = defaultdict(list)
    for signature in signatures:
        if signature.supporter_id is not None:  # None: the supporter was deleted meanwhile
            by_petition[signature.petition_id].append(signature)
    if not by_petition:
        return
    for petition in db.session.scalars(select(Petition).where(Petition.id.in_(list(by_petition)))):
        signers = by_petition[petition.id]
        # Batches are claimed disjoint, so their lowest signature id names each one for good.
        first = min(signature.id for signature in signers)
        _notify(
            petition,
            [signature.supporter_id for signature in signers],
            name,
            f"{name}-from:{first}",
            {"personal_link": {"kind": CONFIRM_LINK, "petition_id": petition.id}},
        )


def ask_waiting_signers(now: datetime, batch: int = ASK_BATCH) -> int:
    """Email the next batch of new signers asking them to confirm; returns how many.

    The claim and the emails' rows commit together, so each signer is asked once: a worker that
    dies before its commit leaves the batch to the next run, and two workers skip each other's
    rows. Oldest first, so a surge is answered in the order people signed.
    """
    claimed = db.session.execute(
        select(
            PetitionSignature.id,
            PetitionSignature.petition_id,
            PetitionSignature.supporter_id,
            PetitionSignature.confirmed_at,
        )
        .where(PetitionSignature.asked_at.is_(None))
        .order_by(PetitionSignature.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    if not claimed:
        return 0
    ids = [signature.id for signature in claimed]
    db.session.execute(update(PetitionSignature).where(PetitionSignature.id.in_(ids)).values(asked_at=now))
    _notify_each_petition([signature for signature in claimed if signature.confirmed_at is None], "confirm")
    return len(claimed)


def remind_to_confirm(signatures: Sequence[Row]) -> None:
    """The one reminder, to signatures (rows of id, petition_id, supporter_id) already claimed."""
    _notify_each_petition(signatures, "reminder")


def tell_already_signed(signature: PetitionSignature, repeat: int) -> None:
    """One email per repeat sign-up (three at most), so its link is written in, not personal."""
    context = {
        "confirm_url": external_url("petitions.confirm", token=confirm_token(signature.id)),
        "confirmed": signature.confirmed_at is not None,
    }
    _notify(
        signature.petition,
        [signature.supporter_id],
        "already_signed",
        f"signature:{signature.id}:repeat:{repeat}",
        context,
    )
