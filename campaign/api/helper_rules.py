"""What every API helper does alike once its body is read (api/helper_input.py), whatever it
records: the tags it names (applied if the coalition has them, never made), and the consent and
email status it carries. Each helper's own module records its action (signup_helper.py,
signature_helper.py, attendance_helper.py)."""

from campaign.api.helper_input import Consent, HelperInput
from campaign.supporters import services as supporters
from campaign.supporters.imports import suppression_marks
from campaign.supporters.models import Subscription
from campaign.tags import services as tags
from campaign.tags.models import Tag


def tags_named(coalition_id: int, names: list[str]) -> list[Tag]:
    """The coalition's tags among these names (helper_input checked them); the others are
    ignored, and nothing says which. Action Network's helpers make the tags they lack; ours
    do not: a leaked key would make tags without end, and which tags a call made would tell
    the addresses a helper skips (erased ones) from the others."""
    return tags.tags_named(coalition_id, names)


def do_not_email_mark(coalition_id: int, email: str) -> str | None:
    """ "erased" or "suppressed" (the address bounced or complained), from the coalition's
    do-not-email list, as an import screens its rows; None for an address it does not mark."""
    return suppression_marks(coalition_id, [email]).get(email)


def consent_given(helper: HelperInput, mark: str | None) -> Consent | None:
    """The consent a helper may record: none for an address that bounced or complained, or
    whose owner asked to be erased. Whoever holds the key cannot subscribe those."""
    return None if mark else helper.consent


def honour_unsubscribed(coalition_id: int, helper: HelperInput) -> None:
    """`"status": "unsubscribed"` unsubscribes the person on file, whichever helper it comes
    with, as an import honours it (it only ever means less email)."""
    if helper.status != "unsubscribed":
        return
    supporter = supporters.find_supporter(coalition_id, helper.person.email)
    if supporter is not None and supporter.subscription != Subscription.UNSUBSCRIBED:
        supporters.unsubscribe(supporter)
