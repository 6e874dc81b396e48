"""Tags and taggings through the API: fields, scopes, coalitions, people on file only, the export
log, and tagging a person by script."""

from sqlalchemy import func, select

from campaign.api.models import ApiKey, Scope
from campaign.core.exports import ExportLog
from campaign.extensions import db
from campaign.supporters import services as supporters
from campaign.supporters.models import Supporter
from campaign.tags import services as tags
from campaign.tags.models import Tag, Tagging
from tests.api.records import add_tag


def post(client, path, token, body):
    return client.post(path, headers={"OSDI-API-Token": token}, json=body)


def person_link(person_id) -> dict:
    return {"_links": {"osdi:person": {"href": f"http://localhost/api/v1/people/{person_id}"}}}


def typed_only(coalition) -> Supporter:
    """A record only typed into a public form: not on file."""
    return supporters.upsert_supporter(coalition.id, email="typed@example.org", first_name="T", language="en")


def test_tags_and_taggings_have_osdi_fields_and_links(coalition, add_people, make_key, call):
    ana, ben = add_people(coalition)
    tag_id = add_tag(coalition, "DACA recipients", [ana, ben])
    token = make_key(coalition)
    body = call("/api/v1/tags", token).get_json()
    (tag,) = body["_embedded"]["osdi:tags"]
    assert tag == {
        "identifiers": [f"campaign_desk:{tag_id}"],
        "created_date": "2026-03-01T15:30:00Z",
        "modified_date": "2026-03-02T09:00:00Z",
        "name": "DACA recipients",
        "_links": {
            "self": {"href": f"http://localhost/api/v1/tags/{tag_id}"},
            "osdi:taggings": {"href": f"http://localhost/api/v1/tags/{tag_id}/taggings"},
        },
    }
    assert call(f"/api/v1/tags/{tag_id}", token).get_json() == tag
    taggings = call(tag["_links"]["osdi:taggings"]["href"], token).get_json()
    assert taggings["total_records"] == 2
    first = taggings["_embedded"]["osdi:taggings"][0]
    assert first["item_type"] == "osdi:person"
    assert first["_links"]["osdi:person"] == {"href": f"http://localhost/api/v1/people/{ana}"}
    assert first["_links"]["osdi:tag"] == {"href": f"http://localhost/api/v1/tags/{tag_id}"}
    assert call(first["_links"]["self"]["href"], token).get_json() == first
    assert call(first["_links"]["osdi:person"]["href"], token).status_code == 200


def test_renaming_a_tag_moves_its_modified_date(db, coalition, make_key, call):
    tag_id = add_tag(coalition, "Vecinos", [])
    tags.rename_tag(db.session.get(Tag, tag_id), "Vecinos de Pilsen")
    db.session.commit()
    tag = call(f"/api/v1/tags/{tag_id}", make_key(coalition)).get_json()
    assert tag["name"] == "Vecinos de Pilsen"
    assert tag["created_date"] == "2026-03-01T15:30:00Z" and tag["modified_date"] > "2026-03-02T09:00:00Z"


def test_tags_are_paged(coalition, make_key, call):
    for number in range(3):
        add_tag(coalition, f"Tag {number}", [])
    body = call("/api/v1/tags", make_key(coalition), per_page=2, page=2).get_json()
    assert (body["total_records"], body["total_pages"], len(body["_embedded"]["osdi:tags"])) == (3, 2, 1)
    assert body["_links"]["prev"]["href"].endswith("/api/v1/tags?page=1&per_page=2")


