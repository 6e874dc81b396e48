"""Letter rules: drafting, versions, opening, embargo release, closing, delivery and response."""

from datetime import date, datetime

from sqlalchemy import select, update

from campaign.core import transitions
from campaign.core.outbox import enqueue, utcnow
from campaign.core.slugs import unique_slug
from campaign.extensions import db
from campaign.letters import notices, tasks, versions
from campaign.letters.changes import log_change
from campaign.letters.models import (
    CONFIRMED,
    ChangeKind,
    Letter,
    LetterChange,
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


class LetterStateError(Exception):
    """The letter is no longer in a state that allows this (a teammate or the clock moved it)."""


class ChangeNeedsDecision(Exception):
    """The edit changes what confirmed signers endorsed: the organizer calls it a correction or
    a new version first, having seen `proposal` (the difference and who would be unlisted)."""

    def __init__(self, proposal: versions.Proposal):
        super().__init__("a correction or a new version?")
        self.proposal = proposal


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
    version = LetterVersion(letter=letter, number=1)
    versions.keep_in_version(version, versions.Endorsed.of(letter))
    db.session.add(version)
    db.session.flush()
    return letter


def proposed_change(letter: Letter, fields: dict, targets: list[dict]) -> versions.Proposal | None:
    return versions.proposal(letter, versions.Endorsed.typed(fields, targets))


# `update_letter` works out the proposal itself unless its caller already has it.
NOT_WORKED_OUT = object()


def update_letter(
    letter: Letter,
    fields: dict,
    targets: list[dict],
    user_id: int | None = None,
    decision: versions.Decision | None = None,
    proposal: "versions.Proposal | None | object" = NOT_WORKED_OUT,
) -> ChangeKind | None:
    """Save the organizer's edits. A change to the title, addressees or text that confirmed
    signers endorsed needs the organizer's `decision` (else ChangeNeedsDecision): a correction
    keeps the signatures and tells each signer, who may withdraw; a new version asks them to
    re-confirm. Returns the kind of change made, None when nobody had endorsed what changed.
    `proposal` is `proposed_change` for these same fields, when the caller read the decision
    from it: the counts and the difference are not worked out twice in one save."""
    if letter.state == LetterState.DELIVERED:
        raise LetterStateError
    after = versions.Endorsed.typed(fields, targets)
    change = versions.proposal(letter, after) if proposal is NOT_WORKED_OUT else proposal
    if change is not None and decision is None:
        raise ChangeNeedsDecision(change)
    endorsed_changed = change is not None or versions.Endorsed.of(letter) != after
    _apply_settings(letter, fields, targets)
    for name in TEXT_FIELDS:
        setattr(letter, name, fields.get(name, ""))
    if change is None:
        if endorsed_changed:  # nobody has endorsed it yet: the current version changes in place
            versions.keep_in_version(versions.current_version(letter), after)
            versions.store_changes_since(letter)
            letter.version_at = utcnow()
        db.session.flush()
        return None
    if decision.kind == ChangeKind.CORRECTION:
        versions.keep_in_version(versions.current_version(letter), after)
    else:
        _new_version(letter, after)
    versions.store_changes_since(letter, known=change)
    logged = log_change(letter, decision.kind, user_id, decision.note, **_logged_details(change, decision))
    if decision.kind == ChangeKind.CORRECTION:
        enqueue(tasks.tell_signers_of_correction, change_id=logged.id)
    return decision.kind


def _logged_details(change: versions.Proposal, decision: versions.Decision) -> dict:
    details = change.details() | {"diffs": change.diffs}
    if decision.kind == ChangeKind.NEW_VERSION:
        details["unlisted"] = change.listed
    return details


def _apply_settings(letter: Letter, fields: dict, targets: list[dict]) -> None:
    for name in SETTINGS:
        if name in fields:
            setattr(letter, name, fields[name])
    if not letter.embargoed:
        letter.release_at = None
        if letter.state != LetterState.DRAFT and letter.published_at is None:
            letter.published_at = utcnow()  # lifting an embargo publishes at once
    letter.targets = [LetterTarget(position=number, **target) for number, target in enumerate(targets)]


def _new_version(letter: Letter, content: versions.Endorsed) -> None:
    letter.version += 1
    letter.version_at = utcnow()
    version = LetterVersion(letter=letter, number=letter.version)
    versions.keep_in_version(version, content)
    db.session.add(version)
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


def tell_signers_of_correction(change: LetterChange) -> None:
    """Email each confirmed signer of the corrected version the difference and a link to
    withdraw their name (once per correction and signature: notices dedupe)."""
    signers = db.session.scalars(
        select(Signature).where(
            Signature.letter_id == change.letter_id,
            Signature.state.in_(CONFIRMED),
            Signature.version == change.version,
        )
    ).all()
    for signature in signers:
        notices.tell_of_correction(signature, change)


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
    notices.tell_signatories(letter, "live", _listed_ids(letter))


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


def record_delivery(
    letter: Letter, delivered_on: date, method: str, delivered_to: str, tell_earlier: bool = False
) -> None:
    """Delivered: signatures stop; the signatories on the delivered letter are told (once), and,
    if the organizer asks, those who signed only an earlier version hear that a new one went."""
    _move(
        letter,
        (LetterState.OPEN, LetterState.CLOSED, LetterState.DELIVERED),
        LetterState.DELIVERED,
        delivered_on=delivered_on,
        delivery_method=method,
        delivered_to=delivered_to,
    )
    listed = _listed_ids(letter)
    notices.tell_signatories(letter, "delivered", listed)
    if tell_earlier:
        earlier = set(_earlier_ids(letter)) - set(listed)  # one person may sign for two groups
        notices.tell_signatories(letter, "delivered_other_version", sorted(earlier))


def record_response(letter: Letter, response_on: date, response: str) -> None:
    if letter.state != LetterState.DELIVERED:
        raise LetterStateError
    first_response = not letter.response
    letter.response_on, letter.response = response_on, response
    db.session.flush()
    if first_response:
        notices.tell_signatories(letter, "response", _listed_ids(letter))


def set_leads(letter: Letter, organization_ids: list[int]) -> None:
    letter.lead_organization_ids = list(dict.fromkeys(organization_ids))
    db.session.flush()


def _listed_ids(letter: Letter) -> list[int]:
    """The people behind the names on the letter as it stands (approved, current version): news
    of the letter is theirs, not that of signers of a version they never confirmed."""
    return _signer_ids(
        letter, Signature.state == SignatureState.APPROVED, Signature.version == letter.version
    )


def _earlier_ids(letter: Letter) -> list[int]:
    return _signer_ids(letter, Signature.state.in_(CONFIRMED), Signature.version < letter.version)


def _signer_ids(letter: Letter, *conditions) -> list[int]:
    return list(
        db.session.scalars(
            select(Signature.supporter_id)
            .where(Signature.letter_id == letter.id, Signature.supporter_id.is_not(None), *conditions)
            .distinct()
        )
    )


def _move(letter: Letter, allowed, to_state: LetterState, **values) -> None:
    if not transitions.move(letter, allowed, to_state, **values):
        raise LetterStateError
