"""Who stands on a letter: the public list grouped by place, the press summary, the fingerprint."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import us
from babel.lists import format_list
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from campaign.extensions import db
from campaign.letters.models import CONFIRMED, Letter, LetterState, Signature, SignatureState, SignerKind
from campaign.notifications.audience import AudienceSource
from campaign.organizations.models import SCOPE_LABELS, SECTOR_LABELS, Organization, Scope

LEADS_IN_SUMMARY = 3


@dataclass(frozen=True)
class Signatory:
    organization_id: int | None
    name: str
    city: str
    us_state: str
    sector: str | None
    national: bool

    @property
    def sector_label(self) -> str:
        return str(SECTOR_LABELS[self.sector]) if self.sector else ""

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.city, self.us_state) if part)


@dataclass
class Group:
    key: str  # "national", a state's code, or "" for organizations that gave none
    signatories: list[Signatory] = field(default_factory=list)

    @property
    def heading(self) -> str:
        if self.key == "national":
            return str(SCOPE_LABELS[Scope.NATIONAL])
        state = us.states.lookup(self.key) if self.key else None
        return state.name if state else _("Other")


@dataclass
class SignatoryList:
    groups: list[Group]
    individuals: list[Signatory]  # those who chose to be listed
    individual_count: int  # every approved individual, listed or not

    @property
    def organizations(self) -> list[Signatory]:
        return [signatory for group in self.groups for signatory in group.signatories]

    @property
    def organization_count(self) -> int:
        return len(self.organizations)


def current_approved() -> Select:
    """A select of every letter's approved signatures of its current text: those shown to the
    public and in the packet (the API's signatories too)."""
    return (
        select(Signature)
        .join(Letter, Letter.id == Signature.letter_id)
        .where(Signature.state == SignatureState.APPROVED, Signature.version == Letter.version)
    )


def current_signatures(letter: Letter) -> list[Signature]:
    return db.session.scalars(current_approved().where(Signature.letter_id == letter.id)).all()


def public_list(letter: Letter) -> SignatoryList:
    organizations, individuals, individual_count = [], [], 0
    for signature in current_signatures(letter):
        signatory = Signatory(
            organization_id=signature.organization_id,
            name=signature.display_name,
            city=signature.city,
            us_state=signature.us_state,
            sector=signature.sector,
            national=signature.scope == Scope.NATIONAL,
        )
        if signature.kind == SignerKind.ORGANIZATION:
            organizations.append(signatory)
        else:
            individual_count += 1
            if signature.show_name and signatory.name:
                individuals.append(signatory)
    return SignatoryList(_grouped(organizations), _by_name(individuals), individual_count)


def _by_name(signatories: list[Signatory]) -> list[Signatory]:
    return sorted(signatories, key=lambda signatory: signatory.name.casefold())


def _grouped(organizations: list[Signatory]) -> list[Group]:
    """National organizations first, then one group per state by its name, then any without one."""
    groups: dict[str, Group] = {}
    for signatory in _by_name(organizations):
        key = "national" if signatory.national else signatory.us_state
        groups.setdefault(key, Group(key)).signatories.append(signatory)
    return sorted(groups.values(), key=lambda group: (group.key != "national", not group.key, group.heading))


def leads(letter: Letter, signatories: SignatoryList) -> list[Signatory]:
    """The organizations the summary names: the organizer's picks, else national ones first."""
    listed = signatories.organizations  # national first already
    by_id = {signatory.organization_id: signatory for signatory in listed}
    chosen = [by_id[org_id] for org_id in letter.lead_organization_ids if org_id in by_id]
    return chosen or listed[:LEADS_IN_SUMMARY]


def summary_sentence(letter: Letter, signatories: SignatoryList, language: str) -> str:
    """ "Signed by A, B, C and 60 more": the number always agrees with the list."""
    named = [signatory.name for signatory in leads(letter, signatories)]
    if not named:
        return ""
    others = signatories.organization_count - len(named)
    with force_locale(language):
        if others == 0:
            return _("Signed by %(names)s.", names=format_list(named, locale=language))
        return ngettext(
            "Signed by %(names)s and %(num)d more organization.",
            "Signed by %(names)s and %(num)d more organizations.",
            others,
            names=", ".join(named),
        )


def fingerprint(letter: Letter, signatories: SignatoryList) -> str:
    """A SHA-256 of the text and the list as published: a printed packet can be checked against the page."""
    content = {
        "letter": letter.slug,
        "version": letter.version,
        "title": letter.title,
        "body": letter.body,
        "targets": [str(target) for target in letter.targets],
        "organizations": [[s.name, s.city, s.us_state, s.sector or ""] for s in signatories.organizations],
        "individuals": [[s.name, s.city, s.us_state] for s in signatories.individuals],
        "individual_count": signatories.individual_count,
    }
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def counts_by_state(letter: Letter) -> dict[SignatureState, int]:
    return counts_per_letter([letter.id])[letter.id]


def counts_per_letter(letter_ids: list[int]) -> dict[int, dict[SignatureState, int]]:
    """Letter id -> {state: number of sign-ons}, in one read: the coalition's list of letters."""
    counts: dict[int, dict[SignatureState, int]] = {letter_id: {} for letter_id in letter_ids}
    rows = db.session.execute(
        select(Signature.letter_id, Signature.state, func.count())
        .where(Signature.letter_id.in_(letter_ids))
        .group_by(Signature.letter_id, Signature.state)
    )
    for letter_id, state, number in rows:
        counts[letter_id][SignatureState(state)] = number
    return counts


def earlier_version_count(letter: Letter) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Signature.letter_id == letter.id,
            Signature.state.in_(CONFIRMED),
            Signature.version < letter.version,
        )
    )


