"""Language choice: an explicit switch, the page's subject, the organizer's setting, Accept-Language."""

from flask import current_app, g, request, session
from flask_babel import refresh
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if g.get("page_language") in languages:
        return g.page_language
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def speak(language: str) -> None:
    """Render this page in `language` (a supporter's saved choice) unless the visitor switched."""
    g.page_language = language
    refresh()


def speak_to_owner(action) -> None:
    """Render a page opened from a link in an email (`action`: a signature or an RSVP, with its
    supporter and the language it was made in) in the language of the address's owner, not the
    one whoever typed the address used; the action's own language once the record is gone."""
    speak(action.supporter.language if action.supporter else action.language)


def in_language(language: str, english: str, spanish: str) -> str:
    """The Spanish version for a Spanish reader when one was written, else the English."""
    return spanish if language == "es" and spanish and spanish.strip() else english
