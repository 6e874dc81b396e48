"""Erasure across every feature: no row of any table keeps a trace of the person, and every
export still downloads with its totals."""

from sqlalchemy import select

from campaign.letters.models import Letter, Signature
from campaign.petitions import clusters, tally
from campaign.petitions.models import Petition, PetitionSignature
from campaign.petitions.tasks import keep_tallies
from campaign.supporters.models import Supporter
from tests.actions.conftest import hosted_event
from tests.letters.conftest import letter_form
from tests.letters.conftest import sign_form as letter_sign_form
from tests.pages import click_confirm
from tests.petitions.conftest import petition_form
from tests.petitions.conftest import sign_form as petition_sign_form
from tests.traces import traces

EMAIL = "rosalinda.q@quintanilla-family.example"
DOMAIN = "quintanilla-family.example"
FIRST, LAST = "Rosalinda", "Quintanilla"
PHONE_TYPED, PHONE = "(215) 555-0143", "+12155550143"
COMMENT = "Mi hermano fue detenido en la redada de marzo."
TITLE = "Community health promoter"
HER_IP = "203.0.113.77"


def confirm_link(client, mailbox, path_fragment):
    click_confirm(client, mailbox.last_link(EMAIL, path_fragment))


def sign_petition(client, mailbox, petition, email, remote_addr="127.0.0.1", **fields):
    form = petition_sign_form(client, petition, email=email, **fields)
    response = client.post(
        f"/petitions/{petition.slug}/sign", data=form, environ_base={"REMOTE_ADDR": remote_addr}
    )
    assert response.status_code == 302
    click_confirm(client, mailbox.last_link(email, "/petitions/confirm/"))


def her_petition_signature(client, mailbox, coalition, db) -> Petition:
    """Opened through the pages; she signs from her own IP with a comment, shown by name; a
    neighbour signs too, through a member's link."""
    response = client.post(f"/coalitions/{coalition.slug}/petitions/new", data=petition_form())
    assert response.status_code == 302
    petition = db.session.scalar(select(Petition))
    client.post(f"/coalitions/{coalition.slug}/petitions/{petition.id}/open")
    sign_petition(
        client,
        mailbox,
        petition,
        EMAIL,
        HER_IP,
        first_name=FIRST,
        last_name=LAST,
        comment=COMMENT,
        show_name="y",
        subscribe="y",
    )
    sign_petition(client, mailbox, petition, "neighbour@example.org", source="juntos")
    keep_tallies()
    db.session.expire_all()
    return petition


def her_letter_signature(client, mailbox, coalition, db):
    client.post(f"/coalitions/{coalition.slug}/letters/new", data=letter_form(allow_individuals="y"))
    letter = db.session.scalar(select(Letter))
    client.post(f"/coalitions/{coalition.slug}/letters/{letter.id}/open")
    db.session.refresh(letter)
    client.post(f"/letters/sign/{letter.signon_key}", data=letter_sign_form())  # an organization
    click_confirm(client, mailbox.last_link("erika@juntos.example", "/letters/confirm/"))
    individual = letter_sign_form(
        kind="individual", signer_name=f"{FIRST} {LAST}", signer_title=TITLE, email=EMAIL, show_name="y"
    )
    client.post(f"/letters/sign/{letter.signon_key}", data=individual)
    confirm_link(client, mailbox, "/letters/confirm/")
    ids = [str(id_) for id_ in db.session.scalars(select(Signature.id))]
    client.post(
        f"/coalitions/{coalition.slug}/letters/{letter.id}/signatures",
        data={"signature_id": ids, "approve": "Approve selected"},
    )
    return letter


def her_rsvp_and_proposal(client, coalition, db):
    """She RSVPs through the public form with her phone, and hosts an event she proposed."""
    event = hosted_event(coalition.id, EMAIL, f"{FIRST} {LAST}")
    day = event.day
    rsvp = {"first_name": FIRST, "last_name": LAST, "email": EMAIL, "zip_code": "19104", "phone": PHONE_TYPED}
    assert client.post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp).status_code == 302
    return day


