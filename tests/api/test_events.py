"""Events and attendances through the API, and the record attendance helper: fields, what is never
shown (a private place, people not on file), scopes, coalitions, the RSVP form's rules, the log."""

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from campaign.actions import rsvps
from campaign.actions.models import Event, Rsvp, RsvpState
from campaign.api.models import ApiKey, Scope
from campaign.core.crypto import email_blind_index
from campaign.core.exports import ExportLog
from campaign.extensions import db
from campaign.notifications.models import Message
from campaign.supporters import services as supporters
from campaign.supporters.models import Consent, Subscription, Supporter
from campaign.tags.models import Tag, Tagging
from tests.actions.conftest import notices, recipients, state_of
from tests.api.events_world import CONSENT, PRIVATE_STREET, PRIVATE_VENUE, TAG, World, world_for

SCOPES = (Scope.READ_COUNTS, Scope.READ_PEOPLE, Scope.WRITE)
WORDING = {"wording": CONSENT}
DAY_SLUG = "families-belong-together-day-of-action"


@pytest.fixture
def world(request) -> World:
    return world_for(request)


def person(
    email="rosa@example.org", given_name="Rosa", postal_code="60608", email_status=None, **more
) -> dict:
    status = {"status": email_status} if email_status else {}
    return {
        "given_name": given_name,
        "email_addresses": [{"address": email, "primary": True} | status],
        "postal_addresses": [{"postal_code": postal_code}],
    } | more


@pytest.fixture
def post(client):
    """POST a JSON body (or raw bytes) to an event's attendances with a token; the response."""

    def send(event_id, token, body=None, data=None, content_type="application/json"):
        headers = {"OSDI-API-Token": token}
        path = f"/api/v1/events/{event_id}/attendances"
        if data is not None:
            return client.post(path, headers=headers, data=data, content_type=content_type)
        return client.post(path, headers=headers, json=body)

    return send


def rsvp_count(event_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Rsvp).where(Rsvp.event_id == event_id))


def test_published_events_are_listed_as_osdi_events(world, coalition, make_key, call):
    response = call("/api/v1/events", make_key(coalition, Scope.READ_COUNTS))
    assert response.status_code == 200 and response.mimetype == "application/hal+json"
    body = response.get_json()
    listed = {e["identifiers"][0]: e for e in body["_embedded"]["osdi:events"]}
    assert list(listed) == [f"campaign_desk:{i}" for i in (world.public, world.private, world.cancelled)]
    public = listed[f"campaign_desk:{world.public}"]
    assert (public["status"], public["capacity"], public["total_accepted"]) == ("confirmed", 2, 2)
    assert public["start_date"] == "2027-05-29T10:00:00-04:00"  # Philadelphia, daylight time
    assert public["end_date"] == "2027-05-29T12:00:00-04:00"
    assert public["campaign_desk:time_zone"] == "America/New_York"
    assert public["location"]["venue"] == "Clark Park"
    assert public["location"]["address_lines"] == ["4300 Baltimore Ave"]
    assert public["browser_url"] == f"http://localhost/actions/{DAY_SLUG}/events/{world.public}"
    assert public["campaign_desk:day_of_action"]["slug"] == DAY_SLUG
    assert public["_links"]["osdi:record_attendance_helper"]["href"].endswith(
        f"/events/{world.public}/attendances"
    )
    private = listed[f"campaign_desk:{world.private}"]
    assert private["start_date"] == "2027-05-29T17:00:00-05:00"  # Chicago
    assert "capacity" not in private  # no limit
    assert private["location"] == {
        "locality": "Chicago",
        "region": "IL",
        "postal_code": "60608",
        "country": "US",
        "location": {"latitude": 41.8515, "longitude": -87.6694, "accuracy": "Approximate"},
    }
    assert private["description"] == "<p>Lawyers answer questions. <strong>Bring a friend.</strong></p>"
    assert listed[f"campaign_desk:{world.cancelled}"]["status"] == "cancelled"


