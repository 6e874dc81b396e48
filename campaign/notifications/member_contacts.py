"""The audience of member organizations' contacts, one of the sources audience.py lists: the
person at each active member who agreed to the coalition's email.

Here, not in coalitions/, because a feature imports only those before it and the sources live in
notifications. A membership's contact address is an organization's way in, not a person's
consent: accepting an invitation says nothing about alerts (coalitions/invitation.html promises
only a listing and being asked to sign letters). So like every alert this reaches only contacts
whose supporter record is subscribed, which happens only by consent recorded with the words
they were shown (a ticked box on a petition or letter, or the preferences page); the others are
asked to sign letters through the letter's outreach page and receive nothing else.
"""

from sqlalchemy import Select, select

from campaign.coalitions.models import Membership, MembershipStatus
from campaign.core.crypto import email_blind_index
from campaign.extensions import db
from campaign.organizations.models import Organization
from campaign.supporters.models import Supporter


def _contacts(coalition_id: int, state: str | None = None) -> Select:
    """The supporter ids of the active members' contacts (of members in `state`, if given)."""
    query = select(Membership).where(
        Membership.coalition_id == coalition_id, Membership.status == MembershipStatus.ACTIVE
    )
    if state:
        query = query.join(Organization, Organization.id == Membership.organization_id).where(
            Organization.state == state
        )
    # A coalition has tens or hundreds of members: their addresses are opened here, one by one,
    # since a sealed column cannot be joined on; the blind index then finds each one's record.
    indexes = [
        email_blind_index(membership.contact_email, coalition_id=coalition_id)
        for membership in db.session.scalars(query)
        if membership.contact_email
    ]
    return select(Supporter.id).where(
        Supporter.coalition_id == coalition_id, Supporter.email_index.in_(indexes)
    )


def contact_ids(coalition_id: int, source_id: int | None) -> Select:
    return _contacts(coalition_id)


def contacts_in_state(coalition_id: int, source_id: int | None, state: str) -> Select:
    return _contacts(coalition_id, state)
