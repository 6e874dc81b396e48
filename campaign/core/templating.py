"""What every template can use: the current language, the languages, the markdown filter."""

from flask import Flask
from flask_babel import get_locale

from campaign.core.markdown import render_markdown


def register(app: Flask) -> None:
    app.add_template_filter(render_markdown, "markdown")

    @app.context_processor
    def language_context():
        return {"current_locale": lambda: str(get_locale() or "en")}
