"""Building each recipient's email fast: render once per language, personalize per recipient.

Jinja, Markdown and CSS inlining run once per (message, language) with placeholders where the
recipient's name and links go; each recipient then costs a few string replacements and a
quoted-printable encoding, so building 100,000 messages never dominates sending them.
"""

import base64
import binascii
import html
from dataclasses import dataclass
from email.header import Header
from email.headerregistry import Address
from email.utils import formataddr, formatdate, make_msgid, parseaddr

import css_inline
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from campaign.coalitions.replies import reply_to_header
from campaign.core.mail import render_text_part
from campaign.core.markdown import render_markdown
from campaign.core.plain_text import without_tags
from campaign.core.text import one_line
from campaign.core.urls import external_url
from campaign.notifications import attachments
from campaign.notifications.attachments import Attachment
from campaign.notifications.models import Message

GREETING = "%%GREETING%%"
UNSUBSCRIBE_URL = "%%UNSUBSCRIBE_URL%%"
PREFERENCES_URL = "%%PREFERENCES_URL%%"
# A link of the recipient's own that the notice asks for (personal_links.py), e.g. to confirm.
PERSONAL_URL = "%%PERSONAL_URL%%"
_KEY_SLOT = "SUPPORTER-KEY-SLOT"
_BOUNDARY = "=_campaign_desk_alternative"
_MIXED_BOUNDARY = "=_campaign_desk_mixed"
CRLF = "\r\n"


@dataclass(frozen=True)
class Recipient:
    delivery_id: int | None  # None for a test copy to the organizer
    address: str
    first_name: str
    preferences_token: str
    personal_url: str = ""  # none asked for (a test copy, most notices)


@dataclass
class PreparedMessage:
    """One message in one language, ready to personalize."""

    headers: str  # From, Reply-To, Subject, MIME-Version, Content-Type: shared by every recipient
    text: str
    html: str
    greeting: str  # with "%(name)s" for the first name
    greeting_without_name: str
    domain: str
    preferences_url: str  # with _KEY_SLOT where the supporter's token goes
    unsubscribe_url: str
    # Wraps the text and HTML parts in multipart/mixed with the file after them; shared by all.
    attachment_part: bytes = b""

    def build(self, recipient: Recipient) -> bytes:
        if "\r" in recipient.address or "\n" in recipient.address:
            raise ValueError("an address cannot contain a line break")
        preferences = self.preferences_url.replace(_KEY_SLOT, recipient.preferences_token)
        unsubscribe = self.unsubscribe_url.replace(_KEY_SLOT, recipient.preferences_token)
        name = recipient.first_name.strip()
        greeting = self.greeting % {"name": name} if name else self.greeting_without_name
        text = (
            self.text.replace(GREETING, without_tags(greeting))  # the name as typed, in the text part
            .replace(UNSUBSCRIBE_URL, unsubscribe)
            .replace(PREFERENCES_URL, preferences)
            .replace(PERSONAL_URL, recipient.personal_url)
        )
        body_html = (
            self.html.replace(GREETING, html.escape(greeting))
            .replace(UNSUBSCRIBE_URL, unsubscribe)
            .replace(PREFERENCES_URL, preferences)
            .replace(PERSONAL_URL, recipient.personal_url)
        )
        head = (
            f"{self.headers}To: {recipient.address}\r\n"
            f"Date: {formatdate()}\r\n"
            f"Message-ID: {self._message_id(recipient)}\r\n"
            f"List-Unsubscribe: <{unsubscribe}>\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\n"
        )
        alternative = b"".join(
            (_part("plain", text), _part("html", body_html), f"--{_BOUNDARY}--\r\n".encode("ascii"))
        )
        if self.attachment_part:
            alternative = b"".join(
                (
                    f"--{_MIXED_BOUNDARY}\r\n".encode("ascii"),
                    f'Content-Type: multipart/alternative; boundary="{_BOUNDARY}"\r\n\r\n'.encode("ascii"),
                    alternative,
                    self.attachment_part,
                )
            )
        return head.encode("ascii") + alternative

    def _message_id(self, recipient: Recipient) -> str:
        # A delivery's id, so a resend could be recognized; a test copy (no delivery) a fresh one.
        if recipient.delivery_id is None:
            return make_msgid(domain=self.domain)
        return f"<{recipient.delivery_id}.delivery@{self.domain}>"


