"""Signals for features listed after petitions (the API's webhooks)."""

from blinker import Namespace

_signals = Namespace()

# Sent with the PetitionSignature when its signer's click confirms it and it counts, inside
# the transaction that confirms it.
signature_confirmed = _signals.signal("signature-confirmed")
