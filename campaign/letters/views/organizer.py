"""Organizer pages of a letter: write, open, summarize, export, deliver, reach out for sign-ons."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from campaign.coalitions.access import coalition_required, get_scoped_or_404, scoped
from campaign.coalitions.models import Role
from campaign.core.exports import logged_csv
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.letters import outreach, packet, services, signatories
from campaign.letters.changes import change_log
from campaign.letters.forms import DeliveryForm, LeadsForm, LetterForm, PastedOrganizationsForm, ResponseForm
from campaign.letters.models import LETTER_STATE_LABELS, ChangeKind, Letter
from campaign.notifications.forms import EmptyForm


def letter_labels():
    return {"LETTER_STATE_LABELS": LETTER_STATE_LABELS}


def _to_letter(letter: Letter, anchor: str | None = None):
    return redirect(url_for("letters.letter", slug=g.coalition.slug, letter_id=letter.id, _anchor=anchor))


def _moved_on(letter: Letter):
    flash(_("That is not possible any more: the letter has moved on. Here is where it stands."), "info")
    return _to_letter(letter)


@coalition_required(Role.VIEWER)
def letters():
    rows = db.session.scalars(scoped(Letter).order_by(Letter.created_at.desc())).all()
    counts = signatories.counts_per_letter([letter.id for letter in rows])
    return render_template("letters/letters.html", coalition=g.coalition, letters=rows, counts=counts)


@coalition_required(Role.ORGANIZER)
def new_letter():
    form = LetterForm()
    if form.validate_on_submit():
        letter = services.create_letter(
            g.coalition.id, current_user.id, form.fields_for_save(), form.target_rows()
        )
        db.session.commit()
        return _to_letter(letter)
    return render_template("letters/edit.html", coalition=g.coalition, form=form, letter=None)


@coalition_required(Role.ORGANIZER)
def edit_letter(letter_id: int):
    letter = get_scoped_or_404(Letter, letter_id)
    # Filled from the saved letter on POST too, so the form knows what was saved and an old
    # deadline left as it was does not count as "moved into the past".
    form = LetterForm.for_letter(letter)
    if not form.validate_on_submit():
        # An off-choice answer on the review step: the difference stays on the page with the error.
        review = form.errors and set(form.errors) <= LetterForm.REVIEW_FIELDS
        proposal = (
            services.proposed_change(letter, form.fields_for_save(), form.target_rows()) if review else None
        )
        return _edit_page(letter, form, proposal)
    fields, targets = form.fields_for_save(), form.target_rows()
    proposal = services.proposed_change(letter, fields, targets)
    decision = form.decision(proposal) if proposal else None
    try:
        kind = services.update_letter(letter, fields, targets, current_user.id, decision, proposal)
    except services.LetterStateError:
        return _moved_on(letter)
    except services.ChangeNeedsDecision as needed:
        # Nothing saved yet: the page shows the difference, keeping every field as typed.
        return _edit_page(letter, form, needed.proposal)
    db.session.commit()
    flash(_saved_message(letter, kind), "success")
    return _to_letter(letter)


def _edit_page(letter: Letter, form: LetterForm, proposal=None):
    status = 400 if form.errors else 200
    if proposal is not None:
        form.reviewed.data = proposal.digest  # a choice sent back applies to this change only
    page = render_template(
        "letters/edit.html", coalition=g.coalition, form=form, letter=letter, proposal=proposal
    )
    return page, status


def _saved_message(letter: Letter, kind: ChangeKind | None) -> str:
    if kind == ChangeKind.CORRECTION:
        return _(
            "Saved as a correction. Each signer is emailed the difference and may withdraw "
            "their name within 72 hours."
        )
    if kind == ChangeKind.NEW_VERSION:
        return _(
            "Saved as version %(number)d. Earlier signers are asked to confirm it.", number=letter.version
        )
    return _("Saved.")


@coalition_required(Role.VIEWER)
def letter(letter_id: int):
    letter = get_scoped_or_404(Letter, letter_id)
    return _letter_page(
        letter,
        DeliveryForm(obj=letter if letter.delivered_on else None),
        ResponseForm(obj=letter if letter.response_on else None),
    )


def _letter_page(letter: Letter, delivery_form: DeliveryForm, response_form: ResponseForm, status: int = 200):
    listed = signatories.public_list(letter)
    return render_template(
        "letters/letter.html",
        coalition=g.coalition,
        letter=letter,
        listed=listed,
        counts=signatories.counts_by_state(letter),
        earlier_version=signatories.earlier_version_count(letter),
        summaries={lang: signatories.summary_sentence(letter, listed, lang) for lang in ("en", "es")},
        fingerprint=signatories.fingerprint(letter, listed),
        changes=change_log(letter),
        action_form=EmptyForm(),
        delivery_form=delivery_form,
        response_form=response_form,
    ), status


ACTIONS = {
    "open": lambda letter: services.open_letter(letter, utcnow()),
    "release": lambda letter: services.release(letter, utcnow()),
    "close": lambda letter: services.close(letter, utcnow()),
    "reopen": services.reopen,
}


@coalition_required(Role.ORGANIZER)
def act(letter_id: int, action: str):
    letter = get_scoped_or_404(Letter, letter_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        ACTIONS[action](letter)
    except services.LetterStateError:
        return _moved_on(letter)
    db.session.commit()
    return _to_letter(letter)


@coalition_required(Role.ORGANIZER)
def summary(letter_id: int):
    letter = get_scoped_or_404(Letter, letter_id)
    listed = signatories.public_list(letter)
    # Only organizations in the directory can be named first: leads are kept by their record's id.
    choices = [(s.organization_id, s.name) for s in listed.organizations if s.organization_id]
    form = LeadsForm(choices)
    if request.method == "GET":
        for slot, org_id in zip(
            (form.first, form.second, form.third), letter.lead_organization_ids, strict=False
        ):
            slot.data = org_id
    if form.validate_on_submit():
        services.set_leads(letter, form.chosen_ids())
        db.session.commit()
        flash(_("Summary saved."), "success")
        return _to_letter(letter, "summary")
    return render_template("letters/summary.html", coalition=g.coalition, letter=letter, form=form)


@coalition_required(Role.ADMIN)
def export(letter_id: int):
    letter = get_scoped_or_404(Letter, letter_id)
    rows = list(signatories.export_rows(letter))  # a letter has hundreds of signers, not millions
    return logged_csv(
        g.coalition.id,
        current_user.id,
        what=f"letter:{letter.id}:signatories",
        row_count=len(rows),
        filename=f"{letter.slug}-signatories.csv",
        header=signatories.export_header(),
        rows=rows,
    )


@coalition_required(Role.VIEWER)
def packet_page(letter_id: int):
    return packet.page(get_scoped_or_404(Letter, letter_id))


@coalition_required(Role.VIEWER)
def packet_pdf(letter_id: int):
    return packet.pdf(get_scoped_or_404(Letter, letter_id))


@coalition_required(Role.ORGANIZER)
def record_delivery(letter_id: int):
    letter = get_scoped_or_404(Letter, letter_id)
    form = DeliveryForm()
    if not form.validate_on_submit():
        return _letter_page(letter, form, ResponseForm(formdata=None), 400)
    try:
        services.record_delivery(
            letter,
            form.delivered_on.data,
            form.delivery_method.data,
            form.delivered_to.data,
            tell_earlier=form.tell_earlier.data,
        )
    except services.LetterStateError:
        return _moved_on(letter)
    db.session.commit()
    flash(_("Delivery recorded. The signatories on the delivered letter are told by email."), "success")
    return _to_letter(letter, "delivery")


@coalition_required(Role.ORGANIZER)
def record_response(letter_id: int):
    letter = get_scoped_or_404(Letter, letter_id)
    form = ResponseForm()
    if not form.validate_on_submit():
        return _letter_page(letter, DeliveryForm(formdata=None), form, 400)
    try:
        services.record_response(letter, form.response_on.data, form.response.data)
    except services.LetterStateError:
        return _moved_on(letter)
    db.session.commit()
    flash(_("Response recorded. The signatories on the delivered letter are told by email."), "success")
    return _to_letter(letter, "delivery")


# -- asking organizations to sign (outreach.py) --------------------------------------------


def _outreach_page(letter: Letter, form: PastedOrganizationsForm, preview=None, status: int = 200):
    now = utcnow()
    rows = outreach.standings(letter)
    return render_template(
        "letters/outreach.html",
        coalition=g.coalition,
        letter=letter,
        rows=rows,
        signed=sum(row.signed for row in rows),
        due=sum(outreach.due_for_reminder(row, now) for row in rows),
        reminder_hours=int(outreach.REMINDER_GAP.total_seconds() // 3600),
        form=form,
        preview=preview,
        action_form=EmptyForm(),
    ), status


def _to_outreach(letter: Letter):
    return redirect(url_for("letters.outreach_page", slug=g.coalition.slug, letter_id=letter.id))


@coalition_required(Role.VIEWER)
def outreach_page(letter_id: int):
    return _outreach_page(get_scoped_or_404(Letter, letter_id), PastedOrganizationsForm(formdata=None))


@coalition_required(Role.ORGANIZER)
def outreach_action(letter_id: int, action: str):
    letter = get_scoped_or_404(Letter, letter_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if action == "members":
            asked = outreach.invite_members(letter, current_user)
            message = _members_asked_message(asked)
        else:
            reminded = outreach.remind_unsigned(letter, current_user, utcnow())
            message = ngettext("%(num)d reminder sent.", "%(num)d reminders sent.", reminded)
    except outreach.OutreachClosed:
        return _moved_on(letter)
    db.session.commit()
    flash(message, "success")
    return _to_outreach(letter)


def _members_asked_message(asked: outreach.MembersAsked) -> str:
    sentences = [
        ngettext("%(num)d member contact asked.", "%(num)d member contacts asked.", asked.asked),
        ngettext("%(num)d already asked or signed.", "%(num)d already asked or signed.", asked.before),
    ]
    if asked.erased:
        sentences.append(
            ngettext("%(num)d asked not to be contacted.", "%(num)d asked not to be contacted.", asked.erased)
        )
    return " ".join(sentences)


@coalition_required(Role.ORGANIZER)
def outreach_paste(letter_id: int):
    letter = get_scoped_or_404(Letter, letter_id)
    form = PastedOrganizationsForm()
    # Read from what was sent, before the form's cleaning, so each line says what was wrong with it.
    lines = outreach.parse_pasted(letter, (form.pasted.raw_data or [""])[0])
    if not form.validate_on_submit() or not form.invite.data or not outreach.invitable(lines):
        return _outreach_page(letter, form, lines, 200 if not form.errors else 400)
    try:
        invited = outreach.invite_pasted(letter, current_user, lines, form.language.data)
    except outreach.OutreachClosed:
        return _moved_on(letter)
    db.session.commit()
    flash(
        ngettext("%(num)d organization asked to sign.", "%(num)d organizations asked to sign.", invited),
        "success",
    )
    return _to_outreach(letter)