def test_only_people_on_file_are_in_taggings(db, coalition, add_people, make_key, call):
    """An erased person loses their taggings; one only typed into a public form is never shown,
    whatever the table holds."""
    ana, ben = add_people(coalition)
    typed = supporters.upsert_supporter(
        coalition.id, email="typed@example.org", first_name="T", language="en"
    )
    tag_id = add_tag(coalition, "Volunteers", [ana, ben])
    db.session.add(Tagging(tag_id=tag_id, supporter_id=typed.id))  # as no service would
    supporters.erase_supporter_data("ben@example.org")
    db.session.commit()
    token = make_key(coalition)
    body = call(f"/api/v1/tags/{tag_id}/taggings", token).get_json()
    people = [each["_links"]["osdi:person"]["href"] for each in body["_embedded"]["osdi:taggings"]]
    assert people == [f"http://localhost/api/v1/people/{ana}"] and body["total_records"] == 1
    hidden = db.session.scalar(select(Tagging.id).where(Tagging.supporter_id == typed.id))
    assert call(f"/api/v1/tags/{tag_id}/taggings/{hidden}", token).status_code == 404


def test_reading_tags_needs_read_people(coalition, add_people, make_key, call):
    """A tag's name says something about the people carrying it."""
    ana, _ = add_people(coalition)
    tag_id = add_tag(coalition, "DACA recipients", [ana])
    tagging_id = db.session.scalar(select(Tagging.id))
    paths = [
        "/api/v1/tags",
        f"/api/v1/tags/{tag_id}",
        f"/api/v1/tags/{tag_id}/taggings",
        f"/api/v1/tags/{tag_id}/taggings/{tagging_id}",
    ]
    for scope in (Scope.READ_COUNTS, Scope.WRITE):
        token = make_key(coalition, scope)
        for path in paths:
            response = call(path, token)
            assert response.status_code == 403 and "DACA" not in response.get_data(as_text=True), (
                scope,
                path,
            )
        assert "osdi:tags" not in call("/api/v1/", token).get_json()["_links"]
    assert "osdi:tags" in call("/api/v1/", make_key(coalition)).get_json()["_links"]


def test_another_coalitions_tags_are_not_found(
    db, coalition, add_people, make_key, call, client, make_user, make_coalition
):
    ana, _ = add_people(coalition)
    tag_a = add_tag(coalition, "Volunteers", [ana])
    tagging_a = db.session.scalar(select(Tagging.id))
    other = make_coalition(make_user(email="b@example.org"), name="Coalition B")
    (cy,) = add_people(other, [{"email": "cy@example.org", "first_name": "Cy", "language": "en"}])
    tag_b = add_tag(other, "Volunteers", [cy])
    token_b = make_key(other)
    assert [t["identifiers"] for t in call("/api/v1/tags", token_b).get_json()["_embedded"]["osdi:tags"]] == [
        [f"campaign_desk:{tag_b}"]
    ]
    for path in (
        f"/api/v1/tags/{tag_a}",
        f"/api/v1/tags/{tag_a}/taggings",
        f"/api/v1/tags/{tag_b}/taggings/{tagging_a}",
    ):
        assert call(path, token_b).status_code == 404, path
    write_b = make_key(other, Scope.WRITE)
    assert post(client, f"/api/v1/tags/{tag_a}/taggings", write_b, person_link(cy)).status_code == 404
    # A's person through B's tag: answered as any tagging is, and nobody is tagged.
    assert post(client, f"/api/v1/tags/{tag_b}/taggings", write_b, person_link(ana)).status_code == 200
    assert (
        db.session.scalar(select(Tagging.id).where(Tagging.tag_id == tag_b, Tagging.supporter_id == ana))
        is None
    )


def test_taggings_read_are_logged_with_their_key(coalition, add_people, make_key, call):
    ana, ben = add_people(coalition)
    tag_id = add_tag(coalition, "Volunteers", [ana, ben])
    tagging_id = db.session.scalar(select(func.min(Tagging.id)))
    token = make_key(coalition)
    key_id = db.session.scalar(select(ApiKey.id))
    call("/api/v1/tags", token)  # names of tags, nobody's data
    call(f"/api/v1/tags/{tag_id}/taggings", token)
    call(f"/api/v1/tags/{tag_id}/taggings/{tagging_id}", token)
    logged = db.session.execute(select(ExportLog.api_key_id, ExportLog.what, ExportLog.row_count)).all()
    assert logged == [
        (key_id, f"api:tags:{tag_id}:taggings", 2),
        (key_id, f"api:tags:{tag_id}:taggings:{tagging_id}", 1),
    ]