def downloads(client, coalition, petition, letter, day) -> dict:
    """Each export's body; a streamed one is read to its end before the next request."""
    slug = coalition.slug
    paths = {
        "petition signers": f"/coalitions/{slug}/petitions/{petition.id}/signers.csv",
        "letter signatories": f"/coalitions/{slug}/letters/{letter.id}/signatories.csv",
        "event figures": f"/coalitions/{slug}/actions/{day.id}/summary.csv",
        "supporters": f"/coalitions/{slug}/supporters",
        "supporters sheet": f"/coalitions/{slug}/supporters.csv?columns=action_network",
        "RSVPs sheet": f"/coalitions/{slug}/actions/{day.id}/rsvps.csv",
        "delivery pdf": f"/coalitions/{slug}/petitions/{petition.id}/delivery.pdf",
    }
    got = {}
    for name, path in paths.items():
        response = client.get(path)
        got[name] = (response.status_code, response.get_data())
    assert {name: status for name, (status, _) in got.items()} == dict.fromkeys(paths, 200)
    return {name: body for name, (_, body) in got.items()}


def petition_totals(client, petition) -> dict:
    return {
        "count": client.get(f"/petitions/{petition.slug}/count.json").get_json()["count"],
        "by place": [tally.by_level(petition.id, level) for level in ("state", "county", "zip")],
        "by source": clusters.sources(petition).counts,
    }


def test_an_erased_signer_leaves_no_trace_in_any_table_and_every_export_still_adds_up(
    app, client, coalition, db, mailbox
):
    # The RSVP comes first: only a new record takes the phone number (an RSVP changes no record on file).
    day = her_rsvp_and_proposal(client, coalition, db)
    petition = her_petition_signature(client, mailbox, coalition, db)
    letter = her_letter_signature(client, mailbox, coalition, db)
    [her] = [supporter for supporter in db.session.scalars(select(Supporter)) if supporter.email == EMAIL]
    signature = db.session.scalar(select(PetitionSignature).where(PetitionSignature.supporter_id == her.id))
    hashes = {"blind index": her.email_index, "IP hash": signature.ip_hash}
    assert signature.email_domain == DOMAIN and signature.ip_hash and her.phone == PHONE
    secrets = {"email": EMAIL, "domain": DOMAIN, "first name": FIRST, "last name": LAST, "phone": PHONE}
    secrets |= {"comment": COMMENT, "title": TITLE} | hashes
    # Before: every trace is there, so the scan below can see one.
    assert {name for name, _ in traces(db, secrets)} == set(secrets)
    totals_before = petition_totals(client, petition)
    before = downloads(client, coalition, petition, letter, day)

    client.post("/privacy/request", data={"email": EMAIL, "kind": "erasure"}).close()  # answered after
    confirm_link(client, mailbox, "/privacy/confirm/")
    db.session.expire_all()

    # One trace stays, by design: the coalition's keyed hash of her address, alone in the
    # suppression list, so that no organizer can paste or invite her again (letters' outreach).
    assert traces(db, secrets) == [("blind index", "suppression.email_index")]
    after = downloads(client, coalition, petition, letter, day)
    assert petition_totals(client, petition) == totals_before
    signers = after["petition signers"].decode("utf-8-sig").splitlines()
    # Her row stays, blank where she was, so the sheet still adds up to the count.
    assert len(signers) == len(before["petition signers"].decode("utf-8-sig").splitlines()) == 3
    assert any(line.startswith("Ana,Reyes,neighbour@example.org") for line in signers)
    assert any(line.startswith(",,,19104,") for line in signers)
    assert len(after["letter signatories"].splitlines()) == len(before["letter signatories"].splitlines())
    assert b"Juntos" in after["letter signatories"]
    # Her RSVP was cancelled (her place went to the waitlist); the event's row stays.
    assert b"Vigil at the detention center" in after["event figures"]
    # The supporters page still counts her, as erased: the total stays.
    assert b"<strong>3</strong> supporters" in before["supporters"]
    assert b"<strong>3</strong> supporters" in after["supporters"]
    assert b"<strong>1</strong> erased at their request" in after["supporters"]
    assert after["delivery pdf"].startswith(b"%PDF")
    # The sheets of people list the people on file: she was, and is no more.
    for sheet in ("supporters sheet", "RSVPs sheet"):
        assert EMAIL.encode() in before[sheet] and LAST.encode() in before[sheet]
        assert EMAIL.encode() not in after[sheet] and LAST.encode() not in after[sheet]