def test_a_draft_days_events_and_proposals_are_not_shown(world, coalition, make_key, call):
    token = make_key(coalition, Scope.READ_PEOPLE)
    for hidden in (world.draft_days, world.proposed):
        for path in (f"/api/v1/events/{hidden}", f"/api/v1/events/{hidden}/attendances"):
            response = call(path, token)
            assert response.status_code == 404 and response.get_json() == {"error": "Not found"}, path


def test_events_of_one_day_of_action_a_page_at_a_time(world, coalition, make_key, call):
    token = make_key(coalition, Scope.READ_COUNTS)
    body = call("/api/v1/events", token, day_of_action=DAY_SLUG, per_page=2).get_json()
    assert (body["total_records"], body["total_pages"]) == (3, 2)
    assert body["_links"]["next"]["href"] == (
        f"http://localhost/api/v1/events?day_of_action={DAY_SLUG}&page=2&per_page=2"
    )
    for other in ("still-a-draft", "no-such-day", "\x00", "x" * 10_000, "' or 1=1 --"):
        body = call("/api/v1/events", token, day_of_action=other).get_json()
        assert body["total_records"] == 0, other
    for bad in ({"page": 0}, {"per_page": "two"}, {"page": "9" * 5000}):
        response = call("/api/v1/events", token, **bad)
        assert response.status_code == 400 and set(response.get_json()) == {"error"}, bad


def test_attendances_are_the_rsvps_of_people_on_file(db, world, coalition, make_key, call):
    token = make_key(coalition, Scope.READ_PEOPLE)
    body = call(f"/api/v1/events/{world.public}/attendances", token).get_json()
    listed = body["_embedded"]["osdi:attendances"]
    # The stranger's address was only typed into the form: not on file, not listed.
    assert [a["identifiers"] for a in listed] == [
        [f"campaign_desk:{world.ana_going}"],
        [f"campaign_desk:{world.ben_waiting}"],
    ]
    ana, ben = listed
    assert (ana["status"], ana["campaign_desk:status"], ana["attended"]) == ("accepted", "going", False)
    assert ana["_links"]["osdi:person"]["href"] == "http://localhost/api/v1/people/1"
    assert ana["_links"]["osdi:event"]["href"] == f"http://localhost/api/v1/events/{world.public}"
    assert "referrer_data" not in ana  # made on the public page
    assert (ben["status"], ben["campaign_desk:status"]) == ("tentative", "waitlisted")
    assert ben["referrer_data"] == {"source": "newsletter-may"}
    one = call(f"/api/v1/events/{world.public}/attendances/{world.ben_waiting}", token).get_json()
    assert one == ben
    for absent in (world.stranger_going, world.ben_going, 10**12):  # not on file; another event's
        response = call(f"/api/v1/events/{world.public}/attendances/{absent}", token)
        assert response.status_code == 404, absent


def test_cancelled_checked_in_and_walk_in_attendances(db, world, coalition, make_key, call):
    public = db.session.get(Event, world.public)
    at_the_door = datetime(2027, 5, 29, 13, 30)  # UTC: the doors opened at 12:00 UTC
    rsvps.check_in(db.session.get(Rsvp, world.ana_going), at_the_door)
    rsvps.cancel(db.session.get(Rsvp, world.ben_waiting), at_the_door)
    came = rsvps.WalkIn("Lupe", "19104", "lupe@example.org", CONSENT)
    walk_in = rsvps.add_walk_in(public, came, "once-1", "es", at_the_door)
    mistake = rsvps.add_walk_in(
        public, rsvps.WalkIn("Typo", None, "typo@example.org", CONSENT), "once-2", "en", at_the_door
    )
    rsvps.check_in(mistake, at_the_door, undo=True)  # added by mistake: taken back
    db.session.commit()
    body = call(
        f"/api/v1/events/{world.public}/attendances", make_key(coalition, Scope.READ_PEOPLE)
    ).get_json()
    seen = {a["identifiers"][0]: a for a in body["_embedded"]["osdi:attendances"]}
    assert set(seen) == {f"campaign_desk:{i}" for i in (world.ana_going, world.ben_waiting, walk_in.id)}
    assert seen[f"campaign_desk:{world.ana_going}"]["attended"] is True
    assert seen[f"campaign_desk:{world.ben_waiting}"]["status"] == "declined"
    lupe = seen[f"campaign_desk:{walk_in.id}"]
    assert (lupe["status"], lupe["campaign_desk:status"], lupe["attended"]) == ("accepted", "walk_in", True)


