"""The organizers' pages of policy entries: the list, recording and editing, an entry's history,
the tracker's sharing, and the source PDFs."""

from datetime import date

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaign.coalitions.access import coalition_required, get_scoped_or_404
from campaign.coalitions.models import Role
from campaign.core.text import query_text
from campaign.extensions import db
from campaign.policies import places, services, upkeep
from campaign.policies.blueprint import bp
from campaign.policies.forms import ConfirmForm, EditEntryForm, NewEntryForm, ShareTrackerForm
from campaign.policies.models import PolicyEntry

FORM_ENDPOINTS = ("policies.new_entry", "policies.edit_entry")


@bp.url_value_preprocessor
def _pdf_body_limit(endpoint, values):
    """The entry forms take a PDF up to PDF_MAX_BYTES, above the site's MAX_CONTENT_LENGTH; twice
    that is read, so a file somewhat too large is answered on the form with what was typed."""
    if endpoint in FORM_ENDPOINTS:
        request.max_content_length = upkeep.PDF_MAX_BYTES * 2


@bp.get("/coalitions/<slug>/policies")
@coalition_required(Role.VIEWER)
def entries():
    state, kind = query_text("state", 2), query_text("kind", 20)
    return render_template(
        "policies/entries.html",
        coalition=g.coalition,
        groups=upkeep.grouped(g.coalition.id, state, kind),
        state=state,
        kind=kind,
        states=places.states_by_name(),
        shared=services.tracker_shared(g.coalition.id),
        share_form=ShareTrackerForm(),  # its CSRF token; the page's hidden field says which way
    )


@bp.post("/coalitions/<slug>/policies/sharing")
@coalition_required(Role.ADMIN)
def share_tracker():
    form = ShareTrackerForm()
    if form.validate_on_submit():
        services.set_tracker_shared(g.coalition.id, bool(form.shared.data))
        db.session.commit()
        flash(_("Our tracker is public.") if form.shared.data else _("Our tracker is private."), "success")
    return redirect(url_for("policies.entries", slug=g.coalition.slug))


@bp.route("/coalitions/<slug>/policies/new", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def new_entry():
    form = NewEntryForm()
    if form.validate_on_submit():
        place = services.jurisdiction_for(*form.pick())
        entry = services.record_entry(
            g.coalition.id, place, current_user.id, form.entry_fields(), form.once.data
        )
        if form.pdf_data and upkeep.source_file(entry.id) is None:
            upkeep.attach_pdf(
                entry, form.source_pdf.data.filename, form.pdf_data, current_user.id, entry.source_url
            )
        db.session.commit()
        flash(_("The policy is recorded."), "success")
        return redirect(url_for("policies.entry", slug=g.coalition.slug, entry_id=entry.id))
    page = render_template("policies/entry_form.html", coalition=g.coalition, form=form, entry=None)
    return page, (400 if form.errors else 200)


@bp.route("/coalitions/<slug>/policies/<int:entry_id>/edit", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def edit_entry(entry_id: int):
    entry = get_scoped_or_404(PolicyEntry, entry_id)
    form = EditEntryForm() if request.method == "POST" else EditEntryForm.for_entry(entry)
    if form.validate_on_submit():
        source = form.change_source.data or entry.source_url
        services.edit_entry(entry, current_user.id, form.entry_fields(), source_url=source)
        if form.pdf_data:
            upkeep.attach_pdf(entry, form.source_pdf.data.filename, form.pdf_data, current_user.id, source)
        db.session.commit()
        flash(_("The changes are saved."), "success")
        return redirect(url_for("policies.entry", slug=g.coalition.slug, entry_id=entry.id))
    page = render_template("policies/entry_form.html", coalition=g.coalition, form=form, entry=entry)
    return page, (400 if form.errors else 200)


@bp.get("/coalitions/<slug>/policies/<int:entry_id>")
@coalition_required(Role.VIEWER)
def entry(entry_id: int):
    found = get_scoped_or_404(PolicyEntry, entry_id)
    revisions = services.revisions_of(found.id)
    return render_template(
        "policies/entry.html",
        coalition=g.coalition,
        entry=found,
        revisions=revisions,
        authors=upkeep.authors_of(revisions),
        pdf=upkeep.source_file(found.id),
        shared=services.tracker_shared(g.coalition.id),
        button=ConfirmForm(),
    )


@bp.post("/coalitions/<slug>/policies/<int:entry_id>/verify")
@coalition_required(Role.ORGANIZER)
def verify_entry(entry_id: int):
    found = get_scoped_or_404(PolicyEntry, entry_id)
    if ConfirmForm().validate_on_submit():
        upkeep.mark_verified(found, current_user.id, date.today())
        db.session.commit()
        flash(_("Marked as checked today."), "success")
    return redirect(url_for("policies.entry", slug=g.coalition.slug, entry_id=found.id))


@bp.post("/coalitions/<slug>/policies/<int:entry_id>/delete")
@coalition_required(Role.ORGANIZER)
def delete_entry(entry_id: int):
    found = get_scoped_or_404(PolicyEntry, entry_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("policies.entry", slug=g.coalition.slug, entry_id=found.id))
    upkeep.delete_entry(found)
    db.session.commit()
    flash(_("The entry is deleted."), "success")
    return redirect(url_for("policies.entries", slug=g.coalition.slug))


@bp.get("/policies/sources/<int:entry_id>/<key>.pdf")
def source_pdf(entry_id: int, key: str):
    """A source PDF, by a key new at each upload. Sandboxed and never sniffed: an uploaded file
    that a browser took for a page would run in the site's origin."""
    found, stored = db.session.get(PolicyEntry, entry_id), upkeep.source_file(entry_id)
    if (
        found is None
        or stored is None
        or stored.key != key
        or not upkeep.pdf_readable_by(found, current_user)
    ):
        abort(404)
    response = Response(stored.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
    return response
