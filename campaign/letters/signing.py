"""Signing on: one entry per organization (or person), confirmed by email, vetted by organizers."""

import enum
import hashlib
from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from campaign.coalitions import services as coalitions
from campaign.core.forms import digest_of
from campaign.core.repeats import count_repeat_email
from campaign.extensions import db
from campaign.letters import notices, versions
from campaign.letters.models import (
    CONFIRMED,
    RELEASED,
    Letter,
    LetterState,
    Signature,
    SignatureState,
    SignerKind,
)
from campaign.letters.signals import signatory_approved
from campaign.organizations.models import Organization
from campaign.organizations.services import (
    create_organization,
    find_matches,
    kept_record,
    normalize_name,
    organization_linked,
)
from campaign.supporters.services import apply_confirmed, upsert_supporter
from campaign.supporters.signals import supporter_erasing, supporter_exporting

# Unconfirmed sign-ons one address may have on one letter: each new organization name typed
# with it is a new sign-on with its own confirmation email, so without a cap anyone could fill
# the owner's inbox (and the shared directory) by typing ever new names.
MAX_UNCONFIRMED_SIGN_ONS = 3
# Organizers are emailed of a second sign-on for an organization at most this often while the
# one they were emailed of waits (`_tell_organizers_now_and_then`).
ORGANIZER_NOTICE_GAP = timedelta(days=1)
# What a click saves, all shown on the confirm page (its form sends back their digest_of(), with
# the letter's version and words the page showed: the click endorses those, `shown_digest`).
CLICK_SAVES = (
    "signer_name",
    "signer_title",
    "organization_name",
    "city",
    "us_state",
    "sector",
    "scope",
    "show_name",
    "language",
    "pending_consent",
)


class SignOnClosed(Exception):
    """The letter takes no more signatures (a draft, or already delivered)."""


class Confirmation(enum.StrEnum):
    WAITING_FOR_APPROVAL = "waiting"
    APPROVED = "approved"
    CONFIRMED_ADDED = "confirmed_added"  # the contact of an organization added by hand confirmed
    RECONFIRMED = "reconfirmed"
    NOTHING_TO_DO = "nothing"  # confirmed before, or rejected
    CLOSED = "closed"
    # A sign-on again with the address, or a new text of the letter, since the page was read:
    # nothing saved.
    CHANGED = "changed"


def sign_on(letter: Letter, fields: dict, language: str, consent_wording: str | None) -> None:
    """Record a sign-on and email its confirmation link; nothing counts until the signer clicks.

    The page answers the same whoever types the address, so it tells no one who has signed
    (during an embargo, which organizations): a repeat sign-on from an address emails its owner
    instead (`_signed_again`). An address on file keeps its record as it is until the click
    (`_apply_what_was_typed`)."""
    if not letter.accepts_signatures:
        raise SignOnClosed
    is_organization = fields["kind"] == SignerKind.ORGANIZATION
    if not is_organization and not letter.allow_individuals:
        raise SignOnClosed
    first_name, _, last_name = fields["signer_name"].partition(" ")
    supporter = upsert_supporter(
        letter.coalition_id,
        email=fields["email"],
        first_name=first_name,
        last_name=last_name or None,
        language=language,
    )
    organization = directory_record(fields["organization_name"]) if is_organization else None
    new_organization = is_organization and organization is None
    typed = {
        # How the organization appears on this letter: the name the signer gave for it, else the
        # directory's (or, for a new record, the name typed), filled in below.
        "organization_name": fields.get("display_name", "") if is_organization else "",
        "signer_name": fields["signer_name"],
        "signer_title": fields.get("signer_title", ""),
        "city": fields.get("city", ""),
        "us_state": fields.get("us_state", ""),
        "sector": fields.get("sector"),
        "scope": fields.get("scope"),
        "show_name": is_organization or fields.get("show_name", False),
        "language": language,
        "pending_consent": consent_wording,
    }
    earlier = None if new_organization else _earlier_sign_on(letter, supporter.id, organization)
    if earlier is not None:
        _signed_again(earlier, typed)
        return
    if _unconfirmed_sign_ons(letter, supporter.id) >= MAX_UNCONFIRMED_SIGN_ONS:
        # Nothing recorded, nothing sent, no directory record made. The page still says "check
        # your email", as for every address: the count is of this address's own sign-ons, which
        # the page never tells anyone about, so the refusal reveals nothing to the typist.
        return
    if new_organization:
        organization = _new_organization(fields)
    if is_organization and not typed["organization_name"]:
        typed["organization_name"] = organization.name
    signature = Signature(
        letter=letter,
        kind=fields["kind"],
        organization=organization,
        supporter=supporter,
        version=letter.version,
        late=letter.state == LetterState.CLOSED,
        new_organization=new_organization,
        **typed,
    )
    db.session.add(signature)
    db.session.flush()
    notices.ask_to_confirm(signature)