def _part(subtype: str, content: str) -> bytes:
    encoded = binascii.b2a_qp(content.replace("\r\n", "\n").replace("\n", "\r\n").encode(), istext=True)
    return (
        (
            f"--{_BOUNDARY}\r\nContent-Type: text/{subtype}; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        ).encode("ascii")
        + encoded
        + b"\r\n"
    )


def _attachment_part(attachment: Attachment) -> bytes:
    filename = attachment.filename.replace('"', "")
    return (
        f"--{_MIXED_BOUNDARY}\r\n"
        f'Content-Type: {attachment.content_type}; charset=utf-8; name="{filename}"\r\n'
        f'Content-Disposition: attachment; filename="{filename}"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{base64.encodebytes(attachment.data).decode('ascii').replace(chr(10), CRLF)}\r\n"
        f"--{_MIXED_BOUNDARY}--\r\n"
    ).encode("ascii")


def prepare(message: Message, language: str, subject_prefix: str = "") -> PreparedMessage:
    """Render `message` once in `language`, with placeholders for each recipient."""
    with force_locale(language):
        subject, text, page = _render(message, language)
        greeting = _("Hello %(name)s,", name="%(name)s")
        greeting_without_name = _("Hello,")
    sender_name, from_address = parseaddr(current_app.config["MAIL_FROM"])
    from_header = formataddr((one_line(message.coalition.name or sender_name), from_address), "utf-8")
    subject_header = Header(one_line(subject_prefix + subject), "utf-8").encode(linesep=CRLF)  # folded
    attachment = None if message.is_alert else attachments.build(message.context.get("attachment"))
    content_type = (
        f'multipart/mixed; boundary="{_MIXED_BOUNDARY}"'
        if attachment
        else f'multipart/alternative; boundary="{_BOUNDARY}"'
    )
    headers = (
        f"From: {from_header}\r\n"
        f"Reply-To: {one_line(reply_to_header(message.coalition))}\r\n"
        f"Subject: {subject_header}\r\n"
        "MIME-Version: 1.0\r\n"
        f"Content-Type: {content_type}\r\n"
    )
    return PreparedMessage(
        headers=headers,
        text=text,
        html=css_inline.inline(page),
        greeting=greeting,
        greeting_without_name=greeting_without_name,
        domain=Address(addr_spec=from_address).domain,
        preferences_url=external_url("notifications.preferences", token=_KEY_SLOT),
        unsubscribe_url=external_url("notifications.one_click_unsubscribe", token=_KEY_SLOT),
        attachment_part=_attachment_part(attachment) if attachment else b"",
    )


def _render(message: Message, language: str) -> tuple[str, str, str]:
    context = {
        "coalition": message.coalition,
        "greeting": GREETING,
        "unsubscribe_url": UNSUBSCRIBE_URL,
        "preferences_url": PREFERENCES_URL,
        "personal_url": PERSONAL_URL,
    }
    if message.is_alert:
        spanish = language == "es" and message.body_es.strip()
        body = message.body_es if spanish else message.body
        subject = message.subject_in(language)
        context.update(body_text=body, body_html=render_markdown(body))
        template = "notifications/emails/alert"
    else:
        context.update(message.context)
        template = message.template
        subject = render_template(f"{template}.subject.txt", **context).strip()
    text = render_text_part(template, subject=subject, **context)
    page = render_template(f"{template}.html", subject=subject, **context)
    return subject, text, page