# The spreadsheet's columns, named in the organizer's language (`export_header`). The
# organization is named as on this letter: the directory's name may have changed since, and the
# letter keeps what was signed.
EXPORT_COLUMNS = (
    _l("Name on this letter"),
    _l("Signer"),
    _l("Signer’s title"),
    _l("Email"),
    _l("Website"),
    _l("City"),
    _l("State"),
    _l("Sector"),
    _l("Scope"),
    _l("Signing as"),
    _l("Status of the sign-on"),
    _l("Language"),
    _l("How authorized"),
    _l("Version signed"),
    _l("Signed the current version"),
    _l("Late"),
    _l("Signed at (UTC)"),
    _l("Confirmed at (UTC)"),
)
STATUS_WORDS = {
    SignatureState.PENDING: _l("Waiting for approval"),
    SignatureState.APPROVED: _l("Approved"),
    SignatureState.REJECTED: _l("Rejected"),
}
KIND_WORDS = {SignerKind.ORGANIZATION: _l("An organization"), SignerKind.INDIVIDUAL: _l("An individual")}
LANGUAGE_WORDS = {"en": _l("English"), "es": _l("Spanish")}


def export_header() -> list[str]:
    return [str(column) for column in EXPORT_COLUMNS]


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def how_authorized(signature: Signature) -> str:
    """Added by hand (how, by whom, whether its contact confirmed since), or confirmed by email."""
    if not signature.added_by_hand:
        return _("Signed on and confirmed from the signer’s email")
    said = _(
        "Added by the coalition: %(how)s, %(who)s",
        how=signature.authorization_label,
        who=signature.authorized_by or "",
    )
    return _("%(said)s; confirmed by its contact", said=said) if signature.confirmed_at else said


def export_rows(letter: Letter) -> Iterator[tuple]:
    """Every confirmed sign-on (and every one added by hand), for the organizers' spreadsheet
    (personal data: admins only), in the language of the request."""
    query = (
        select(Signature)
        .options(joinedload(Signature.supporter), joinedload(Signature.organization))
        .where(Signature.letter_id == letter.id, Signature.state.in_(tuple(STATUS_WORDS)))
        .order_by(Signature.id)
    )
    for signature in db.session.scalars(query):
        organization = signature.organization
        yield (
            signature.organization_name,
            signature.signer_name or "",
            signature.signer_title or "",
            signature.supporter.email if signature.supporter else "",
            organization.website if organization else "",
            signature.city,
            signature.us_state,
            str(signature.sector_label),
            str(signature.scope_label),
            str(KIND_WORDS[signature.kind]),
            str(STATUS_WORDS[signature.state]),
            str(LANGUAGE_WORDS.get(signature.language, signature.language)),
            how_authorized(signature),
            signature.version,
            _yes_no(signature.version == letter.version),
            _yes_no(signature.late),
            f"{signature.created_at:%Y-%m-%d %H:%M}",
            f"{signature.confirmed_at:%Y-%m-%d %H:%M}" if signature.confirmed_at else "",
        )


def _signer_ids(coalition_id: int, letter_id: int | None) -> Select:
    return select(Signature.supporter_id).where(
        Signature.letter_id == letter_id,
        Signature.state.in_(CONFIRMED),
    )


def _letter_choices(coalition_id: int) -> list[tuple[int, str]]:
    return db.session.execute(
        select(Letter.id, Letter.title)
        .where(Letter.coalition_id == coalition_id, Letter.state != LetterState.DRAFT)
        .order_by(Letter.created_at.desc())
    ).all()


def _signers_in_state(coalition_id: int, letter_id: int | None, state: str) -> Select:
    """Signers placed in `state` by their sign-on: the state they signed from, else (sign-ons
    saved without one) their organization's."""
    return (
        select(Signature.supporter_id)
        .outerjoin(Organization, Organization.id == Signature.organization_id)
        .where(
            Signature.letter_id == letter_id,
            Signature.state.in_(CONFIRMED),
            or_(
                Signature.us_state == state,
                and_(Signature.us_state == "", Organization.state == state),
            ),
        )
    )


# Alerts can go to a letter's signers (those who also agreed to hear from the coalition);
# letters.register(app) adds it.
SIGNERS = AudienceSource(
    "letter", _l("Signers of the letter"), _signer_ids, _letter_choices, in_state=_signers_in_state
)
