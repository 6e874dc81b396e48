"""Policy entries imported from CSV: a 150-row list with ambiguous names, unknown counties and bad
dates, mapped, previewed, resolved and applied once; hostile files; who else may touch it."""

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from campaign.coalitions import services as coalitions
from campaign.coalitions.models import CoalitionRole, Role
from campaign.policies import places, services
from campaign.policies.models import PolicyEntry, PolicyImport, PolicyRevision

HEADER = ["Jurisdiction", "State", "Type", "Policy", "Conditions", "Date adopted", "Source URL", "Notes"]
WORDINGS = [
    ("Refuses detainers", "", "refuses"),
    ("Limits cooperation", "48 hours; judicial warrant", "conditions"),
    ("Honors", "", "honors_all"),
    ("No detainers", "", "refuses"),
    ("Judicial warrant required", "", "conditions"),
    ("Rechaza", "", "refuses"),
]
DATES = [("2014-05-01", date(2014, 5, 1)), ("5/2/2014", date(2014, 5, 2)), ("May 2014", date(2014, 5, 1))]
DATES += [("2013", date(2013, 1, 1))]
BAD_DATES = ["13/45/2014", "sometime in 2014", "2014-02-30", "1850", "05.01.2014"]
MATCHED, OAKLAND, AMBIGUOUS, UNKNOWN, BAD_STATE, BAD_DATE, BAD_URL, BAD_POLICY = 80, 5, 10, 20, 5, 15, 5, 5
IN_FILE_COPIES, ALREADY_RECORDED = 3, 2


@pytest.fixture
def import_folder(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))


def unique_counties(app, count: int, skip: int = 0) -> list[places.County]:
    """Counties whose name means one county in its state, and no city of that name."""
    with app.app_context():
        found = [
            county
            for county in sorted(places.counties().values(), key=lambda county: county.fips)
            if not county.is_city and len(places.counties_named(county.name, county.state)) == 1
        ]
    return found[skip : skip + count]


def policy_list(app) -> tuple[bytes, dict]:
    """The fixture CSV, 150 rows in the style of the ILRC list, and what each part should become."""
    counties = unique_counties(app, MATCHED + ALREADY_RECORDED)
    rows, expected = [], {}
    for n, county in enumerate(counties[:MATCHED]):
        wording, conditions, status = WORDINGS[n % len(WORDINGS)]
        typed, on = DATES[n % len(DATES)]
        rows.append(
            [county.name, county.state, "County", wording, conditions, typed, f"https://ilrc.example/{n}", ""]
        )
        expected[county.fips] = (status, on)
    for n in range(OAKLAND):
        rows.append(["Oakland", "CA", "City", "Refuses detainers", "", f"{2010 + n}", "", "City council"])
    for n in range(AMBIGUOUS):
        name = "Richmond, VA" if n % 2 == 0 else "Baltimore, MD"
        rows.append(
            [name, "", "", "Limits cooperation", "judicial warrant", f"{2005 + n}", "http://x.example", ""]
        )
    for n in range(UNKNOWN):
        rows.append([f"Nowhere{n}", "CA", "County", "Refuses detainers", "", "2014", "", ""])
    rows[-1][0] = "Alamda"  # Alameda, misspelled: its suggestion names it
    for _ in range(BAD_STATE):
        rows.append(["Clackamas", "ZZ", "County", "Refuses detainers", "", "2014", "", ""])
    for n in range(BAD_DATE):
        rows.append(
            ["Clackamas", "OR", "County", "Refuses detainers", "", BAD_DATES[n % len(BAD_DATES)], "", ""]
        )
    for _ in range(BAD_URL):
        rows.append(["Hennepin", "MN", "County", "Refuses detainers", "", "2014", "javascript:alert(1)", ""])
    for _ in range(BAD_POLICY):
        rows.append(["Lehigh", "PA", "County", "Maybe, we will see", "", "2014", "", ""])
    rows += [list(row) for row in rows[:IN_FILE_COPIES]]
    for county in counties[MATCHED:]:
        rows.append([county.name, county.state, "County", "Refuses detainers", "", "2014", "", ""])
    assert len(rows) == 150
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode(), {"counties": expected, "recorded": counties[MATCHED:]}


