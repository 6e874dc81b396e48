"""Supporter imports from CSV: upload, preview, confirm, the background run, the error CSV."""

import io
import os
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from campaign.coalitions.models import CoalitionRole, Role
from campaign.supporters import services
from campaign.supporters.models import (
    Consent,
    ImportProblem,
    ImportState,
    Subscription,
    Supporter,
    SupporterImport,
)
from tests.supporters.import_files import AN_HEADER, big_file, csv_bytes


@pytest.fixture
def import_folder(app, tmp_path, monkeypatch):
    from campaign.supporters import import_files

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return import_files.folder()


def upload(client, coalition, data: bytes, name="an-export.csv"):
    return client.post(
        f"/coalitions/{coalition.slug}/supporters/imports/new",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def confirm(client, coalition, import_id, columns, **extra):
    form = {f"columns-{n}": field for n, field in enumerate(columns)} | {
        "consent_wording": "Email me news from the Tennessee coalition.",
        "consent_language": "en",
        "confirmed": "y",
    }
    response = client.post(f"/coalitions/{coalition.slug}/supporters/imports/{import_id}", data=form | extra)
    response.close()  # the import runs in-process once the response is sent
    return response


ROWS_IN_PROCESS = int(os.environ.get("IMPORT_TEST_ROWS", "2000"))
MAPPED = ["first_name", "last_name", "email", "zip_code", "phone", "language", "subscription"]


def uploaded(db) -> SupporterImport:
    return db.session.scalars(select(SupporterImport).order_by(SupporterImport.id.desc())).first()


def test_preview_maps_action_network_headers_and_masks_emails(db, client, coalition, import_folder):
    data = csv_bytes(
        [("María", "Núñez", "maria@example.org", "37203", "", "es", "subscribed")],
        header=AN_HEADER + ("Favorite color",),
    )
    response = upload(client, coalition, data)
    assert response.status_code == 302
    found = uploaded(db)
    assert found.mapping == MAPPED + [""]
    assert found.total_rows == 1
    page = client.get(response.location).get_data(as_text=True)
    assert "maria@example.org" not in page and "m•••@example.org" in page
    assert "María" in page and "Favorite color" in page
    assert "keeps their record as it is" in page


def test_import_counts_add_up_dedupes_and_keeps_unsubscribed(db, client, coalition, import_folder):
    data, expected = big_file(400)
    upload(client, coalition, data)
    found = uploaded(db)
    response = confirm(client, coalition, found.id, MAPPED)
    assert response.status_code == 302
    client.get(response.location).close()
    db.session.expire_all()
    found = db.session.get(SupporterImport, found.id)
    assert found.state == ImportState.DONE, found.state
    assert (found.imported, found.matched, found.skipped) == (
        expected["imported"],
        expected["matched"],
        expected["skipped"],
    )
    assert found.imported + found.matched + found.skipped == found.total_rows == 400
    unsubscribed = db.session.scalar(
        select(func.count()).where(Supporter.subscription == Subscription.UNSUBSCRIBED)
    )
    assert unsubscribed == expected["unsubscribed"]
    consent = db.session.scalars(select(Consent)).first()
    assert consent.source.startswith("imported from an-export.csv on ") and consent.source.endswith(
        "by Ana Organizer"
    )
    assert consent.wording == "Email me news from the Tennessee coalition."
    assert (
        db.session.scalar(select(func.count(Consent.id))) == expected["imported"] - expected["unsubscribed"]
    )
    maria = services.find_supporter(coalition.id, "person0@example.org")
    assert (maria.first_name, maria.last_name, maria.language) == ("María", "Núñez", "es")
    assert not list(import_folder.iterdir()), "the file is deleted once imported"
    # Nothing personal in the database as stored: names and addresses are sealed.
    dump = "\n".join(
        str(row)
        for model in (Supporter, Consent, ImportProblem, SupporterImport)
        for row in db.session.execute(select(model.__table__))
    )
    for plain in ("person1@example.org", "Núñez", "Lee1"):
        assert plain not in dump


def test_existing_supporter_is_not_changed_or_resubscribed(db, client, coalition, import_folder):
    kept = services.upsert_supporter(coalition.id, email="rosa@example.org", first_name="Rosa", language="es")
    services.unsubscribe(kept)
    db.session.commit()
    upload(
        client, coalition, csv_bytes([("Rose", "Smith", "Rosa@Example.org", "37203", "", "en", "subscribed")])
    )
    found = uploaded(db)
    client.get(confirm(client, coalition, found.id, MAPPED).location).close()
    db.session.expire_all()
    rosa = db.session.get(Supporter, kept.id)
    assert (rosa.first_name, rosa.last_name, rosa.language, rosa.subscription) == (
        "Rosa",
        None,
        "es",
        Subscription.UNSUBSCRIBED,
    )
    assert db.session.get(SupporterImport, found.id).matched == 1


def test_problems_csv_says_where_and_what_never_the_values(db, client, coalition, import_folder):
    rows = [
        ("Ana", "Ruiz", "", "37203", "", "en", ""),
        ("Luis", "Gómez", "not-an-address", "37203", "", "en", ""),
        ("Eve\x00", "Null", "eve@example.org", "37203", "", "en", ""),
        ("L" * 10_000, "Long", "long@example.org", "37203", "", "en", ""),
        ("=HYPERLINK(1)", "Formula", "formula@example.org", "ABCDE", "", "en", ""),
    ]
    upload(
        client,
        coalition,
        csv_bytes(
            rows,
            header=(
                "first_name",
                "last_name",
                "=cmd|x",
                "zip_code",
                "can2_phone",
                "language",
                "can2_subscription_status",
            ),
        ),
    )
    found = uploaded(db)
    client.get(confirm(client, coalition, found.id, MAPPED).location).close()
    response = client.get(f"/coalitions/{coalition.slug}/supporters/imports/{found.id}/problems.csv")
    body = response.get_data(as_text=True)
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0] == "row,column,problem"
    assert lines[1].startswith("2,'=cmd|x,No email address")
    assert lines[2].startswith("3,'=cmd|x,Not an email address")
    assert lines[3].startswith("4,first_name,Invisible control characters")
    assert lines[4].startswith("5,first_name,Too long")
    assert lines[5].startswith("6,zip_code,Not a five-digit ZIP code")
    for value in ("not-an-address", "Luis", "eve@", "LLLL", "HYPERLINK"):
        assert value not in body
    db.session.expire_all()
    found = db.session.get(SupporterImport, found.id)
    assert (found.imported, found.skipped) == (1, 4)


