"""With the rate-limit storage down, refusing or silent, limited public forms still answer."""

import socket
import threading

import pytest

from tests.integration.conftest import make_app
from tests.integration.helpers import make_organizer
from tests.services import REFUSING_REDIS

PAGES = (
    ("/privacy/request", {"email": "someone@example.org", "kind": "copy"}, 302),
    ("/accounts/login", {"email": "someone@example.org", "password": "wrong password"}, 200),
    ("/letters/sign/no-such-key", {"email": "someone@example.org"}, 404),
    ("/actions/no-such-day/events/1/rsvp", {"email": "someone@example.org"}, 404),
)


@pytest.fixture
def silent_redis():
    """A port that takes the connection and never answers, as a hung Redis host does."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()


@pytest.mark.parametrize("down", ["refusing", "silent"])
def test_limited_forms_answer_while_the_limits_storage_is_down(it_app, settings, silent_redis, down):
    url = REFUSING_REDIS if down == "refusing" else silent_redis
    client = make_app(settings, REDIS_URL=url, RATELIMIT_STORAGE_URI=url).test_client()
    make_organizer(it_app)
    answers = {}

    def post_all():
        for path, data, _ in PAGES:
            answers[path] = client.post(path, data=data).status_code

    worker = threading.Thread(target=post_all, daemon=True)
    worker.start()
    worker.join(timeout=120)  # a bound, not a speed claim: without timeouts a silent host hangs
    assert answers == {path: status for path, _, status in PAGES}
