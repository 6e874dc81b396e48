"""Every email's plain-text part is plain text: Markdown written out readably, no HTML tag left.

The templates are found on disk, not listed here: a new email is checked the day it is added. Its
variables are read from the template itself, and each must have a sample below, where every
piece of text a person typed carries HTML (and Markdown, where the field is Markdown).
"""

import re
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace as Sample

import pytest
from flask_babel import force_locale
from jinja2 import meta

from campaign.core.mail import render_text_part
from campaign.core.plain_text import TAG, markdown_to_text
from campaign.core.textdiff import word_diff
from tests.notifications.test_alerts import draft

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TYPED = "<b>Thank you</b> <i>vecinos</i>"  # a title, a name, a note: plain text with tags in it
MARKDOWN = (  # what an organizer writes in an alert, a host's message, a letter's response
    "## Rally at City Hall\n\n"
    "Join us **Friday at noon**. [Details](https://example.org/rally)\n\n"
    "- Bring a sign\n- <b>Thank you</b> for coming\n\n"
    '<p style="color:red">Sí se puede</p>\n'
)
URL = "https://example.org/a-link"
WHEN = datetime(2027, 5, 29, 18, 0)


def _samples() -> dict:
    person = Sample(name=TYPED)
    coalition = Sample(name=TYPED, description=TYPED)

    def titled(**fields):
        return Sample(title=TYPED, title_in=lambda language: TYPED, **fields)

    event = titled(day=titled(), host_name=TYPED, city=TYPED, us_state="PA")
    consent = Sample(wording=TYPED, language="es", source="petition", given_at=WHEN, withdrawn_at=None)
    record = Sample(
        coalition=TYPED, fields={"first_name": TYPED, "language": "es"}, consents=[consent], activity=[TYPED]
    )
    titles = ("event_title", "day_title", "letter_title", "petition_title")
    urls = ("link", "login_link", "reset_link", "privacy_link", "host_url", "sign_url")
    urls += ("event_url", "day_url", "rsvp_url", "letter_url", "confirm_url", "withdraw_url", "personal_url")
    urls += ("unsubscribe_url", "preferences_url")
    return (
        {name: TYPED for name in titles}
        | {f"{name}_es": TYPED for name in titles}
        | dict.fromkeys(urls, URL)
        | {name: MARKDOWN for name in ("body", "body_text", "response")}
        | dict.fromkeys(
            ("organization", "organizer", "delivered_to", "note", "host_name", "host_subject"), TYPED
        )
        | dict.fromkeys(("venue", "address", "city"), TYPED)
        | {
            "greeting": f"Hello {TYPED},",
            "user": person,
            "inviter": person,
            "coalition": coalition,
            "event": event,
            "membership": Sample(name=TYPED, invitation_message=TYPED),
            "invitation": Sample(role_label=TYPED),
            "letter": Sample(title=TYPED, time_zone="America/New_York"),
            "signature": Sample(organization_name=TYPED),
            "standing": None,
            "earlier": None,
            "petition": Sample(title=TYPED),
            "webhook": Sample(name=TYPED, url=URL, coalition=coalition),
            "days": 3,
            "records": [record],
            "data_request": Sample(kind="copy"),
            "diffs": {"en": word_diff("The <b>old</b> text.", "The <b>new</b> text.")},
            "kind": "going",
            "holds_place": True,
            "address_private": False,
            "reminder": True,
            "is_goal": False,
            "confirmed": False,
            "reached": 1000,
            "valid_days": 14,
            "hotline": "+12155550123",
            "starts_at": WHEN,
            "ends_at": WHEN.replace(hour=20),
            "time_zone": "America/New_York",
        }
    )


def _text_parts() -> list[str]:
    """Every email's text part: templates/<feature>/emails/<name>.txt, less the subjects and the
    pieces (named _...) the others include."""
    found = sorted(TEMPLATES.glob("*/emails/*.txt"))
    parts = [
        path for path in found if not path.name.startswith("_") and not path.name.endswith(".subject.txt")
    ]
    return [str(path.relative_to(TEMPLATES).with_suffix("")) for path in parts]


def test_the_templates_are_found():
    names = _text_parts()
    assert len(names) >= 30 and "notifications/emails/alert" in names and "accounts/emails/verify" in names


@pytest.mark.parametrize("template", _text_parts())
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_text_part_is_plain_text(app, template, language):
    source = (TEMPLATES / f"{template}.txt").read_text()
    wanted = meta.find_undeclared_variables(app.jinja_env.parse(source)) - set(app.jinja_env.globals)
    samples = _samples()
    missing = wanted - set(samples) - {"current_locale"}
    assert not missing, f"add a sample for {sorted(missing)} (with HTML in it if a person types it)"
    with app.test_request_context(), force_locale(language):
        text = render_text_part(template, subject=TYPED, **samples)
    assert not TAG.search(text), TAG.search(text).group(0)
    assert "**" not in text and "](" not in text  # no Markdown left either
    if {"body", "body_text", "response"} & wanted:
        assert "Details (https://example.org/rally)" in text and "\n- Bring a sign\n" in text


def test_markdown_reads_as_plain_text():
    text = markdown_to_text(
        "# Rally\n\nJoin us **Friday**: [the details](https://example.org/rally), <https://example.org/map>.\n\n"
        "- a sign\n- a friend\n    - and water\n\n1. Meet\n2. March\n\n"
        "> Sí se puede\n\nFish &amp; chips <b>hot</b>"
    )
    assert text == (
        "Rally\n\n"
        "Join us Friday: the details (https://example.org/rally), https://example.org/map.\n\n"
        "- a sign\n- a friend\n  - and water\n\n1. Meet\n2. March\n\n> Sí se puede\n\nFish & chips hot"
    )


def test_an_alert_as_sent_has_readable_text(db, client, coalition, add_supporter, mailbox):
    add_supporter("ana@example.org", first_name="Ana")
    alert = draft(db, client, coalition, body=MARKDOWN)
    client.post(f"/coalitions/{coalition.slug}/alerts/{alert.id}/send")
    (email,) = mailbox.to("ana@example.org")
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert re.search(
        r"Rally at City Hall\s+Join us Friday at noon\. Details \(https://example\.org/rally\)", text
    )
    assert "- Bring a sign\r\n- Thank you for coming" in text and "Sí se puede" in text
    assert not TAG.search(text) and "**" not in text
    assert "<b>Thank you</b>" in email.get_body(preferencelist=("html",)).get_content()  # the HTML keeps it
