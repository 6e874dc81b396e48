"""Signals for features listed after notifications (the API's webhooks)."""

from blinker import Namespace

_signals = Namespace()

# Sent with the Message when an alert has gone to its whole audience, inside the transaction
# that marks it sent.
alert_sent = _signals.signal("alert-sent")
