"""Organizer pages of a petition's paper signatures: enter a batch, correct it, delete it."""

from flask import abort, flash, g, redirect, render_template, session, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from campaign.coalitions.access import coalition_required, get_scoped_or_404
from campaign.coalitions.models import Role
from campaign.coalitions.services import member_organizations
from campaign.core.outbox import enqueue
from campaign.extensions import db
from campaign.notifications.forms import EmptyForm
from campaign.petitions import paper as paper_signatures
from campaign.petitions import tasks
from campaign.petitions.forms import PaperForm
from campaign.petitions.models import PaperBatch, Petition


def _to_paper(petition: Petition):
    return redirect(url_for("petitions.paper", slug=g.coalition.slug, petition_id=petition.id))


def _collectors(batch: PaperBatch | None = None) -> dict[int, str]:
    """The organizations a batch can be credited to: the members, and a former member a batch
    already names (so that correcting its count does not move it to someone else)."""
    collectors = paper_signatures.collector_names(member_organizations(g.coalition.id))
    if batch is not None and batch.organization_id and batch.organization_id not in collectors:
        collectors[batch.organization_id] = paper_signatures.collector_name(batch, collectors)
    return collectors


@coalition_required(Role.ORGANIZER)
def paper(petition_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    collectors = _collectors()
    form = PaperForm(list(collectors.items()))
    if form.validate_on_submit():
        credited = form.organization_id.data or None
        batch = paper_signatures.add_batch(
            petition, credited, form.count.data or 0, form.parsed, current_user.id, form.once.data
        )
        enqueue(tasks.check_milestone, petition_id=petition.id)
        db.session.commit()
        _flash_once(_added(batch.count), "success")
        return _to_paper(petition)
    return render_template(
        "petitions/paper.html",
        coalition=g.coalition,
        petition=petition,
        form=form,
        batches=paper_signatures.batches(petition, collectors),
        changes=paper_signatures.changes(petition),
    ), (400 if form.errors else 200)


def _flash_once(message: str, category: str) -> None:
    """The same form sent twice says what it did once: the first click's message may still be
    waiting in the session, unread (the browser followed only the second click's answer)."""
    if (category, message) not in session.get("_flashes", []):
        flash(message, category)


def _added(count: int) -> str:
    return ngettext(
        "%(count)s paper signature added.",
        "%(count)s paper signatures added.",
        count,
        count=format_decimal(count),
    )


@coalition_required(Role.ORGANIZER)
def paper_batch(petition_id: int, batch_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    batch = paper_signatures.locked_batch(petition, batch_id)
    if batch is None:
        abort(404)
    collectors = _collectors(batch)
    form = PaperForm(
        list(collectors.items()),
        names_removed=paper_signatures.names_removed(batch),
        **paper_signatures.form_values(batch),
    )
    if form.validate_on_submit():
        changed = paper_signatures.correct_batch(
            batch,
            form.organization_id.data or None,
            form.count.data or 0,
            form.parsed,
            current_user.id,
            collectors,
        )
        if changed:
            enqueue(tasks.check_milestone, petition_id=petition.id)
        db.session.commit()
        flash(_("Batch corrected; the counts follow.") if changed else _("Nothing had changed."), "success")
        return _to_paper(petition)
    return render_template(
        "petitions/paper_batch.html",
        coalition=g.coalition,
        petition=petition,
        batch=batch,
        form=form,
        delete_form=EmptyForm(),
    ), (400 if form.errors else 200)


@coalition_required(Role.ORGANIZER)
def delete_paper_batch(petition_id: int, batch_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    batch = paper_signatures.locked_batch(petition, batch_id)
    if batch is None:
        if not paper_signatures.was_deleted(petition, batch_id):
            abort(404)  # never this petition's batch
        flash(_("That batch was already deleted."), "info")  # a second click, or another organizer's
        return _to_paper(petition)
    taken_off = batch.count
    paper_signatures.delete_batch(batch, current_user.id, _collectors(batch))
    enqueue(tasks.check_milestone, petition_id=petition.id)
    db.session.commit()
    flash(
        ngettext(
            "Batch deleted: %(count)s paper signature taken off the count.",
            "Batch deleted: %(count)s paper signatures taken off the count.",
            taken_off,
            count=format_decimal(taken_off),
        ),
        "success",
    )
    return _to_paper(petition)