def upload(client, coalition, data: bytes, name="ilrc-detainers.csv"):
    return client.post(
        f"/coalitions/{coalition.slug}/policies/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def imported(db) -> PolicyImport:
    return db.session.scalars(select(PolicyImport).order_by(PolicyImport.id.desc())).first()


def post(client, coalition, found, columns, **extra):
    form = {f"columns-{n}": value for n, value in enumerate(columns)} | extra
    return client.post(f"/coalitions/{coalition.slug}/policies/import/{found.id}", data=form)


MAPPING = ["jurisdiction", "state", "level", "policy", "conditions", "date", "source", "notes"]


def test_a_150_row_list_is_previewed_resolved_and_applied_once(app, client, db, coalition, import_folder):
    data, expected = policy_list(app)
    for county in expected["recorded"]:  # two rows of the file the coalition has recorded already
        services.record_entry(
            coalition.id,
            services.jurisdiction_for_fips(county.fips),
            None,
            {"kind": "detainers", "status": "refuses", "effective_on": date(2014, 1, 1)},
        )
    db.session.commit()
    response = upload(client, coalition, data)
    assert response.status_code == 302
    found = imported(db)
    assert found.mapping == MAPPING  # guessed from the headers

    page = client.get(response.location).get_data(as_text=True)
    ready = MATCHED + OAKLAND
    errors = UNKNOWN + BAD_STATE + BAD_DATE + BAD_URL + BAD_POLICY
    assert f"<strong>{ready}</strong> ready" in page
    assert f"<strong>{AMBIGUOUS}</strong> to choose a place for" in page
    assert f"<strong>{IN_FILE_COPIES + ALREADY_RECORDED}</strong> already recorded" in page
    assert f"<strong>{errors}</strong> with errors" in page
    assert "Did you mean Alameda County, CA?" in page
    assert "Unknown state “ZZ”" in page
    assert "“13/45/2014” is not a date" in page and "“2014-02-30” is not a date" in page
    assert "We do not know the policy “Maybe, we will see”" in page
    assert "Richmond (independent city), VA" in page and "Richmond County, VA" in page
    assert "Baltimore (independent city), MD" in page
    assert "Oakland, CA (in Alameda County, CA)" in page

    # The places chosen for the ambiguous rows, kept across a re-check.
    ambiguous_rows = range(MATCHED + OAKLAND + 2, MATCHED + OAKLAND + AMBIGUOUS + 2)
    picks = {
        f"pick-{number}": "county:51159" if n % 2 == 0 else "county:24510"
        for n, number in enumerate(ambiguous_rows)
    }
    assert post(client, coalition, found, MAPPING, check="y", **picks).status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert f"<strong>{ready + AMBIGUOUS}</strong> ready" in page
    assert '<option value="county:51159" selected>' in page

    assert post(client, coalition, found, MAPPING, apply="y").status_code == 302
    assert post(client, coalition, found, MAPPING, apply="y").status_code == 302  # a double click
    page = client.get(response.location).get_data(as_text=True)
    assert "95</strong> entries added" in page
    assert "5</strong> skipped (already recorded)" in page
    assert "50</strong> rows with errors not imported" in page

    entries = db.session.scalars(
        select(PolicyEntry).where(
            PolicyEntry.coalition_id == coalition.id, PolicyEntry.recorded_by.is_not(None)
        )
    ).all()
    assert len(entries) == ready + AMBIGUOUS
    assert not any(entry.public for entry in entries)
    by_fips = {entry.jurisdiction.fips: entry for entry in entries if entry.jurisdiction.fips}
    for fips, (status, on) in expected["counties"].items():
        assert (by_fips[fips].kind, by_fips[fips].status, by_fips[fips].effective_on) == (
            "detainers",
            status,
            on,
        )
    richmond = {entry.effective_on.year for entry in entries if entry.jurisdiction.fips == "51159"}
    baltimore = {entry.effective_on.year for entry in entries if entry.jurisdiction.fips == "24510"}
    assert (richmond, baltimore) == ({2005, 2007, 2009, 2011, 2013}, {2006, 2008, 2010, 2012, 2014})
    cities = [entry for entry in entries if entry.jurisdiction.kind == "city"]
    assert {(entry.jurisdiction.name, entry.jurisdiction.county_fips) for entry in cities} == {
        ("Oakland", "06001")
    }
    assert len(cities) == OAKLAND
    conditioned = next(entry for entry in entries if entry.status == "conditions" and entry.conditions == 5)
    assert conditioned.source_url.startswith("https://ilrc.example/")
    assert db.session.scalar(select(func.count(PolicyRevision.id))) == len(entries) + ALREADY_RECORDED


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "map.csv", "This file is not a CSV file"),
        (b"a,b\n" + b"x" * (2 * 1024 * 1024), "big.csv", "larger than 2 MB"),
        (b"Jurisdiction,State,Policy\n", "header.csv", "a header row but no rows below it"),
        (b"Jurisdiction,State,Policy\n\n\n", "header.csv", "a header row but no rows below it"),
        (b"County,State\nAlameda,CA\n", "list.xlsx", "Choose a .csv file"),
        (b"Jurisdiction,State,Policy\n" + b"a,b,c\n" * 5001, "long.csv", "more than 5,000 rows"),
    ],
)
def test_files_that_cannot_be_imported_say_why(client, db, coalition, import_folder, data, name, message):
    response = upload(client, coalition, data, name)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PolicyImport.id))) == 0


