"""Signatories an organizer adds by hand, for organizations that said yes by email, by phone or
in a meeting, and the optional email that lets their contact confirm it.

The name is matched to the directory as a sign-on's is, but a name with no match makes no
directory record, unlike a signer's sign-on (`signing._new_organization`): there the person
who speaks for the organization typed its name and confirms it from their own address; here an
organizer typed what they heard, so a typo would become a shared public record every coalition
sees. The entry stands on this letter alone, by its name (`signing.signer_key`), and the
queue's duplicate check compares it with later sign-ons of the organization.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from campaign.extensions import db
from campaign.letters import notices
from campaign.letters.models import Letter, Signature, SignatureState, SignerKind
from campaign.letters.signals import signatory_approved
from campaign.letters.signing import directory_record, signer_key
from campaign.letters.vetting import VettingError
from campaign.supporters.services import upsert_supporter


def add_signatory(letter: Letter, fields: dict, user_id: int, now: datetime) -> Signature:
    """List the organization on the letter now; with a contact address and `send_link`, its
    contact is emailed a link to confirm (the queue then says "confirmed")."""
    if not letter.accepts_signatures:
        raise VettingError(_l("This letter takes no signatures now: open it first, or it was delivered."))
    organization = directory_record(fields["organization_name"])
    contact = None
    if fields.get("contact_email"):
        contact = upsert_supporter(
            letter.coalition_id, email=fields["contact_email"], first_name="", language=fields["language"]
        )
    signature = Signature(
        letter=letter,
        kind=SignerKind.ORGANIZATION,
        organization=organization,
        organization_id=organization.id if organization else None,
        organization_name=fields.get("display_name")
        or (organization.name if organization else "")
        or fields["organization_name"],
        supporter=contact,
        city=fields.get("city", ""),
        us_state=fields.get("us_state", ""),
        sector=fields.get("sector"),
        scope=fields.get("scope"),
        show_name=True,
        state=SignatureState.APPROVED,
        version=letter.version,
        language=fields["language"],
        added_by_hand=True,
        authorization=fields["authorization"],
        authorized_by=fields["authorized_by"],
        decided_at=now,
        decided_by_id=user_id,
    )
    signature.signer_key = signer_key(signature)
    try:
        with db.session.begin_nested():
            db.session.add(signature)
            db.session.flush()
    except IntegrityError:
        raise VettingError(_l("This organization is already on the letter.")) from None
    signatory_approved.send(signature)
    if contact is not None and fields.get("send_link"):
        notices.ask_contact_to_confirm(signature)
    return signature
