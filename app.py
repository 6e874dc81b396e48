"""Checkout entry point: `flask --app app run`, `gunicorn app:app` (installed: `campaign:create_app()`)."""

from campaign import create_app

app = create_app()