HOSTILE = (
    "Jurisdicción;Estado;Política;Fecha;Fuente;Notas\r\n"
    'Hennepin\x00;MN;Rechaza;2014;https://a.example;"two\r\nlines"\r\n'
    'Clackamas;OR;No detainers;2014;;=HYPERLINK("http://evil.example","click")\r\n'
    '=HYPERLINK("http://evil.example");OR;Rechaza;2014;;\r\n'
    f"Lehigh;PA;Refuses;2014;;{'x' * 10_000}\r\n"
    f"{'y' * 10_000};PA;Refuses;2014;;\r\n"
)


def test_hostile_cells_are_text_and_their_rows_say_what_is_wrong(client, db, coalition, import_folder):
    # Windows-1252, with the bytes of a lone surrogate as UTF-8 would write one: not UTF-8.
    data = (HOSTILE + "Doña Ana;NM;Rechaza;2014;;café ").encode("cp1252") + b"\xed\xa0\x80\r\n"
    response = upload(client, coalition, data, "hostil.csv")
    assert response.status_code == 302
    found = imported(db)
    assert found.encoding == "cp1252"
    assert found.mapping == ["jurisdiction", "state", "policy", "date", "source", "notes"]  # Spanish, ";"
    page = client.get(response.location)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "shorten them" in text  # the 10,000-character note
    assert "No county or city named" in text
    assert "<script" not in text.split("<main", 1)[-1].split("</main>")[0]
    response = post(client, coalition, found, found.mapping, apply="y", publish="y")
    assert response.status_code == 302
    entries = {entry.jurisdiction.name: entry for entry in db.session.scalars(select(PolicyEntry))}
    assert set(entries) == {"Hennepin", "Clackamas", "Doña Ana"}
    assert entries["Clackamas"].summary_en == '=HYPERLINK("http://evil.example","click")'
    assert entries["Hennepin"].summary_en == "two lines"
    assert entries["Doña Ana"].summary_en.startswith("café ")
    assert all(entry.public for entry in entries.values())  # "publish these entries" was ticked


def test_a_mapping_not_offered_is_a_message_and_keeps_the_file(client, db, coalition, import_folder):
    upload(client, coalition, b"County,State,Status\nAlameda,CA,Refuses\n")
    found = imported(db)
    response = post(client, coalition, found, ["jurisdiction", "nonsense\x00", "policy"], apply="y")
    assert response.status_code == 200
    assert "Choose one of the options" in response.get_data(as_text=True)
    response = post(client, coalition, found, ["jurisdiction", "", "state"], check="y")
    assert "Choose the column that holds the policy." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PolicyEntry.id))) == 0
    assert post(client, coalition, found, ["jurisdiction", "state", "policy"], apply="y").status_code == 302
    assert db.session.scalar(select(func.count(PolicyEntry.id))) == 1


def test_spanish_preview(client, db, coalition, import_folder):
    upload(client, coalition, b"County,State,Policy,Date\nAlamda,CA,Refuses,31/31/2014\n")
    client.get("/language/es")
    text = client.get(f"/coalitions/{coalition.slug}/policies/import/{imported(db).id}").get_data(
        as_text=True
    )
    assert "Revise la importación" in text
    assert "no es una fecha" in text