def test_an_erased_person_is_never_listed(db, world, coalition, make_key, call):
    supporters.erase_supporter_data("ana@example.org")
    db.session.commit()
    token = make_key(coalition, Scope.READ_PEOPLE)
    body = call(f"/api/v1/events/{world.public}/attendances", token).get_json()
    assert [a["identifiers"] for a in body["_embedded"]["osdi:attendances"]] == [
        [f"campaign_desk:{world.ben_waiting}"]
    ]
    assert call(f"/api/v1/events/{world.public}/attendances/{world.ana_going}", token).status_code == 404


@pytest.mark.parametrize(
    ("scope", "events", "attendances", "record"),
    [
        (Scope.READ_COUNTS, 200, 403, 403),
        (Scope.READ_PEOPLE, 200, 200, 403),
        (Scope.WRITE, 403, 403, 201),  # a write key reads nothing, not even total_accepted
    ],
)
def test_what_each_scope_reaches(world, coalition, make_key, call, post, scope, events, attendances, record):
    token = make_key(coalition, scope)
    for path in ("/api/v1/events", f"/api/v1/events/{world.public}"):
        response = call(path, token)
        assert response.status_code == events, path
        if events == 403:
            assert response.get_json() == {
                "error": "This API key's scope (write) does not allow this request"
            }
    for path in (
        f"/api/v1/events/{world.public}/attendances",
        f"/api/v1/events/{world.public}/attendances/1",
    ):
        response = call(path, token)
        assert response.status_code == attendances, path
        if attendances == 403:
            assert "ana" not in response.get_data(as_text=True).lower()
    assert post(world.private, token, {"person": person()}).status_code == record
    assert ("osdi:events" in call("/api/v1/", token).get_json()["_links"]) == (events == 200)


def test_another_coalitions_keys_reach_none_of_its_events(
    db, world, coalition, make_key, call, post, make_user, make_coalition
):
    other = make_coalition(make_user(email="b@example.org"), name="Coalition B")
    for scope in (Scope.READ_COUNTS, Scope.READ_PEOPLE):
        token_b = make_key(other, scope)
        assert call("/api/v1/events", token_b).get_json()["total_records"] == 0
        paths = [f"/api/v1/events/{world.public}", f"/api/v1/events/{world.private}/attendances"]
        paths.append(f"/api/v1/events/{world.public}/attendances/{world.ana_going}")
        for path in paths:
            response = call(path, token_b)
            # 404, not 403, for a key whose scope would not reach it anyway: no tell of what exists.
            assert response.status_code in (403, 404) and response.is_json, (scope, path)
            assert response.status_code == 404 or "attendances" in path, (scope, path)
    before = rsvp_count(world.private)
    response = post(world.private, make_key(other, Scope.WRITE), {"person": person()})
    assert response.status_code == 404 and response.get_json() == {"error": "Not found"}
    assert rsvp_count(world.private) == before


def _every_answer(world, coalition, make_key, call, post) -> list[str]:
    """The text of every answer of every events endpoint, with keys of every scope."""
    texts = []
    for scope in SCOPES:
        token = make_key(coalition, scope)
        for path in (
            "/api/v1/events",
            f"/api/v1/events?day_of_action={DAY_SLUG}",
            f"/api/v1/events/{world.private}",
            f"/api/v1/events/{world.private}/attendances",
            f"/api/v1/events/{world.private}/attendances/{world.ben_going}",
            f"/api/v1/events/{world.cancelled}",
        ):
            texts.append(call(path, token).get_data(as_text=True))
        for body in (
            {"person": person()},  # new, gets a place
            {"person": person()},  # the same again: already going
            {"person": person("ben@example.org", "Ben", "19104")},  # on file, already going
            {"person": person("ana@example.org", "Ana", "90012"), "consent": WORDING},  # on file, new RSVP
            {"person": person(given_name="")},  # refused
        ):
            texts.append(post(world.private, token, body).get_data(as_text=True))
        texts.append(post(world.cancelled, token, {"person": person()}).get_data(as_text=True))
    return texts


