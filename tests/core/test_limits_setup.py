"""Rate limits live on the views that declare them: create_app drops Flask-Limiter's check before
every request, which only default, application or blueprint limits would need."""

from campaign.extensions import limiter


def test_no_page_has_limits_beyond_those_its_view_declares(app):
    manager = limiter.limit_manager
    assert manager.default_limits == [] and manager.application_limits == []
    for name in app.blueprints:
        assert manager.blueprint_limits(app, name) == [], name
    assert limiter._check_request_limit not in app.before_request_funcs[None]


def test_a_declared_limit_still_refuses_past_its_count(client):
    answers = [client.post("/letters/sign/no-such-key").status_code for _ in range(31)]
    assert answers == [404] * 30 + [429]  # SIGN_ON_LIMIT: 30 per minute per address
