"""Asking organizations to sign a letter: member contacts, a pasted list, who signed, reminders.

Every ask is a `LetterInvitation` and a notice through notifications' one email path, sent to
the contact's supporter record in the coalition (made without consent: the email is about this
letter, not a subscription, so it still skips anyone who unsubscribed or whose mail bounces).
An address whose owner had their data erased is never asked again: erasure leaves a mark in
notifications' suppression list (a keyed hash), checked before a record is made.
A pasted organization the directory does not know stays a name on the invitation: the shared
directory gets it only when its contact signs, through the sign-on form.
"""

import csv
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import us
from flask import current_app
from flask_babel import force_locale, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from campaign.accounts.models import User
from campaign.coalitions.models import Membership, MembershipStatus
from campaign.coalitions.services import forget_member_contact
from campaign.core.addresses import NotSendable, sendable_address
from campaign.core.crypto import email_blind_index
from campaign.core.forms import has_markup
from campaign.core.text import CONTROL, LINE_BREAK
from campaign.extensions import db
from campaign.letters import notices
from campaign.letters.models import CONFIRMED, Letter, LetterInvitation, Signature
from campaign.notifications import suppression
from campaign.organizations.models import SECTOR_LABELS, Organization, Sector
from campaign.organizations.services import find_matches, kept_record, normalize_name
from campaign.supporters.services import find_supporter, upsert_supporter
from campaign.supporters.signals import address_erasing, supporter_erasing, supporter_exporting

REMINDER_GAP = timedelta(hours=48)
MAX_PASTED_LINES = 300
MAX_LINE_LENGTH = 500
COLUMNS = ("name", "email", "website", "city", "state", "sector")
HEADER_NAMES = frozenset({"name", "organization", "organisation", "nombre", "organizacion"})


class OutreachClosed(Exception):
    """The letter takes no signatures now (a draft, or delivered): there is nothing to ask."""


# -- asking --------------------------------------------------------------------------------


def _default_language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _ask(
    letter: Letter, inviter: User, email: str, name: str, organization: Organization | None, language: str
) -> LetterInvitation | None:
    """Invite one contact and queue the email; None if this address was asked already."""
    if suppression.was_erased(letter.coalition_id, email):  # checked by the callers; again for a race
        return None
    supporter = upsert_supporter(letter.coalition_id, email=email, first_name="", language=language)
    if _invitation_for(letter, supporter.id) is not None:
        return None
    invitation = LetterInvitation(
        letter=letter,
        organization=organization,
        organization_name=name,
        supporter_id=supporter.id,
        contact_email=email,
        # The email goes in the language of the person's record: their own choice if on file.
        language=supporter.language,
        asked_by_id=inviter.id,
    )
    try:
        with db.session.begin_nested():  # a teammate asking at the same moment: one invitation
            db.session.add(invitation)
    except IntegrityError:
        return None
    notices.ask_to_sign(invitation, inviter.name)
    return invitation


def _invitation_for(letter: Letter, supporter_id: int) -> LetterInvitation | None:
    return db.session.scalar(
        select(LetterInvitation).where(
            LetterInvitation.letter_id == letter.id, LetterInvitation.supporter_id == supporter_id
        )
    )


def _check_open(letter: Letter) -> None:
    if not letter.accepts_signatures:
        raise OutreachClosed


@dataclass
class MembersAsked:
    asked: int = 0
    before: int = 0  # asked already, or signed already
    without_contact: int = 0
    erased: int = 0  # their contact asked to be erased


def invite_members(letter: Letter, inviter: User) -> MembersAsked:
    """Email the sign-on link to every active member's contact not yet asked and not yet signed,
    each in the language the member was invited to the coalition in."""
    _check_open(letter)
    result = MembersAsked()
    signed = _signed_organization_ids(letter)
    asked = set(
        db.session.scalars(
            select(LetterInvitation.organization_id).where(LetterInvitation.letter_id == letter.id)
        )
    )
    members = db.session.scalars(
        select(Membership).where(
            Membership.coalition_id == letter.coalition_id, Membership.status == MembershipStatus.ACTIVE
        )
    ).all()
    for membership in members:
        if not membership.contact_email and membership.contact_erased_at:
            result.erased += 1
        elif not membership.contact_email:
            result.without_contact += 1
        elif membership.organization_id in signed | asked:
            result.before += 1
        elif suppression.was_erased(letter.coalition_id, membership.contact_email):
            result.erased += 1
        else:
            language = membership.invitation_locale or _default_language()
            invitation = _ask(
                letter, inviter, membership.contact_email, membership.name, membership.organization, language
            )
            result.asked += invitation is not None
            result.before += invitation is None
    return result