def test_a_private_place_is_in_no_answer_of_any_endpoint(world, coalition, make_key, call, post):
    texts = _every_answer(world, coalition, make_key, call, post)
    assert len(texts) == 3 * 12
    for text in texts:
        for secret in (PRIVATE_STREET, "Cermak", PRIVATE_VENUE, "Anne", "parish"):
            assert secret not in text, (secret, text[:300])


def test_the_helper_records_an_rsvp_as_the_public_form_does(db, world, coalition, make_key, call, post):
    token = make_key(coalition, Scope.WRITE)
    body = {"person": person(languages_spoken=["es-MX"]), "referrer_data": {"source": "instagram"}}
    response = post(world.private, token, body)
    assert response.status_code == 201 and response.mimetype == "application/hal+json"
    assert response.get_json() == {
        "origin_system": "Campaign desk",
        "status": "accepted",
        "campaign_desk:status": "going",
        "referrer_data": {"source": "instagram"},
        "_links": {"osdi:event": {"href": f"http://localhost/api/v1/events/{world.private}"}},
    }
    assert state_of(db.session.get(Event, world.private), "rosa@example.org") == RsvpState.GOING
    made = db.session.scalar(select(Rsvp).order_by(Rsvp.id.desc()))
    assert (made.source, made.language, made.first_name) == ("instagram", "es", "Rosa")
    # The RSVP email, with the private place (the world's RSVPs had theirs).
    assert recipients("going") == [
        "ana@example.org",
        "ben@example.org",
        "rosa@example.org",
        "typed@example.org",
    ]
    counts = make_key(coalition, Scope.READ_COUNTS)  # the write key reads no count (test_write_scope.py)
    assert call(f"/api/v1/events/{world.private}", counts).get_json()["total_accepted"] == 2


def test_the_answer_is_the_same_for_a_new_person_one_on_file_and_one_already_going(
    db, world, coalition, make_key, post
):
    token = make_key(coalition, Scope.WRITE)
    bodies = [
        post(world.private, token, {"person": person()}),  # new
        post(world.private, token, {"person": person()}),  # already going
        post(world.private, token, {"person": person("ben@example.org", "Ben", "19104")}),  # on file, going
        post(world.private, token, {"person": person("ana@example.org", "Ana", "90012")}),  # on file, new
    ]
    assert {response.status_code for response in bodies} == {201}
    assert len({response.get_data() for response in bodies}) == 1
    text = bodies[0].get_data(as_text=True)
    for personal in ("rosa", "Rosa", "identifiers", "/people/", "attendances/"):
        assert personal not in text
    assert rsvp_count(world.private) == 3  # Ben's, Rosa's, Ana's: Rosa once
    assert recipients("already") == ["ben@example.org", "rosa@example.org"]  # each owner, not the caller


def test_a_full_event_puts_people_on_its_waitlist(db, world, coalition, make_key, post):
    response = post(world.public, make_key(coalition, Scope.WRITE), {"person": person()})
    assert response.status_code == 201
    assert (response.get_json()["status"], response.get_json()["campaign_desk:status"]) == (
        "tentative",
        "waitlisted",
    )
    assert state_of(db.session.get(Event, world.public), "rosa@example.org") == RsvpState.WAITLISTED
    assert recipients("waitlisted") == ["ben@example.org", "rosa@example.org"]


def test_a_cancelled_or_past_event_takes_no_rsvp(db, world, coalition, make_key, post, monkeypatch):
    token = make_key(coalition, Scope.WRITE)
    response = post(world.cancelled, token, {"person": person()})
    assert response.status_code == 409
    assert response.get_json() == {"error": "This event was cancelled: it takes no RSVPs"}
    monkeypatch.setattr("campaign.api.events_views.utcnow", lambda: datetime(2027, 5, 30))
    response = post(world.private, token, {"person": person()})
    assert response.status_code == 409 and response.get_json() == {
        "error": "This event is over: it takes no RSVPs"
    }
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Supporter)
            .where(Supporter.email_index == _index(coalition, "rosa@example.org"))
        )
        == 0
    )


def _index(coalition, email):
    return email_blind_index(email, coalition_id=coalition.id)


