"""What every template can use: the current language, the markdown filter, local times."""

from flask import Flask
from flask_babel import format_decimal, get_locale

from campaign.core.form_errors import listed_errors, own_errors
from campaign.core.i18n import in_language, with_language
from campaign.core.markdown import render_markdown
from campaign.core.phones import readable
from campaign.core.plain_text import markdown_to_text
from campaign.core.textdiff import diff_html, diff_text
from campaign.core.zones import date_range, local_time, moment_in_zone, span_in_zone


def register(app: Flask) -> None:
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(markdown_to_text, "markdown_as_text")  # the same Markdown in an email's text part
    app.add_template_filter(format_decimal, "number")  # 1,000 in English, 1.000 in Spanish
    app.add_template_global(local_time)
    app.add_template_global(listed_errors)
    app.add_template_global(own_errors)
    app.add_template_global(localized)
    app.add_template_global(span_in_zone)
    app.add_template_global(moment_in_zone)
    app.add_template_filter(readable, "phone")
    app.add_template_filter(date_range)
    app.add_template_filter(diff_html)
    app.add_template_filter(diff_text)
    app.add_template_filter(with_language)

    @app.context_processor
    def language_context():
        return {"current_locale": lambda: str(get_locale() or "en")}


def localized(english: str, spanish: str) -> str:
    """The Spanish text on a Spanish page when there is one, else the English (emails' contexts)."""
    return in_language(str(get_locale() or "en"), english, spanish)
