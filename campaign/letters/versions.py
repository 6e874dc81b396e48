"""What a signature endorses, how a change to it reads, and withdrawing a name after a correction."""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import cached_property

from sqlalchemy import func, select

from campaign.core.forms import digest_of
from campaign.core.i18n import in_language
from campaign.core.textdiff import DiffSize, Pieces, diff_size, word_diff
from campaign.extensions import db
from campaign.letters import signing  # a module: signing reads Endorsed from here
from campaign.letters.models import (
    CONFIRMED,
    ChangeKind,
    Letter,
    LetterChange,
    LetterState,
    LetterVersion,
    Signature,
    SignatureState,
)

LANGUAGES = ("en", "es")
# How long a signatory has to take their name off after a correction (and never after delivery).
WITHDRAW_HOURS = 72


@dataclass(frozen=True)
class Endorsed:
    """The words a signature stands behind."""

    title: str
    title_es: str
    body: str
    body_es: str
    targets: tuple[tuple[str, str, str], ...]  # (name, title, office)

    @classmethod
    def of(cls, source: Letter | LetterVersion) -> "Endorsed":
        targets = source.targets if isinstance(source, LetterVersion) else [_row(t) for t in source.targets]
        return cls._build(source.title, source.title_es, source.body, source.body_es, targets)

    @classmethod
    def typed(cls, fields: dict, targets: list[dict]) -> "Endorsed":
        return cls._build(
            fields["title"], fields.get("title_es", ""), fields["body"], fields.get("body_es", ""), targets
        )

    @classmethod
    def _build(cls, title, title_es, body, body_es, targets: list[dict]) -> "Endorsed":
        rows = tuple((t["name"], t.get("title") or "", t.get("office") or "") for t in targets)
        return cls(title or "", title_es or "", body or "", body_es or "", rows)

    @property
    def target_rows(self) -> list[dict]:
        return [{"name": name, "title": title, "office": office} for name, title, office in self.targets]

    @property
    def has_spanish(self) -> bool:
        return bool(self.title_es.strip() or self.body_es.strip())

    def document(self, language: str) -> str:
        """Title, addressees and text as one reading, the way a diff of them is shown."""
        addressees = "\n".join(", ".join(part for part in row if part) for row in self.targets)
        title = in_language(language, self.title, self.title_es)
        return f"{title}\n\n{addressees}\n\n{in_language(language, self.body, self.body_es)}"

    def parts_changed(self, other: "Endorsed") -> list[str]:
        """Which parts differ: "title", "addressees", "text" (the change log names them)."""
        mine, theirs = self._parts(), other._parts()
        return [name for name in mine if mine[name] != theirs[name]]

    def _parts(self) -> dict:
        return {
            "title": (self.title, self.title_es),
            "addressees": self.targets,
            "text": (self.body, self.body_es),
        }


def _row(target) -> dict:
    return {"name": target.name, "title": target.title, "office": target.office}


def differences(before: Endorsed, after: Endorsed) -> dict[str, Pieces]:
    """The marked-up change in each language whose reading changed (Spanish only when either
    side has Spanish): a Spanish text left as it was is not shown again in full."""
    languages = LANGUAGES if before.has_spanish or after.has_spanish else LANGUAGES[:1]
    return {
        language: word_diff(before.document(language), after.document(language))
        for language in languages
        if before.document(language) != after.document(language)
    }


def total_size(diffs: dict[str, Pieces]) -> DiffSize:
    sizes = [diff_size(pieces) for pieces in diffs.values()]
    return DiffSize(sum(size.added for size in sizes), sum(size.removed for size in sizes))


@dataclass(frozen=True)
class Proposal:
    """An edit to what confirmed signatures endorse, shown to the organizer before it is saved."""

    before: Endorsed
    after: Endorsed
    confirmed: int  # confirmed sign-ons, any version
    listed: int  # listed now, and unlisted by a new version until they re-confirm

    @cached_property  # read by the size, the change log and the page: a long letter is diffed once
    def diffs(self) -> dict[str, Pieces]:
        return differences(self.before, self.after)

    @property
    def size(self) -> DiffSize:
        return total_size(self.diffs)

    @property
    def digest(self) -> str:
        """Names this exact change: a choice made on a page showing another change is not taken."""
        return digest_of({"before": asdict(self.before), "after": asdict(self.after)})

    def details(self) -> dict:
        """For the public change log: sizes and part names, no one's personal data."""
        size = self.size
        return {
            "words_added": size.added,
            "words_removed": size.removed,
            "parts": self.before.parts_changed(self.after),
        }