def test_consent_only_with_its_words_and_never_past_an_unsubscribe(db, world, coalition, make_key, post):
    token = make_key(coalition, Scope.WRITE)
    post(world.private, token, {"person": person()})
    post(world.private, token, {"person": person("lupe@example.org", "Lupe"), "consent": WORDING})
    ana = db.session.get(Supporter, 1)
    supporters.unsubscribe(ana)
    db.session.commit()
    post(world.private, token, {"person": person("ana@example.org", "Ana", "90012"), "consent": WORDING})
    by_email = {s.email: s for s in db.session.scalars(select(Supporter))}
    assert by_email["rosa@example.org"].subscription == Subscription.NOT_ASKED  # never silently
    assert not by_email["rosa@example.org"].consents
    lupe = by_email["lupe@example.org"]
    assert lupe.subscription == Subscription.SUBSCRIBED
    assert [(c.wording, c.source) for c in lupe.consents] == [(CONSENT, f"event:{world.private}")]
    db.session.refresh(ana)
    assert ana.subscription == Subscription.UNSUBSCRIBED  # her owner is asked by email instead
    asked = notices_of("actions/emails/subscribe")
    assert [m.audience["supporter_ids"] for m in asked] == [[ana.id]]


def notices_of(template):
    notices()  # commits and runs what was queued
    return db.session.scalars(select(Message).where(Message.template == template)).all()


def test_a_person_on_file_is_never_rewritten_by_what_was_typed(db, world, coalition, make_key, post):
    body = {"person": person("ana@example.org", "Anita", "60608", family_name="Impostora")}
    assert post(world.private, make_key(coalition, Scope.WRITE), body).status_code == 201
    ana = db.session.get(Supporter, 1)
    db.session.refresh(ana)
    assert (ana.first_name, ana.last_name, ana.zip_code) == ("Ana", "Reyes", "90012")


def test_tags_are_found_whatever_their_case_and_go_on_people_on_file_only(
    db, world, coalition, make_key, post
):
    token = make_key(coalition, Scope.WRITE)
    tag_folded = {"add_tags": ["vecinos DE pilsen"]}
    assert (
        post(
            world.private, token, {"person": person("ana@example.org", "Ana", "90012")} | tag_folded
        ).status_code
        == 201
    )
    assert post(world.private, token, {"person": person()} | tag_folded).status_code == 201
    tagged = db.session.scalars(select(Tagging.supporter_id)).all()
    assert tagged == [1]  # Rosa's address was only typed: nobody labels it
    body = {"person": person("ben@example.org", "Ben", "19104"), "add_tags": [TAG, "Voluntarios"]}
    assert post(world.private, token, body).status_code == 201
    assert sorted(db.session.scalars(select(Tag.name))) == [TAG]  # a name it lacks is ignored, not made
    assert sorted(db.session.scalars(select(Tagging.supporter_id))) == [1, 2]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (None, "The body is a JSON object with a `person` object in it"),
        ([], "The body is a JSON object with a `person` object in it"),
        ({"person": "rosa@example.org"}, "The body is a JSON object with a `person` object in it"),
        ({"person": person(given_name="")}, "person.given_name is required"),
        ({"person": person(postal_code="")}, "person.postal_addresses[0].postal_code is required"),
        ({"person": person(email="not an address")}, "person.email_addresses[0].address: "),
        ({"person": person(given_name="Ro\x00sa")}, "person.given_name: "),
        ({"person": person(given_name="x" * 10_000)}, "person.given_name: "),
        ({"person": person(given_name="Ro\ud800sa")}, "person.given_name: "),
        ({"person": person(), "status": "declined"}, "status: "),
        ({"person": person(), "add_tags": "Vecinos"}, "add_tags is a list of tag names"),
        ({"person": person(), "add_tags": [TAG] * 21}, "add_tags takes at most 20 names"),
        ({"person": person(), "add_tags": [7]}, "add_tags is a list of tag names"),
        ({"person": person(), "add_tags": ["x" * 101]}, "add_tags[0]: "),
        ({"person": person(), "add_tags": [TAG, "Vecinos\x00"]}, "add_tags[1]: "),
        ({"person": person(), "referrer_data": "newsletter"}, "referrer_data must be an object"),
        ({"person": person(), "referrer_data": {"source": 5}}, "referrer_data.source must be a string"),
        ({"person": person(), "referrer_data": {"source": "x" * 201}}, "referrer_data.source: "),
        ({"person": person(), "referrer_data": {"source": "a\r\nb"}}, "referrer_data.source: "),
        ({"person": person(), "referrer_data": {"source": "<b>x</b>"}}, "referrer_data.source: "),
        ({"person": person(), "consent": "I agree"}, "consent is an object of strings"),
        ({"person": person(), "consent": {"wording": True}}, "consent is an object of strings"),
        ({"person": person(), "consent": {"wording": "x" * 2001}}, "consent.wording: "),
        ({"person": person(), "consent": {"wording": "I agree\x00"}}, "consent.wording: "),
        ({"person": person(), "consent": {"wording": "I agree", "language": "fr"}}, "consent.language: "),
        ({"person": person(email_status="subscribed")}, "person.email_addresses[0].status: to subscribe"),
    ],
)
def test_hostile_bodies_get_a_json_400_and_record_nothing(world, coalition, make_key, post, body, message):
    before = rsvp_count(world.private)
    response = post(world.private, make_key(coalition, Scope.WRITE), body)
    assert response.status_code == 400, response.get_json()
    assert response.is_json and response.get_json()["error"].startswith(message)
    assert rsvp_count(world.private) == before


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"", "application/json"),
        (b"{", "application/json"),
        (b"\xff\xfe not utf-8", "application/json"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (b'{"person": ' * 50_000 + b"1" + b"}" * 50_000, "application/json"),
        (b"person=rosa", "application/x-www-form-urlencoded"),
        (b'{"person": {"given_name": NaN}}', "application/json"),
    ],
)
def test_bodies_that_are_not_json_objects_get_a_json_400(
    world, coalition, make_key, post, data, content_type
):
    response = post(world.private, make_key(coalition, Scope.WRITE), data=data, content_type=content_type)
    assert response.status_code == 400 and response.is_json and set(response.get_json()) == {"error"}


