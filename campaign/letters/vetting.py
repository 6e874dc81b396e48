"""The vetting queue: its lists, what it shows beside each sign-on, and the organizer's calls
(approve, reject, merge, rename).

Likely duplicates are found by rules an organizer can check at a glance: the names share all
their significant words (or one name, spaces aside, holds the other), or the signer's address
is at the domain of a listed signer's address or of a listed organization's website.
"""

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from campaign.coalitions.models import Membership, MembershipStatus
from campaign.coalitions.services import is_free_mail
from campaign.extensions import db
from campaign.letters import notices
from campaign.letters.changes import log_change
from campaign.letters.models import (
    CONFIRMED,
    RELEASED,
    ChangeKind,
    Letter,
    LetterState,
    Signature,
    SignatureState,
    SignerKind,
)
from campaign.letters.signing import email_at_domain, take_key, take_off_letter
from campaign.organizations.services import MINOR_WORDS, normalize_name

# A shorter name held inside a longer one counts from this many letters: "aclu" in
# "aclu of georgia" does, "la" in "la raza" does not.
MIN_CONTAINED_LETTERS = 4


class VettingError(ValueError):
    """The fix cannot be made; the message says why, for the organizer."""


# The list a letter was delivered with is a record: no decision or merge changes it afterwards.
DELIVERED_LIST = _l("The letter was delivered with this list of signatories: it cannot change any more.")


@dataclass(frozen=True)
class LikelyDuplicate:
    signature: Signature
    reason: str


@dataclass
class QueueFacts:
    duplicates: list[LikelyDuplicate] = field(default_factory=list)
    member: bool = False
    verified_domain: str | None = None
    released: Signature | None = None  # an earlier rejected or withdrawn sign-on of the organization


@dataclass
class Decided:
    changed: int = 0
    # Sign-ons the organizer tried to approve while another sign-on of the same organization is
    # approved: left as they were, named to the organizer.
    refused: list[Signature] = field(default_factory=list)


def decide(signatures: list[Signature], approve: bool, user_id: int, now: datetime) -> Decided:
    """Approve or reject confirmed sign-ons (a decision can be changed); each signer is told.

    Approving takes the organization's key (`signing.take_key`), which one approved sign-on holds
    at a time; rejecting gives it up, so the real organization can be approved after an imposter."""
    if any(signature.letter.state == LetterState.DELIVERED for signature in signatures):
        raise VettingError(DELIVERED_LIST)
    decided = Decided()
    allowed = (SignatureState.PENDING, SignatureState.REJECTED if approve else SignatureState.APPROVED)
    for signature in signatures:
        db.session.refresh(signature, with_for_update=True)  # a second organizer's click waits
        if signature.state not in allowed:
            continue
        if not approve:
            take_off_letter(signature, SignatureState.REJECTED, now, user_id)
        elif take_key(signature):
            signature.decided_at, signature.decided_by_id = now, user_id
        else:
            decided.refused.append(signature)
            continue
        db.session.flush()
        notices.tell_outcome(signature, approve)
        decided.changed += 1
    return decided


def signatures_in(letter: Letter, states) -> list[Signature]:
    """The organizer's list for one tab of the queue: earlier sign-ons first, late ones last."""
    return db.session.scalars(
        select(Signature)
        # The queue shows each signer's organization and email domain: loaded with the rows.
        .options(joinedload(Signature.organization), joinedload(Signature.supporter))
        .where(Signature.letter_id == letter.id, Signature.state.in_(states))
        .order_by(Signature.late, Signature.created_at)
    ).all()


def signatures_by_id(letter: Letter, ids: list[int]) -> list[Signature]:
    """The ticked sign-ons, only among this letter's (ids from a form are not trusted)."""
    return db.session.scalars(
        select(Signature).where(Signature.letter_id == letter.id, Signature.id.in_(ids))
    ).all()


def _words(name: str) -> frozenset[str]:
    return frozenset(normalize_name(name).split()) - MINOR_WORDS


def similar_names(one: str, other: str) -> bool:
    """ "United We Dream Network" and "United We Dream"; "UnitedWeDream" and "United We Dream"."""
    words, other_words = _words(one), _words(other)
    if words and other_words and (words <= other_words or other_words <= words):
        return True
    compact, other_compact = normalize_name(one).replace(" ", ""), normalize_name(other).replace(" ", "")
    shorter, longer = sorted((compact, other_compact), key=len)
    return len(shorter) >= MIN_CONTAINED_LETTERS and shorter in longer


def _email_domain(signature: Signature) -> str | None:
    """The domain of the signer's address, unless a mail provider's (it proves nothing)."""
    email = signature.supporter.email if signature.supporter else None
    domain = (email or "").rpartition("@")[2].lower()
    return domain if domain and not is_free_mail(domain) else None


def _website_domain(signature: Signature) -> str | None:
    website = (signature.organization.website if signature.organization else "").strip()
    if not website:
        return None
    host = urlsplit(website if "//" in website else "//" + website).hostname or ""
    return host.removeprefix("www.") or None


