"""Letter rules: drafting, versions, opening, embargo release, closing, delivery and response."""

from datetime import date, datetime

from sqlalchemy import select, update

from campaign.core import transitions
from campaign.core.outbox import enqueue, utcnow
from campaign.core.slugs import unique_slug
from campaign.extensions import db
from campaign.letters import notices, tasks
from campaign.letters.models import (
    CONFIRMED,
    Letter,
    LetterState,
    LetterTarget,
    LetterVersion,
    Signature,
    SignatureState,
)

TEXT_FIELDS = ("body", "body_es")
SETTINGS = (
    "title",
    "title_es",
    "allow_individuals",
    "auto_approve_domains",
    "deadline",
    "time_zone",
    "embargoed",
    "release_at",
)
# Signatures that stand on a version of the text: a new version asks them to re-confirm.


class LetterStateError(Exception):
    """The letter is no longer in a state that allows this (a teammate or the clock moved it)."""


def create_letter(coalition_id: int, author_id: int, fields: dict, targets: list[dict]) -> Letter:
    letter = Letter(
        coalition_id=coalition_id,
        created_by_id=author_id,
        slug=unique_slug(fields["title"], Letter.slug, "letter"),
        state=LetterState.DRAFT,
        body=fields["body"],
        body_es=fields.get("body_es", ""),
    )
    db.session.add(letter)
    _apply_settings(letter, fields, targets)
    db.session.flush()
    db.session.add(LetterVersion(letter=letter, number=1, body=letter.body, body_es=letter.body_es))
    db.session.flush()
    return letter


def update_letter(letter: Letter, fields: dict, targets: list[dict]) -> bool:
    """Save the organizer's edits; True when they made a new version signers must re-confirm."""
    if letter.state == LetterState.DELIVERED:
        raise LetterStateError
    _apply_settings(letter, fields, targets)
    text_changed = any(fields.get(name, "") != getattr(letter, name) for name in TEXT_FIELDS)
    if not text_changed:
        db.session.flush()
        return False
    for name in TEXT_FIELDS:
        setattr(letter, name, fields.get(name, ""))
    if not _has_confirmed_signatures(letter):
        # Nobody has endorsed the text yet: correct the current version in place.
        version = letter.versions[-1]
        version.body, version.body_es = letter.body, letter.body_es
        letter.version_at = utcnow()
        db.session.flush()
        return False
    _new_version(letter)
    return True


def _apply_settings(letter: Letter, fields: dict, targets: list[dict]) -> None:
    for name in SETTINGS:
        if name in fields:
            setattr(letter, name, fields[name])
    if not letter.embargoed:
        letter.release_at = None
        if letter.state != LetterState.DRAFT and letter.published_at is None:
            letter.published_at = utcnow()  # lifting an embargo publishes at once
    letter.targets = [LetterTarget(position=number, **target) for number, target in enumerate(targets)]


def _has_confirmed_signatures(letter: Letter) -> bool:
    return (
        db.session.scalar(
            select(Signature.id)
            .where(Signature.letter_id == letter.id, Signature.state.in_(CONFIRMED))
            .limit(1)
        )
        is not None
    )


def _new_version(letter: Letter) -> None:
    letter.version += 1
    letter.version_at = utcnow()
    db.session.add(
        LetterVersion(letter=letter, number=letter.version, body=letter.body, body_es=letter.body_es)
    )
    db.session.flush()
    # One email per signer: a worker's job, not the organizer's save request.
    enqueue(tasks.ask_signers_to_reconfirm, letter_id=letter.id)


def ask_signers_to_reconfirm(letter: Letter) -> None:
    """Email each confirmed signer of an earlier version (once per version: notices dedupe)."""
    earlier = db.session.scalars(
        select(Signature).where(
            Signature.letter_id == letter.id,
            Signature.state.in_(CONFIRMED),
            Signature.version < letter.version,
        )
    ).all()
    for signature in earlier:
        notices.ask_to_reconfirm(signature)


def open_letter(letter: Letter, now: datetime) -> None:
    """Start collecting signatures; public at once unless embargoed."""
    _move(letter, (LetterState.DRAFT,), LetterState.OPEN, opened_at=now)
    if not letter.embargoed:
        letter.published_at = now
    db.session.flush()


def release(letter: Letter, now: datetime) -> None:
    """End the embargo: the letter becomes public and every signatory hears it is live."""
    if letter.state == LetterState.DRAFT or letter.published_at is not None:
        raise LetterStateError
    done = db.session.execute(
        update(Letter)
        .where(Letter.id == letter.id, Letter.published_at.is_(None))
        .values(published_at=now, embargoed=False, release_at=None)
    )
    if done.rowcount != 1:
        raise LetterStateError
    db.session.refresh(letter)
    notices.tell_signatories(letter, "live", _signatory_ids(letter, CONFIRMED))


def release_due(now: datetime) -> int:
    due = db.session.scalars(
        select(Letter).where(
            Letter.state != LetterState.DRAFT,
            Letter.published_at.is_(None),
            Letter.release_at.is_not(None),
            Letter.release_at <= now,
        )
    ).all()
    released = 0
    for letter in due:
        try:
            release(letter, now)
            released += 1
        except LetterStateError:  # released by hand at the same moment
            continue
    return released


def close(letter: Letter, now: datetime) -> None:
    _move(letter, (LetterState.OPEN,), LetterState.CLOSED, closed_at=now)


def reopen(letter: Letter) -> None:
    _move(letter, (LetterState.CLOSED,), LetterState.OPEN, closed_at=None, deadline=None)


def close_past_deadline(now: datetime) -> int:
    """The beat job: letters whose sign-on deadline has passed stop taking signatures."""
    result = db.session.execute(
        update(Letter)
        .where(Letter.state == LetterState.OPEN, Letter.deadline.is_not(None), Letter.deadline <= now)
        .values(state=LetterState.CLOSED, closed_at=now)
    )
    return result.rowcount


def record_delivery(letter: Letter, delivered_on: date, method: str, delivered_to: str) -> None:
    """Delivered: signatures stop; every approved signatory is told (once)."""
    _move(
        letter,
        (LetterState.OPEN, LetterState.CLOSED, LetterState.DELIVERED),
        LetterState.DELIVERED,
        delivered_on=delivered_on,
        delivery_method=method,
        delivered_to=delivered_to,
    )
    notices.tell_signatories(letter, "delivered", _signatory_ids(letter, (SignatureState.APPROVED,)))


def record_response(letter: Letter, response_on: date, response: str) -> None:
    if letter.state != LetterState.DELIVERED:
        raise LetterStateError
    first_response = not letter.response
    letter.response_on, letter.response = response_on, response
    db.session.flush()
    if first_response:
        notices.tell_signatories(letter, "response", _signatory_ids(letter, (SignatureState.APPROVED,)))


def set_leads(letter: Letter, organization_ids: list[int]) -> None:
    letter.lead_organization_ids = list(dict.fromkeys(organization_ids))
    db.session.flush()


def _signatory_ids(letter: Letter, states) -> list[int]:
    return list(
        db.session.scalars(
            select(Signature.supporter_id).where(
                Signature.letter_id == letter.id,
                Signature.state.in_(states),
                Signature.supporter_id.is_not(None),
            )
        )
    )


def _move(letter: Letter, allowed, to_state: LetterState, **values) -> None:
    if not transitions.move(letter, allowed, to_state, **values):
        raise LetterStateError
