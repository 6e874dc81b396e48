"""Supporter records: dedupe, encryption at rest, key rotation, consent, organizer counts."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from campaign.coalitions.models import Coalition, CoalitionRole, Role
from campaign.supporters import services
from campaign.supporters.models import Consent, Subscription, Supporter

EMAIL = "Maria.Lopez+petition@gmail.com"


@pytest.fixture
def make_coalition(db):
    def make(slug="tn-coalition", name="Tennessee Immigrant and Refugee Rights Coalition"):
        coalition = Coalition(slug=slug, name=name)
        db.session.add(coalition)
        db.session.commit()
        return coalition

    return make


def add_maria(coalition, **extra):
    fields = {"email": EMAIL, "first_name": "María", "zip_code": "37203", "language": "es"} | extra
    return services.upsert_supporter(coalition.id, **fields)


def test_upsert_dedupes_gmail_variants_within_a_coalition(db, make_coalition):
    coalition = make_coalition()
    first = add_maria(coalition)
    second = services.upsert_supporter(
        coalition.id, email="marialopez@GMAIL.com", first_name="Maria", zip_code="37204", language="en"
    )
    db.session.commit()
    assert first.id == second.id
    # What was typed for an address on file waits for its owner's confirmation.
    stored = db.session.scalar(select(Supporter).where(Supporter.id == first.id))
    assert (stored.first_name, stored.zip_code, stored.language) == ("María", "37203", "es")
    assert len(db.session.scalars(select(Supporter)).all()) == 1
    assert services.find_supporter(coalition.id, "maria.lopez@gmail.com").id == first.id


def test_two_coalitions_get_two_records(db, make_coalition):
    tennessee = make_coalition()
    georgia = make_coalition(slug="ga-coalition", name="Georgia Latino Alliance for Human Rights")
    add_maria(tennessee)
    services.upsert_supporter(
        georgia.id, email="marialopez@gmail.com", first_name="Maria", zip_code="30303", language="es"
    )
    db.session.commit()
    assert {s.coalition_id for s in db.session.scalars(select(Supporter))} == {tennessee.id, georgia.id}
    assert services.find_supporter(georgia.id, "someone.else@gmail.com") is None


def test_upsert_keeps_fields_not_given(db, make_coalition):
    coalition = make_coalition()
    add_maria(coalition, last_name="López", phone="615-555-0142")
    supporter = add_maria(coalition)
    assert (supporter.last_name, supporter.phone) == ("López", "615-555-0142")


def test_zip_code_and_language_are_validated(db, make_coalition):
    coalition = make_coalition()
    with pytest.raises(ValueError):
        add_maria(coalition, zip_code="3720")
    db.session.rollback()
    with pytest.raises(ValueError):
        add_maria(coalition, language="fr")


def _every_stored_value(db):
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(text(f"SELECT * FROM {table.name}")):  # noqa: S608 - our table names
            for value in row:
                if isinstance(value, bytes | memoryview):
                    yield bytes(value).decode("latin-1")
                elif value is not None:
                    yield str(value)


def test_database_dump_holds_no_plaintext_personal_data(client, db, make_coalition):
    coalition = make_coalition()
    supporter = add_maria(coalition, last_name="Zamudio-Ortega", phone="615-555-0142")
    services.record_consent(supporter, "Keep me updated by email.", "en", "petition:12")
    db.session.commit()
    client.post("/privacy/request", data={"email": EMAIL, "kind": "erasure"}).close()

    raw = db.session.execute(text("SELECT email, first_name, last_name, phone FROM supporter")).one()
    assert all(isinstance(value, bytes) for value in raw)
    dump = "\n".join(_every_stored_value(db)).lower()
    for secret in ("maria.lopez", "marialopez", "maría", "zamudio", "555-0142", "6155550142"):
        assert secret not in dump, secret


def test_new_key_first_still_reads_old_rows_and_rotation_retires_the_old_key(app, db, make_coalition):
    coalition = make_coalition()
    add_maria(coalition, phone="615-555-0142")
    db.session.commit()
    old_key = app.config["DATA_KEYS"]
    new_key = Fernet.generate_key().decode()

    app.config["DATA_KEYS"] = f"{new_key},{old_key}"
    db.session.expire_all()
    assert db.session.scalar(select(Supporter)).email == EMAIL

    result = app.test_cli_runner().invoke(args=["crypto", "rotate"])
    assert "supporter: 1 rows re-encrypted" in result.output
    app.config["DATA_KEYS"] = new_key
    db.session.expire_all()
    supporter = db.session.scalar(select(Supporter))
    assert (supporter.email, supporter.first_name, supporter.phone) == (EMAIL, "María", "615-555-0142")
    assert supporter.last_name is None


def test_consent_keeps_exact_wording_and_subscribes(db, make_coalition):
    coalition = make_coalition()
    supporter = add_maria(coalition)
    assert supporter.subscription == Subscription.NOT_ASKED
    wording = "Sí, quiero recibir noticias de la coalición por correo electrónico."
    consent = services.record_consent(supporter, wording, "es", "petition:12")
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Consent, consent.id)
    assert (stored.wording, stored.language, stored.source) == (wording, "es", "petition:12")
    assert stored.coalition_id == coalition.id
    assert stored.supporter.subscription == Subscription.SUBSCRIBED


def test_unsubscribe_withdraws_consent(db, make_coalition):
    supporter = add_maria(make_coalition())
    consent = services.record_consent(supporter, "Email me.", "en", "petition:1")
    services.unsubscribe(supporter)
    db.session.commit()
    db.session.refresh(consent)
    assert supporter.subscription == Subscription.UNSUBSCRIBED
    assert consent.withdrawn_at is not None


def test_export_lists_every_coalition_with_consents(db, make_coalition):
    tennessee = make_coalition()
    georgia = make_coalition(slug="ga-coalition", name="Georgia Latino Alliance for Human Rights")
    services.record_consent(add_maria(tennessee), "Email me.", "en", "petition:1")
    add_maria(georgia)
    records = services.export_supporter_data("marialopez@gmail.com")
    assert [record["coalition"] for record in records] == [tennessee.name, georgia.name]
    assert records[0]["fields"]["first_name"] == "María"
    assert records[0]["consents"][0]["wording"] == "Email me."
    assert records[1]["consents"] == []


def _member(db, make_user, coalition, email, role=Role.VIEWER):
    user = make_user(email=email)
    db.session.add(CoalitionRole(coalition_id=coalition.id, user_id=user.id, role=role))
    db.session.commit()
    return user


def test_organizer_page_counts_without_personal_data(client, db, make_coalition, make_user, login):
    coalition = make_coalition()
    other = make_coalition(slug="other", name="Other coalition")
    services.apply_confirmed(add_maria(coalition), {"language": "es"}, "Email me.", "petition:1")
    services.upsert_supporter(
        coalition.id, email="jo@example.org", first_name="Jo", zip_code="37211", language="en", confirmed=True
    )
    services.upsert_supporter(
        other.id, email="zed@example.org", first_name="Zed", zip_code="90001", language="en", confirmed=True
    )
    # Typed into a public form by whoever knew the address, never confirmed: not counted.
    services.upsert_supporter(
        coalition.id, email="typed@example.org", first_name="Typed", zip_code="10001", language="en"
    )
    db.session.commit()
    _member(db, make_user, coalition, "viewer@example.org")
    login(email="viewer@example.org")

    page = client.get(f"/coalitions/{coalition.slug}/supporters").get_data(as_text=True)
    assert "<strong>2</strong> supporters" in page
    assert "<strong>1</strong> subscribed" in page
    assert "372xx" in page and "900xx" not in page and "100xx" not in page
    assert "Español" in page
    for personal in ("María", "Maria", "Jo<", "jo@example.org", "37203"):
        assert personal not in page


def test_organizer_page_is_404_for_non_members(client, db, make_coalition, make_user, login):
    coalition = make_coalition()
    _member(db, make_user, make_coalition(slug="other", name="Other"), "outsider@example.org")
    login(email="outsider@example.org")
    assert client.get(f"/coalitions/{coalition.slug}/supporters").status_code == 404


def test_organizer_page_needs_login(client, make_coalition):
    coalition = make_coalition()
    response = client.get(f"/coalitions/{coalition.slug}/supporters")
    assert response.status_code == 302
    assert "/accounts/login" in response.headers["Location"]


def test_one_statement_meets_an_existing_record_instead_of_failing(db, make_coalition):
    coalition = make_coalition()
    first = services.save_supporter(
        coalition.id, email="marialopez@gmail.com", first_name="María", language="es", phone="+12155550100"
    )
    # Another request's sign-up of the same person: the unique index joins them, nothing fails.
    again = services.save_supporter(
        coalition.id, email="MariaLopez@Gmail.com ", first_name="Mari", language="es"
    )
    db.session.commit()
    supporter = db.session.get(Supporter, first.id)
    assert again.id == first.id and (first.is_new, again.is_new) == (True, False)
    # The record comes back as stored, not as typed: the caller keeps what differs for later.
    assert (again.first_name, supporter.first_name, supporter.phone) == ("María", "María", "+12155550100")
    assert len(db.session.scalars(select(Supporter)).all()) == 1


def test_a_stranger_signing_up_with_an_address_on_file_changes_nothing_on_the_record(db, make_coalition):
    coalition = make_coalition()
    rosa = services.upsert_supporter(
        coalition.id, email="rosa@example.org", first_name="Rosa", zip_code="37203", language="es"
    )
    services.record_consent(rosa, "Email me.", "es", "petition:1")
    services.unsubscribe(rosa)
    db.session.commit()
    services.save_supporter(
        coalition.id,
        email="rosa@example.org",
        first_name="Mallory",
        last_name="Stranger",
        zip_code="90001",
        phone="+12155550199",
        language="en",
    )
    db.session.commit()
    db.session.expire_all()
    rosa = db.session.get(Supporter, rosa.id)
    assert (rosa.first_name, rosa.last_name, rosa.zip_code, rosa.phone, rosa.language) == (
        "Rosa",
        None,
        "37203",
        None,
        "es",
    )
    assert rosa.subscription == Subscription.UNSUBSCRIBED
    assert len(db.session.scalars(select(Consent)).all()) == 1


def test_an_erased_record_takes_nothing_from_a_late_confirmation(db, make_coalition):
    coalition = make_coalition()
    supporter = add_maria(coalition)
    services.erase_supporter_data(EMAIL)
    services.apply_confirmed(supporter, {"first_name": "María", "language": "es"}, "Email me.", "petition:1")
    db.session.commit()
    assert supporter.first_name is None and supporter.subscription == Subscription.UNSUBSCRIBED
    assert db.session.scalars(select(Consent)).all() == []
