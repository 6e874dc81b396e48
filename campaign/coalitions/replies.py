"""Where replies to a coalition's email go: the contact address its owners set, else its first owner's."""

from sqlalchemy import select

from campaign.accounts.models import User
from campaign.coalitions.models import Coalition, CoalitionRole, Role
from campaign.core.addresses import header_address
from campaign.core.mail import reply_to
from campaign.extensions import db


def contact_address(coalition: Coalition) -> str | None:
    """The address an owner set, else the email of the coalition's longest-serving owner. Looked
    up at each send, not copied when the coalition is made, so that it follows the owners. (A
    set address is checked again: a header must never carry what a form would refuse.)"""
    if set_address := header_address(coalition.contact_email):
        return set_address
    return db.session.scalar(
        select(User.email)
        .join(CoalitionRole, CoalitionRole.user_id == User.id)
        .where(CoalitionRole.coalition_id == coalition.id, CoalitionRole.role == Role.OWNER)
        .order_by(CoalitionRole.created_at, CoalitionRole.id)
        .limit(1)
    )


def reply_to_header(coalition: Coalition) -> str:
    """The Reply-To of every email about `coalition`: letters, petitions, events, invitations."""
    return reply_to(coalition.name, contact_address(coalition))


def set_contact_email(coalition: Coalition, address: str) -> None:
    """An owner's choice; empty goes back to the first owner's email."""
    coalition.contact_email = address or None
    db.session.flush()
