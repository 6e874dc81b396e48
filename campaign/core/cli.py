"""Commands shared by every feature."""

import click
from flask import Flask

from campaign.core import outbox


def register(app: Flask) -> None:
    @app.cli.command("sweep-outbox")
    def sweep_outbox_command():
        """Publish outbox rows left pending (what the beat job does every 15 seconds)."""
        click.echo(f"published {outbox.sweep()} pending outbox entries")
