"""Each kind of "Needs you" item: its cause made, the item shown with the link to where it is
done, the cause dealt with there, and the item gone."""

from datetime import timedelta

from campaign.actions.models import EventState
from campaign.core.outbox import utcnow
from campaign.extensions import db as _db
from campaign.notifications import services as alerts
from campaign.petitions import signing
from campaign.petitions.models import PaperBatch, PetitionSignature
from campaign.petitions.tasks import keep_tallies
from tests.desk.conftest import deadline_in, kinds_on, later, make_day, make_event, rsvp
from tests.letters.conftest import approve_all, letter_form, save_change
from tests.notifications.conftest import alert_form
from tests.pages import click_confirm, text_of

SUBJECT = alert_form()["subject"]


def _one(items, *words):
    assert len(items) == 1, items
    for word in words:
        assert word in items[0].text, (word, items[0].text)
    return items[0]


def _queue(coalition, letter, tab="pending"):
    return f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures?show={tab}"


def test_a_sign_on_waiting_for_approval(client, coalition, needs, make_letter, sign_letter):
    letter = make_letter()
    sign_letter(letter)
    item = _one(
        needs(coalition, "sign-ons"), "1 sign-on is waiting for approval on “End 287(g) agreements now”."
    )
    assert item.links == [_queue(coalition, letter)] and item.has_button
    assert "Juntos" in text_of(client.get(item.links[0]))

    approve_all(client, coalition, letter)
    assert needs(coalition, "sign-ons") == []


def test_a_late_sign_on(client, coalition, needs, make_letter, sign_letter):
    letter = make_letter()
    assert client.post(f"/coalitions/{coalition.slug}/letters/{letter.id}/close").status_code == 302
    sign_letter(letter)
    item = _one(needs(coalition, "late-sign-ons"), "1 late sign-on, after the deadline, is waiting")
    assert item.links == [_queue(coalition, letter)]
    assert needs(coalition, "sign-ons") == []  # counted once, as late

    approve_all(client, coalition, letter)
    assert needs(coalition, "late-sign-ons") == []


def test_signatories_who_have_not_confirmed_the_new_version(
    client, coalition, needs, make_letter, sign_letter, mailbox
):
    letter = make_letter()
    sign_letter(letter)
    approve_all(client, coalition, letter)
    assert needs(coalition, "reconfirm") == []
    edit = f"/coalitions/{coalition.slug}/letters/{letter.id}/edit"
    save_change(client, edit, letter_form(body="Dear Secretary Johnson,\n\nWe **demand**..."), "new_version")
    item = _one(needs(coalition, "reconfirm"), "1 signatory has not confirmed the new version")
    assert item.links == [_queue(coalition, letter, "approved")]
    assert "Signed an earlier version" in text_of(client.get(item.links[0]))

    click_confirm(client, mailbox.last_link("erika@juntos.example", "/letters/confirm/"))
    assert needs(coalition, "reconfirm") == []


def test_a_deadline_within_three_days(client, coalition, needs, make_letter):
    far = make_letter(title="Far off", deadline=deadline_in(timedelta(days=5)))
    letter = make_letter(deadline=deadline_in(timedelta(days=2, hours=1)))
    item = _one(needs(coalition, "deadline"), "Sign-on to “End 287(g) agreements now” closes in 2 days.")
    assert item.links == [f"/coalitions/{coalition.slug}/letters/{letter.id}/outreach"]
    assert far.title not in item.text

    assert client.post(f"/coalitions/{coalition.slug}/letters/{letter.id}/close").status_code == 302
    assert needs(coalition, "deadline") == []


def test_an_event_proposal(client, db, coalition, needs):
    day = make_day(db, coalition)
    event = make_event(db, day, timedelta(days=21), state=EventState.PROPOSED, title="Vigil at the jail")
    item = _one(
        needs(coalition, "proposal"),
        "Vecinos de Kensington proposes “Vigil at the jail” for Families Belong Together.",
    )
    admin = f"/coalitions/{coalition.slug}/actions/{day.id}/events/{event.id}"
    assert item.links == [admin] and "Approve" in text_of(client.get(admin))

    assert client.post(f"{admin}/approve").status_code == 302
    assert needs(coalition, "proposal") == []


def test_an_event_in_the_next_seven_days_with_its_rsvps(client, db, coalition, needs):
    day = make_day(db, coalition)
    make_event(db, day, timedelta(days=8), title="Not yet")
    event = make_event(db, day, timedelta(days=3), capacity=2)
    for person in ("ana", "luis", "rosa"):
        rsvp(db, event, f"{person}@example.org")
    item = _one(
        needs(coalition, "event-soon"),
        "“Rally at City Hall” in Philadelphia:",
        "2 people going · 1 on the waitlist",
    )
    admin = f"/coalitions/{coalition.slug}/actions/{day.id}/events/{event.id}"
    assert item.links == [admin]

    assert client.post(f"{admin}/cancel").status_code == 302
    assert needs(coalition, "event-soon") == []


