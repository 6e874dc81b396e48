"""The "Unsubscribe" link in an email's body, followed from the email as it was sent: a page with
one button that unsubscribes, which tells a forwarded email's reader nothing about the recipient."""

import html
import re

import pytest

from campaign.supporters.models import Subscription
from tests.notifications.test_alerts import draft
from tests.pages import text_of


def _sent_alert(db, client, coalition, add_supporter, mailbox, address, language="en"):
    supporter = add_supporter(address, first_name="Ana", language=language)
    alert = draft(db, client, coalition)
    assert client.post(f"/coalitions/{coalition.slug}/alerts/{alert.id}/send").status_code == 302
    (email,) = mailbox.to(address)
    return supporter, email


def _body_links(email) -> tuple[str, str]:
    """The body's unsubscribe link in the text part and in the HTML part, as a reader clicks it."""
    text = email.get_body(preferencelist=("plain",)).get_content()
    in_text = re.search(r"(?:Unsubscribe|Darte de baja): (\S+)", text)
    page = email.get_body(preferencelist=("html",)).get_content()
    in_html = re.search(r'<a href="([^"]+)"[^>]*>(?:Unsubscribe|Darte de baja)</a>', page)
    return in_text.group(1), html.unescape(in_html.group(1))


def _path(url: str) -> str:
    return url.removeprefix("http://localhost")


@pytest.mark.usefixtures("requests_start_afresh")
def test_the_body_link_opens_one_button_that_unsubscribes_and_shows_no_address(
    app, db, client, coalition, add_supporter, mailbox
):
    supporter, email = _sent_alert(db, client, coalition, add_supporter, mailbox, "ana.reyes@example.org")
    from_text, from_html = _body_links(email)
    assert from_text == from_html

    reader = app.test_client()  # whoever the email was forwarded to: no cookie, no login
    page = reader.get(_path(from_text))
    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    assert "ana.reyes" not in shown and "example.org" not in text_of(page)
    forms = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>(.*?)</form>', shown, re.S)
    forms = [(action, inside) for action, inside in forms if "/accounts/logout" not in action]
    assert len(forms) == 1 and forms[0][1].count("<button") == 1
    assert "Unsubscribe" in forms[0][1] and 'type="checkbox"' not in shown
    db.session.refresh(supporter)
    assert supporter.subscription == Subscription.SUBSCRIBED  # opening the page changed nothing

    done = reader.post(html.unescape(forms[0][0]))  # the button: its form sends nothing else
    assert done.status_code == 200 and "You are unsubscribed" in text_of(done)
    db.session.refresh(supporter)
    assert supporter.subscription == Subscription.UNSUBSCRIBED

    again = text_of(reader.get(_path(from_text)))  # the link opened once more
    assert "You are unsubscribed" in again and "Change your mind or your language" in again


@pytest.mark.usefixtures("requests_start_afresh")
def test_the_page_speaks_the_recipients_language_and_the_header_stays_one_click(
    app, db, client, coalition, add_supporter, mailbox
):
    supporter, email = _sent_alert(db, client, coalition, add_supporter, mailbox, "luis@example.org", "es")
    from_text, _ = _body_links(email)
    header = email["List-Unsubscribe"].strip("<>")
    assert header == from_text and email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page = app.test_client().get(_path(from_text), headers={"Accept-Language": "en"})
    assert "¿Darte de baja" in text_of(page) and "luis@" not in page.get_data(as_text=True)

    # RFC 8058: the mail provider's POST to the header's address unsubscribes at once.
    app.test_client().post(_path(header), data={"List-Unsubscribe": "One-Click"})
    db.session.refresh(supporter)
    assert supporter.subscription == Subscription.UNSUBSCRIBED


def test_an_unknown_or_erased_link_opens_no_button(client):
    response = client.get("/u/not-a-real-token/one-click")
    assert (
        response.status_code == 404 and "<button" not in response.get_data(as_text=True).split("</header>")[1]
    )
