"""The coalition's sign-on letters and their signatories as the API shows them: public data only,
what the letter's public page shows (letters/views/public.py), in our own namespace since OSDI
has no sign-on letters (`campaign_desk:letters`, `campaign_desk:signatories`).

A letter is listed once its page is public (opened, and released if it was embargoed); a
signatory once approved on the current text, as the page lists them: every organization, and
the individuals who chose to be named. A sign-on waiting, rejected, withdrawn or on an earlier
text is never listed, and an individual who did not ask to be named is only counted."""

from datetime import datetime

from flask import url_for
from sqlalchemy import Select, func, or_, select

from campaign.api.hal import Page, collection, identifiers, link, page_of, timestamp
from campaign.extensions import db
from campaign.letters.models import Letter, LetterState, LetterTarget, Signature, SignerKind
from campaign.letters.signatories import current_approved


def public_letters(coalition_id: int) -> Select:
    return select(Letter).where(
        Letter.coalition_id == coalition_id,
        Letter.state != LetterState.DRAFT,
        Letter.published_at.is_not(None),
    )


def page_of_letters(coalition_id: int, number: int, size: int) -> Page:
    page = page_of(public_letters(coalition_id), Letter.id, number, size)
    page.extra = signatory_totals([letter.id for letter in page.items])
    return page


def letter(coalition_id: int, letter_id: int) -> Letter | None:
    return db.session.scalar(public_letters(coalition_id).where(Letter.id == letter_id))


def signatory_totals(letter_ids: list[int]) -> dict[int, int]:
    """Letter id -> its signatories on the current text, named or not (the page's figures)."""
    rows = db.session.execute(
        current_approved()
        .with_only_columns(Signature.letter_id, func.count())
        .where(Signature.letter_id.in_(letter_ids))
        .group_by(Signature.letter_id)
    )
    return {letter_id: 0 for letter_id in letter_ids} | dict(rows.all())


def _listed(letter: Letter) -> Select:
    return current_approved().where(
        Signature.letter_id == letter.id,
        or_(Signature.kind == SignerKind.ORGANIZATION, Signature.show_name.is_(True)),
    )


def page_of_signatories(letter: Letter, number: int, size: int) -> Page:
    return page_of(_listed(letter), Signature.id, number, size)


def signatory(letter: Letter, signature_id: int) -> Signature | None:
    return db.session.scalar(_listed(letter).where(Signature.id == signature_id))


def latest(*stamps: datetime | None) -> datetime:
    return max(stamp for stamp in stamps if stamp is not None)


def last_change(letter: Letter) -> datetime:
    """The latest change the letter dates: its text, its opening, release or closing."""
    return latest(
        letter.created_at, letter.version_at, letter.opened_at, letter.published_at, letter.closed_at
    )


def _given(fields: dict) -> dict:
    """The fields that have a value: OSDI leaves out what is not known."""
    return {name: value for name, value in fields.items() if value}


def _target(target: LetterTarget) -> dict:
    """An addressee as OSDI names a target's fields, with Action Network's `name` for the whole name."""
    return _given({"name": target.name, "title": target.title, "organization": target.office})


def letter_resource(letter: Letter, total: int) -> dict:
    return {
        "identifiers": identifiers(letter.id),
        "created_date": timestamp(letter.created_at),
        "modified_date": timestamp(last_change(letter)),
        "title": letter.title,
        "browser_url": url_for("letters.public_letter", slug=letter.slug, _external=True),
        "status": letter.state.value,
        "total_signatories": total,
        "targets": [_target(target) for target in letter.targets],
        "_links": {
            "self": link("api.letters.show", letter_id=letter.id),
            "campaign_desk:signatories": link("api.letters.signatories", letter_id=letter.id),
        },
    }


def signatory_resource(signature: Signature) -> dict:
    """What the public list shows of a signatory; a field left blank by the signer is left out."""
    shown = {
        "name": signature.display_name,
        "signer_type": signature.kind.value,
        "sector": signature.sector.value if signature.sector else "",
        "locality": signature.city,
        "region": signature.us_state,
    }
    return {
        "identifiers": identifiers(signature.id),
        "created_date": timestamp(signature.created_at),
        **_given(shown),
        "_links": {
            "self": link("api.letters.signatory", letter_id=signature.letter_id, signatory_id=signature.id),
            "campaign_desk:letter": link("api.letters.show", letter_id=signature.letter_id),
        },
    }


def letters_resource(page: Page) -> dict:
    embedded = [letter_resource(each, page.extra[each.id]) for each in page.items]
    return collection("api.letters.index", "campaign_desk:letters", page, embedded, {})


def signatories_resource(letter: Letter, page: Page) -> dict:
    embedded = [signatory_resource(each) for each in page.items]
    return collection(
        "api.letters.signatories", "campaign_desk:signatories", page, embedded, {}, letter_id=letter.id
    )