def test_json_sent_as_text_plain_is_read(db, world, coalition, make_key, post):
    """A browser form's script posting cross-origin without a preflight sends text/plain."""
    data = json.dumps({"person": person()}).encode()
    response = post(world.private, make_key(coalition, Scope.WRITE), data=data, content_type="text/plain")
    assert response.status_code == 201


def test_attendances_handed_out_are_logged_and_nothing_else(db, world, coalition, make_key, call, post):
    token = make_key(coalition, Scope.READ_PEOPLE)
    key_id = db.session.scalar(select(ApiKey.id))
    call("/api/v1/events", token)
    call(f"/api/v1/events/{world.public}", token)
    call(f"/api/v1/events/{world.public}/attendances", token)
    call(f"/api/v1/events/{world.public}/attendances/{world.ana_going}", token)
    call(
        f"/api/v1/events/{world.public}/attendances/{world.stranger_going}", token
    )  # 404: nothing handed out
    post(world.private, make_key(coalition, Scope.WRITE), {"person": person()})
    logged = db.session.execute(
        select(ExportLog.api_key_id, ExportLog.what, ExportLog.row_count)
        .where(ExportLog.coalition_id == coalition.id, ExportLog.user_id.is_(None))
        .order_by(ExportLog.id)
    ).all()
    assert logged == [
        (key_id, f"api:events:{world.public}:attendances", 2),
        (key_id, f"api:events:{world.public}:attendances:{world.ana_going}", 1),
    ]


def test_a_consent_is_kept_in_its_own_words_on_a_new_person(db, world, coalition, make_key, post):
    wording = "Sí, quiero recibir noticias de la red.\nPuedo darme de baja cuando quiera."
    body = {"person": person(languages_spoken=["es"]), "consent": {"wording": wording}}
    assert post(world.private, make_key(coalition, Scope.WRITE), body).status_code == 201
    consent = db.session.scalar(select(Consent).order_by(Consent.id.desc()))
    assert (consent.wording, consent.language) == (wording, "es")
