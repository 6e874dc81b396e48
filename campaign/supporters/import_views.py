"""The organizers' supporter imports: upload, preview and confirm, progress, the error CSV."""

from flask import current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from campaign.coalitions.access import coalition_required, enter_coalition, get_scoped_or_404, scoped
from campaign.coalitions.models import Role
from campaign.core import outbox
from campaign.core.errors import render_error
from campaign.core.exports import csv_response
from campaign.core.forms import AppForm
from campaign.extensions import db
from campaign.supporters import import_files, imports, tasks
from campaign.supporters.blueprint import bp
from campaign.supporters.forms import ImportConfirmForm, ImportUploadForm
from campaign.supporters.models import IMPORT_STATE_LABELS, ImportState, SupporterImport

PROBLEMS_HEADER = ("row", "column", "problem")
# Room for the form's other fields and the multipart framing around a file of IMPORT_MAX_BYTES.
FORM_ROOM = 64 * 1024


@bp.context_processor
def _labels():
    return {"IMPORT_STATE_LABELS": IMPORT_STATE_LABELS}


@bp.url_value_preprocessor
def _import_body_limit(endpoint, values):
    """The import takes files larger than the site's MAX_CONTENT_LENGTH. Set here because URL
    value preprocessors run before every before_request function, and CSRF's reads the body."""
    if endpoint == "supporters.new_import":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"] + FORM_ROOM


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """A body too large even for the import: its page says so, with its own limit, to whoever may
    see that page (CSRF's check raises this before the view has checked access)."""
    if request.endpoint != "supporters.new_import" or not current_user.is_authenticated:
        return render_error(413)
    try:
        enter_coalition(request.view_args["slug"], Role.ADMIN)
    except HTTPException as refused:
        return render_error(refused.code)
    form = ImportUploadForm(formdata=None)  # the body is never read
    form.file.errors = [import_files.too_large()]
    return _upload_page(form), 413


@bp.route("/coalitions/<slug>/supporters/imports/new", methods=["GET", "POST"])
@coalition_required(Role.ADMIN)
def new_import():
    form = ImportUploadForm()
    if form.validate_on_submit():
        try:
            started = imports.store_upload(g.coalition.id, current_user.id, form.file.data)
        except import_files.ImportRefused as refused:
            form.file.errors = [refused.message]
        else:
            db.session.commit()
            return redirect(_import_url(started))
    return _upload_page(form)


def _upload_page(form: ImportUploadForm) -> str:
    recent = db.session.scalars(scoped(SupporterImport).order_by(SupporterImport.id.desc()).limit(10))
    return render_template(
        "supporters/new_import.html", coalition=g.coalition, form=form, recent=list(recent)
    )


@bp.route("/coalitions/<slug>/supporters/imports/<int:import_id>", methods=["GET", "POST"])
@coalition_required(Role.ADMIN)
def supporter_import(import_id: int):
    found = get_scoped_or_404(SupporterImport, import_id)
    if found.state != ImportState.UPLOADED:
        if request.method == "POST":  # a second click on the button: the import is under way
            return redirect(_import_url(found))
        return render_template(
            "supporters/import_progress.html",
            coalition=g.coalition,
            found=found,
            hint=imports.worker_hint(found),
        )
    # What was posted, or else the guess from the headers (an empty choice posted must stay empty).
    guessed = () if request.method == "POST" else found.mapping
    form = ImportConfirmForm(headers=found.headers, mapping=guessed)
    if form.validate_on_submit():
        mapping = (form.columns.data + [""] * len(found.headers))[: len(found.headers)]
        wording, language = form.consent_wording.data, form.consent_language.data
        if imports.confirm(found, mapping, wording, language, current_user.name):
            outbox.enqueue(tasks.run_import, import_id=found.id)
        db.session.commit()
        return redirect(_import_url(found))
    if not form.is_submitted():
        form.consent_language.data = str(get_locale())
    preview = imports.preview_rows(found)
    return render_template(
        "supporters/import_preview.html", coalition=g.coalition, found=found, form=form, preview=preview
    )


@bp.post("/coalitions/<slug>/supporters/imports/<int:import_id>/discard")
@coalition_required(Role.ADMIN)
def discard_import(import_id: int):
    found = get_scoped_or_404(SupporterImport, import_id)
    if AppForm().validate_on_submit() and found.state == ImportState.UPLOADED:
        imports.discard(found)
        db.session.commit()
    return redirect(url_for("supporters.new_import", slug=g.coalition.slug))


@bp.get("/coalitions/<slug>/supporters/imports/<int:import_id>/progress.json")
@coalition_required(Role.ADMIN)
def import_progress(import_id: int):
    found = get_scoped_or_404(SupporterImport, import_id)
    return jsonify(
        state=found.state.value,
        percent=found.percent,
        rows_done=found.rows_done,
        imported=found.imported,
        matched=found.matched,
        skipped=found.skipped,
        hint=imports.worker_hint(found),
    )


@bp.get("/coalitions/<slug>/supporters/imports/<int:import_id>/problems.csv")
@coalition_required(Role.ADMIN)
def import_problems(import_id: int):
    """Where each problem is and what it is: no cell's value, so no one's personal data."""
    found = get_scoped_or_404(SupporterImport, import_id)
    return csv_response(f"import-{found.id}-problems.csv", PROBLEMS_HEADER, imports.problems_rows(found))


def _import_url(found: SupporterImport) -> str:
    return url_for("supporters.supporter_import", slug=g.coalition.slug, import_id=found.id)
