"""Signals for features listed after letters (the API's webhooks)."""

from blinker import Namespace

_signals = Namespace()

# Sent with the Signature once it is approved (by an organizer's vetting, from a verified
# domain, or added by hand), inside the transaction: it is on the letter's list from then on.
signatory_approved = _signals.signal("signatory-approved")
