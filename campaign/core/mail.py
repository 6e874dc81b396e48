"""Email transport: one SMTP URL in production, a local mailbox in development.

Features render and send mail through `send_templated()`; the notifications feature builds
its bulk path on `transport()`.
"""

import re
import smtplib
import socket
import ssl
import threading
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import formataddr, make_msgid, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import DateTime, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from campaign.core.addresses import ascii_address, header_address
from campaign.core.crypto import Sealed, SealedRow, canonical_email, keyed_hash
from campaign.core.outbox import utcnow
from campaign.core.plain_text import without_tags
from campaign.core.text import one_line
from campaign.extensions import db

_DOT_AT_LINE_START = re.compile(rb"(?m)^\.")


class StoredMail(SealedRow, db.Model):
    """Mail kept instead of sent when no SMTP_URL is set (the embedded default).

    The whole message is encrypted like any personal data; /_dev/mail shows it in development.
    `recipient_index` finds a person's copies when they ask to be erased.
    """

    __tablename__ = "stored_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_hint: Mapped[str] = mapped_column(String(20))  # "a***@example.org", for the list
    recipient_index: Mapped[str | None] = mapped_column(String(64), index=True)
    subject = Sealed(nullable=False)
    raw = Sealed(nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def recipient_index(address: str) -> str:
    """A keyed hash of the canonical address, salted apart from the blind indexes so that it
    matches none of them: the stored mail cannot tie a person's rows together."""
    return keyed_hash("stored-mail:" + canonical_email(parseaddr(address)[1] or address))


def forget_recipient(address: str) -> int:
    """Delete the stored copies of every email sent to this address; returns how many."""
    forgotten = db.session.execute(
        delete(StoredMail).where(StoredMail.recipient_index == recipient_index(address))
    ).rowcount
    # Mail stored before the index existed: the few rows with the same masked address are
    # decrypted and their To header compared.
    wanted = canonical_email(address)
    legacy = select(StoredMail).where(
        StoredMail.recipient_index.is_(None), StoredMail.recipient_hint == mask_address(address)
    )
    for mail in db.session.scalars(legacy).all():
        to = BytesHeaderParser(policy=default_policy).parsebytes(mail.raw.encode())["To"]
        if to and canonical_email(parseaddr(str(to))[1]) == wanted:
            db.session.delete(mail)
            forgotten += 1
    db.session.flush()
    return forgotten


def mask_address(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"[:20]


def reply_to(name: str = "", address: str | None = None) -> str:
    """The Reply-To of every email: `address` under `name` (a coalition's contact address), or
    MAIL_REPLY_TO for mail that belongs to no coalition, or when `address` is not one address
    we could send to (a stored value with a line break must not add a header). MAIL_FROM is a
    no-reply sender: without this, a reply to "reply to the coalition" reached no one."""
    valid = header_address(address)
    if valid is None:
        name, valid = parseaddr(current_app.config["MAIL_REPLY_TO"])
    return formataddr((one_line(name), valid), "utf-8")


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    reply_to_header: str | None = None,
    headers: dict | None = None,
) -> EmailMessage:
    """Header values are made one line here whatever the caller passes (a Subject built from
    an organizer's title, a coalition's name): the email package refuses a line break in a header,
    and a value that failed here would fail on every retry. An address no server can take raises
    UndeliverableAddress (core/addresses.py) before anything is sent. From is always the site's
    own sender (MAIL_FROM): who wrote to the person (an inviting organizer) is said in the body,
    and replies go to `reply_to_header` (see `reply_to()`)."""
    from_name, from_address = parseaddr(current_app.config["MAIL_FROM"])
    message = EmailMessage()
    message["From"] = formataddr((one_line(from_name), from_address))
    message["To"] = ascii_address(to)
    message["Reply-To"] = one_line(reply_to_header or reply_to())
    message["Subject"] = one_line(subject)
    message["Message-ID"] = make_msgid(domain=Address(addr_spec=from_address).domain)
    for name, value in (headers or {}).items():
        message[name] = one_line(value)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send_templated(
    template: str, to: str, locale: str | None, subject, reply_to_header: str | None = None, **context
) -> None:
    """Render `templates/<template>.txt` and `.html` in the recipient's language and send.

    `subject` is a lazy string, so that it too is translated into the recipient's language.
    Mail about a coalition passes its `reply_to_header` (coalitions/replies.py); other mail
    replies to MAIL_REPLY_TO.
    """
    with force_locale(locale or "en"):
        subject = str(subject)
        text = render_text_part(template, **context)
        html = render_template(f"{template}.html", subject=subject, **context)
    transport().send(build_message(to, subject, text, html, reply_to_header))


def render_text_part(template: str, **context) -> str:
    """An email's plain-text part, `templates/<template>.txt`: Markdown there is written out by
    its `markdown_as_text` filter, and a tag a plain value brought in (a title typed with "<b>")
    is taken out, as a mail reader would show it as typed (core/plain_text.py)."""
    return without_tags(render_template(f"{template}.txt", **context))


def transport():
    url = current_app.config.get("SMTP_URL")
    return (
        SmtpTransport.for_url(url, current_app.config["SMTP_TIMEOUT_SECONDS"])
        if url
        else StoredMailTransport()
    )


def _nothing() -> None:
    return None


class StoredMailTransport:
    """Keeps mail in the database, in the sender's own transaction: exactly once by design."""

    def send(self, message: EmailMessage) -> None:
        self._store(message["To"], message["Subject"], message.as_string())

    def send_raw(self, sender: str, recipient: str, data: bytes, handing_over=_nothing) -> None:
        recipient = ascii_address(recipient)  # refused here as SMTP would refuse it
        after_storing = handing_over()
        if after_storing is not None:
            after_storing()
        headers = BytesHeaderParser(policy=default_policy).parsebytes(data)
        self._store(recipient, str(headers["Subject"]), data.decode("ascii", "replace"))

    def _store(self, recipient: str, subject: str, raw: str) -> None:
        db.session.add(
            StoredMail(
                recipient_hint=mask_address(recipient),
                recipient_index=recipient_index(recipient),
                subject=subject,
                raw=raw,
            )
        )
        db.session.flush()


class SmtpTransport:
    """One SMTP connection per process and URL, reused across messages and reopened if lost."""

    _local = threading.local()

    def __init__(self, url: str, timeout: float):
        parts = urlsplit(url)
        options = parse_qs(parts.query)
        self.implicit_tls = parts.scheme == "smtps"
        self.starttls = options.get("starttls", ["false"])[0].lower() in {"1", "true", "yes"}
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout  # per command: a batch must finish well within its lease
        self.connection: smtplib.SMTP | None = None

    @classmethod
    def for_url(cls, url: str, timeout: float) -> "SmtpTransport":
        cache = cls._local.__dict__.setdefault("transports", {})
        if url not in cache:
            cache[url] = cls(url, timeout)
        return cache[url]

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.implicit_tls:
            connection = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                connection.starttls(context=context)
        if self.username:
            connection.login(self.username, self.password or "")
        connection.ehlo_or_helo_if_needed()  # again after STARTTLS, which forgets the first EHLO
        # The body and the final "." are two writes (a hand-over mark goes between them); with
        # Nagle's algorithm the "." would wait for the server's delayed ACK, ~40 ms a message.
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection

    def send(self, message: EmailMessage) -> None:
        """One message built with the email package (the features' own transactional mail)."""
        data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
        self.send_raw(parseaddr(message["From"])[1], message["To"], data)

    def send_raw(self, sender: str, recipient: str, data: bytes, handing_over=_nothing) -> None:
        """Send one prepared message, calling `handing_over()` just before the final ".".

        Until that "." the server discards the message if we vanish; after it, it may deliver
        even if we never read its reply. Bulk sending records the moment so that a worker killed
        in between never causes a second copy (notifications/sending.py). `handing_over` may
        return a callable, run right after the "." is written and before the reply is read: it
        lets the caller's record travel alongside the "." instead of ahead of it. SMTP errors
        raise smtplib exceptions carrying the server's code. A refused envelope leaves the
        connection ready for the next message; any other error drops it.
        """
        connection = self._envelope(sender, ascii_address(recipient))
        try:
            code, reply = connection.docmd("data")
            if code != 354:
                raise smtplib.SMTPDataError(code, reply)
            body = _DOT_AT_LINE_START.sub(b"..", data)
            connection.send(body if body.endswith(b"\r\n") else body + b"\r\n")
            after_dot = handing_over()
            connection.send(b".\r\n")
            if after_dot is not None:
                after_dot()
            code, reply = connection.getreply()
        except BaseException:
            self.close()
            raise
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)

    def _envelope(self, sender: str, recipient: str) -> smtplib.SMTP:
        try:
            if self.connection is None:
                self.connection = self._connect()
            try:
                code, reply = self.connection.mail(sender)
            except smtplib.SMTPServerDisconnected:  # an idle connection the server closed
                self.connection = self._connect()
                code, reply = self.connection.mail(sender)
            if code != 250:
                refused = smtplib.SMTPSenderRefused(code, reply, sender)
            else:
                code, reply = self.connection.rcpt(recipient)
                if code in (250, 251):
                    return self.connection
                refused = smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
            self.connection.rset()
        except BaseException:
            self.close()
            raise
        raise refused

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except OSError:
                pass