def test_held_back_signatures_and_their_cluster(client, coalition, needs, make_petition):
    petition = make_petition()
    network = "f" * 64
    for number in range(3):
        fields = {"first_name": "Bot", "email": f"bot{number}@example.org", "zip_code": "19104"}
        signing.sign(petition, fields, "en", ip_hash=network, consent_wording=None, quarantine_reason="rate")
    _db.session.commit()
    item = _one(
        needs(coalition, "held-back"), "3 signatures are held back on “End ICE detainers in Philadelphia”."
    )
    assert "2 clusters hold some of them." in item.text  # one network, one email domain
    signers = f"/coalitions/{coalition.slug}/petitions/{petition.id}/signers"
    assert item.links == [f"{signers}#clusters-heading"]

    released = client.post(
        f"/coalitions/{coalition.slug}/petitions/{petition.id}/clusters",
        data={"kind": "ip", "key": network, "release": "1"},
    )
    assert released.status_code == 302
    assert needs(coalition, "held-back") == []


def test_a_petition_that_reached_its_goal_this_week(client, coalition, needs, make_petition, monkeypatch):
    petition = make_petition(goal="3")
    for number in range(3):
        fields = {"first_name": "Ana", "email": f"ana{number}@example.org", "zip_code": "19104"}
        signature = _db.session.get(PetitionSignature, signing.sign(petition, fields, "en", None, None))
        signing.confirm(signature, utcnow(), signing.shown_digest(signature))
    _db.session.commit()
    keep_tallies()
    item = _one(
        needs(coalition, "milestone"), "“End ICE detainers in Philadelphia” reached its goal of 3 signatures."
    )
    assert item.links == [f"/coalitions/{coalition.slug}/petitions/{petition.id}"]

    _db.session.add(PaperBatch(petition_id=petition.id, count=100))
    petition.paper_count += 100
    _db.session.commit()
    _one(needs(coalition, "milestone"), "passed 100 signatures.")  # the highest one passed, once

    later(monkeypatch, days=8)  # news a week old is no longer news
    assert needs(coalition, "milestone") == []


def test_an_alert_going_out_within_a_day(client, coalition, needs, add_supporter):
    add_supporter("ana@example.org")
    alert = alerts.save_alert(coalition.id, None, alert_form() | {"audience": {"source": "subscribers"}})
    alerts.schedule(alert, utcnow() + timedelta(hours=5, minutes=1), "America/New_York")
    _db.session.commit()
    item = _one(needs(coalition, "alert-soon"), f"“{SUBJECT}” goes out in 5 hours.")
    assert item.links == [f"/coalitions/{coalition.slug}/alerts/{alert.id}"]

    assert client.post(f"/coalitions/{coalition.slug}/alerts/{alert.id}/unschedule").status_code == 302
    assert needs(coalition, "alert-soon") == []


def test_an_alert_paused_mid_send(client, coalition, needs, add_supporter):
    add_supporter("ana@example.org")
    alert = alerts.save_alert(coalition.id, None, alert_form() | {"audience": {"source": "subscribers"}})
    alerts.start(alert)
    alerts.create_deliveries(alert)
    alerts.pause(alert)
    _db.session.commit()
    item = _one(needs(coalition, "alert-paused"), f"Sending “{SUBJECT}” is paused.")
    assert item.links == [f"/coalitions/{coalition.slug}/alerts/{alert.id}"]

    assert client.post(f"/coalitions/{coalition.slug}/alerts/{alert.id}/resume").status_code == 302
    assert needs(coalition, "alert-paused") == []


def test_emails_that_could_not_be_delivered(client, coalition, needs, add_supporter, monkeypatch):
    add_supporter("josé@example.org")  # no SMTP server can carry this address
    add_supporter("ana@example.org")
    alert = alerts.save_alert(coalition.id, None, alert_form() | {"audience": {"source": "subscribers"}})
    _db.session.commit()
    assert client.post(f"/coalitions/{coalition.slug}/alerts/{alert.id}/send").status_code == 302
    item = _one(needs(coalition, "failed-deliveries"), f"1 email of “{SUBJECT}” could not be delivered.")
    assert item.links == [f"/coalitions/{coalition.slug}/alerts/{alert.id}"]
    assert "1 failed" in text_of(client.get(item.links[0]))

    later(monkeypatch, days=8)
    assert needs(coalition, "failed-deliveries") == []


def test_the_list_is_newest_first_and_counts_in_words(client, coalition, make_letter, sign_letter):
    letter = make_letter()
    sign_letter(letter)
    sign_letter(letter, organization_name="Mijente", email="marisa@mijente.example", signer_name="Marisa")
    day = make_day(_db, coalition)
    make_event(_db, day, timedelta(days=21), state=EventState.PROPOSED)
    assert kinds_on(client.get("/dashboard")) == ["proposal", "sign-ons"]
    assert "2 sign-ons are waiting for approval" in text_of(client.get("/dashboard"))
    client.get("/language/es")
    assert "2 adhesiones esperan aprobación" in text_of(client.get("/dashboard"))
