"""What every template can use: the current language and the list of languages."""

from flask import Flask
from flask_babel import get_locale


def register(app: Flask) -> None:
    @app.context_processor
    def language_context():
        return {"current_locale": lambda: str(get_locale() or "en")}