def invite_pasted(letter: Letter, inviter: User, lines: list["PastedLine"], language: str) -> int:
    """Invite the valid lines of a pasted list (checked again here: a preview is not trusted)."""
    _check_open(letter)
    invited = 0
    for line in invitable(lines):
        invited += _ask(letter, inviter, line.email, line.name, line.organization, language) is not None
    return invited


def invitable(lines: list["PastedLine"]) -> list["PastedLine"]:
    return [line for line in lines if line.ok and not line.asked_on]


# -- the pasted list -----------------------------------------------------------------------


@dataclass
class PastedLine:
    number: int
    text: str  # as pasted, minus characters no page can show
    name: str = ""
    email: str = ""
    website: str = ""
    city: str = ""
    state: str = ""
    sector: Sector | None = None
    errors: list = field(default_factory=list)
    organization: Organization | None = None  # the directory's record for the name
    is_member: bool = False
    asked_on: datetime | None = None  # this address was asked to sign this letter then

    @property
    def ok(self) -> bool:
        return not self.errors


def pasted_lines(text: str) -> list[tuple[int, str]]:
    """The non-empty lines, each with its number in the box (blank lines count, as the eye does)."""
    return [(number, line) for number, line in enumerate(LINE_BREAK.split(text or ""), 1) if line.strip()]


def parse_pasted(letter: Letter, text: str) -> list[PastedLine]:
    """Each non-empty line of the paste box, read, checked, and matched with the directory; past
    MAX_PASTED_LINES none (the form refuses the list, and each line costs queries)."""
    lines, seen_names, seen_emails = [], {}, {}
    known = _KnownToLetter.of(letter)
    for position, (number, raw) in enumerate(pasted_lines(text)[: MAX_PASTED_LINES + 1]):
        line = _read_line(number, raw, is_first=position == 0)
        if line is None:  # a header row
            continue
        _check_repeat(line, seen_names, normalize_name(line.name), seen_emails, line.email.lower())
        if line.ok:
            _match(letter, line, known)
        lines.append(line)
    return lines


def _cells(line: str) -> list[str]:
    """A spreadsheet's row pastes with tabs; a typed or CSV one with commas (quotes allowed)."""
    if "\t" in line:
        return [cell.strip() for cell in line.split("\t")]
    return [cell.strip() for cell in next(csv.reader([line], skipinitialspace=True), [])]


def _read_line(number: int, raw: str, is_first: bool) -> PastedLine | None:
    text = CONTROL.sub("", raw)
    if len(text) > MAX_LINE_LENGTH:
        line = PastedLine(number, text[:MAX_LINE_LENGTH] + "…")
        line.errors.append(
            lazy_ngettext(
                "This line is longer than %(num)d character: put one organization per line.",
                "This line is longer than %(num)d characters: put one organization per line.",
                MAX_LINE_LENGTH,
            )
        )
        return line
    line = PastedLine(number, text)
    if text != raw:
        line.errors.append(_l("This line had invisible control characters, which we removed. Check it."))
        return line
    cells = (_cells(text) + [""] * len(COLUMNS))[: len(COLUMNS)]
    values = dict(zip(COLUMNS, cells, strict=True))
    if is_first and normalize_name(values["name"]) in HEADER_NAMES and "@" not in values["email"]:
        return None
    line.name, line.city = " ".join(values["name"].split()), values["city"]
    for check in (_check_name, _check_email, _check_website, _check_place, _check_sector):
        check(line, values)
    return line


def _check_name(line: PastedLine, values: dict) -> None:
    if not line.name:
        line.errors.append(_l("Add the organization’s name first on the line."))
    elif len(line.name) > Organization.name.type.length or has_markup(line.name):
        line.errors.append(_l("The name must be plain text of at most 200 characters."))