def test_a_write_key_tags_a_person_once_and_gets_links_only(coalition, add_people, make_key, client):
    ana, _ = add_people(coalition)
    tag_id = add_tag(coalition, "DACA recipients", [])
    token = make_key(coalition, Scope.WRITE)
    first = post(client, f"/api/v1/tags/{tag_id}/taggings", token, person_link(ana))
    assert first.status_code == 200 and first.mimetype == "application/hal+json"
    again = post(client, f"/api/v1/tags/{tag_id}/taggings", token, person_link(ana))
    assert again.get_json() == first.get_json()  # a retry or a double click: one tagging
    assert db.session.scalars(select(Tagging.supporter_id)).all() == [ana]
    text = first.get_data(as_text=True)
    assert "DACA" not in text and "ana@example.org" not in text and "Ana" not in text
    assert first.get_json()["_links"]["osdi:person"]["href"] == f"http://localhost/api/v1/people/{ana}"
    assert (
        post(client, f"/api/v1/tags/{tag_id}/taggings", make_key(coalition), person_link(ana)).status_code
        == 403
    )


def test_a_tagging_needs_a_person_on_file_and_a_link_to_them(db, coalition, add_people, make_key, client):
    """Someone only typed into a form, someone erased, an id nobody has: nobody is tagged, and
    the answer is the one a person on file gets (links to what was asked), so that a write key
    cannot find who is on file by trying ids. A body without such a link is a 400."""
    ana, ben = add_people(coalition)
    typed = supporters.upsert_supporter(
        coalition.id, email="typed@example.org", first_name="T", language="en"
    )
    supporters.erase_supporter_data("ben@example.org")
    db.session.commit()
    tag_id = add_tag(coalition, "Volunteers", [])
    token = make_key(coalition, Scope.WRITE)
    for person_id in (typed.id, ben, 999_999):
        answer = post(client, f"/api/v1/tags/{tag_id}/taggings", token, person_link(person_id))
        assert answer.status_code == 200, person_id
        assert answer.get_json()["_links"]["osdi:person"] == person_link(person_id)["_links"]["osdi:person"]
        assert set(answer.get_json()) == {"item_type", "_links"}
    refused = [
        person_link(99999999999),  # beyond any id: no person's link
        {"_links": {"osdi:person": {"href": f"http://localhost/api/v1/tags/{tag_id}"}}},
        {"_links": {"osdi:person": {"href": "http://[::1"}}},
        {"_links": {"osdi:person": {"href": f"/api/v1/people/{ana}\x00"}}},
        {"_links": {"osdi:person": f"/api/v1/people/{ana}"}},
        {"person_id": ana},
        [],
    ]
    for body in refused:
        response = post(client, f"/api/v1/tags/{tag_id}/taggings", token, body)
        assert response.status_code == 400 and set(response.get_json()) == {"error"}, body
    assert db.session.scalar(select(Tagging.id)) is None
    # The path is what counts: a link built on another copy of the URL (behind a proxy) is fine.
    relative = {"_links": {"osdi:person": {"href": f"/api/v1/people/{ana}"}}}
    assert post(client, f"/api/v1/tags/{tag_id}/taggings", token, relative).status_code == 200


def test_an_unknown_tag_or_tagging_is_not_found(coalition, add_people, make_key, call):
    ana, _ = add_people(coalition)
    tag_id = add_tag(coalition, "Volunteers", [ana])
    token = make_key(coalition)
    for path in ("/api/v1/tags/999", f"/api/v1/tags/{tag_id}/taggings/999", "/api/v1/tags/99999999999"):
        response = call(path, token)
        assert response.status_code == 404 and response.get_json() == {"error": "Not found"}, path
