"""The one place coalition access is decided.

Every organizer route under /coalitions/<slug>/ is wrapped in `coalition_required(role)`: it
loads the coalition, finds the current account's role in it, answers 404 to non-members (so
the coalition's existence is not confirmed) and 403 to members whose role is too low, and puts
the coalition and role in `g`. Queries for coalition-owned rows go through `scoped()` /
`get_scoped_or_404()`, which always filter on `g.coalition`. Features after `coalitions` in
FEATURES import these; it lives here rather than in core because it needs the Coalition model.
"""

from functools import wraps

from flask import abort, g, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from campaign.coalitions.models import Coalition, CoalitionRole, Role
from campaign.extensions import db


def role_in(coalition: Coalition, user) -> Role | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(CoalitionRole.role).where(
            CoalitionRole.coalition_id == coalition.id, CoalitionRole.user_id == user.id
        )
    )


def coalition_required(minimum: Role = Role.VIEWER):
    """Decorate a view taking `slug`: loads `g.coalition` and `g.role`, or 404/403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(slug: str, **kwargs):
            enter_coalition(slug, minimum)
            return view(**kwargs)

        return wrapped

    return decorator


def enter_coalition(slug: str, minimum: Role) -> None:
    """The check of `coalition_required`, also for code that runs before the view would (an
    error handler): loads `g.coalition` and `g.role`, or 404/403."""
    coalition = db.first_or_404(select(Coalition).where(Coalition.slug == slug))
    role = role_in(coalition, current_user)
    if role is None:
        abort(404)
    if role < minimum:
        abort(403)
    g.coalition, g.role = coalition, role


def can(minimum: Role) -> bool:
    """For templates and views: does the current account's role reach `minimum`?"""
    return getattr(g, "role", None) is not None and g.role >= minimum


def scoped(model):
    """A select of `model` limited to the current coalition."""
    return select(model).where(model.coalition_id == g.coalition.id)


def get_scoped_or_404(model, object_id: int):
    return db.first_or_404(scoped(model).where(model.id == object_id))


def preview_or_404(coalition: Coalition, edit_endpoint: str, **values) -> str:
    """A page that is not public yet (a draft) exists for its coalition's organizers only, as a
    preview: returns the link back to editing it, for the banner base.html draws (templates pass
    it on as `draft_preview`). Anyone else gets the 404 of a page that does not exist, and so does
    any request but a GET: a preview takes no signature, RSVP or proposal, and counts nothing."""
    role = role_in(coalition, current_user)
    if request.method not in ("GET", "HEAD") or role is None or role < Role.ORGANIZER:
        abort(404)
    return url_for(edit_endpoint, slug=coalition.slug, **values)
