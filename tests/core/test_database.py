"""A database that cannot be reached: a 503 page that asks to try again, in the visitor's language."""

import pytest

from campaign import create_app
from campaign.config import TestConfig
from tests.services import free_port


@pytest.fixture
def unreachable():
    """The app with its PostgreSQL on a port where nothing listens: every connection is refused."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/campaign"
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url).test_client()


@pytest.mark.parametrize(("language", "title"), [("en", "Back in a moment"), ("es", "Volvemos enseguida")])
def test_a_supporter_is_asked_to_try_again_in_a_moment(unreachable, language, title):
    response = unreachable.post(
        "/petitions/any/sign", data={"email": "ana@example.org"}, headers={"Accept-Language": language}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert title in response.get_data(as_text=True)


def test_a_logged_in_organizer_gets_the_page_too_though_their_login_is_in_the_database(unreachable):
    with unreachable.session_transaction() as session:
        session["_user_id"] = "a login token"
    response = unreachable.get("/dashboard", headers={"Accept-Language": "es"})
    assert response.status_code == 503
    assert "Volvemos enseguida" in response.get_data(as_text=True)
