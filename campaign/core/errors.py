"""Error pages in the visitor's language."""

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError

from campaign.core import database, lost_session
from campaign.extensions import db, login_manager

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("We could not find that page. Check the address or go back.")),
    413: (_l("File too large"), _l("What you sent is too large. Go back and choose a file under 8 MB.")),
    429: (_l("Too many attempts"), _l("Please wait a few minutes, then try again.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Please try again shortly.")),
    503: (
        _l("Back in a moment"),
        _l("Part of the site is not answering just now. Please try again in a moment."),
    ),
}
# A database restart takes seconds; the Retry-After header asks scripts and crawlers to wait this long.
RETRY_AFTER_SECONDS = 5


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES[code]
    return render_template("core/error.html", code=code, title=title, message=detail or message), code


def register(app: Flask) -> None:
    for code in (400, 403, 404, 413, 429):
        app.register_error_handler(code, lambda error, code=code: render_error(code))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        """A session form whose session ended goes back to its page with what was typed; the
        error page is left for posts that did not come from one of our pages."""
        return lost_session.back_to_form() or render_error(
            400, _l("This form had expired. Please go back, reload and submit again.")
        )

    login_manager.unauthorized_handler(lost_session.to_login)
    lost_session.register(app)

    @app.errorhandler(DBAPIError)
    def database_error(error):
        """The database down or restarting: a 503 page in the visitor's language, not a 500."""
        if not database.unavailable(error):
            raise error  # any other database error is a bug: logged, and the 500 page
        db.session.rollback()
        app.logger.warning("Database unavailable, answered 503: %s", error.orig)
        # Shown as logged out: the visitor's account (and their language setting) is in the
        # database; their language switch and their browser's languages still choose the page's.
        login_manager._update_request_context_with_user()
        page, code = render_error(503)
        return page, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
