"""The RSVPs' spreadsheet, per day of action and per event: for owners and admins, logged,
formula-safe, people on file only, never a private place or the host's details."""

import pytest
from sqlalchemy import select

from campaign.actions import rsvps
from campaign.actions.models import RsvpState
from campaign.coalitions import services as coalitions
from campaign.core.exports import ExportLog
from campaign.supporters import services as supporters
from tests.actions.conftest import DAY_FIELDS, NOW, row, rsvp_as
from tests.sheets import ROLES_AND_ANSWERS, by_email, log_in_as, on_file, read_sheet
from tests.supporters import import_files

AN_HEADER = list(import_files.AN_HEADER)
SECRET_PLACE = ("St. Anne's parish hall", "1 Hidden Way")
HOST = ("host-secret@example.org", "Hostina Contacto")


@pytest.fixture
def private_event(db, make_event):
    """An event at a private address, hosted by someone whose email and name are the host's own."""
    from campaign.actions.services import Host

    event = make_event(
        address_public=False,
        venue=SECRET_PLACE[0],
        address=SECRET_PLACE[1],
        host=Host("Juntos", email=HOST[0], contact_name=HOST[1]),
    )
    db.session.commit()
    return event


def urls(coalition, event) -> list[str]:
    base = f"/coalitions/{coalition.slug}/actions/{event.day_id}"
    return [f"{base}/rsvps.csv", f"{base}/events/{event.id}/rsvps.csv"]


