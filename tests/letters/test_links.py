"""How long a sign-on's confirmation link works."""

from types import SimpleNamespace

from campaign.letters import notices


def test_a_sign_on_confirmation_link_stops_working_after_thirty_days(app, signed_ago):
    signature = SimpleNamespace(id=7)
    with signed_ago(days=31):
        old = notices.confirm_token(signature)
    with signed_ago(days=29):
        recent = notices.confirm_token(signature)
    assert notices.signature_id_for_token(old) is None
    assert notices.signature_id_for_token(recent) == 7
