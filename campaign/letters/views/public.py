"""Public pages of a letter: the letter and its change log, signing on, confirming, withdrawing."""

from flask import abort, jsonify, redirect, render_template, url_for
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from campaign.coalitions.access import preview_or_404
from campaign.core.confirm_page import confirm_page
from campaign.core.i18n import speak_to_owner
from campaign.core.outbox import utcnow
from campaign.core.text import query_text
from campaign.extensions import csrf, db, limiter
from campaign.letters import notices, signatories, signing, versions
from campaign.letters.changes import change_log
from campaign.letters.forms import SignOnForm
from campaign.letters.models import CONFIRMED, Letter, LetterState, Signature
from campaign.notifications.forms import EmptyForm
from campaign.supporters.forms import consent_wording

SIGN_ON_LIMIT = "30 per minute"  # per address: a coalition meeting signs from one network


def _preview(letter: Letter) -> str:
    return preview_or_404(letter.coalition, "letters.edit_letter", letter_id=letter.id)


def _shown_or_404(slug: str) -> tuple[Letter, str | None]:
    """The public letter, or its preview for its organizers while it is a draft or embargoed: it
    does not exist yet for anyone else."""
    letter = db.first_or_404(select(Letter).where(Letter.slug == slug))
    if letter.state == LetterState.DRAFT or not letter.is_public:
        return letter, _preview(letter)
    return letter, None


def _load_by_key_or_404(key: str) -> Letter:
    # With its coalition, whose name the form's consent wording needs: one query, not two.
    return db.first_or_404(
        select(Letter).options(joinedload(Letter.coalition)).where(Letter.signon_key == key)
    )


def _by_key_or_404(key: str) -> Letter:
    letter = _load_by_key_or_404(key)
    if letter.state == LetterState.DRAFT:
        abort(404)
    return letter


def _language() -> str:
    return str(get_locale() or "en")


def public_letter(slug: str):
    letter, draft_preview = _shown_or_404(slug)
    listed = signatories.public_list(letter)
    return render_template(
        "letters/public.html",
        letter=letter,
        listed=listed,
        summary=signatories.summary_sentence(letter, listed, _language()),
        fingerprint=signatories.fingerprint(letter, listed),
        changes=change_log(letter),
        draft_preview=draft_preview,
    )


@csrf.exempt  # the form's own token is checked instead of the session's
@limiter.limit(SIGN_ON_LIMIT, methods=["POST"])
def sign(key: str):
    letter = _load_by_key_or_404(key)
    # A draft's sign-on page is its organizers' preview, and takes no sign-on (a POST is a 404).
    draft_preview = _preview(letter) if letter.state == LetterState.DRAFT else None
    form = SignOnForm(
        bound_to=letter.id,
        allow_individuals=letter.allow_individuals,
        consent_wording=consent_wording(letter.coalition.name),
    )
    if letter.accepts_signatures and form.validate_on_submit():
        wording = form.consent_given
        signing.sign_on(letter, form.fields_for_save(), _language(), wording)
        db.session.commit()
        # The same answer for every address: whether it had signed is told to its owner, by email.
        return redirect(url_for("letters.signed", key=key))
    status = 400 if form.errors else 200
    return render_template("letters/sign.html", letter=letter, form=form, draft_preview=draft_preview), status


def signed(key: str):
    return render_template("letters/signed.html", letter=_by_key_or_404(key))


def organization_suggestions(key: str):
    """Names from the public directory as the signer types, so they pick the existing record."""
    _by_key_or_404(key)
    found = signing.suggest_organizations(query_text("q", 200))
    return jsonify([{"name": org.name, "place": org.place} for org in found])


@csrf.exempt  # the form's own token is checked instead of the session's
def confirm(token: str):
    signature_id = notices.signature_id_for_token(token)
    signature = db.session.get(Signature, signature_id) if signature_id else None
    if signature is None:
        return render_template("letters/confirm_unknown.html"), 404
    speak_to_owner(signature)
    return confirm_page(
        token,
        signature,
        signing.confirm,
        signing.shown_digest,
        "letters",
        letter=signature.letter,
        since_signed=versions.since_signed(signature),
    )


@csrf.exempt  # the form's own token is checked instead of the session's
def withdraw(token: str):
    """A signer takes their name off after a correction. A GET only asks (link scanners open
    links); the button's POST withdraws."""
    ids = notices.withdrawal_ids_for_token(token)
    found = versions.withdrawal(*ids) if ids else None
    if found is None:
        return render_template("letters/withdraw_unknown.html"), 404
    signature, change = found
    speak_to_owner(signature)
    form = EmptyForm(bound_to=token)
    outcome = _withdraw_outcome(signature, change, form)
    db.session.commit()
    page = render_template(
        "letters/withdraw.html", signature=signature, letter=signature.letter, form=form, outcome=outcome
    )
    return page, 410 if outcome in ("too_late", "superseded") else 200


def _withdraw_outcome(signature: Signature, change, form: EmptyForm) -> str:
    now = utcnow()
    if signature.state not in CONFIRMED:
        return "off_the_letter"  # withdrawn already, rejected, or never confirmed
    if not versions.withdraw_applies(signature, change):
        return "superseded"  # re-confirmed on a later version since the correction
    if not versions.withdraw_window_open(signature.letter, change, now):
        return "too_late"
    if form.validate_on_submit():
        return "withdrawn" if versions.withdraw(signature, change, now) else "too_late"
    return "ask"
