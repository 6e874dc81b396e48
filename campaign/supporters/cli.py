"""Supporter commands: `flask supporters ...`."""

import click

from campaign.extensions import db
from campaign.supporters import services

group = click.Group("supporters", help="Supporter data maintenance.")


@group.command("expire-requests")
def expire_requests_command():
    """Forget the addresses of data requests whose confirmation link has expired."""
    expired = services.expire_data_requests()
    db.session.commit()
    click.echo(f"expired {expired} data requests")
