"""The fast tier's shared app (tests/conftest.py): each test gets it as if it were new."""

import pytest
from sqlalchemy import func, select

from campaign.accounts.models import User


def test_what_a_test_changed_on_the_shared_app_is_undone_for_the_next(request, app, db, client, make_user):
    pristine = request.getfixturevalue("_pristine")
    make_user()
    app.config["PUBLIC_FORM_LIMIT"] = "1 per hour"
    app.config["A_SETTING_OF_ITS_OWN"] = True
    seen = []
    app.before_request(lambda: seen.append("hook"))  # as on a new app: before its first request
    app.jinja_env.filters["shout"] = str.upper
    loader = app.jinja_env.loader
    app.jinja_env.loader = None
    client.get("/healthz")
    assert seen == ["hook"]

    pristine.restore()

    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert app.config["PUBLIC_FORM_LIMIT"] == pristine.config["PUBLIC_FORM_LIMIT"]
    assert "A_SETTING_OF_ITS_OWN" not in app.config
    client.get("/healthz")
    assert seen == ["hook"]
    assert "shout" not in app.jinja_env.filters
    assert app.jinja_env.loader is loader


def test_the_shared_app_counts_from_zero_for_each_test(request, client, make_user, login):
    make_user()
    for _ in range(5):
        client.post("/accounts/login", data={"email": "organizer@example.org", "password": "wrong"})
    held = client.post(
        "/accounts/login", data={"email": "organizer@example.org", "password": "correct horse battery"}
    )
    assert "Too many attempts" in held.get_data(as_text=True)

    request.getfixturevalue("_pristine").lend()  # what the next test's setup does

    login()


@pytest.mark.fresh_app
def test_a_fresh_app_takes_a_route_of_the_tests_own(request, app, client):
    assert app is not request.getfixturevalue("_pristine").app
    app.add_url_rule("/_probe", "probe", lambda: "probed")
    assert client.get("/_probe").get_data(as_text=True) == "probed"