def test_refusals_not_csv_no_header_too_large_not_utf8_warning(
    db, client, coalition, import_folder, app, monkeypatch
):
    page = upload(client, coalition, b"\x89PNG\r\n\x1a\n\x00\x00\x00", name="photo.csv").get_data(
        as_text=True
    )
    assert "not a CSV file" in page
    assert "Choose a .csv file" in upload(client, coalition, b"a,b\n", name="list.xlsx").get_data(
        as_text=True
    )
    assert "no header row" in upload(client, coalition, b"\n\n").get_data(as_text=True)
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 100)
    assert "larger than" in upload(client, coalition, b"email\n" + b"a@example.org\n" * 20).get_data(
        as_text=True
    )
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 20 * 1024 * 1024)
    assert db.session.scalar(select(func.count(SupporterImport.id))) == 0
    assert not import_folder.exists() or not list(import_folder.iterdir())
    response = upload(client, coalition, "first_name,email\nBegoña,b@example.org\n".encode("latin-1"))
    assert "read as Windows-1252" in client.get(response.location).get_data(as_text=True)
    assert "Begoña" in client.get(response.location).get_data(as_text=True)


def test_confirm_needs_email_column_consent_and_runs_once(db, client, coalition, import_folder):
    upload(
        client, coalition, csv_bytes([("Ana", "Ruiz", "ana@example.org", "37203", "", "en", "subscribed")])
    )
    found = uploaded(db)
    unmapped = ["first_name", "", "", "", "", "", ""]
    page = confirm(client, coalition, found.id, unmapped).get_data(as_text=True)
    assert "Choose the column that holds the email address" in page
    page = confirm(client, coalition, found.id, MAPPED, consent_wording="", confirmed="").get_data(
        as_text=True
    )
    assert "Enter the words these people agreed to" in page
    first = confirm(client, coalition, found.id, MAPPED)
    second = confirm(client, coalition, found.id, MAPPED)  # a double click
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(select(func.count(Supporter.id))) == 1
    assert db.session.scalar(select(func.count(Consent.id))) == 1


