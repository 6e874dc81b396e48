"""The supporters' spreadsheet: for owners and admins, logged, formula-safe, people on file only,
with our columns or Action Network's, which our own import reads back."""

import pytest
from sqlalchemy import select

from campaign.coalitions import services as coalitions
from campaign.core.exports import ExportLog
from campaign.supporters import services
from campaign.supporters.models import Subscription
from tests.sheets import ROLES_AND_ANSWERS, by_email, log_in_as, on_file, read_sheet
from tests.supporters import import_files
from tests.supporters.test_import_supporters import confirm, import_folder, upload, uploaded  # noqa: F401

AN_HEADER = list(import_files.AN_HEADER)


def download(client, coalition, query="") -> tuple[int, bytes]:
    response = client.get(f"/coalitions/{coalition.slug}/supporters.csv{query}")
    return response.status_code, response.get_data()


@pytest.mark.parametrize(("role", "status"), ROLES_AND_ANSWERS)
def test_only_owners_and_admins_download_it(db, client, coalition, make_user, login, role, status):
    on_file(db, coalition, "ana@example.org")
    log_in_as(db, coalition, make_user, login, role)
    for query in ("", "?columns=action_network"):
        code, body = download(client, coalition, query)
        assert code == status, (role, query)
        assert (b"ana@example.org" in body) == (status == 200)
    page = client.get(f"/coalitions/{coalition.slug}/supporters").get_data(as_text=True)
    assert (f"/coalitions/{coalition.slug}/supporters.csv" in page) == (status == 200)
    logged = db.session.scalars(select(ExportLog.what)).all()
    assert len(logged) == (2 if status == 200 else 0)


def test_another_coalition_gets_not_found_and_sees_nobody(db, client, coalition, make_user, login):
    on_file(db, coalition, "ana@example.org")
    outsider = make_user(email="outsider@example.org")
    coalitions.create_coalition(outsider, "Another coalition", "", "Fresno")
    db.session.commit()
    login("outsider@example.org")
    assert download(client, coalition)[0] == 404
    assert download(client, coalition, "?columns=action_network")[0] == 404
    assert db.session.scalar(select(ExportLog.id)) is None


