"""Signed, time-limited form tokens: the CSRF token of forms posted without a login, no cookie needed.

Flask-WTF's token is checked against one kept in the session cookie, so a phone that dropped
its cookies, a session that ended while the page was open, or a widget framed by another site
(whose browser withholds our cookie) lost the whole form. These tokens carry everything they
need: which form, for what (a petition, an event, an emailed link), signed with SECRET_KEY, when
they were issued, and the language the page was in (the cookie that chose it may be gone too).
A token that fails shows the same form again with what was typed and a fresh token, so nothing
is saved without the person pressing the button again.
"""

from flask import current_app, session
from flask_babel import get_locale, refresh
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

# A day. A supporter opens a link in the morning and signs at night. A longer life would buy a
# bot nothing: it can load the page for a fresh token at any time, and the abuse checks behind
# the forms (quarantine, rate limits) hold floods back. A shorter one makes more people press
# the button twice. Past it, a tab left open or a page restored from a cache is checked again.
LIFETIME_SECONDS = 24 * 3600
SALT = "core.form-token"

PRESS_AGAIN = _l(
    "This page had been open a long time, so nothing was sent. Anything you typed is still below: "
    "check it and press the button again."
)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # The purpose is in the salt, not the token: the page does not echo what the form is bound to.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"{SALT}:{purpose}")


def issue(purpose: str) -> str:
    return _serializer(purpose).dumps(str(get_locale() or "en"))


def read(token: str | None, purpose: str) -> tuple[bool, str | None]:
    """(issued by us for this purpose within its lifetime?, the page's language if ours at all)."""
    serializer = _serializer(purpose)
    try:
        return True, serializer.loads(token or "", max_age=LIFETIME_SECONDS)
    except SignatureExpired as expired:  # ours, only too old
        return False, serializer.load_payload(expired.payload)
    except BadSignature:  # forged, for another purpose, missing
        return False, None


class FormTokenCSRF(CSRF):
    """WTForms' CSRF interface with these tokens in place of the session's (Meta.csrf_class)."""

    def setup_form(self, form):
        self.purpose = form.meta.csrf_context
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field):
        return issue(self.purpose)

    def validate_csrf_token(self, form, field):
        valid, language = read(field.data, self.purpose)
        if follow_page_language(language):
            field.current_token = issue(self.purpose)
        if not valid:
            form.notice = PRESS_AGAIN  # said above the form, not as an error in one of its fields
            raise ValidationError(PRESS_AGAIN)


def follow_page_language(language: str | None) -> bool:
    """Whether the token's page was in another of our languages than this request would get: the
    visitor's switch (kept in the session) went with the cookie. Chosen again, then, for this
    answer and the pages after."""
    if language not in current_app.config["LANGUAGES"] or language == str(get_locale()):
        return False
    if "lang" not in session:  # a switch still there (made in another tab) is the latest word
        session["lang"] = language
        refresh()
    return True


def purpose_of(form_class: type, bound_to) -> str:
    """What a token is for: this form class and object."""
    return f"{form_class.__name__}:{bound_to}"


def meta_for(form_class: type, bound_to) -> dict:
    """The form's Meta settings for a token that works only for this form class and object."""
    return {"csrf_class": FormTokenCSRF, "csrf_context": purpose_of(form_class, bound_to)}