def _check_email(line: PastedLine, values: dict) -> None:
    email = values["email"]
    if not email:
        line.errors.append(_l("Add the contact’s email address after the name, separated by a comma."))
        return
    try:
        line.email = sendable_address(
            email, _l("“%(email)s” is not an email address we can send to.", email=email[:80])
        )
    except NotSendable as error:
        line.errors.append(error.message)


def _check_website(line: PastedLine, values: dict) -> None:
    website = values["website"]
    if website and (len(website) > 300 or " " in website or "." not in website or has_markup(website)):
        line.errors.append(_l("The website should be an address like example.org."))
    line.website = website


def _check_place(line: PastedLine, values: dict) -> None:
    if len(line.city) > 100 or has_markup(line.city):
        line.errors.append(_l("The city must be plain text of at most 100 characters."))
    typed = values["state"]
    if not typed:
        return
    state = us.states.lookup(typed) if typed.isprintable() else None
    if state is None or state not in us.states.STATES_AND_TERRITORIES:
        line.errors.append(
            _l(
                "We do not know the state “%(state)s”: use its name or two letters, like AZ.",
                state=typed[:40],
            )
        )
    else:
        line.state = state.abbr


def _sector_words() -> dict[str, Sector]:
    """Each sector by its code and by its label in every language, compared loosely."""
    words = {}
    for sector, label in SECTOR_LABELS.items():
        words[_loose(sector.value)] = sector
        for language in current_app.config["LANGUAGES"]:
            words[_loose(_label_in(label, language))] = sector
    return words


def _label_in(label, language: str) -> str:
    with force_locale(language):
        return str(label)


def _loose(word: str) -> str:
    return re.sub(r"[\W_]+", "", normalize_name(word))


def _check_sector(line: PastedLine, values: dict) -> None:
    typed = values["sector"]
    if not typed:
        return
    line.sector = _sector_words().get(_loose(typed))
    if line.sector is None:
        choices = ", ".join(str(label) for label in SECTOR_LABELS.values())
        line.errors.append(
            _l(
                "We do not know the sector “%(sector)s”. Use one of: %(choices)s.",
                sector=typed[:40],
                choices=choices,
            )
        )


def _check_repeat(line: PastedLine, names: dict, name: str, emails: dict, email: str) -> None:
    earlier = (name and names.get(name)) or (email and emails.get(email))
    if earlier:
        line.errors.append(_l("This repeats line %(number)d.", number=earlier))
        return
    if name:
        names[name] = line.number
    if email:
        emails[email] = line.number


@dataclass(frozen=True)
class _KnownToLetter:
    """Read once for a whole paste (up to MAX_PASTED_LINES lines), not once a line."""

    member_ids: frozenset[int]  # organizations that are active members of the coalition
    asked_at: dict[int, datetime]  # by supporter id: when they were asked to sign this letter

    @classmethod
    def of(cls, letter: Letter) -> "_KnownToLetter":
        members = db.session.scalars(
            select(Membership.organization_id).where(
                Membership.coalition_id == letter.coalition_id, Membership.status == MembershipStatus.ACTIVE
            )
        )
        asked = db.session.execute(
            select(LetterInvitation.supporter_id, LetterInvitation.asked_at).where(
                LetterInvitation.letter_id == letter.id, LetterInvitation.supporter_id.is_not(None)
            )
        )
        return cls(frozenset(members), dict(asked.all()))


def _match(letter: Letter, line: PastedLine, known: _KnownToLetter) -> None:
    matches = find_matches(line.name, limit=1)
    line.organization = kept_record(matches[0]) if matches else None
    if line.organization is not None:
        line.is_member = line.organization.id in known.member_ids
    if suppression.was_erased(letter.coalition_id, line.email):
        line.errors.append(_l("This contact asked not to be contacted: we will not ask them."))
        return
    supporter = find_supporter(letter.coalition_id, line.email)
    line.asked_on = known.asked_at.get(supporter.id) if supporter else None


# -- who was asked, who signed -------------------------------------------------------------


@dataclass
class Standing:
    invitation: LetterInvitation
    signed_at: datetime | None  # when their sign-on was confirmed

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


