"""Email addresses every mail server can deliver to: the forms' one check, and the mail layer's.

Internationalized domains (maria@correo-exämple.org) are accepted and kept in their ASCII form
(maria@xn--correo-exmple-jfb.org), which names the same mailbox and which every server takes.
Non-ASCII local parts (josé@example.org) are refused at the form: they need SMTPUTF8 (RFC 6531)
from every server on the way, our relay included, and neither smtplib as we use it
(core/mail.py sends plain MAIL FROM / RCPT TO, whose commands must be ASCII) nor most relays
can be counted on for it. Refusing at the form tells the person while they can still give
another address; accepting would lose every email to them silently.
"""

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from campaign.core.outbox import WillNeverWork

NOT_AN_ADDRESS = _l("Enter an email address like name@example.org.")
ACCENTED_LOCAL_PART = _l(
    "Use an address with no accents or special letters before the @ (like jose@example.org rather "
    "than josé@example.org): many mail servers cannot deliver to this one."
)


class UndeliverableAddress(WillNeverWork, ValueError):
    """No SMTP server can be given this address. Its text never quotes the address (logs)."""


def ascii_address(address: str) -> str:
    """`address` as it goes in RCPT TO and the To header: with its domain in ASCII (IDNA).

    Raises UndeliverableAddress for an address that has none: a non-ASCII local part, or no
    valid domain. ASCII addresses are returned as they are, at no cost (the bulk sender calls
    this for every recipient)."""
    if address.isascii():
        return address
    if not address.rpartition("@")[0].isascii():
        raise UndeliverableAddress("the address has non-ASCII characters before the @")
    try:
        return validate_email(address, check_deliverability=False, allow_smtputf8=False).ascii_email
    except EmailNotValidError as error:
        raise UndeliverableAddress("the address's domain cannot be written in ASCII") from error


def header_address(address: str | None) -> str | None:
    """`address` in ASCII form if it is one we could send to, else None: for a header built from
    a stored value (a Reply-To), which must never carry more than one address (CR/LF, commas)."""
    if not address or not address.isprintable():
        return None
    try:
        return ascii_address(validate_email(address, check_deliverability=False).normalized)
    except (EmailNotValidError, UndeliverableAddress):
        return None


def spellings(address: str) -> set[str]:
    """`address` and, if its domain is in ASCII (IDNA) form, the Unicode form rows saved before
    the forms began keeping the ASCII one still hold: a data request must find those too."""
    local, _, domain = address.rpartition("@")
    if "xn--" not in domain.lower():
        return {address}
    try:
        return {address, f"{local}@{domain.encode('ascii').decode('idna')}"}
    except UnicodeError:  # not valid IDNA: no other spelling
        return {address}


class NotSendable(ValueError):
    """An address typed by a person that we cannot send to; `message` tells them what to type."""

    def __init__(self, message):
        super().__init__("an address we cannot send to")  # never the address itself (logs)
        self.message = message


def sendable_address(address: str, message=NOT_AN_ADDRESS) -> str:
    """`address` with its domain in ASCII form, or NotSendable with the sentence to show: the one
    check of a typed address, for a form's field or a line of a pasted list."""
    if not address.rpartition("@")[0].isascii():
        raise NotSendable(ACCENTED_LOCAL_PART)
    try:
        return validate_email(address, check_deliverability=False, allow_smtputf8=False).ascii_email
    except EmailNotValidError as error:
        raise NotSendable(message) from error


class DeliverableEmail:
    """The email check of every form: a valid address (offline, no DNS lookup) that we can send
    to. It leaves the field holding the address in its ASCII form."""

    def __init__(self, message=NOT_AN_ADDRESS):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            ascii_email = sendable_address(field.data, self.message)
        except NotSendable as error:
            raise ValidationError(error.message) from error
        if not field.data.isascii():
            field.data = ascii_email