def test_second_actors(app, db, client, coalition, import_folder, make_user, login):
    from campaign.coalitions import services as coalitions

    upload(client, coalition, csv_bytes([("Ana", "Ruiz", "ana@example.org", "37203", "", "en", "")]))
    found = uploaded(db)
    base = f"/coalitions/{coalition.slug}/supporters/imports"
    urls = [
        f"{base}/new",
        f"{base}/{found.id}",
        f"{base}/{found.id}/progress.json",
        f"{base}/{found.id}/problems.csv",
    ]
    viewer = make_user(email="viewer@example.org")
    db.session.add(CoalitionRole(coalition_id=coalition.id, user_id=viewer.id, role=Role.ORGANIZER))
    db.session.commit()
    client.post("/accounts/logout")
    login("viewer@example.org")
    for url in urls:
        assert client.get(url).status_code == 403
    assert confirm(client, coalition, found.id, MAPPED).status_code == 403
    other_owner = make_user(email="other@example.org")
    other = coalitions.create_coalition(other_owner, "Georgia Latino Alliance", "", "Atlanta")
    db.session.commit()
    client.post("/accounts/logout")
    login("other@example.org")
    assert client.get(f"{base}/{found.id}").status_code == 404  # not a member of the first
    assert client.get(f"/coalitions/{other.slug}/supporters/imports/{found.id}").status_code == 404
    assert (
        client.get(f"/coalitions/{other.slug}/supporters/imports/{found.id}/problems.csv").status_code == 404
    )
    stranger = app.test_client()  # a forwarded link, no login
    for url in urls:
        response = stranger.get(url)
        assert response.status_code in (302, 404) and b"ana" not in response.data
    assert db.session.get(SupporterImport, found.id).state == ImportState.UPLOADED


def test_hostile_headers_and_cells_are_shown_as_text(db, client, coalition, import_folder):
    header = ("<script>alert(1)</script>", "email\r\nX-Injected: 1", "\x00nul")
    response = upload(client, coalition, csv_bytes([("<b>x</b>", "ana@example.org", "\x01")], header=header))
    page = client.get(response.location).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert uploaded(db).headers[1] == "email X-Injected: 1"
    assert db.session.scalar(select(func.count(ImportProblem.id))) == 0


def test_a_few_thousand_rows_in_process_stay_quick(db, client, coalition, import_folder):
    data, expected = big_file(ROWS_IN_PROCESS)
    upload(client, coalition, data)
    found = uploaded(db)
    started = time.perf_counter()
    client.get(confirm(client, coalition, found.id, MAPPED).location).close()
    elapsed = time.perf_counter() - started
    db.session.expire_all()
    found = db.session.get(SupporterImport, found.id)
    assert found.imported == expected["imported"]
    print(f"{ROWS_IN_PROCESS} rows in-process: {elapsed:.2f} s ({ROWS_IN_PROCESS / elapsed:.0f} rows/s)")


def test_the_file_on_disk_is_sealed_and_still_previews(db, client, coalition, import_folder):
    response = upload(
        client, coalition, csv_bytes([("María", "Núñez", "maria@example.org", "37203", "", "es", "")])
    )
    (stored,) = import_folder.iterdir()
    on_disk = stored.read_bytes()
    for plain in ("maria@example.org", "example.org", "Núñez", "first_name"):
        assert plain.encode() not in on_disk
    assert "m•••@example.org" in client.get(response.location).get_data(as_text=True)


def test_abandoned_uploads_are_deleted_by_the_hourly_job(app, db, client, coalition, import_folder):
    from datetime import timedelta

    from campaign.core.outbox import utcnow
    from campaign.supporters.tasks import delete_abandoned_uploads
    from worker.schedule import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["delete-abandoned-uploads"]["task"] == delete_abandoned_uploads.name
    rows = csv_bytes([("Ana", "Ruiz", "ana@example.org", "37203", "", "en", "")])
    upload(client, coalition, rows)
    abandoned = uploaded(db)
    upload(client, coalition, rows)
    fresh = uploaded(db)
    day_ago = utcnow() - timedelta(hours=25)
    abandoned.created_at = day_ago
    db.session.commit()
    # A file written by a request that failed before its commit: no import names it.
    stray = import_folder / f"{coalition.id}-{'0' * 32}.csv"
    stray.write_bytes(b"sealed or not, nobody's")
    os.utime(stray, (day_ago.timestamp() - 3600, day_ago.timestamp() - 3600))
    abandoned_file = import_folder / abandoned.stored_name

    assert delete_abandoned_uploads() == 2
    db.session.expire_all()
    assert not abandoned_file.exists() and not stray.exists()
    assert [path.name for path in import_folder.iterdir()] == [fresh.stored_name]
    gone = db.session.get(SupporterImport, abandoned.id)
    assert (gone.state, gone.stored_name) == (ImportState.FAILED, None)
    page = client.get(f"/coalitions/{coalition.slug}/supporters/imports/{abandoned.id}").get_data(
        as_text=True
    )
    assert "stopped or was discarded" in page
    assert db.session.get(SupporterImport, fresh.id).state == ImportState.UPLOADED
    assert delete_abandoned_uploads() == 0


def test_no_file_stays_after_an_import_finishes_or_is_discarded(db, client, coalition, import_folder):
    rows = csv_bytes([("Ana", "Ruiz", "ana@example.org", "37203", "", "en", "")])
    upload(client, coalition, rows)
    client.get(confirm(client, coalition, uploaded(db).id, MAPPED).location).close()
    db.session.expire_all()
    assert uploaded(db).state == ImportState.DONE
    upload(client, coalition, rows)
    client.post(f"/coalitions/{coalition.slug}/supporters/imports/{uploaded(db).id}/discard")
    assert not list(import_folder.iterdir())


