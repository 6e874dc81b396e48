"""Small helpers shared by the integration tests."""

import io
import re
import secrets
from urllib.parse import urlsplit

from sqlalchemy import func, select

from campaign.accounts.models import User
from campaign.accounts.services import hash_password
from campaign.coalitions import services as coalitions
from campaign.core.outbox import DONE, FAILED, OutboxEntry, dispatch_committed, enqueue, utcnow
from campaign.extensions import db
from campaign.notifications import services, tasks
from campaign.notifications.models import Delivery, Message, MessageState
from campaign.supporters import services as supporters
from tests.services import wait_until

PASSWORD = "correct horse battery"


def new_address(label: str) -> str:
    """A unique address per call: the database lives for the whole session."""
    return f"{label}-{secrets.token_hex(4)}@example.org"


def sign_up(client, email: str, name: str = "Rosa Integración"):
    return client.post(
        "/accounts/signup",
        data={"name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD},
    )


def link_path(message, path_fragment: str) -> str:
    """The path of the first link in the plain-text body that contains `path_fragment`."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(rf"https?://\S*{re.escape(path_fragment)}\S*", text)
    assert match, f"no link with {path_fragment} in:\n{text}"
    return urlsplit(match.group(0)).path


# Alerts and supporters. Each helper opens its own app context on the app it is given, so the
# web app, the "Redis down" app and a test's own app (another broker) are never mixed up.

CONSENT = "Send me updates from the coalition by email."


def make_organizer(app) -> str:
    """A verified organizer account; returns its email (the password is PASSWORD)."""
    email = new_address("organizer")
    with app.app_context():
        db.session.add(
            User(
                email=email,
                name="Ana Organizadora",
                password_hash=hash_password(PASSWORD),
                email_verified_at=utcnow(),
                locale="en",
            )
        )
        db.session.commit()
    return email


def log_in(client, email: str) -> None:
    response = client.post("/accounts/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def make_coalition(app, owner_email: str, name: str = "Philadelphia Family Unity Network"):
    """A coalition owned by `owner_email`; returns (id, slug)."""
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == owner_email))
        coalition = coalitions.create_coalition(owner, name, "", "Philadelphia")
        db.session.commit()
        return coalition.id, coalition.slug


def add_supporters(app, coalition_id: int, people, subscribed: bool = True) -> dict[str, int]:
    """Supporters from (address, language) pairs, subscribed with consent; returns address -> id."""
    found = {}
    with app.app_context():
        for address, language in people:
            supporter = supporters.upsert_supporter(
                coalition_id,
                email=address,
                first_name=address.split("-")[0].title(),
                zip_code="19104",
                language=language,
            )
            if subscribed:
                supporters.record_consent(supporter, CONSENT, language, source="integration-test")
            found[address] = supporter
        db.session.commit()
        return {address: supporter.id for address, supporter in found.items()}


def alert_fields(subject: str, body: str = "Join us **Friday at noon** at City Hall.", **spanish) -> dict:
    return {
        "subject": subject,
        "body": body,
        "subject_es": spanish.get("subject_es", ""),
        "body_es": spanish.get("body_es", ""),
        "audience": {"source": "subscribers"},
    }


def compose_alert(app, coalition_id: int, subject: str, **spanish) -> int:
    """A draft alert to everyone subscribed to the coalition; returns its id."""
    with app.app_context():
        alert = services.save_alert(coalition_id, None, alert_fields(subject, **spanish))
        db.session.commit()
        return alert.id


def send_alert(app, alert_id: int) -> None:
    """What the Send button does: mark it sending, enqueue `start_message`, commit, publish."""
    with app.app_context():
        services.start(db.session.get(Message, alert_id))
        enqueue(tasks.start_message, message_id=alert_id)
        db.session.commit()
        dispatch_committed()


def message_state(app, message_id: int) -> str:
    with app.app_context():
        return db.session.get(Message, message_id).state.value


def wait_until_sent(app, message_id: int, timeout: float = 60, every=None) -> None:
    """Wait until the message is `sent` (every delivery settled), calling `every()` between looks."""

    def sent():
        if every is not None:
            every()
        return message_state(app, message_id) == "sent"

    wait_until(sent, timeout, interval=0.1 if every is None else 0.5, message=f"message {message_id} sent")


def deliveries(app, message_id: int) -> dict[int, dict]:
    """supporter id -> that supporter's delivery of the message, as a dict of its columns."""
    with app.app_context():
        rows = db.session.scalars(select(Delivery).where(Delivery.message_id == message_id)).all()
        return {
            row.supporter_id: {
                "id": row.id,
                "state": row.state.value,
                "attempts": row.attempts,
                "last_error": row.last_error,
                "handed_over_at": row.handed_over_at,
            }
            for row in rows
        }


def delivery_id_of(message) -> int:
    """The delivery id in a bulk message's Message-ID, "<delivery_id>.delivery@domain"."""
    match = re.fullmatch(r"<(\d+)\.delivery@[^>]+>", message["Message-ID"].strip())
    assert match, f"not a bulk delivery's Message-ID: {message['Message-ID']}"
    return int(match.group(1))


def outbox_mark(app) -> int:
    """The last outbox row so far: `wait_until_settled` waits for the work queued after it."""
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.max(OutboxEntry.id), 0)))


def wait_until_settled(app, coalition_id: int, since_outbox_id: int, timeout: float = 60) -> None:
    """Until the worker has finished everything queued since the mark: every outbox row done and
    every notice of the coalition sent, so no more mail is on its way."""

    def settled() -> bool:
        with app.app_context():
            busy_rows = db.session.scalar(
                select(func.count()).where(
                    OutboxEntry.id > since_outbox_id, OutboxEntry.state.not_in((DONE, FAILED))
                )
            )
            # A row that failed, or failed and waits to be retried, is an error to show at once.
            failed_rows = db.session.scalars(
                select(OutboxEntry.task_name + ": " + OutboxEntry.last_error).where(
                    OutboxEntry.id > since_outbox_id,
                    (OutboxEntry.state == FAILED) | OutboxEntry.last_error.is_not(None),
                )
            ).all()
            sending = db.session.scalar(
                select(func.count()).where(
                    Message.coalition_id == coalition_id, Message.state != MessageState.SENT
                )
            )
        assert not failed_rows, f"outbox work failed: {failed_rows}"
        return busy_rows == 0 and sending == 0

    wait_until(settled, timeout, interval=0.2, message="the worker to finish the queued mail")


# Supporter imports.

IMPORT_MAPPING = ["first_name", "last_name", "email", "zip_code", "phone", "language", "subscription"]


def upload_import(client, slug: str, data: bytes) -> str:
    """An Action Network CSV uploaded on the import page; returns the import's page."""
    uploaded = client.post(
        f"/coalitions/{slug}/supporters/imports/new",
        data={"file": (io.BytesIO(data), "an-export.csv")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    return uploaded.location


def confirm_import(client, page: str) -> None:
    """The organizer checks the columns (Action Network's, in order) and confirms: it is queued."""
    form = {f"columns-{n}": field for n, field in enumerate(IMPORT_MAPPING)} | {
        "consent_wording": "Email me news from the coalition.",
        "consent_language": "es",
        "confirmed": "y",
    }
    assert client.post(page, data=form).status_code == 302
