"""The public data-rights flow: copy by email, erasure confirmed by a POST, nothing revealed."""

import pytest
from sqlalchemy import select, text

from campaign.coalitions.models import Coalition
from campaign.core.outbox import OutboxEntry
from campaign.supporters import services
from campaign.supporters.models import Consent, DataRequest, DataRequestState, Subscription, Supporter
from tests.enumeration import assert_same_answer
from tests.pages import post_without_cookies

EMAIL = "maria.lopez@example.org"


@pytest.fixture
def coalition(db):
    coalition = Coalition(slug="tirrc", name="Tennessee Immigrant and Refugee Rights Coalition")
    db.session.add(coalition)
    db.session.commit()
    return coalition


@pytest.fixture
def maria(db, coalition):
    supporter = services.upsert_supporter(
        coalition.id, email=EMAIL, first_name="María", last_name="López", zip_code="37203", language="es"
    )
    services.record_consent(supporter, "Keep me updated by email.", "en", "petition:12")
    db.session.commit()
    return supporter


def post_request(client, email=EMAIL, kind="copy", REMOTE_ADDR="127.0.0.1", **headers):
    return client.post(
        "/privacy/request",
        data={"email": email, "kind": kind},
        headers=headers,
        environ_base={"REMOTE_ADDR": REMOTE_ADDR},
    )


def request_data(client, *args, **kwargs):
    """Post the form and let the response be sent, so that the task answering it runs."""
    response = post_request(client, *args, **kwargs)
    response.close()
    return response


def body(message, kind="plain"):
    return message.get_body(preferencelist=(kind,)).get_content()


def test_form_is_labelled(client):
    page = client.get("/privacy/request").get_data(as_text=True)
    assert '<label for="email">Your email address</label>' in page
    assert "Send me a copy of my data" in page and "Erase my data" in page
    assert "<legend>What would you like us to do?</legend>" in page


def test_copy_request_emails_the_data(client, db, maria, mailbox):
    response = request_data(client)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "If we hold data for this address, we have emailed it a copy." in page

    [message] = mailbox.to(EMAIL)
    for part in (body(message), body(message, "html")):
        assert "Tennessee Immigrant and Refugee Rights Coalition" in part
        assert "María" in part and "López" in part and "37203" in part
        assert "Keep me updated by email." in part
        assert "petition:12" in part


def test_task_payload_holds_only_the_id_and_the_address_is_cleared(client, db, maria):
    request_data(client)
    entry = db.session.scalar(select(OutboxEntry))
    assert set(entry.payload) == {"data_request_id"}
    data_request = db.session.scalar(select(DataRequest))
    assert data_request.state == DataRequestState.COMPLETED
    assert data_request.email is None
    assert data_request.completed_at is not None


