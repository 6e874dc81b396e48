"""The organizer's desk: the dashboard of all their coalitions and each coalition's overview."""

from flask import Blueprint, g, render_template
from flask_login import current_user, login_required

from campaign.coalitions import teammates
from campaign.coalitions.access import coalition_required
from campaign.coalitions.models import Role
from campaign.core.outbox import utcnow
from campaign.desk import activity, figures, items, needs

bp = Blueprint("desk", __name__)


@bp.app_template_filter("from_now")
def from_now(moment):
    return items.from_now(moment, utcnow())


@bp.get("/dashboard")
@login_required
def dashboard():
    now, coalitions = utcnow(), figures.my_coalitions(current_user)
    return render_template(
        "desk/dashboard.html", desks=figures.desks(coalitions, now), needs=needs.needs(coalitions, now)
    )


@bp.get("/coalitions/<slug>")
@coalition_required(Role.VIEWER)
def overview():
    now = utcnow()
    return render_template(
        "desk/overview.html",
        coalition=g.coalition,
        figures=figures.figures([g.coalition.id], now)[g.coalition.id],
        needs=needs.needs([(g.coalition, g.role)], now),
        activity=activity.recent(g.coalition, now),
        activity_days=activity.WINDOW.days,
        team=teammates.team(g.coalition.id),
    )
