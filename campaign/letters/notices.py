"""The emails a letter sends its signers, all through notifications' one email path.

A message that carries a signer's own link (confirm, re-confirm) is one notice per signature;
news for every signatory (live, delivered, response) is one notice to all of them. Dedupe keys
make each go out once, however often the action that raises it is repeated.
"""

from flask_babel import lazy_gettext as _l

from campaign.coalitions.organizer_mail import email_organizer, tell_organizers
from campaign.core.outbox import enqueue, outbox_task
from campaign.core.urls import external_url
from campaign.extensions import db
from campaign.letters.models import Letter, LetterChange, LetterInvitation, Signature, SignatureState
from campaign.notifications import services as notifications
from campaign.notifications import tasks as notification_tasks
from campaign.supporters.tokens import loads_or_none, serializer

CONFIRM_SALT = "letters.confirm-signature"
# Long enough for a signer who is travelling; a lost link is replaced by signing again.
CONFIRM_LINK_DAYS = 30
WITHDRAW_SALT = "letters.withdraw-signature"


def confirm_token(signature: Signature) -> str:
    return serializer(CONFIRM_SALT).dumps(signature.id)


def signature_id_for_token(token: str) -> int | None:
    return loads_or_none(CONFIRM_SALT, token, max_age=CONFIRM_LINK_DAYS * 24 * 3600)


def withdraw_token(signature: Signature, change: LetterChange) -> str:
    """Names the sign-on and the correction: how long it stays good is the correction's window,
    read from the database, so the page can say "too late" rather than "unknown link"."""
    return serializer(WITHDRAW_SALT).dumps([signature.id, change.id])


def withdrawal_ids_for_token(token: str) -> tuple[int, int] | None:
    ids = loads_or_none(WITHDRAW_SALT, token)
    if not (isinstance(ids, list) and len(ids) == 2 and all(isinstance(i, int) for i in ids)):
        return None
    return ids[0], ids[1]


def _letter_context(letter: Letter) -> dict:
    # Public words and ids only: the context is stored as JSON with the message.
    return {
        "letter_id": letter.id,
        "letter_title": letter.title,
        "letter_title_es": letter.title_es,
        "letter_url": external_url("letters.public_letter", slug=letter.slug),
    }


def _about_signature(signature: Signature) -> dict:
    """What a mail about one sign-on names: the organization, if it was one."""
    return {"organization": signature.organization_name}


def _send(
    letter: Letter, supporter_ids: list[int], name: str, key: str, transactional: bool, **extra
) -> None:
    if not supporter_ids:
        return
    message = notifications.notify(
        letter.coalition_id,
        supporter_ids,
        f"letters/emails/{name}",
        _letter_context(letter) | extra,
        dedupe_key=f"letter:{letter.id}:{key}",
        transactional=transactional,
    )
    if message is not None:
        enqueue(notification_tasks.start_message, message_id=message.id)


def _with_confirm_link(signature: Signature, template: str, step: str) -> None:
    """A message to one signer carrying their own link to the confirm page."""
    _send(
        signature.letter,
        [signature.supporter_id],
        template,
        f"signature:{signature.id}:{step}",
        transactional=True,
        confirm_url=external_url("letters.confirm", token=confirm_token(signature)),
        **_about_signature(signature),
    )


def ask_to_confirm(signature: Signature) -> None:
    """The sign-on counts only once the signer confirms from this email (it is their address)."""
    _with_confirm_link(signature, "confirm", "confirm")


def ask_contact_to_confirm(signature: Signature) -> None:
    """An organizer added the organization by hand: its contact may confirm it from this email."""
    _with_confirm_link(signature, "confirm_added", "confirm-added")


def tell_signed_again(signature: Signature, repeat: int) -> None:
    """Someone signed on again with this address: its owner gets the confirmation link again,
    or, once confirmed, word that the signature is already there. One email per repeat."""
    template = "confirm" if signature.state == SignatureState.UNCONFIRMED else "already_signed"
    _with_confirm_link(signature, template, f"repeat:{repeat}")


def ask_to_reconfirm(signature: Signature) -> None:
    _with_confirm_link(signature, "reconfirm", f"v{signature.letter.version}")


def tell_of_correction(signature: Signature, change: LetterChange) -> None:
    """The marked-up difference, and a link to take the name off if the signer disagrees."""
    _send(
        signature.letter,
        [signature.supporter_id],
        "corrected",
        f"signature:{signature.id}:correction:{change.id}",
        transactional=True,
        withdraw_url=external_url("letters.withdraw", token=withdraw_token(signature, change)),
        diffs=change.details.get("diffs", {}),
        note=change.note,
        **_about_signature(signature),
    )


def tell_outcome(signature: Signature, approved: bool) -> None:
    outcome = "approved" if approved else "rejected"
    _send(
        signature.letter,
        [signature.supporter_id],
        outcome,
        f"signature:{signature.id}:{outcome}",
        transactional=True,
        **_about_signature(signature),
    )


def tell_signatories(letter: Letter, news: str, supporter_ids: list[int]) -> None:
    """ "live", "delivered", "response" or "delivered_other_version": news of the letter for its
    signatories (the caller chooses which)."""
    _send(
        letter,
        supporter_ids,
        news,
        news,
        transactional=False,
        delivered_to=letter.delivered_to,
        response=letter.response,
    )


def ask_to_sign(invitation: LetterInvitation, organizer_name: str) -> None:
    """An organization's contact is asked to sign (or reminded): the letter's sign-on link, in the
    contact's language, naming the organizer who asks. One email per ask and per reminder."""
    letter = invitation.letter
    step = f"reminder:{invitation.reminders}" if invitation.reminders else "ask"
    _send(
        letter,
        [invitation.supporter_id],
        "invite",
        f"invitation:{invitation.id}:{step}",
        # Not a confirmation they asked for: an unsubscribed or bouncing address is skipped.
        transactional=False,
        sign_url=external_url("letters.sign", key=letter.signon_key),
        organization=invitation.organization_name,
        organizer=organizer_name,
        reminder=bool(invitation.reminders),
    )


def tell_organizers_of_another_sign_on(signature: Signature) -> None:
    """A sign-on arrived for an organization that has another on the letter, waiting, approved,
    rejected or withdrawn: its organizers choose which speaks for the organization."""
    tell_organizers(signature.letter.coalition_id, email_organizer_another_sign_on, signature_id=signature.id)


@outbox_task
def email_organizer_another_sign_on(signature_id: int, user_id: int) -> None:
    # signing sends through this module
    from campaign.letters.signing import released_before, standing_beside

    signature = db.session.get(Signature, signature_id)
    if signature is None:
        return
    letter = signature.letter
    email_organizer(
        user_id,
        letter.coalition,
        "letters/emails/another_sign_on",
        # The organization's name is the signer's to choose: the body names it, the subject not.
        _l("A sign-on to review on %(title)s", title=letter.title),
        letter=letter,
        signature=signature,
        standing=standing_beside(signature),
        earlier=released_before(signature),
        link=external_url(
            "letters.signatures", slug=letter.coalition.slug, letter_id=letter.id, show="pending"
        ),
    )
