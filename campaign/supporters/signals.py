"""Signals for features listed after supporters, which may hold more data about a supporter."""

from collections.abc import Callable
from dataclasses import dataclass, field

from blinker import Namespace
from sqlalchemy import Select

_signals = Namespace()

# Sent with the Supporter before its personal fields are cleared: erase what you hold too.
supporter_erasing = _signals.signal("supporter-erasing")

# Sent with the Supporter while building a copy of their data: return a list of lines
# ("Signed the petition '...' on 2026-03-01") describing what you hold about them.
supporter_exporting = _signals.signal("supporter-exporting")

# Sent with an email address (a data request's): what a feature holds by the address alone,
# outside any supporter record (an event's host contact). Exporting: return a list of records
# shaped like `services.export_supporter_data`'s; erasing: erase it, return how many records.
address_exporting = _signals.signal("address-exporting")
address_erasing = _signals.signal("address-erasing")

# Sent with a coalition id (keyword `addresses`: sendable email addresses) before an import
# records a batch of them: a feature keeping addresses not to email (notifications) returns, for
# each address it marks, "erased" (its owner asked this coalition to erase them: no list brings
# them back) or "suppressed" (a bounce or a complaint: never subscribed by a list), by address.
address_screening = _signals.signal("address-screening")

# Sent with the Supporter when a subscribed supporter unsubscribes (their link, one-click
# List-Unsubscribe, their preferences), inside the transaction.
supporter_unsubscribed = _signals.signal("supporter-unsubscribed")

# Sent with the Coalition while its supporters page is drawn (keyword `args`: the page's query
# arguments): a later feature (tags) returns a `ListingExtra` to filter the list, label its rows
# and act on the rows an organizer selects.
supporters_listing = _signals.signal("supporters-listing")


@dataclass(frozen=True)
class ListingExtra:
    narrow: Select | None  # the ids the list is limited to by the feature's filter; None: no limit
    labels: Callable[[list[int]], dict[int, list[str]]]  # listed ids -> words shown beside each
    controls: str  # template of the feature's filter (a GET form), drawn above the list
    actions: str | None = None  # template of its buttons for the selected rows; None: no selection
    action_url: str | None = None  # where the selection is posted
    values: dict = field(default_factory=dict)  # what its templates show, as `extra.values`
    query: dict = field(default_factory=dict)  # its filter's query arguments, kept by the page links
