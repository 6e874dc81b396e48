"""Supporter pages: the public data-rights flow under /privacy/, and the organizers' counts and list."""

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_login import current_user

from campaign.coalitions.access import can, coalition_required
from campaign.coalitions.models import Role
from campaign.core import outbox
from campaign.core.exports import logged_csv
from campaign.core.network import client_ip_hash
from campaign.extensions import csrf, db
from campaign.supporters import action_network, exports, import_views, services, tasks, throttle
from campaign.supporters.blueprint import bp
from campaign.supporters.forms import ConfirmErasureForm, DataRequestForm
from campaign.supporters.models import DataRequestKind, DataRequestState, Supporter
from campaign.supporters.signals import supporters_listing

# The feature's other pages: their routes are on the same blueprint, which the app registers
# from this module.
OTHER_PAGES = (import_views,)

LISTED_PER_PAGE = 50


@bp.route("/privacy/request", methods=["GET", "POST"])
@csrf.exempt  # the form's own token is checked instead of the session's
def data_request():
    form = DataRequestForm(bound_to="")
    if request.method == "POST" and _over_limit(form):
        return render_template("supporters/data_request.html", form=form), 429
    if form.validate_on_submit():
        kind = DataRequestKind(form.kind.data)
        opened = services.open_data_request(kind, form.email.data, str(get_locale()), client_ip_hash())
        outbox.enqueue(tasks.answer_data_request, data_request_id=opened.id)
        db.session.commit()
        return redirect(url_for("supporters.data_request_sent", kind=kind.value))
    return render_template("supporters/data_request.html", form=form)


def _over_limit(form: DataRequestForm) -> bool:
    """Count this submission; True, with a message on the form, if the IP has sent too many."""
    wait = throttle.minutes_until_allowed()
    if wait:
        form.form_errors.append(
            ngettext(
                "Too many requests from this connection. Try again in %(num)d minute.",
                "Too many requests from this connection. Try again in %(num)d minutes.",
                wait,
            )
        )
        return True
    throttle.record_request()
    return False


@bp.get("/privacy/request/sent")
def data_request_sent():
    # The same answer whether or not the address is on file: the page must not confirm it.
    kind = request.args.get("kind", DataRequestKind.COPY.value)
    if kind not in {member.value for member in DataRequestKind}:
        abort(404)
    return render_template("supporters/data_request_sent.html", kind=kind)


@bp.route("/privacy/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt  # the form's own token is checked instead of the session's
def confirm_erasure(token: str):
    found = services.erasure_request_for_token(token)
    if found is None:
        return render_template("supporters/confirm_erasure.html", state="invalid"), 404
    if found.state == DataRequestState.COMPLETED:
        return redirect(url_for("supporters.erasure_done"))
    form = ConfirmErasureForm(bound_to=token)
    if form.validate_on_submit():
        services.confirm_erasure(found)
        db.session.commit()
        return redirect(url_for("supporters.erasure_done"))
    return render_template("supporters/confirm_erasure.html", state="ready", form=form)


@bp.get("/privacy/erased")
def erasure_done():
    return render_template("supporters/erasure_done.html")


@bp.get("/coalitions/<slug>/supporters")
@coalition_required(Role.VIEWER)
def overview():
    counts = services.supporter_counts(services.counted(g.coalition.id))
    listing = _listing() if can(Role.ORGANIZER) else {}
    return render_template("supporters/overview.html", coalition=g.coalition, counts=counts, **listing)


def _listing() -> dict:
    """The page of the list of supporters on file, for organizers, who act on it (tag them): a
    viewer only reads the counts. Names are shortened and contact details left out."""
    extras = [extra for _, extra in supporters_listing.send(g.coalition, args=request.args) if extra]
    listed = services.on_file(g.coalition.id)
    narrowing = [extra.narrow for extra in extras if extra.narrow is not None]
    for narrow in narrowing:
        listed = listed.where(Supporter.id.in_(narrow))
    page = db.paginate(
        listed.order_by(Supporter.id.desc()),
        per_page=LISTED_PER_PAGE,
        max_per_page=LISTED_PER_PAGE,  # each row is decrypted: no `?per_page=` asks for thousands
        error_out=False,
    )
    ids = [supporter.id for supporter in page.items]
    return {
        "page": page,
        "extras": extras,
        "labels": [extra.labels(ids) for extra in extras],
        "filtered": bool(narrowing),
        "kept_query": {key: value for extra in extras for key, value in extra.query.items()},
    }


@bp.get("/coalitions/<slug>/supporters.csv")
@coalition_required(Role.ADMIN)
def export():
    """Everyone on file, with contacts: for owners and admins, logged, formula-safe."""
    sheet, for_action_network = exports.SHEET, action_network.asked_for(request.args)
    return logged_csv(
        g.coalition.id,
        current_user.id,
        what=sheet.logged_as(f"coalition:{g.coalition.id}:supporters", for_action_network),
        row_count=exports.row_count(g.coalition.id),
        filename=sheet.file_name(f"{g.coalition.slug}-supporters", for_action_network),
        header=sheet.header(for_action_network),
        rows=sheet.rows(exports.rows(g.coalition.id), for_action_network),
    )
