"""Small helpers shared by the integration tests."""

import re
import secrets
from urllib.parse import urlsplit

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


def mail_to(address: str):
    """A predicate for SmtpInbox.wait_for: the messages sent to `address`, if any."""
    return lambda messages: [message for message in messages if message["To"] == address]