def test_an_erased_persons_stored_mail_goes_and_others_stays(app, client, coalition, db, mailbox):
    from campaign.core.mail import StoredMail, build_message, mask_address

    her_petition_signature(client, mailbox, coalition, db)
    # Mail stored before stored_mail.recipient_index existed, to her and to a namesake whose
    # masked address is the same.
    namesake = "rosa@quintanilla-family.example"
    assert mask_address(namesake) == mask_address(EMAIL)
    for address in (EMAIL, namesake):
        message = build_message(address, "Before the index", "Hello")
        db.session.add(StoredMail(recipient_hint=mask_address(address), subject="", raw=message.as_string()))
    db.session.commit()
    assert mailbox.to(EMAIL) and mailbox.to("neighbour@example.org")
    client.post("/privacy/request", data={"email": EMAIL, "kind": "erasure"}).close()  # answered after
    confirm_link(client, mailbox, "/privacy/confirm/")
    assert mailbox.to(EMAIL) == []
    assert mailbox.to("neighbour@example.org") and mailbox.to(namesake)


def test_an_erased_persons_suppression_becomes_a_do_not_ask_mark_and_smtp_replies_go(app, coalition, db):
    from campaign.notifications import services as notifications
    from campaign.notifications.models import Delivery, DeliveryState, Suppression
    from campaign.notifications.suppression import is_suppressed, suppress, was_erased
    from campaign.supporters.services import erase_supporter_data, upsert_supporter

    her = upsert_supporter(coalition.id, email=EMAIL, first_name=FIRST, language="es")
    suppress(coalition.id, EMAIL, "bounced")
    notice = notifications.notify(coalition.id, [her.id], "petitions/emails/confirm", {}, dedupe_key="test:1")
    reply = f"550 5.1.1 <{EMAIL}>: Recipient address rejected"
    db.session.add(
        Delivery(
            message_id=notice.id,
            supporter_id=her.id,
            coalition_id=coalition.id,
            state=DeliveryState.FAILED,
            last_error=reply,
        )
    )
    db.session.commit()
    erase_supporter_data(EMAIL)
    db.session.commit()
    # Only the keyed hash stays, as the mark that stops organizers asking the address again; it
    # no longer suppresses mail the person asks for themselves later (a new sign-up, say).
    [mark] = db.session.scalars(select(Suppression)).all()
    assert (mark.coalition_id, mark.reason) == (coalition.id, "erased")
    assert not is_suppressed(coalition.id, EMAIL) and was_erased(coalition.id, EMAIL)
    [delivery] = db.session.scalars(select(Delivery)).all()
    assert (delivery.state, delivery.last_error) == (DeliveryState.FAILED, None)  # the totals stay


def test_someone_who_only_proposed_an_event_gets_a_copy_and_an_erasure_of_their_host_contact(
    app, client, coalition, db, mailbox
):
    """A host who never signed or RSVPed has no supporter record: a data request must still find
    the contact they left on their event, not answer 'we hold no data about this address'."""
    event = hosted_event(coalition.id, EMAIL, f"{FIRST} {LAST}")
    assert db.session.scalar(select(Supporter.id)) is None
    client.post("/privacy/request", data={"email": EMAIL, "kind": "copy"}).close()  # answered after
    copy = mailbox.to(EMAIL)[-1]
    text = copy.get_body(preferencelist=("plain",)).get_content()
    assert copy["Subject"] == "A copy of your data"
    assert f"{FIRST} {LAST}" in text and "Vigil at the detention center" in text and coalition.name in text
    client.post("/privacy/request", data={"email": EMAIL, "kind": "erasure"}).close()
    confirm_link(client, mailbox, "/privacy/confirm/")
    db.session.expire_all()
    assert (event.host_email, event.host_contact_name) == (None, None)
    assert traces(db, {"email": EMAIL, "name": LAST}) == []
