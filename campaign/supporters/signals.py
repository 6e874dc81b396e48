"""Signals for features listed after supporters, which may hold more data about a supporter."""

from blinker import Namespace

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
