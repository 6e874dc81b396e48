"""Team invitations on PostgreSQL, where two clicks can really run at the same time."""

import secrets
import threading

import pytest
from sqlalchemy import func, select, text

from campaign.accounts.models import User
from campaign.coalitions import services as coalitions
from campaign.coalitions import teammates
from campaign.coalitions.models import CoalitionRole, Role, TeamInvitation
from campaign.core.outbox import utcnow
from campaign.extensions import db
from tests.integration.helpers import new_address
from tests.services import wait_until

pytestmark = pytest.mark.integration


def _invited(owner_email: str, invitee_email: str) -> tuple[int, int, int]:
    owner, invitee = (
        User(email=email, name=name, password_hash="-", email_verified_at=utcnow(), locale="en")
        for email, name in ((owner_email, "Ana Owner"), (invitee_email, "Luis Invitee"))
    )
    db.session.add_all([owner, invitee])
    coalition = coalitions.create_coalition(owner, "Double Click Coalition", "", "Phoenix")
    invitation = TeamInvitation(
        coalition=coalition,
        email=invitee_email,
        role=Role.ORGANIZER,
        locale="en",
        invited_by=owner,
        key=secrets.token_urlsafe(12),
        created_at=utcnow(),
    )
    db.session.add(invitation)
    db.session.commit()
    return coalition.id, invitee.id, invitation.id


def _accept(invitation_id: int, user_id: int) -> None:
    teammates.accept_team_invitation(
        db.session.get(TeamInvitation, invitation_id), db.session.get(User, user_id)
    )


def test_join_the_team_clicked_twice_at_once_gives_the_role_once_and_answers_both(it_app):
    """The second click reads the invitation while the first is saving it. It used to insert the
    role too and fail on the unique key (a 500 for the organizer's double click)."""
    with it_app.app_context():
        coalition_id, user_id, invitation_id = _invited(new_address("owner"), new_address("invitee"))
        database = db.engine.url.database

    second: dict = {}

    def second_click():
        with it_app.app_context():
            try:
                _accept(invitation_id, user_id)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported to the test below
                second["error"] = error

    with it_app.app_context():
        _accept(invitation_id, user_id)  # the first click, not committed yet
        thread = threading.Thread(target=second_click)
        thread.start()
        with db.engine.connect() as watcher:
            waiting = text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :name AND wait_event_type = 'Lock'"
            )

            def second_click_waits() -> int:
                # pg_stat_activity is read once per transaction: each look ends its own, or a first
                # look taken before the thread got there would be all the loop ever sees.
                try:
                    return watcher.execute(waiting, {"name": database}).scalar()
                finally:
                    watcher.rollback()

            wait_until(second_click_waits, timeout=30, message="the second click to wait for the first")
        db.session.commit()
        thread.join(timeout=30)

    assert not thread.is_alive() and "error" not in second, second.get("error")
    with it_app.app_context():
        roles = db.session.scalars(
            select(CoalitionRole.role).where(
                CoalitionRole.coalition_id == coalition_id, CoalitionRole.user_id == user_id
            )
        ).all()
        assert roles == [Role.ORGANIZER]
        assert db.session.scalar(select(func.count()).where(TeamInvitation.id == invitation_id)) == 0
