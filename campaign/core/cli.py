"""Commands shared by every feature."""

import click
from flask import Flask, current_app
from werkzeug.serving import WSGIRequestHandler, run_simple

from campaign.core import crypto, embedded_beat, outbox


class NamelessRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without its `Server: Werkzeug/3.x Python/3.11` header: versions tell
    an attacker which exploits to try and no visitor needs them. (gunicorn sends only
    `Server: gunicorn`.)"""

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() != "server":
            super().send_header(keyword, value)


crypto_group = click.Group("crypto", help="Encryption at rest.")


@crypto_group.command("rotate")
@click.option("--batch-size", default=1000, show_default=True, help="Rows per transaction.")
def rotate_command(batch_size: int):
    """Re-encrypt every encrypted column under the first DATA_KEYS key, bound to its row.

    Run after putting a new key first in DATA_KEYS (the old keys can be removed afterwards), and
    once after upgrading, for the values written before they were bound to their row. Values
    already current are left alone, so running it again is harmless."""
    unreadable = 0
    for model in crypto.sealed_models():
        resealed = crypto.reseal(model, batch_size)
        click.echo(f"{model.__tablename__}: {resealed.rewritten} rows re-encrypted")
        if resealed.unreadable:
            ids = ", ".join(map(str, sorted(resealed.unreadable)))
            click.echo(f"{model.__tablename__}: no key in DATA_KEYS opens rows {ids}; left as they are")
        unreadable += len(resealed.unreadable)
    if unreadable:
        raise click.exceptions.Exit(1)  # keep the old keys until these rows are mended or erased


def register(app: Flask) -> None:
    app.cli.add_command(crypto_group)

    @app.cli.command("sweep-outbox")
    def sweep_outbox_command():
        """Publish outbox rows left pending (what the beat job does every 15 seconds)."""
        click.echo(f"published {outbox.sweep()} pending outbox entries")

    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1")
    @click.option("--port", default=5000, type=int)
    def serve_command(host: str, port: int):
        """Serve the app for development (the embedded default, no Redis): `flask run` without the
        server's version in every response, and the periodic jobs started before the first visit."""
        if current_app.config.get("REDIS_URL"):
            raise click.UsageError("with REDIS_URL set, run gunicorn, a Celery worker and celery beat")
        app = current_app._get_current_object()
        embedded_beat.start_now(app)
        run_simple(host, port, app, threaded=True, request_handler=NamelessRequestHandler)