def _earlier_sign_on(
    letter: Letter, supporter_id: int, organization: Organization | None
) -> Signature | None:
    """This address's sign-on for the same organization (or as a person), a confirmed one first."""
    return db.session.scalars(
        select(Signature)
        .where(
            Signature.letter_id == letter.id,
            Signature.supporter_id == supporter_id,
            Signature.organization_id == organization.id
            if organization
            else Signature.kind == SignerKind.INDIVIDUAL,
            # A rejected or withdrawn sign-on is over: signing again is a new one, for the queue.
            Signature.state.not_in(RELEASED),
        )
        .order_by(Signature.state == SignatureState.UNCONFIRMED, Signature.id.desc())
        .limit(1)
        .with_for_update()  # a click confirming it meanwhile waits, and keeps what it confirmed
    ).first()


def _signed_again(signature: Signature, typed: dict) -> None:
    """Until the owner confirms, the latest sign-on's details replace the earlier ones, as a
    petition's do (`petitions.signing._signed_before` says why latest wins); the owner is emailed,
    three times at most, the confirmation link again or, once confirmed, that it had signed."""
    if signature.state == SignatureState.UNCONFIRMED:
        for name, value in typed.items():
            if name != "organization_name" or value:  # no name given keeps the one it had
                setattr(signature, name, value)
    told = count_repeat_email(Signature, signature.id)
    if told is not None:
        notices.tell_signed_again(signature, told)


def directory_record(name: str) -> Organization | None:
    """The directory's record for the name typed (by name, alias or acronym), if there is one."""
    matches = find_matches(name, limit=1)
    return kept_record(matches[0]) if matches else None


def _new_organization(fields: dict) -> Organization:
    return create_organization(
        fields["organization_name"],
        sector=fields.get("sector"),
        scope=fields.get("scope"),
        city=fields.get("city", ""),
        state=fields.get("us_state", ""),
        website=fields.get("website", ""),
    )


def _unconfirmed_sign_ons(letter: Letter, supporter_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Signature.letter_id == letter.id,
            Signature.supporter_id == supporter_id,
            Signature.state == SignatureState.UNCONFIRMED,
        )
    )


def signer_key(signature: Signature) -> str:
    """Who a standing sign-on speaks for: its organization (its directory record, else, for one
    an organizer added by hand, its name), or for an individual the person."""
    if signature.organization_id:
        return f"org:{signature.organization_id}"
    if signature.is_organization:
        digest = hashlib.sha256(normalize_name(signature.organization_name).encode()).hexdigest()
        return f"name:{digest[:32]}"
    return f"person:{signature.supporter_id}"


def take_key(signature: Signature) -> bool:
    """Approve the sign-on: it takes its organization's key, which one approved sign-on at a time
    holds. False, and the sign-on left as it was, while another approved one holds it."""
    db.session.flush()  # what was set before stays if the savepoint below is rolled back
    try:
        with db.session.begin_nested():
            signature.state, signature.signer_key = SignatureState.APPROVED, signer_key(signature)
            db.session.flush()
    except IntegrityError:
        db.session.refresh(signature)
        return False
    signatory_approved.send(signature)
    return True


def take_off_letter(signature: Signature, state: SignatureState, now: datetime, user_id: int | None) -> None:
    """The sign-on no longer speaks for its organization (rejected, withdrawn, merged into
    another): it gives up its key, so another sign-on of the organization may stand."""
    signature.state, signature.signer_key = state, None
    signature.decided_at, signature.decided_by_id = now, user_id


def released_before(signature: Signature) -> Signature | None:
    """The latest other sign-on of the same organization on this letter that was rejected or
    withdrawn: the queue marks the new one, since the first may have been an imposter."""
    return _other_sign_on(signature, RELEASED, Signature.decided_at.desc())


def standing_beside(signature: Signature) -> Signature | None:
    """Another confirmed sign-on of the same organization on this letter, approved or waiting
    (an approved one first): the organizer chooses which speaks for the organization."""
    return _other_sign_on(signature, CONFIRMED, Signature.state != SignatureState.APPROVED)