def test_each_download_is_logged_with_its_sheet_and_count(db, client, coalition):
    on_file(db, coalition, "ana@example.org")
    on_file(db, coalition, "luis@example.org")
    download(client, coalition)
    download(client, coalition, "?columns=action_network")
    logged = db.session.execute(select(ExportLog.what, ExportLog.row_count, ExportLog.user_id)).all()
    owner = coalition.roles[0].user_id
    assert logged == [
        (f"coalition:{coalition.id}:supporters", 2, owner),
        (f"coalition:{coalition.id}:supporters:action_network", 2, owner),
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_cell_that_looks_like_a_formula_stays_text(db, client, coalition, start):
    on_file(
        db,
        coalition,
        "ana@example.org",
        first_name=f'{start}HYPERLINK("http://x.example")',
        last_name=start + "1",
    )
    for query in ("", "?columns=action_network"):
        ana = by_email(read_sheet(download(client, coalition, query)[1]))["ana@example.org"]
        assert ana["first_name"] == f'\'{start}HYPERLINK("http://x.example")'
        assert ana["last_name"] == f"'{start}1"


def test_only_people_on_file_confirmed_and_not_erased(db, client, coalition):
    on_file(db, coalition, "kept@example.org")
    on_file(db, coalition, "typed@example.org", confirmed=False)  # anyone may type an address into a form
    on_file(db, coalition, "gone@example.org", first_name="Erased")
    services.erase_supporter_data("gone@example.org")
    db.session.commit()
    for query in ("", "?columns=action_network"):
        rows = read_sheet(download(client, coalition, query)[1])
        assert list(by_email(rows)) == ["kept@example.org"]
        assert b"Erased" not in download(client, coalition, query)[1]
    assert set(db.session.scalars(select(ExportLog.row_count))) == {1}


def test_our_columns_say_everything_and_action_networks_are_its_own(db, client, coalition):
    on_file(
        db, coalition, "maria@example.org", first_name="María José", last_name="Núñez Peña",
        zip_code="37203", phone="+16155550100", language="es", subscribed=True,
    )  # fmt: skip
    on_file(db, coalition, "luis@example.org", first_name="Luis")  # never asked: no consent
    on_file(db, coalition, "out@example.org", first_name="Out", subscribed=True)
    services.unsubscribe(services.find_supporter(coalition.id, "out@example.org"))
    db.session.commit()
    ours = read_sheet(download(client, coalition)[1])
    assert ours[0] == [*AN_HEADER[:4], "phone", "language", "subscription", "added_at_utc"]
    maria = by_email(ours)["maria@example.org"]
    # A "+" starts a formula too: the international form of a number is escaped like any cell.
    assert (maria["first_name"], maria["last_name"], maria["phone"]) == (
        "María José",
        "Núñez Peña",
        "'+16155550100",
    )
    assert (maria["language"], maria["subscription"]) == ("es", "subscribed")
    assert by_email(ours)["luis@example.org"]["subscription"] == "not_asked"

    theirs = read_sheet(download(client, coalition, "?columns=action_network")[1])
    assert theirs[0] == AN_HEADER
    assert theirs[1] == [
        "María José",
        "Núñez Peña",
        "maria@example.org",
        "37203",
        "'+16155550100",
        "es",
        "subscribed",
    ]
    status = {email: row["can2_subscription_status"] for email, row in by_email(theirs).items()}
    assert status == {
        "maria@example.org": "subscribed",
        "luis@example.org": "unsubscribed",
        "out@example.org": "unsubscribed",
    }


def test_the_action_network_sheet_imports_back_as_it_was(db, client, coalition, import_folder):  # noqa: F811
    """Spanish names survive the trip in UTF-8 (the byte order mark read as such), cells escaped
    as formulas come back as they were, and nobody is subscribed on the way who was not."""
    on_file(
        db,
        coalition,
        "maria@example.org",
        first_name="María",
        last_name="Núñez",
        zip_code="37203",
        language="es",
        subscribed=True,
    )
    on_file(db, coalition, "jose@example.org", first_name="José", last_name="-Peña", phone="+16155550101")
    body = download(client, coalition, "?columns=action_network")[1]
    owner = coalition.roles[0].user
    other = coalitions.create_coalition(
        owner, "Tennessee Immigrant and Refugee Rights Coalition", "", "Nashville"
    )
    db.session.commit()
    upload(client, other, body, name="from-campaign-desk.csv")
    found = uploaded(db)
    assert found.encoding == "utf-8-sig" and found.headers == AN_HEADER
    assert found.mapping == [
        "first_name",
        "last_name",
        "email",
        "zip_code",
        "phone",
        "language",
        "subscription",
    ]
    client.get(confirm(client, other, found.id, found.mapping).location).close()
    db.session.expire_all()
    maria = services.find_supporter(other.id, "maria@example.org")
    jose = services.find_supporter(other.id, "jose@example.org")
    assert (maria.first_name, maria.last_name, maria.language, maria.zip_code) == (
        "María",
        "Núñez",
        "es",
        "37203",
    )
    assert (jose.first_name, jose.last_name, jose.phone) == ("José", "-Peña", "+16155550101")
    assert (maria.subscription, jose.subscription) == (Subscription.SUBSCRIBED, Subscription.UNSUBSCRIBED)


def test_hostile_bytes_in_a_stored_name_come_out_as_one_quoted_cell(db, client, coalition):
    """Names stored before today's input rules, or by the import: commas, quotes, line breaks
    and a formula after a line break stay inside their cell, as text."""
    supporter = on_file(db, coalition, "ana@example.org")
    supporter.first_name = 'Ana, "la jefa"\r\n=1+1'
    supporter.last_name = "x" * 10_000
    db.session.commit()
    ana = by_email(read_sheet(download(client, coalition)[1]))["ana@example.org"]
    assert ana["first_name"] == 'Ana, "la jefa"\r\n=1+1'
    assert ana["last_name"] == "x" * 10_000
