"""The organizer's policy import: upload a CSV, map its columns, preview every row, apply once."""

from flask import g, redirect, render_template, request, url_for
from flask_login import current_user

from campaign.coalitions.access import coalition_required, get_scoped_or_404, scoped
from campaign.coalitions.models import Role
from campaign.extensions import db
from campaign.policies import imports
from campaign.policies.blueprint import bp
from campaign.policies.import_forms import PolicyImportForm, PolicyUploadForm
from campaign.policies.models import PolicyImport


@bp.route("/coalitions/<slug>/policies/import", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def new_import():
    form = PolicyUploadForm()
    if form.validate_on_submit():
        try:
            found = imports.store_upload(g.coalition.id, current_user.id, form.file.data)
        except imports.ImportRefused as refused:
            form.file.errors = [refused.message]
        else:
            db.session.commit()
            return redirect(_import_url(found))
    recent = db.session.scalars(scoped(PolicyImport).order_by(PolicyImport.id.desc()).limit(10))
    return render_template(
        "policies/import_upload.html", coalition=g.coalition, form=form, recent=list(recent)
    )


@bp.route("/coalitions/<slug>/policies/import/<int:policy_import_id>", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def policy_import(policy_import_id: int):
    found = get_scoped_or_404(PolicyImport, policy_import_id)
    if found.applied_at:
        return _applied(found)
    # What was posted, or else the mapping kept (an empty choice posted must stay empty).
    form = PolicyImportForm(headers=found.headers, mapping=() if request.method == "POST" else found.mapping)
    if form.validate_on_submit() and _saved(found, form):
        return redirect(_import_url(found))
    return _preview_page(found, form)


def _applied(found: PolicyImport):
    if request.method == "POST":  # a second click on "import": it was imported once
        return redirect(_import_url(found))
    return render_template("policies/import_done.html", coalition=g.coalition, found=found)


def _saved(found: PolicyImport, form: PolicyImportForm) -> bool:
    """Keep the mapping and the places chosen, and import the ready rows if asked; False when
    the form has an error to show (no row was ready)."""
    imports.remember(found, form.columns.data, form.picks(request.form))
    try:
        applied = form.apply.data and imports.apply(found, current_user.id, form.publish.data)
    except imports.NothingReady:
        applied, form.form_errors = False, [imports.NOTHING_READY]
    db.session.commit()
    if applied:
        imports.discard_file(found)
    return not form.form_errors


def _preview_page(found: PolicyImport, form: PolicyImportForm):
    try:
        preview = imports.preview(found)
    except imports.UnreadableFile:
        preview = None  # swept a day after its upload, or sealed under a retired key
    return render_template(
        "policies/import_preview.html",
        coalition=g.coalition,
        found=found,
        form=form,
        preview=preview,
        outcomes=imports.OUTCOMES,
    )


def _import_url(found: PolicyImport) -> str:
    return url_for("policies.policy_import", slug=g.coalition.slug, policy_import_id=found.id)