def _other_sign_on(signature: Signature, states, first) -> Signature | None:
    if signature.organization_id is None:
        return None
    return db.session.scalars(
        select(Signature)
        .where(
            Signature.letter_id == signature.letter_id,
            Signature.organization_id == signature.organization_id,
            Signature.state.in_(states),
            Signature.id != signature.id,
        )
        .order_by(first, Signature.id.desc())
        .limit(1)
    ).first()


def _signed(letter: Letter, signer_key: str) -> bool:
    return (
        db.session.scalar(
            select(Signature.id).where(Signature.letter_id == letter.id, Signature.signer_key == signer_key)
        )
        is not None
    )


def suggest_organizations(typed: str, limit: int = 8) -> list[Organization]:
    """Directory names that contain what was typed, so signers pick the existing record."""
    normalized = normalize_name(typed)
    if len(normalized) < 2:
        return []
    exact = find_matches(typed, limit=limit)
    containing = db.session.scalars(
        select(Organization)
        .where(Organization.merged_into_id.is_(None), Organization.normalized_name.contains(normalized))
        .order_by(Organization.name)
        .limit(limit)
    ).all()
    return list(dict.fromkeys([*exact, *containing]))[:limit]


def shown_digest(signature: Signature) -> str:
    """The details and the letter a confirm page shows: a click endorses the version it read."""
    letter = signature.letter
    shown = {name: getattr(signature, name) for name in CLICK_SAVES}
    shown["letter"] = {"version": letter.version, "words": asdict(versions.Endorsed.of(letter))}
    return digest_of(shown)


def confirm(signature: Signature, now: datetime, shown: str) -> Confirmation:
    """The signer's click on a page that showed the details and the letter with digest `shown`:
    their sign-on (or re-confirmation of a new version) now stands, unless either changed since."""
    letter = signature.letter
    # Locked: a sign-on with the address racing the click either came first, and is seen here,
    # or waits (`_earlier_sign_on` locks too), and finds the sign-on confirmed.
    db.session.refresh(signature, with_for_update=True)
    # A signer who read version 1 does not endorse version 2 (or a corrected text) by clicking.
    if _click_endorses(signature) and shown != shown_digest(signature):
        return Confirmation.CHANGED
    if signature.state == SignatureState.UNCONFIRMED:
        if letter.state == LetterState.DELIVERED:
            return Confirmation.CLOSED
        return _first_confirmation(signature, now)
    if signature.state in CONFIRMED:
        if signature.added_by_hand and signature.confirmed_at is None:
            signature.confirmed_at = now
            db.session.flush()
            return Confirmation.CONFIRMED_ADDED
        if signature.version < letter.version:
            signature.version = letter.version
            db.session.flush()
            return Confirmation.RECONFIRMED
    return Confirmation.NOTHING_TO_DO


def _click_endorses(signature: Signature) -> bool:
    """The click would record the signer's word for the letter as its page showed it: a sign-on,
    a re-confirmation, an added organization's confirmation (not a second click, which saves
    nothing, though the first changed the details the page showed)."""
    if signature.state == SignatureState.UNCONFIRMED:
        return True
    behind = signature.version < signature.letter.version
    unconfirmed_addition = signature.added_by_hand and signature.confirmed_at is None
    return signature.state in CONFIRMED and (behind or unconfirmed_addition)


def _first_confirmation(signature: Signature, now: datetime) -> Confirmation:
    """The sign-on waits for an organizer, or, from a domain the organization verified, is
    approved at once. Only an approved sign-on holds its organization's key (`take_key`): a
    confirmation beside another sign-on of the organization, standing or released, waits, so
    neither an imposter who confirmed first nor a colleague keeps the other out of the queue."""
    signature.confirmed_at = now
    signature.version = signature.letter.version
    signature.state = SignatureState.PENDING
    beside = standing_beside(signature) or released_before(signature)
    if beside is None and _auto_approved(signature):
        if take_key(signature):
            signature.decided_at = now
        else:  # another sign-on of the organization was approved meanwhile
            beside = standing_beside(signature)
    _apply_what_was_typed(signature)
    if beside is not None:
        _tell_organizers_now_and_then(signature, now)
    if signature.state == SignatureState.APPROVED:
        return Confirmation.APPROVED
    return Confirmation.WAITING_FOR_APPROVAL


