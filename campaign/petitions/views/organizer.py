"""Organizer pages of a petition: write, open and close it, follow the count."""

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from campaign.coalitions.access import coalition_required, get_scoped_or_404, scoped
from campaign.coalitions.models import Role
from campaign.coalitions.services import member_organizations
from campaign.core import statemap
from campaign.core.exports import logged_csv
from campaign.core.outbox import enqueue, utcnow
from campaign.core.pdf import pdf_response
from campaign.core.text import query_text
from campaign.extensions import db
from campaign.notifications.forms import EmptyForm
from campaign.petitions import clusters, exports, services, tally, tasks
from campaign.petitions.forms import ClusterForm, PetitionForm
from campaign.petitions.models import SOURCE_MAX_LENGTH, ClusterStrike, Petition
from campaign.supporters import action_network


def _to_petition(petition: Petition):
    return redirect(url_for("petitions.petition", slug=g.coalition.slug, petition_id=petition.id))


@coalition_required(Role.VIEWER)
def petitions():
    rows = db.session.scalars(scoped(Petition).order_by(Petition.created_at.desc())).all()
    return render_template("petitions/petitions.html", coalition=g.coalition, petitions=rows)


@coalition_required(Role.ORGANIZER)
def new_petition():
    form = PetitionForm()
    if form.validate_on_submit():
        petition = services.create_petition(g.coalition.id, current_user.id, form.fields_for_save())
        _save_image(petition, form)
        db.session.commit()
        return _to_petition(petition)
    return render_template("petitions/edit.html", coalition=g.coalition, form=form, petition=None)


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


@coalition_required(Role.VIEWER)
def petition(petition_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    return render_template(
        "petitions/petition.html",
        coalition=g.coalition,
        petition=petition,
        figures=services.live_figures(petition),
        states=tally.by_level(petition.id, "state")[:10],
        names=statemap.state_names(),
        action_form=EmptyForm(),
    )


@coalition_required(Role.VIEWER)
def figures(petition_id: int):
    """What the petition page refreshes by itself (static/js/progress.js), as shown there."""
    petition = get_scoped_or_404(Petition, petition_id)
    shown = {name: format_decimal(n) for name, n in services.live_figures(petition).items()}
    return jsonify(shown | {"state": petition.state.value})


@coalition_required(Role.VIEWER)
def widget(petition_id: int):
    """The code partner websites paste, for the coalition or for one member organization, whose
    `?source=` the widget then keeps with each signature."""
    petition = get_scoped_or_404(Petition, petition_id)
    members = clusters.member_codes(member_organizations(g.coalition.id))
    names = {code: name for name, code in members}
    source = query_text("source", SOURCE_MAX_LENGTH)
    source = source if source in names else ""  # not a member's code: the coalition's own widget
    return render_template(
        "petitions/widget.html",
        coalition=g.coalition,
        petition=petition,
        members=members,
        source=source,
        credited=names.get(source, g.coalition.name),
    )


@coalition_required(Role.VIEWER)
def signers(petition_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    sources = clusters.sources(petition)
    now = utcnow()
    return render_template(
        "petitions/signers.html",
        coalition=g.coalition,
        petition=petition,
        sources=sources,
        clusters=clusters.clusters(petition),
        strikes=[(strike, clusters.can_undo(strike, now)) for strike in clusters.strikes(petition, now)],
        undo_days=clusters.UNDO_STRIKE_DAYS,
        form=ClusterForm(),
        undo_form=EmptyForm(),
    )


@coalition_required(Role.ORGANIZER)
def judge_cluster(petition_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    form = ClusterForm()
    if not form.validate_on_submit() or form.kind.data not in clusters.COLUMNS:
        abort(400)
    if form.release.data:
        changed = clusters.release(petition, form.kind.data, form.key.data)
        flash(
            ngettext(
                "%(num)d held-back signature released; it counts once confirmed.",
                "%(num)d held-back signatures released; they count once confirmed.",
                changed,
            ),
            "success",
        )
    else:
        strike = clusters.invalidate(petition, form.kind.data, form.key.data, current_user.id, utcnow())
        if strike is not None:
            enqueue(tasks.recount_petition, petition_id=petition.id)
        flash(_struck_message(strike, clusters.UNDO_STRIKE_DAYS), "success" if strike else "info")
    db.session.commit()
    return _to_signers(petition)


def _struck_message(strike, days: int) -> str:
    if strike is None:
        return _("Nothing to strike out: those signatures were struck out already.")
    struck = ngettext(
        "%(num)d signature struck out; the count is corrected.",
        "%(num)d signatures struck out; the count is corrected.",
        strike.count,
    )
    undo = ngettext("You can undo this for %(num)d day.", "You can undo this for %(num)d days.", days)
    return f"{struck} {undo}"


@coalition_required(Role.ORGANIZER)
def undo_strike(petition_id: int, strike_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    strike = db.first_or_404(
        select(ClusterStrike).where(ClusterStrike.id == strike_id, ClusterStrike.petition_id == petition.id)
    )
    if not EmptyForm().validate_on_submit():
        abort(400)
    if clusters.undo(strike, current_user.id, utcnow()):
        enqueue(tasks.recount_petition, petition_id=petition.id)
        flash(_("Strike undone: those signatures are back as they were, and the count follows."), "success")
    else:
        flash(
            ngettext(
                "This can no longer be undone: the strike was undone already, or is over %(num)d day old.",
                "This can no longer be undone: the strike was undone already, or is over %(num)d days old.",
                clusters.UNDO_STRIKE_DAYS,
            ),
            "info",
        )
    db.session.commit()
    return _to_signers(petition)


def _to_signers(petition: Petition):
    return redirect(url_for("petitions.signers", slug=g.coalition.slug, petition_id=petition.id))


@coalition_required(Role.ADMIN)
def export(petition_id: int):
    petition = get_scoped_or_404(Petition, petition_id)
    sheet, for_action_network = exports.SHEET, action_network.asked_for(request.args)
    states = exports.ACTION_NETWORK_EXPORTED if for_action_network else exports.EXPORTED
    rows = exports.rows(petition, states, people_only=for_action_network)
    return logged_csv(
        g.coalition.id,
        current_user.id,
        what=sheet.logged_as(f"petition:{petition.id}:signers", for_action_network),
        row_count=exports.row_count(petition, states, people_only=for_action_network),
        filename=sheet.file_name(f"{petition.slug}-signers", for_action_network),
        header=sheet.header(for_action_network),
        rows=sheet.rows(rows, for_action_network),
    )


@coalition_required(Role.VIEWER)
def delivery_pdf(petition_id: int):
    """For handing over: the petition and its counts by state; no names."""
    petition = get_scoped_or_404(Petition, petition_id)
    page = render_template(
        "petitions/delivery.html",
        petition=petition,
        places=tally.place_totals(petition),
        names=statemap.state_names(),
        generated_at=utcnow(),
    )
    return pdf_response(page, "packet.css", f"{petition.slug}-delivery.pdf")


ACTIONS = {
    "open": lambda petition: services.open_petition(petition, utcnow()),
    "close": lambda petition: services.close(petition, utcnow()),
}


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
