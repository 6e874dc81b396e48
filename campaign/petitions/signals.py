"""Signals for features listed after petitions (the API's webhooks)."""

from blinker import Namespace

_signals = Namespace()

# Sent with the PetitionSignature when it is confirmed and counts, inside the transaction that
# does it: its signer's click, a trusted source's word (signing.py), or an organizer releasing
# it from quarantine or undoing a strike once its signer had clicked (clusters.py).
signature_confirmed = _signals.signal("signature-confirmed")