def sheet(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return read_sheet(response.get_data())


@pytest.mark.parametrize(("role", "status"), ROLES_AND_ANSWERS)
def test_only_owners_and_admins_download_them(
    db, client, coalition, private_event, make_user, login, role, status
):
    on_file(db, coalition, "ana@example.org")
    rsvp_as(private_event, "ana@example.org")
    db.session.commit()
    log_in_as(db, coalition, make_user, login, role)
    for url in urls(coalition, private_event):
        for query in ("", "?columns=action_network"):
            response = client.get(url + query)
            assert response.status_code == status, (role, url, query)
            assert (b"ana@example.org" in response.get_data()) == (status == 200)
    pages = [f"/coalitions/{coalition.slug}/actions/{private_event.day_id}"]
    pages.append(f"{pages[0]}/events/{private_event.id}")
    for page, url in zip(pages, urls(coalition, private_event), strict=True):
        assert (url in client.get(page).get_data(as_text=True)) == (status == 200)
    assert len(db.session.scalars(select(ExportLog.id)).all()) == (4 if status == 200 else 0)


def test_another_coalition_gets_not_found(db, client, coalition, private_event, make_user, login):
    outsider = make_user(email="outsider@example.org")
    coalitions.create_coalition(outsider, "Another coalition", "", "Fresno")
    db.session.commit()
    login("outsider@example.org")
    for url in urls(coalition, private_event):
        assert client.get(url).status_code == 404
        assert client.get(url + "?columns=action_network").status_code == 404


def test_an_event_of_another_day_is_not_found_under_this_one(db, client, coalition, day, private_event):
    from campaign.actions import services

    other_day = services.create_day(coalition.id, None, DAY_FIELDS | {"title": "Another day"})
    db.session.commit()
    url = f"/coalitions/{coalition.slug}/actions/{other_day.id}/events/{private_event.id}/rsvps.csv"
    assert client.get(url).status_code == 404


def test_downloads_are_logged_per_day_and_per_event_with_their_counts(db, client, coalition, day, make_event):
    first, second = make_event(), make_event(zip_code="90012")
    for number, event in enumerate((first, second, second)):
        on_file(db, coalition, f"person{number}@example.org")
        rsvp_as(event, f"person{number}@example.org")
    db.session.commit()
    day_url, event_url = urls(coalition, second)
    for url in (day_url, event_url, event_url + "?columns=action_network"):
        client.get(url).close()
    logged = db.session.execute(select(ExportLog.what, ExportLog.row_count).order_by(ExportLog.id)).all()
    assert logged == [
        (f"day:{day.id}:rsvps", 3),
        (f"event:{second.id}:rsvps", 2),
        (f"event:{second.id}:rsvps:action_network", 2),
    ]


def test_people_on_file_only_and_the_record_not_what_was_typed(db, client, coalition, private_event):
    """Anyone may RSVP with anyone's address: the sheet names the person as their confirmed
    record does, and leaves out addresses nobody confirmed and people erased."""
    on_file(
        db,
        coalition,
        "maria@example.org",
        first_name="María",
        last_name="Núñez",
        zip_code="37203",
        language="es",
    )
    rsvp_as(
        private_event, "maria@example.org", first_name="Impostor", last_name="Typed", phone="+12155550100"
    )
    rsvp_as(private_event, "typed@example.org", first_name="Nobody")  # never confirmed
    on_file(db, coalition, "gone@example.org", first_name="Erased")
    rsvp_as(private_event, "gone@example.org")
    supporters.erase_supporter_data("gone@example.org")
    db.session.commit()
    for url in urls(coalition, private_event):
        for query in ("", "?columns=action_network"):
            rows = sheet(client, url + query)
            assert list(by_email(rows)) == ["maria@example.org"], (url, query)
            maria = by_email(rows)["maria@example.org"]
            assert (maria["first_name"], maria["last_name"]) == ("María", "Núñez")
            text = repr(rows)
            assert "Impostor" not in text and "Erased" not in text and "Nobody" not in text


def test_no_private_place_and_nothing_of_the_host(db, client, coalition, private_event):
    on_file(db, coalition, "ana@example.org")
    rsvp_as(private_event, "ana@example.org")
    db.session.commit()
    for url in urls(coalition, private_event):
        for query in ("", "?columns=action_network"):
            body = client.get(url + query).get_data(as_text=True)
            assert "ana@example.org" in body
            for secret in (*SECRET_PLACE, *HOST, "Juntos", private_event.host_key):
                assert secret not in body, (url, query, secret)


def test_our_columns_and_action_networks(db, client, coalition, private_event):
    """Ours say which event and what became of the RSVP, cancelled ones too; Action Network's
    have the person only, and only people who still hold an RSVP or came."""
    on_file(
        db,
        coalition,
        "maria@example.org",
        first_name="María José",
        last_name="Peña",
        zip_code="19104",
        language="es",
    )
    on_file(db, coalition, "luis@example.org", first_name="Luis")
    rsvp_as(private_event, "maria@example.org")
    rsvps.cancel(row(rsvp_as(private_event, "luis@example.org")), NOW)
    at_the_door = rsvps.WalkIn("Walk", email="walkin@example.org", consent_wording="Email me news.")
    rsvps.add_walk_in(private_event, at_the_door, "nonce-1", "en", private_event.starts_at)
    rsvps.add_walk_in(private_event, rsvps.WalkIn("No email"), "nonce-2", "en", private_event.starts_at)
    db.session.commit()
    for url in urls(coalition, private_event):
        ours = sheet(client, url)
        assert ours[0] == [
            *AN_HEADER[:4], "phone", "language", "subscription", "event", "event_city", "event_state",
            "event_starts_at_utc", "rsvp_status", "rsvped_at_utc", "checked_in_at_utc",
        ]  # fmt: skip
        people = by_email(ours)
        assert {email: row["rsvp_status"] for email, row in people.items()} == {
            "maria@example.org": RsvpState.GOING.value,
            "luis@example.org": RsvpState.CANCELLED.value,
            "walkin@example.org": RsvpState.WALK_IN.value,
        }
        maria = people["maria@example.org"]
        assert (maria["first_name"], maria["event"], maria["event_city"], maria["event_state"]) == (
            "María José", private_event.title, "Philadelphia", "PA",
        )  # fmt: skip
        assert maria["event_starts_at_utc"] == private_event.starts_at.strftime("%Y-%m-%d %H:%M")
        assert people["walkin@example.org"]["checked_in_at_utc"] and not maria["checked_in_at_utc"]

        theirs = sheet(client, url + "?columns=action_network")
        assert theirs[0] == AN_HEADER
        assert sorted(by_email(theirs)) == ["maria@example.org", "walkin@example.org"]
        assert by_email(theirs)["maria@example.org"]["can2_subscription_status"] == "unsubscribed"
        assert by_email(theirs)["walkin@example.org"]["can2_subscription_status"] == "subscribed"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_name_that_looks_like_a_formula_stays_text(db, client, coalition, private_event, start):
    on_file(db, coalition, "ana@example.org", first_name=f"{start}cmd|' /C calc'!A0", last_name="Ibáñez")
    rsvp_as(private_event, "ana@example.org")
    db.session.commit()
    for url in urls(coalition, private_event):
        for query in ("", "?columns=action_network"):
            ana = by_email(sheet(client, url + query))["ana@example.org"]
            assert (ana["first_name"], ana["last_name"]) == (f"'{start}cmd|' /C calc'!A0", "Ibáñez")