@dataclass(frozen=True)
class Decision:
    """The organizer's call on a proposal, with their note for the change log."""

    kind: ChangeKind
    note: str = ""


def proposal(letter: Letter, after: Endorsed) -> Proposal | None:
    """The change the organizer's edit makes to what signers endorsed; None when it changes
    nothing endorsed, or when nobody has confirmed a signature yet (a draft is edited freely)."""
    before = Endorsed.of(letter)
    if before == after:
        return None
    confirmed = _count(letter, Signature.state.in_(CONFIRMED))
    if not confirmed:
        return None
    listed = _count(letter, Signature.state == SignatureState.APPROVED, Signature.version == letter.version)
    return Proposal(before, after, confirmed, listed)


def _count(letter: Letter, *conditions) -> int:
    return db.session.scalar(select(func.count()).where(Signature.letter_id == letter.id, *conditions))


def since_signed(signature: Signature) -> dict[str, Pieces] | None:
    """What changed between the version a signer confirmed and the letter now, for the re-confirm
    page: as stored when the letter was saved (`store_changes_since`), so opening the page costs
    no diff; a version saved before that was stored is diffed here (a bounded word diff)."""
    letter = signature.letter
    if signature.version >= letter.version:
        return None
    stored = current_version(letter).changes_since.get(str(signature.version))
    if stored is not None:
        return stored
    signed = next((v for v in letter.versions if v.number == signature.version), None)
    if signed is None:
        return None
    return differences(Endorsed.of(signed), Endorsed.of(letter))


def store_changes_since(letter: Letter, known: Proposal | None = None) -> None:
    """After a save that changed what the letter says: the difference from each earlier version a
    signature carries (a signer who may have to re-confirm, or be re-approved) to the letter now,
    kept on its current version. One diff per such version, each bounded in time (core.textdiff);
    only the current version keeps them, since only it is compared against. A version reading
    as the `known` proposal's before (a new version's predecessor) takes its diff, not a second."""
    current = current_version(letter)
    carried = db.session.scalars(
        select(Signature.version)
        .where(Signature.letter_id == letter.id, Signature.version < letter.version)
        .distinct()
    ).all()
    now = Endorsed.of(current)
    current.changes_since = {
        str(version.number): _difference(Endorsed.of(version), now, known)
        for version in letter.versions
        if version.number in carried
    }
    for version in letter.versions:
        if version is not current and version.changes_since:
            version.changes_since = {}


def _difference(before: Endorsed, after: Endorsed, known: Proposal | None) -> dict[str, Pieces]:
    if known is not None and (known.before, known.after) == (before, after):
        return known.diffs
    return differences(before, after)


def current_version(letter: Letter) -> LetterVersion:
    return next(v for v in reversed(letter.versions) if v.number == letter.version)


def keep_in_version(version: LetterVersion, content: Endorsed) -> None:
    version.title, version.title_es = content.title, content.title_es
    version.body, version.body_es = content.body, content.body_es
    version.targets = content.target_rows


# Withdrawing after a correction ------------------------------------------------------------


def withdraw_window_open(letter: Letter, change: LetterChange, now: datetime) -> bool:
    return letter.state != LetterState.DELIVERED and now <= change.changed_at + timedelta(
        hours=WITHDRAW_HOURS
    )


def withdraw_applies(signature: Signature, change: LetterChange) -> bool:
    """The signature still stands on the version the correction was made to: re-confirmed on a
    later version since, it endorses a text the correction's link never asked about."""
    return signature.version == change.version


def withdrawal(signature_id: int, change_id: int) -> tuple[Signature, LetterChange] | None:
    """The sign-on and the correction a withdraw link names, if they belong together."""
    signature = db.session.get(Signature, signature_id)
    change = db.session.get(LetterChange, change_id)
    if signature is None or change is None or change.letter_id != signature.letter_id:
        return None
    if change.kind != ChangeKind.CORRECTION:
        return None
    return signature, change


def withdraw(signature: Signature, change: LetterChange, now: datetime) -> bool:
    """Take the organization's (or person's) name off the letter; False when the window has
    closed, the name is no longer on it, or it was re-confirmed on a later version. The signer
    key is freed, so they may sign again."""
    db.session.refresh(signature, with_for_update=True)
    if not withdraw_window_open(signature.letter, change, now) or signature.state not in CONFIRMED:
        return False
    if not withdraw_applies(signature, change):
        return False
    signing.take_off_letter(signature, SignatureState.WITHDRAWN, now, user_id=None)
    db.session.flush()
    return True