def _confirmed_signatures(letter: Letter) -> list[tuple]:
    return db.session.execute(
        select(
            Signature.organization_id,
            Signature.supporter_id,
            Signature.confirmed_at,
            Organization.normalized_name,
        )
        .outerjoin(Organization, Organization.id == Signature.organization_id)
        .where(Signature.letter_id == letter.id, Signature.state.in_(CONFIRMED))
    ).all()


def _signed_organization_ids(letter: Letter) -> set[int]:
    return {row.organization_id for row in _confirmed_signatures(letter) if row.organization_id}


def standings(letter: Letter) -> list[Standing]:
    """Everyone asked, by organization name: signed if their organization's sign-on, or one
    from the address asked, is confirmed.

    A pasted name the directory did not know has no organization; when someone signs for an
    organization of that name (compared as the directory compares names), often from another
    address, the invitation is linked to it here, so it counts as signed and is not reminded."""
    by_organization, by_supporter, by_name = {}, {}, {}
    for organization_id, supporter_id, confirmed_at, normalized in _confirmed_signatures(letter):
        by_organization.setdefault(organization_id, confirmed_at)
        by_supporter.setdefault(supporter_id, confirmed_at)
        if normalized:
            by_name.setdefault(normalized, organization_id)
    invitations = db.session.scalars(
        select(LetterInvitation)
        .where(LetterInvitation.letter_id == letter.id)
        .order_by(func.lower(LetterInvitation.organization_name), LetterInvitation.id)
    ).all()
    for invitation in invitations:
        if invitation.organization_id is None:
            invitation.organization_id = by_name.get(normalize_name(invitation.organization_name))
    return [
        Standing(
            invitation,
            (invitation.organization_id and by_organization.get(invitation.organization_id))
            or (invitation.supporter_id and by_supporter.get(invitation.supporter_id))
            or None,
        )
        for invitation in invitations
    ]


def remind_unsigned(letter: Letter, organizer: User, now: datetime) -> int:
    """Email again, in `organizer`'s name, those asked who have not signed, each at most once per
    REMINDER_GAP since the last email. The gap is claimed by a conditional update, so two clicks
    (or two organizers) at once remind each contact once: the second finds the gap taken."""
    _check_open(letter)
    reminded = 0
    for standing in standings(letter):
        invitation = standing.invitation
        if standing.signed or invitation.supporter_id is None:
            continue
        claimed = db.session.execute(
            update(LetterInvitation)
            .where(
                LetterInvitation.id == invitation.id,
                func.coalesce(LetterInvitation.reminded_at, LetterInvitation.asked_at) <= now - REMINDER_GAP,
            )
            .values(reminded_at=now, reminders=LetterInvitation.reminders + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            db.session.refresh(invitation)
            notices.ask_to_sign(invitation, organizer.name)
            reminded += 1
    return reminded


def due_for_reminder(standing: Standing, now: datetime) -> bool:
    last = standing.invitation.reminded_at or standing.invitation.asked_at
    return not standing.signed and last <= now - REMINDER_GAP


@supporter_erasing.connect
def forget_contact(supporter) -> None:
    """An erased person's address leaves the invitations; that their organization was asked stays."""
    db.session.execute(
        update(LetterInvitation)
        .where(LetterInvitation.supporter_id == supporter.id)
        .values(contact_email=None, supporter_id=None)
    )


@address_erasing.connect
def forget_member_contacts(address: str) -> int:
    """An erased address leaves the memberships it was the contact of, and each coalition keeps
    the mark that stops it being asked again (as for its supporters, in notifications)."""
    memberships = forget_member_contact(address)
    for membership in memberships:
        coalition_id = membership.coalition_id
        suppression.mark_erased(coalition_id, email_blind_index(address, coalition_id=coalition_id))
    return len(memberships)


@supporter_exporting.connect
def describe_invitations(supporter) -> list[str]:
    """For a person's copy of their data: the letters their address was asked to sign."""
    rows = db.session.execute(
        select(LetterInvitation.asked_at, Letter.title, LetterInvitation.organization_name)
        .join(Letter, Letter.id == LetterInvitation.letter_id)
        .where(LetterInvitation.supporter_id == supporter.id)
        .order_by(LetterInvitation.asked_at)
    )
    return [
        f"{asked_at:%Y-%m-%d} · asked to sign · {title} · {organization}"
        for asked_at, title, organization in rows
    ]