def test_unknown_address_gets_the_same_page_and_a_no_data_email(client, db, maria, mailbox):
    known = request_data(client)
    unknown = request_data(client, email="nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert client.get(known.headers["Location"]).data == client.get(unknown.headers["Location"]).data
    [message] = mailbox.to("nobody@example.org")
    assert "We hold no data about this address." in body(message)


@pytest.mark.parametrize("kind", ["copy", "erasure"])
def test_a_data_request_does_not_tell_whether_the_address_is_on_file(client, maria, mailbox, kind):
    assert_same_answer(
        lambda: post_request(client, kind=kind),
        lambda: post_request(client, email="nobody@example.org", kind=kind),
    )
    assert len(mailbox.to(EMAIL)) == len(mailbox.to("nobody@example.org")) == 1


def test_without_a_broker_the_answer_is_emailed_after_the_response_is_sent(client, maria, mailbox):
    response = post_request(client)
    assert response.status_code == 302
    assert mailbox.messages() == []  # the lookup and the email are not on the request's path
    response.close()
    assert len(mailbox.to(EMAIL)) == 1


def test_requests_from_many_addresses_cannot_flood_one_supporters_inbox(client, db, maria, mailbox):
    for number in range(20):
        assert request_data(client, REMOTE_ADDR=f"203.0.113.{number}").status_code == 302
    assert len(mailbox.to(EMAIL)) == 10  # EMAILS_PER_RECIPIENT, whatever the addresses
    # Every request was answered (and forgot the address), whether or not it was emailed.
    assert {r.state for r in db.session.scalars(select(DataRequest))} == {DataRequestState.COMPLETED}


def test_rate_limit_keys_of_the_privacy_form_hold_no_ip_or_address(app, client, maria):
    request_data(client, REMOTE_ADDR="203.0.113.9")
    storage = app.extensions["counters"].shared
    keys = " ".join([*storage.storage, *storage.events])
    assert "privacy-request" in keys and "data-request-email" in keys
    assert "203.0.113.9" not in keys and EMAIL not in keys


def test_erasure_link_page_does_not_erase_post_does(client, db, coalition, maria, mailbox):
    response = request_data(client, kind="erasure")
    assert "link to confirm the erasure" in client.get(response.headers["Location"]).get_data(as_text=True)
    path = mailbox.last_link(EMAIL, "/privacy/confirm/").replace("http://localhost", "")

    page = client.get(path)
    assert page.status_code == 200
    assert '<form method="post">' in page.get_data(as_text=True)
    assert services.find_supporter(coalition.id, EMAIL) is not None  # a mail scanner's GET erased nothing

    response = client.post(path)
    assert response.status_code == 302
    assert "Your data is erased" in client.get(response.headers["Location"]).get_data(as_text=True)

    db.session.expire_all()
    assert services.find_supporter(coalition.id, EMAIL) is None
    assert services.export_supporter_data(EMAIL) == []
    supporter = db.session.get(Supporter, maria.id)
    assert supporter.erased_at is not None
    assert (supporter.email, supporter.first_name, supporter.last_name, supporter.zip_code) == (None,) * 4
    assert supporter.subscription == Subscription.UNSUBSCRIBED
    assert db.session.scalar(select(Consent)).withdrawn_at is not None
    counts = services.supporter_counts(select(Supporter).where(Supporter.coalition_id == coalition.id))
    assert (counts.total, counts.erased, counts.subscribed) == (1, 1, 0)
    assert db.session.scalar(select(DataRequest)).state == DataRequestState.COMPLETED

    # The used link now only says it is done; a new sign-up starts a fresh record.
    assert client.post(path).status_code == 302
    services.upsert_supporter(coalition.id, email=EMAIL, first_name="María", zip_code="37203", language="es")
    assert db.session.execute(text("SELECT count(*) FROM supporter")).scalar() == 2


def test_erasure_for_unknown_address_sends_no_data_note(client, maria, mailbox):
    request_data(client, email="nobody@example.org", kind="erasure")
    [message] = mailbox.to("nobody@example.org")
    assert "nothing to erase" in body(message)


def test_forged_or_expired_link_erases_nothing(app, client, coalition, maria, mailbox):
    assert client.post("/privacy/confirm/not-a-token").status_code == 404
    request_data(client, kind="erasure")
    path = mailbox.last_link(EMAIL, "/privacy/confirm/").replace("http://localhost", "")
    app.config["DATA_REQUEST_MAX_AGE"] = -1
    response = client.post(path)
    assert response.status_code == 404
    assert "invalid or has expired" in response.get_data(as_text=True)
    assert services.find_supporter(coalition.id, EMAIL) is not None


def test_the_request_remembers_the_page_language_for_its_email(client, db, maria, mailbox):
    client.get("/language/es")
    request_data(client)
    assert db.session.scalar(select(DataRequest.language)) == "es"
    assert len(mailbox.to(EMAIL)) == 1


def test_bad_email_keeps_what_was_typed(client, db):
    response = request_data(client, email="maria at example", kind="erasure")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter an email address like name@example.org." in page
    assert 'value="maria at example"' in page
    assert '<input checked id="kind-1" name="kind" required type="radio" value="erasure">' in page
    assert db.session.scalar(select(DataRequest)) is None


def test_missing_choice_is_explained(client):
    page = client.post("/privacy/request", data={"email": EMAIL}).get_data(as_text=True)
    assert "Choose whether you want a copy or want your data erased." in page


def test_requests_are_rate_limited_per_ip_with_a_clear_message(app, client, db):
    app.config["PUBLIC_FORM_LIMIT"] = "2 per hour"
    for _ in range(2):
        assert request_data(client).status_code == 302
    response = request_data(client, email="another@example.org")
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many requests from this connection. Try again in" in page
    assert 'value="another@example.org"' in page
    assert len(db.session.scalars(select(DataRequest)).all()) == 2


def test_forms_need_their_form_token_and_no_cookie(app, client, coalition, maria, mailbox, csrf_on):
    request_data(client, kind="erasure")
    path = mailbox.last_link(EMAIL, "/privacy/confirm/").replace("http://localhost", "")
    csrf_on()
    assert 'name="csrf_token"' in client.get(path).get_data(as_text=True)
    assert 'name="csrf_token"' in client.get("/privacy/request").get_data(as_text=True)
    assert "had been open a long time" in client.post(path).get_data(as_text=True)
    assert "had been open a long time" in request_data(client).get_data(as_text=True)
    assert services.find_supporter(coalition.id, EMAIL) is not None
    assert post_without_cookies(app, path, {}).status_code == 302  # the erasure link, opened on a phone
    assert services.find_supporter(coalition.id, EMAIL) is None


def test_unanswered_requests_forget_the_address_after_the_link_expires(app, client, db, maria):
    request_data(client, kind="erasure")
    data_request = db.session.scalar(select(DataRequest))
    assert data_request.state == DataRequestState.AWAITING_CONFIRMATION
    assert data_request.email == EMAIL  # the confirmation finds the records by it
    app.config["DATA_REQUEST_MAX_AGE"] = -1
    assert services.expire_data_requests() == 1
    db.session.commit()
    db.session.refresh(data_request)
    assert data_request.email is None and data_request.state == DataRequestState.COMPLETED


def test_an_erasure_link_clicked_before_its_task_finished_still_erases_and_stays_done(db, maria):
    """The email leaves before the task that sent it commits: a quick click must not be lost,
    and the task's late bookkeeping must not reopen the completed request."""
    data_request = services.open_data_request(services.DataRequestKind.ERASURE, EMAIL, "es", "requester")
    db.session.commit()
    assert services.confirm_erasure(data_request) == 1
    db.session.commit()
    services.mark_emailed(data_request, awaiting_confirmation=True)  # the task, finishing late
    db.session.commit()
    db.session.refresh(data_request)
    assert data_request.state == DataRequestState.COMPLETED and data_request.email is None
    assert db.session.get(Supporter, maria.id).is_erased


def test_a_record_saved_with_an_accented_domain_before_it_was_kept_in_ascii_is_found_and_erased(
    client, db, coalition, mailbox
):
    """Forms now keep maria@correo-exämple.org as maria@xn--correo-exmple-jfb.org, and the data
    request form turns what she types into that: her older record, saved as she typed it, must
    still be copied and erased, not answered "we hold no data"."""
    services.upsert_supporter(
        coalition.id, email="maria@correo-exämple.org", first_name="María", language="es"
    )
    db.session.commit()
    ascii_form = "maria@xn--correo-exmple-jfb.org"
    assert [s.first_name for s in services.supporters_for_email(ascii_form)] == ["María"]

    request_data(client, email="maria@correo-exämple.org", kind="copy")
    [message] = mailbox.to(ascii_form)
    assert "María" in body(message)
    services.erase_supporter_data(ascii_form)
    db.session.commit()
    assert db.session.scalar(select(Supporter.first_name)) in (None, "")
