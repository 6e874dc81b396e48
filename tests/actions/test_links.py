"""The links in day-of-action emails: the host's and the attendee's pages end, and no cache keeps them."""

from datetime import datetime, timedelta

from campaign.actions import notices
from campaign.core.outbox import utcnow
from tests.actions.conftest import row, rsvp_as

HOST_PAGES = ("", "/check-in", "/edit", "/message", "/report")


def test_an_old_rsvp_link_no_longer_shows_the_private_address_thirty_days_after_the_event(
    client, db, make_event
):
    event = make_event(address="12 Safe House Lane", address_public=False)
    link = f"/actions/rsvp/{notices.rsvp_token(row(rsvp_as(event, 'ana@example.org')))}"
    assert "Safe House" in client.get(link).get_data(as_text=True)
    event.starts_at, event.ends_at = datetime(2020, 1, 1, 15), datetime(2020, 1, 1, 17)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 404
    assert "Safe House" not in response.get_data(as_text=True)
    assert client.post(link).status_code == 404


def test_an_rsvp_link_still_works_twenty_nine_days_after_the_event(client, db, make_event):
    event = make_event()
    link = f"/actions/rsvp/{notices.rsvp_token(row(rsvp_as(event, 'ana@example.org')))}"
    event.ends_at = utcnow() - timedelta(days=29)
    event.starts_at = event.ends_at - timedelta(hours=2)
    db.session.commit()
    assert client.get(link).status_code == 200


def test_a_shared_computer_keeps_no_copy_of_the_roster_or_an_rsvp_page(app, make_event):
    event = make_event()
    rsvp_link = f"/actions/rsvp/{notices.rsvp_token(row(rsvp_as(event, 'ana@example.org')))}"
    host_link = f"/actions/host/{notices.host_token(event)}"
    stranger = app.test_client()
    for path in [rsvp_link, *(host_link + page for page in HOST_PAGES)]:
        response = stranger.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