def _duplicate_reason(signature: Signature, domain: str | None, other: Signature) -> str | None:
    if signature.organization_id and signature.organization_id == other.organization_id:
        return str(_l("Same organization"))
    if other.state != SignatureState.APPROVED:
        # Of two waiting sign-ons, the organizer approves one: by name or domain alone, every
        # colleague's sign-on would be flagged beside every other before either is listed.
        return None
    if similar_names(signature.organization_name, other.organization_name):
        return str(_l("Similar name"))
    if domain and domain == _email_domain(other):
        return str(_l("Signer’s address at the same domain (%(domain)s)", domain=domain))
    website = _website_domain(other)
    if domain and website and email_at_domain(f"x@{domain}", website):
        return str(_l("Signer’s address at this organization’s website domain (%(domain)s)", domain=website))
    return None


def _standing_organizations(letter: Letter) -> list[Signature]:
    """The letter's confirmed sign-ons of organizations, approved or waiting, approved first."""
    return db.session.scalars(
        select(Signature)
        .options(joinedload(Signature.organization), joinedload(Signature.supporter))
        .where(
            Signature.letter_id == letter.id,
            Signature.kind == SignerKind.ORGANIZATION,
            Signature.state.in_(CONFIRMED),
        )
        .order_by(Signature.state != SignatureState.APPROVED, Signature.created_at)
    ).all()


def queue_facts(letter: Letter, rows: list[Signature]) -> dict[int, QueueFacts]:
    """For each sign-on shown: likely duplicates (approved ones by name and domain, waiting ones
    of the same organization, which an organizer approves one of), coalition membership, whether
    the address is at a domain verified for the organization, an earlier rejection."""
    standing = _standing_organizations(letter)
    organization_ids = {row.organization_id for row in rows if row.organization_id}
    members = _active_memberships(letter.coalition_id, organization_ids)
    released = _released_by_organization(letter, organization_ids)
    facts = {}
    for row in rows:
        fact = QueueFacts()
        if row.is_organization:
            fact.duplicates = _likely_duplicates(row, standing)
        membership = members.get(row.organization_id)
        fact.member = membership is not None
        email = row.supporter.email if row.supporter else None
        if membership and membership.verified_domain and email:
            if email_at_domain(email, membership.verified_domain):
                fact.verified_domain = membership.verified_domain
        fact.released = next(
            (
                s
                for s in released.get(row.organization_id, [])
                if s.id != row.id and row.state not in RELEASED
            ),
            None,
        )
        facts[row.id] = fact
    return facts


def _likely_duplicates(row: Signature, standing: list[Signature]) -> list[LikelyDuplicate]:
    domain = _email_domain(row)
    found = []
    for other in standing:
        reason = other.id != row.id and _duplicate_reason(row, domain, other)
        if reason:
            found.append(LikelyDuplicate(other, reason))
    return found


def _active_memberships(coalition_id: int, organization_ids: set[int]) -> dict[int, Membership]:
    rows = db.session.scalars(
        select(Membership).where(
            Membership.coalition_id == coalition_id,
            Membership.organization_id.in_(organization_ids),
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    return {membership.organization_id: membership for membership in rows}


def _released_by_organization(letter: Letter, organization_ids: set[int]) -> dict[int, list[Signature]]:
    found: dict[int, list[Signature]] = {}
    for signature in db.session.scalars(
        select(Signature)
        .where(
            Signature.letter_id == letter.id,
            Signature.organization_id.in_(organization_ids),
            Signature.state.in_(RELEASED),
        )
        .order_by(Signature.decided_at.desc(), Signature.id.desc())
    ):
        found.setdefault(signature.organization_id, []).append(signature)
    return found


def merge(duplicate: Signature, listed: Signature, user_id: int, now: datetime) -> None:
    """The organizer's call that two sign-ons are one organization: the listed one stays, the
    other becomes DUPLICATE, with who merged it, when and into which (its record of the call).
    The directory's records are left apart: they are shared, and only their owners link them."""
    if duplicate.letter.state == LetterState.DELIVERED:
        raise VettingError(DELIVERED_LIST)
    if duplicate.id == listed.id or listed.state != SignatureState.APPROVED:
        raise VettingError(_l("Merge into a sign-on that is listed on the letter."))
    if duplicate.state not in (SignatureState.PENDING, SignatureState.APPROVED):
        raise VettingError(_l("Only a sign-on waiting for approval or approved can be merged."))
    take_off_letter(duplicate, SignatureState.DUPLICATE, now, user_id)
    duplicate.merged_into_id = listed.id
    db.session.flush()


def rename(signature: Signature, name: str, user_id: int) -> bool:
    """Set how the organization appears on this letter; a listed name's change goes in the
    public change log. False if the name was already that."""
    letter = signature.letter
    if not signature.is_organization:
        # A person's name is theirs, and the change log is public: no organizer writes it there.
        raise VettingError(_l("Only an organization’s name on the letter can be changed."))
    if letter.state == LetterState.DELIVERED:
        raise VettingError(_l("The letter was delivered with this name: it cannot change any more."))
    old = signature.organization_name
    if name == old:
        return False
    signature.organization_name = name
    if signature.state == SignatureState.APPROVED and signature.version == letter.version:
        log_change(letter, ChangeKind.DISPLAY_NAME, user_id, old=old, new=name)
    db.session.flush()
    return True