def _tell_organizers_now_and_then(signature: Signature, now: datetime) -> None:
    """Organizers are emailed of a sign-on beside another of its organization, but not while a
    sign-on of the organization they were emailed of in the last ORGANIZER_NOTICE_GAP still
    waits for them: the queue shows the new one beside it. So someone confirming as the
    organization from address after address sends one email a day at most, and each further
    one follows an organizer's decision."""
    # Locked: two clicks at the same moment would each find no recent email.
    db.session.execute(
        select(Organization.id).where(Organization.id == signature.organization_id).with_for_update()
    )
    told_lately = db.session.scalar(
        select(Signature.id)
        .where(
            Signature.letter_id == signature.letter_id,
            Signature.organization_id == signature.organization_id,
            Signature.id != signature.id,
            Signature.state == SignatureState.PENDING,
            Signature.organizers_told_at > now - ORGANIZER_NOTICE_GAP,
        )
        .limit(1)
    )
    if told_lately is None:
        signature.organizers_told_at = now
        db.session.flush()
        notices.tell_organizers_of_another_sign_on(signature)


def email_at_domain(email: str, domain: str) -> bool:
    """The address is at `domain` or at one of its subdomains."""
    email_domain = email.rpartition("@")[2].lower()
    return email_domain == domain or email_domain.endswith("." + domain)


def _apply_what_was_typed(signature: Signature) -> None:
    """The click proves the address: its record takes the name, language and consent signed with."""
    first_name, _, last_name = (signature.signer_name or "").partition(" ")
    typed = {"first_name": first_name or None, "last_name": last_name or None, "language": signature.language}
    apply_confirmed(signature.supporter, typed, signature.pending_consent, f"letter:{signature.letter_id}")
    signature.pending_consent = None
    db.session.flush()


def _auto_approved(signature: Signature) -> bool:
    """The organizer trusts addresses at a domain the organization verified to the letter's own
    coalition (by accepting its invitation from there); never a website anyone could type."""
    letter, organization = signature.letter, signature.organization
    if not letter.auto_approve_domains or signature.late or organization is None:
        return False
    email = signature.supporter.email or ""
    return any(
        email_at_domain(email, domain)
        for domain in coalitions.verified_domains(letter.coalition_id, organization.id)
    )


def _coalitions_signed_for(organization_ids: list[int]) -> list[tuple[int, int]]:
    return db.session.execute(
        select(Signature.organization_id, Letter.coalition_id)
        .join(Letter, Letter.id == Signature.letter_id)
        .where(Signature.organization_id.in_(organization_ids))
        .distinct()
    ).all()


# A coalition whose letter an organization signed uses its record, as a member's does.
coalitions.ORGANIZATION_USERS.append(_coalitions_signed_for)


@organization_linked.connect
def move_signatures(kept: Organization, duplicate: Organization) -> None:
    """Two records of one organization became one: so do its sign-ons, one per letter."""
    for signature in db.session.scalars(select(Signature).where(Signature.organization_id == duplicate.id)):
        signature.organization_id = kept.id
        if signature.signer_key is None:
            continue
        new_key = signer_key(signature)
        if _signed(signature.letter, new_key):
            signature.state, signature.signer_key = SignatureState.DUPLICATE, None
        else:
            signature.signer_key = new_key
    db.session.flush()


@supporter_erasing.connect
def forget_signer(supporter) -> None:
    """An erased person's name leaves the letters; an organization's signature stays, unnamed.
    On one added by hand with them as its contact, so does the name of whoever said yes: the
    organizer typed it, most often theirs, and nothing else tells whose it is."""
    db.session.execute(
        update(Signature)
        .where(Signature.supporter_id == supporter.id)
        # An organization's entry stays listed; a person's is listed no more.
        .values(
            signer_name=None,
            signer_title=None,
            authorized_by=None,
            show_name=Signature.kind == SignerKind.ORGANIZATION,
            pending_consent=None,
        )
    )


@supporter_exporting.connect
def describe_signatures(supporter) -> list[str]:
    rows = db.session.execute(
        select(Signature.created_at, Letter.title, Signature.organization_name)
        .join(Letter, Letter.id == Signature.letter_id)
        .where(Signature.supporter_id == supporter.id)
        .order_by(Signature.created_at)
    )
    return [
        f"{signed_at:%Y-%m-%d} · letter · {title}" + (f" · {organization}" if organization else "")
        for signed_at, title, organization in rows
    ]
