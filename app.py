"""Entry point: `flask --app app run`, `gunicorn app:app`."""

from campaign import create_app

app = create_app()