def test_a_date_the_entry_form_would_refuse_is_refused_by_its_row(client, db, coalition, import_folder):
    last = date.today().year + 5
    far = (date.today() + timedelta(days=365 * 5 + 1)).isoformat()
    rows = (
        f"Alameda,CA,Refuses,2199\nHennepin,MN,Refuses,{far}\nClackamas,OR,Refuses,{date.today().year + 4}\n"
    )
    upload(client, coalition, b"County,State,Policy,Date\n" + rows.encode())
    found = imported(db)
    text = client.get(f"/coalitions/{coalition.slug}/policies/import/{found.id}").get_data(as_text=True)
    assert f"Row 2: “2199” is not between 1900 and {last}." in text
    assert f"Row 3: “{far}” is not between 1900 and {last}." in text
    client.get("/language/es")
    spanish = client.get(f"/coalitions/{coalition.slug}/policies/import/{found.id}").get_data(as_text=True)
    assert f"Fila 2: “2199” no está entre 1900 y {last}." in spanish
    client.get("/language/en")
    assert (
        post(client, coalition, found, ["jurisdiction", "state", "policy", "date"], apply="y").status_code
        == 302
    )
    entries = db.session.scalars(select(PolicyEntry)).all()
    assert [entry.jurisdiction.name for entry in entries] == ["Clackamas"]  # the rows in range only


def test_another_coalition_and_a_viewer_cannot_see_or_apply_it(
    app, client, db, coalition, make_user, login, import_folder
):
    upload(client, coalition, b"County,State,Policy\nAlameda,CA,Refuses\n")
    found = imported(db)
    url = f"/coalitions/{coalition.slug}/policies/import/{found.id}"
    outsider = make_user(email="owner-b@example.org")
    other = coalitions.create_coalition(outsider, "Coalition B", "", "Chicago")
    viewer = make_user(email="viewer@example.org")
    db.session.add(CoalitionRole(coalition=coalition, user=viewer, role=Role.VIEWER))
    db.session.commit()
    client.post("/accounts/logout")
    login("owner-b@example.org")
    assert client.get(url).status_code == 404
    other_url = f"/coalitions/{other.slug}/policies/import/{found.id}"
    assert client.get(other_url).status_code == 404
    assert client.post(other_url, data={"columns-0": "jurisdiction", "apply": "y"}).status_code == 404
    client.post("/accounts/logout")
    login("viewer@example.org")
    assert client.get(url).status_code == 403
    assert client.post(url, data={"apply": "y"}).status_code == 403
    assert client.get(f"/coalitions/{coalition.slug}/policies/import").status_code == 403
    assert db.session.scalar(select(func.count(PolicyEntry.id))) == 0
    assert db.session.get(PolicyImport, found.id).applied_at is None


def test_a_file_swept_away_is_said_and_nothing_is_applied(client, db, coalition, import_folder):
    from campaign.supporters import import_files

    upload(client, coalition, b"County,State,Policy\nAlameda,CA,Refuses\n")
    found = imported(db)
    import_files.delete(found.stored_name)
    url = f"/coalitions/{coalition.slug}/policies/import/{found.id}"
    assert "This file is no longer kept" in client.get(url).get_data(as_text=True)
    assert post(client, coalition, found, ["jurisdiction", "state", "policy"], apply="y").status_code == 302
    assert db.session.get(PolicyImport, found.id).applied_at is None
    assert db.session.scalar(select(func.count(PolicyEntry.id))) == 0


def test_a_file_with_no_ready_row_is_not_used_up(client, db, coalition, import_folder):
    upload(client, coalition, b"County,State,Policy\nAlameda,CA,Maybe\n")
    found = imported(db)
    response = post(client, coalition, found, ["jurisdiction", "state", "policy"], apply="y")
    assert response.status_code == 200
    assert "No row is ready to import" in response.get_data(as_text=True)
    assert db.session.get(PolicyImport, found.id).applied_at is None


def test_a_place_chosen_can_be_unchosen_and_a_forged_one_is_not_taken(client, db, coalition, import_folder):
    upload(client, coalition, b"Jurisdiction,State,Policy\nRichmond,VA,Refuses\n")
    found = imported(db)
    url = f"/coalitions/{coalition.slug}/policies/import/{found.id}"
    columns = ["jurisdiction", "state", "policy"]
    post(client, coalition, found, columns, check="y", **{"pick-2": "county:51760"})
    assert "<strong>1</strong> ready" in client.get(url).get_data(as_text=True)
    post(client, coalition, found, columns, check="y", **{"pick-2": ""})
    assert "<strong>1</strong> to choose a place for" in client.get(url).get_data(as_text=True)
    post(client, coalition, found, columns, check="y", **{"pick-2": "county:06001"})  # not offered
    assert "<strong>1</strong> to choose a place for" in client.get(url).get_data(as_text=True)
    assert post(client, coalition, found, columns, apply="y").status_code == 200  # nothing ready
    assert db.session.scalar(select(func.count(PolicyEntry.id))) == 0
