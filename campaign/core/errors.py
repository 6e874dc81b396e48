"""Error pages in the visitor's language, or errors in an API's own format under its path."""

from collections.abc import Callable

from flask import Flask, Response, current_app, has_request_context, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

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


def answer_errors_under(app: Flask, prefix: str, answer: Callable[[int], Response]) -> None:
    """Every error of a URL under `prefix` (an API's, which scripts read) is answered by the
    response `answer(code)` makes instead of a page: those routing finds no view for (404,
    405) and a crash's 500 as well as the views' own."""
    app.extensions.setdefault("error_answers", []).append((prefix, answer))


def _answer_of_this_path() -> Callable[[int], Response] | None:
    if has_request_context():
        for prefix, answer in current_app.extensions.get("error_answers", ()):
            if request.path.startswith(prefix):
                return answer
    return None


def render_error(code: int, detail: str | None = None):
    answer = _answer_of_this_path()
    if answer is not None:
        return answer(code), code
    title, message = MESSAGES[code]
    return render_template("core/error.html", code=code, title=title, message=detail or message), code


def register(app: Flask) -> None:
    for code in (400, 403, 404, 413, 429):
        app.register_error_handler(code, lambda error, code=code: render_error(code))

    @app.errorhandler(HTTPException)
    def other_http_error(error: HTTPException):
        """Codes without a page of their own (405, 401...): Werkzeug's, or an API's answer."""
        answer = _answer_of_this_path()
        if answer is None or not error.code:
            return error
        response = answer(error.code)
        kept = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
        response.headers.extend(kept)  # a 405's Allow
        return response

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