def file_of(size: int) -> bytes:
    """A CSV of exactly `size` bytes."""
    line = b"someone@example.org\n"
    body = b"email\n" + line * ((size - 6) // len(line))
    return body + b"x" * (size - len(body))


def test_the_import_takes_files_up_to_its_own_limit_and_says_so_above_it(
    app, db, client, coalition, import_folder, make_user, login, monkeypatch
):
    from campaign.supporters.import_views import FORM_ROOM

    site_limit, import_limit = app.config["MAX_CONTENT_LENGTH"], app.config["IMPORT_MAX_BYTES"]
    assert site_limit < import_limit
    # Just over the site's limit: taken by the import.
    assert upload(client, coalition, file_of(site_limit + 1)).status_code == 302
    assert uploaded(db).total_rows > 400_000
    # A file just over the import's limit, its body within the import's: the form's message.
    page = upload(client, coalition, file_of(import_limit + 1))
    assert page.status_code == 200 and "larger than 20 MB" in page.get_data(as_text=True)
    # A body over the import's limit is refused before it is read, by CSRF's check (on here, as
    # in production) before the view has run: the same page, still with the form, to its admins.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    too_big = file_of(import_limit + FORM_ROOM + 1)
    page = upload(client, coalition, too_big)
    text = page.get_data(as_text=True)
    assert page.status_code == 413 and "larger than 20 MB: split it" in text and 'type="file"' in text
    client.get("/language/es")
    text = upload(client, coalition, too_big).get_data(as_text=True)
    assert "pesa más de 20 MB" in text and "Importar simpatizantes" in text
    # Elsewhere the site's limit holds, with the site's page.
    other = client.post(
        f"/coalitions/{coalition.slug}/supporters/imports/{uploaded(db).id}/discard",
        data={"file": (io.BytesIO(file_of(site_limit + 1)), "an-export.csv")},
        content_type="multipart/form-data",
    )
    text = other.get_data(as_text=True)
    assert other.status_code == 413 and "8 MB" in text and "pesa más de 20 MB" not in text
    # Nobody else sees the import page (its recent files) through the error.
    make_user(email="other@example.org")
    app.config["WTF_CSRF_ENABLED"] = False  # to log in
    client.post("/accounts/logout")
    login("other@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    refused = upload(client, coalition, too_big)
    assert refused.status_code == 404 and "an-export.csv" not in refused.get_data(as_text=True)
    client.post("/accounts/logout")
    assert "an-export.csv" not in upload(client, coalition, too_big).get_data(as_text=True)
    assert db.session.scalar(select(func.count(SupporterImport.id))) == 1


def test_a_windows_1252_file_with_curly_quotes_and_accents_imports_those_rows(
    db, client, coalition, import_folder
):
    rows = [
        ("Begoña", "O’Brien", "begona@example.org", "37203", "", "es", "subscribed"),
        ("“Chuy”", "Muñoz – Peña", "chuy@example.org", "37203", "", "en", "subscribed"),
        ("Zoë", "Gave €20", "zoe@example.org", "37203", "", "en", "subscribed"),
    ]
    data = csv_bytes(rows, encoding="cp1252")
    assert b"\x92" in data and b"\x93" in data and b"\x80" in data  # bytes Latin-1 has as controls
    response = upload(client, coalition, data)
    page = client.get(response.location).get_data(as_text=True)
    assert "read as Windows-1252" in page and "O’Brien" in page and "“Chuy”" in page
    client.get(confirm(client, coalition, uploaded(db).id, MAPPED).location).close()
    db.session.expire_all()
    found = uploaded(db)
    assert (found.state, found.imported, found.skipped) == (ImportState.DONE, 3, 0)
    people = {
        email: services.find_supporter(coalition.id, email)
        for email in ("begona@example.org", "chuy@example.org", "zoe@example.org")
    }
    assert [(person.first_name, person.last_name) for person in people.values()] == [
        ("Begoña", "O’Brien"),
        ("“Chuy”", "Muñoz – Peña"),
        ("Zoë", "Gave €20"),
    ]


def test_the_import_pages_use_only_classes_the_stylesheet_defines():
    root = Path(__file__).parents[2]
    css = (root / "static/css/app.css").read_text()
    for page in ("new_import", "import_preview", "import_progress"):
        template = (root / "templates/supporters" / f"{page}.html").read_text()
        for classes in re.findall(r'class_?="([^"{]*)"', template):
            for name in classes.split():
                assert re.search(rf"\.{re.escape(name)}(?![\w-])", css), (page, name)
