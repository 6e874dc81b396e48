"""Organizer pages of a petition: write, open and close it, follow the count.

The public pages (the petition, signing, confirming, count.json) are in public_views.py.
"""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from campaign.coalitions.access import coalition_required, get_scoped_or_404, scoped
from campaign.coalitions.models import Role
from campaign.coalitions.services import member_organizations
from campaign.core import statemap
from campaign.core.exports import csv_response, log_export
from campaign.core.outbox import enqueue, utcnow
from campaign.core.pdf import pdf_response
from campaign.extensions import db
from campaign.notifications.forms import EmptyForm
from campaign.petitions import clusters, exports, services, tally, tasks
from campaign.petitions import paper as paper_batches
from campaign.petitions.forms import ClusterForm, PaperForm, PetitionForm
from campaign.petitions.models import Petition

bp = Blueprint("petitions", __name__)


def _to_petition(petition: Petition):
    return redirect(url_for("petitions.petition", slug=g.coalition.slug, petition_id=petition.id))


@bp.get("/coalitions/<slug>/petitions")
@coalition_required(Role.VIEWER)
def petitions():
    rows = db.session.scalars(scoped(Petition).order_by(Petition.created_at.desc())).all()
    return render_template("petitions/petitions.html", coalition=g.coalition, petitions=rows)


@bp.route("/coalitions/<slug>/petitions/new", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def new_petition():
    form = PetitionForm()
    if form.validate_on_submit():
        petition = services.create_petition(g.coalition.id, current_user.id, form.fields_for_save())
        _save_image(petition, form)
        db.session.commit()
        return _to_petition(petition)
    return render_template("petitions/edit.html", coalition=g.coalition, form=form, petition=None)


@bp.route("/coalitions/<slug>/petitions/<int:petition_id>/edit", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def edit_petition(petition_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    # Filled from the saved petition on POST too, so the form knows what was saved and an old
    # deadline left as it was does not count as "moved into the past".
    form = PetitionForm.for_petition(petition)
    if form.validate_on_submit():
        services.update_petition(petition, form.fields_for_save())
        _save_image(petition, form)
        db.session.commit()
        flash(_("Saved."), "success")
        return _to_petition(petition)
    return render_template("petitions/edit.html", coalition=g.coalition, form=form, petition=petition)


def _save_image(petition: Petition, form: PetitionForm) -> None:
    changed, image = form.image_change
    if changed:
        services.set_image(petition, image)


@bp.get("/coalitions/<slug>/petitions/<int:petition_id>")
@coalition_required(Role.VIEWER)
def petition(petition_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    return render_template(
        "petitions/petition.html",
        coalition=g.coalition,
        petition=petition,
        by_state=services.counts_by_state(petition),
        states=tally.by_level(petition.id, "state")[:10],
        names=statemap.state_names(),
        action_form=EmptyForm(),
    )


@bp.get("/coalitions/<slug>/petitions/<int:petition_id>/signers")
@coalition_required(Role.VIEWER)
def signers(petition_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    sources = clusters.sources(petition)
    return render_template(
        "petitions/signers.html",
        coalition=g.coalition,
        petition=petition,
        member_sources=sources.members,
        by_source=sources.counts,
        other_sources=sources.others,
        clusters=clusters.clusters(petition),
        form=ClusterForm(),
    )


@bp.post("/coalitions/<slug>/petitions/<int:petition_id>/clusters")
@coalition_required(Role.ORGANIZER)
def judge_cluster(petition_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    form = ClusterForm()
    if not form.validate_on_submit() or form.kind.data not in clusters.COLUMNS:
        abort(400)
    if form.release.data:
        changed = clusters.release(petition, form.kind.data, form.key.data)
        released = ngettext(
            "%(num)d held-back signature released; it counts once confirmed.",
            "%(num)d held-back signatures released; they count once confirmed.",
            changed,
        )
        flash(released, "success")
    else:
        changed = clusters.invalidate(petition, form.kind.data, form.key.data)
        enqueue(tasks.recount_petition, petition_id=petition.id)
        struck = ngettext(
            "%(num)d signature struck out; the count is corrected.",
            "%(num)d signatures struck out; the count is corrected.",
            changed,
        )
        flash(struck, "success")
    db.session.commit()
    return redirect(url_for("petitions.signers", slug=g.coalition.slug, petition_id=petition.id))


@bp.get("/coalitions/<slug>/petitions/<int:petition_id>/signers.csv")
@coalition_required(Role.ADMIN)
def export(petition_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    log_export(
        g.coalition.id, current_user.id, f"petition:{petition.id}:signers", exports.row_count(petition)
    )
    db.session.commit()
    return csv_response(f"{petition.slug}-signers.csv", exports.HEADER, exports.rows(petition))


@bp.route("/coalitions/<slug>/petitions/<int:petition_id>/paper", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def paper(petition_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    form = PaperForm([(org.id, org.name) for org in member_organizations(g.coalition.id)])
    if form.validate_on_submit():
        credited = form.organization_id.data or None
        batch = paper_batches.add_batch(
            petition, credited, form.count.data or 0, form.parsed, current_user.id
        )
        db.session.commit()
        added = ngettext("%(num)d paper signature added.", "%(num)d paper signatures added.", batch.count)
        flash(added, "success")
        return redirect(url_for("petitions.paper", slug=g.coalition.slug, petition_id=petition.id))
    return render_template(
        "petitions/paper.html",
        coalition=g.coalition,
        petition=petition,
        form=form,
        batches=paper_batches.batches(petition),
    ), (400 if form.errors else 200)


@bp.get("/coalitions/<slug>/petitions/<int:petition_id>/delivery.pdf")
@coalition_required(Role.VIEWER)
def delivery_pdf(petition_id: int):
    """For handing over: the petition and its counts by state; no names."""
    petition = get_scoped_or_404(Petition, petition_id)
    page = render_template(
        "petitions/delivery.html",
        petition=petition,
        by_state=tally.by_level(petition.id, "state"),
        names=statemap.state_names(),
        generated_at=utcnow(),
    )
    return pdf_response(page, "packet.css", f"{petition.slug}-delivery.pdf")


ACTIONS = {
    "open": lambda petition: services.open_petition(petition, utcnow()),
    "close": lambda petition: services.close(petition, utcnow()),
}


@bp.post("/coalitions/<slug>/petitions/<int:petition_id>/<any(open, close):action>")
@coalition_required(Role.ORGANIZER)
def act(petition_id: int, action: str):
    petition = get_scoped_or_404(Petition, petition_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        ACTIONS[action](petition)
    except services.PetitionStateError:
        flash(_("That is not possible any more: the petition has moved on. Here is where it stands."), "info")
    db.session.commit()
    return _to_petition(petition)


from campaign.petitions import embed, public_views  # noqa: E402,F401 - register the public pages on bp
