"""Organizer pages vetting a letter's sign-ons: the queue, decisions, merge, rename, add by hand."""

from collections.abc import Callable

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from campaign.coalitions.access import coalition_required, get_scoped_or_404
from campaign.coalitions.models import Role
from campaign.core.outbox import utcnow
from campaign.core.urls import database_ids
from campaign.extensions import db
from campaign.letters import by_hand, signatories, vetting
from campaign.letters.forms import AddSignatoryForm, DecisionForm, MergeForm, RenameForm
from campaign.letters.models import Letter, Signature, SignatureState

# The organizer's lists of sign-ons: the queue first, since that is what needs a decision.
REVIEW_TABS = {
    "pending": (SignatureState.PENDING,),
    "approved": (SignatureState.APPROVED,),
    "rejected": (SignatureState.REJECTED,),
    "unconfirmed": (SignatureState.UNCONFIRMED,),
}


def _to_queue(letter: Letter, tab: str | None = None):
    shown = tab if tab in REVIEW_TABS else None
    return redirect(url_for("letters.signatures", slug=g.coalition.slug, letter_id=letter.id, show=shown))


def _step_back_to_queue(letter: Letter, step: Callable[[], object], done: str):
    """One vetting step on one card: saved and `done` said, or its refusal said and nothing saved;
    either way the organizer is back on the list they were on."""
    try:
        step()
    except vetting.VettingError as refusal:
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return _to_queue(letter, request.args.get("show"))


def _tab_of(signature: Signature) -> str:
    """The list a sign-on is on, so a refused change to it is shown on its own card."""
    return next((tab for tab, states in REVIEW_TABS.items() if signature.state in states), "pending")


def _signature_or_404(letter: Letter, signature_id: int) -> Signature:
    """A sign-on of this letter only: an id from another letter (or coalition) is not found."""
    return db.first_or_404(
        select(Signature).where(Signature.id == signature_id, Signature.letter_id == letter.id)
    )


@coalition_required(Role.VIEWER)
def signatures(letter_id: int):
    letter = get_scoped_or_404(Letter, letter_id)
    tab = request.args.get("show", "pending")
    if tab not in REVIEW_TABS:
        abort(404)
    return _queue_page(letter, tab)


def _queue_page(letter: Letter, tab: str, rename_form: RenameForm | None = None, renaming: int | None = None):
    """The queue; a refused rename comes back on the card `renaming`, with what was typed and why."""
    rows = vetting.signatures_in(letter, REVIEW_TABS[tab])
    return render_template(
        "letters/signatures.html",
        coalition=g.coalition,
        letter=letter,
        rows=rows,
        facts=vetting.queue_facts(letter, rows),
        tab=tab,
        counts=signatories.counts_by_state(letter),
        form=DecisionForm(),
        merge_form=MergeForm(formdata=None),
        rename_form=rename_form or RenameForm(formdata=None),
        renaming=renaming,
    )


@coalition_required(Role.ORGANIZER)
def decide(letter_id: int):
    letter = get_scoped_or_404(Letter, letter_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = vetting.signatures_by_id(letter, database_ids(request.form.getlist("signature_id")))
    if not chosen:
        flash(_("Tick the sign-ons to approve or reject first."), "error")
        return _to_queue(letter, request.args.get("show"))
    try:
        decided = vetting.decide(chosen, bool(form.approve.data), current_user.id, utcnow())
    except vetting.VettingError as refusal:
        flash(str(refusal), "error")
        return _to_queue(letter, request.args.get("show"))
    db.session.commit()
    _flash_decided(decided)
    return _to_queue(letter, request.args.get("show"))


def _flash_decided(decided: vetting.Decided) -> None:
    flash(
        ngettext(
            "%(num)d sign-on updated; its signer is told by email.",
            "%(num)d sign-ons updated; each signer is told by email.",
            decided.changed,
        ),
        "success",
    )
    for refused in decided.refused:
        flash(
            _(
                "%(name)s is not approved: another sign-on for this organization is on the letter. "
                "To list this one instead, reject that one first.",
                name=refused.display_name,
            ),
            "error",
        )


@coalition_required(Role.ORGANIZER)
def merge(letter_id: int, signature_id: int):
    letter = get_scoped_or_404(Letter, letter_id)
    duplicate = _signature_or_404(letter, signature_id)
    form = MergeForm()
    ids = database_ids([form.into.data or ""])
    if not form.validate_on_submit() or not ids:
        abort(400)
    listed = _signature_or_404(letter, ids[0])
    return _step_back_to_queue(
        letter,
        lambda: vetting.merge(duplicate, listed, current_user.id, utcnow()),
        _("Merged: %(name)s is listed once.", name=listed.display_name),
    )


@coalition_required(Role.ORGANIZER)
def rename(letter_id: int, signature_id: int):
    letter = get_scoped_or_404(Letter, letter_id)
    signature = _signature_or_404(letter, signature_id)
    form = RenameForm()
    if not form.validate_on_submit():
        return _queue_page(letter, _tab_of(signature), rename_form=form, renaming=signature.id), 400
    return _step_back_to_queue(
        letter, lambda: vetting.rename(signature, form.display_name.data, current_user.id), _("Name saved.")
    )


@coalition_required(Role.ORGANIZER)
def add_signatory(letter_id: int):
    letter = get_scoped_or_404(Letter, letter_id)
    form = AddSignatoryForm()
    if form.validate_on_submit():
        try:
            by_hand.add_signatory(letter, form.fields_for_save(str(get_locale())), current_user.id, utcnow())
        except vetting.VettingError as refusal:
            form.organization_name.errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("%(name)s is on the letter.", name=form.organization_name.data), "success")
            return _to_queue(letter, "approved")
    status = 400 if form.errors else 200
    return render_template(
        "letters/add_signatory.html", coalition=g.coalition, letter=letter, form=form
    ), status
