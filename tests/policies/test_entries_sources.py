"""Source PDFs: kept when they really are PDFs, served sandboxed, and only to whom may read them."""

from io import BytesIO

from sqlalchemy import select

from campaign.extensions import db
from campaign.policies.models import PolicyEntry, PolicyRevision, PolicySourceFile
from tests.pages import text_of
from tests.policies.entry_forms import PDF, entry_form


def record_with_pdf(client, coalition, **overrides) -> tuple[PolicyEntry, str]:
    form = entry_form(source_pdf=(BytesIO(PDF), "ruling.pdf"), **overrides)
    response = client.post(
        f"/coalitions/{coalition.slug}/policies/new", data=form, content_type="multipart/form-data"
    )
    assert response.status_code == 302, text_of(response)
    entry = db.session.scalars(select(PolicyEntry)).one()
    stored = db.session.get(PolicySourceFile, entry.id)
    return entry, f"/policies/sources/{entry.id}/{stored.key}.pdf"


def test_a_pdf_is_kept_and_served_sandboxed_to_the_coalition(client, coalition):
    entry, url = record_with_pdf(client, coalition)
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "inline"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    changes = [revision.changes for revision in db.session.scalars(select(PolicyRevision))]
    assert {"source_file": [None, "ruling.pdf"]} in changes
    assert "ruling.pdf" in text_of(client.get(f"/coalitions/{coalition.slug}/policies/{entry.id}"))


def test_a_private_entrys_pdf_is_404_to_strangers_and_other_coalitions_until_public_and_shared(
    requests_start_afresh, client, app, coalition, make_user, make_coalition
):
    entry, url = record_with_pdf(client, coalition)
    other = app.test_client()
    assert other.get(url).status_code == 404
    make_coalition(make_user(email="other@example.org"), name="Other coalition")
    other.post("/accounts/login", data={"email": "other@example.org", "password": "correct horse battery"})
    assert other.get(url).status_code == 404
    stranger = app.test_client()
    client.post(f"/coalitions/{coalition.slug}/policies/{entry.id}/edit", data=entry_form(public="y"))
    assert stranger.get(url).status_code == 404  # public, but the coalition does not share its tracker
    client.post(f"/coalitions/{coalition.slug}/policies/sharing", data={"shared": "y"})
    assert stranger.get(url).status_code == 200 and other.get(url).status_code == 200
    assert stranger.get(url.replace(".pdf", "x.pdf")).status_code == 404


def test_a_new_upload_replaces_the_pdf_under_a_new_key(client, coalition):
    entry, old_url = record_with_pdf(client, coalition)
    form = entry_form(source_pdf=(BytesIO(PDF + b"%v2"), "ruling-v2.pdf"))
    edit = f"/coalitions/{coalition.slug}/policies/{entry.id}/edit"
    assert client.post(edit, data=form, content_type="multipart/form-data").status_code == 302
    db.session.expire_all()
    stored = db.session.get(PolicySourceFile, entry.id)
    assert stored.filename == "ruling-v2.pdf" and client.get(old_url).status_code == 404
    assert client.get(f"/policies/sources/{entry.id}/{stored.key}.pdf").data.endswith(b"%v2")


def test_the_public_page_of_the_place_links_its_kept_pdf(requests_start_afresh, client, app, coalition):
    entry, url = record_with_pdf(client, coalition)
    client.post(f"/coalitions/{coalition.slug}/policies/{entry.id}/edit", data=entry_form(public="y"))
    client.post(f"/coalitions/{coalition.slug}/policies/sharing", data={"shared": "y"})
    page = app.test_client().get(f"/policies/jurisdictions/{entry.jurisdiction_id}")
    assert page.status_code == 200 and f'href="{url}"' in page.get_data(as_text=True)
