"""Signals for features listed after supporters, which may hold more data about a supporter."""

from blinker import Namespace

_signals = Namespace()

# Sent with the Supporter before its personal fields are cleared: erase what you hold too.
supporter_erasing = _signals.signal("supporter-erasing")

# Sent with the Supporter while building a copy of their data: return a list of lines
# ("Signed the petition '...' on 2026-03-01") describing what you hold about them.
supporter_exporting = _signals.signal("supporter-exporting")
