"""Signals for features listed after actions (the API's webhooks)."""

from blinker import Namespace

_signals = Namespace()

# Sent with the Rsvp, inside the transaction: an RSVP made (going or waitlisted, on the public
# page or by a helper) or a walk-in added at the door; and an RSVP or walk-in cancelled.
rsvp_created = _signals.signal("rsvp-created")
rsvp_cancelled = _signals.signal("rsvp-cancelled")
