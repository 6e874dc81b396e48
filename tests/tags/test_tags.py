"""Tags: naming them, tagging supporters from their list, the filter, and the alert audience."""

import pytest
from sqlalchemy import func, select

from campaign.notifications import audience
from campaign.supporters import services as supporters
from campaign.tags import services as tags
from campaign.tags.models import Tag, Tagging


def _tags_url(coalition, *parts):
    return "/".join([f"/coalitions/{coalition.slug}/tags", *map(str, parts)])


def _new(client, coalition, name):
    return client.post(_tags_url(coalition, "new"), data={"name": name})


def _tag_names(coalition):
    return [tag.name for tag in tags.tags_of(coalition.id)]


def _tagging(client, coalition, tag, supporter_ids, button="add", **extra):
    data = {"supporters": [str(i) for i in supporter_ids], "tag": str(tag.id), button: "1"} | extra
    return client.post(f"/coalitions/{coalition.slug}/supporters/tagging", data=data)


def test_an_organizer_creates_renames_and_deletes_a_tag(client, db, coalition, add_supporter):
    page = _new(client, coalition, "  Volunteers  ")
    assert page.status_code == 302
    tag = tags.tags_of(coalition.id)[0]
    assert tag.name == "Volunteers"
    ana = add_supporter("ana@example.org")
    tags.tag([ana.id], tag)
    db.session.commit()
    listing = client.get(_tags_url(coalition)).get_data(as_text=True)
    assert "Volunteers" in listing and "1 supporter<" in listing
    renamed = client.post(_tags_url(coalition, tag.id, "rename"), data={f"tag-{tag.id}-name": "Voluntarios"})
    assert renamed.status_code == 302 and _tag_names(coalition) == ["Voluntarios"]
    confirm = client.get(_tags_url(coalition, tag.id, "delete")).get_data(as_text=True)
    assert "1 supporter carries it" in confirm
    assert client.post(_tags_url(coalition, tag.id, "delete")).status_code == 302
    assert _tag_names(coalition) == []
    assert db.session.scalar(select(func.count()).select_from(Tagging)) == 0
    assert supporters.find_supporter(coalition.id, "ana@example.org") is not None  # the person stays


@pytest.mark.parametrize("typed", ["volunteers", "VOLUNTEERS", "Vólunteers", "  volunteers "])
def test_a_duplicate_name_is_refused_keeping_what_was_typed(client, db, coalition, typed):
    _new(client, coalition, "Volunteers")
    page = _new(client, coalition, typed)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is already a tag named “Volunteers”: choose another name." in text
    assert f'value="{typed.strip()}"' in text
    assert _tag_names(coalition) == ["Volunteers"]


def test_renaming_onto_another_tag_is_refused_and_to_its_own_name_in_capitals_is_not(client, db, coalition):
    _new(client, coalition, "Pilsen")
    _new(client, coalition, "Little Village")
    pilsen = next(tag for tag in tags.tags_of(coalition.id) if tag.name == "Pilsen")
    refused = client.post(
        _tags_url(coalition, pilsen.id, "rename"), data={f"tag-{pilsen.id}-name": "little village"}
    )
    assert "There is already a tag named “Little Village”" in refused.get_data(as_text=True)
    assert 'value="little village"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert sorted(_tag_names(coalition)) == ["Little Village", "Pilsen"]
    client.post(_tags_url(coalition, pilsen.id, "rename"), data={f"tag-{pilsen.id}-name": "PILSEN"})
    db.session.expire_all()
    assert sorted(_tag_names(coalition)) == ["Little Village", "PILSEN"]


def test_the_same_name_in_two_coalitions_is_two_tags(client, db, coalition, other_coalition):
    assert _new(client, coalition, "theirs").status_code == 302
    assert _tag_names(coalition) == ["theirs"] and _tag_names(other_coalition) == ["Theirs"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Vol\x00unteers", "invisible control characters"),
        ("Vol\r\nunteers", "single line"),
        ("Vol\u202eunteers", "invisible control characters"),
        ("x" * 101, "Use at most 100 characters."),
        ("x" * 10_000, "Use at most 100 characters."),
        ("<b>Bold</b>", "Use plain text here"),
        ("   ", "Give the tag a name."),
    ],
)
def test_hostile_names_are_refused_with_a_message(client, db, coalition, typed, message):
    page = _new(client, coalition, typed)
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert _tag_names(coalition) == []


def test_spanish_messages(client, db, coalition):
    client.get("/language/es")
    _new(client, coalition, "Vecinos")
    page = _new(client, coalition, "vecinos").get_data(as_text=True)
    assert "Ya hay una etiqueta llamada “Vecinos”: elige otro nombre." in page
    assert "Etiquetas" in client.get(_tags_url(coalition)).get_data(as_text=True)


def test_tagging_and_untagging_from_the_supporters_list_twice_is_harmless(
    client, db, coalition, add_supporter
):
    tag = tags.create_tag(coalition.id, "Volunteers", None)
    ana, ben, cy = (
        add_supporter(f"{name}@example.org", first_name=name.title()) for name in ("ana", "ben", "cy")
    )
    listing = client.get(f"/coalitions/{coalition.slug}/supporters").get_data(as_text=True)
    assert f'name="supporters" value="{ana.id}"' in listing and "Ana R." in listing
    assert "ana@example.org" not in listing  # contact details are never shown
    for _ in range(2):  # a double click
        page = _tagging(client, coalition, tag, [ana.id, ben.id])
        assert page.status_code == 302
    assert set(db.session.scalars(tags.tagged_ids(tag.id))) == {ana.id, ben.id}
    shown = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "0 supporters newly tagged “Volunteers”." in shown
    for _ in range(2):
        _tagging(client, coalition, tag, [ben.id], button="remove")
    assert set(db.session.scalars(tags.tagged_ids(tag.id))) == {ana.id}
    assert cy.id not in set(db.session.scalars(tags.tagged_ids(tag.id)))


def test_the_list_filters_by_tag_and_keeps_the_filter_after_tagging(client, db, coalition, add_supporter):
    tag = tags.create_tag(coalition.id, "Pilsen", None)
    ana, ben = add_supporter("ana@example.org"), add_supporter("ben@example.org", first_name="Ben")
    tags.tag([ana.id], tag)
    db.session.commit()
    filtered = client.get(f"/coalitions/{coalition.slug}/supporters?tag={tag.id}").get_data(as_text=True)
    assert f'value="{ana.id}"' in filtered and f'value="{ben.id}"' not in filtered
    back = _tagging(client, coalition, tag, [ana.id], button="remove", shown_tag=str(tag.id))
    assert back.headers["Location"].endswith(f"/supporters?tag={tag.id}")
    assert "Nobody on file matches." in client.get(back.headers["Location"]).get_data(as_text=True)


def test_nothing_selected_or_no_tag_chosen_says_so(client, db, coalition, add_supporter):
    tag = tags.create_tag(coalition.id, "Pilsen", None)
    ana = add_supporter("ana@example.org")
    db.session.commit()
    page = client.post(
        f"/coalitions/{coalition.slug}/supporters/tagging",
        data={"tag": str(tag.id), "add": "1"},
        follow_redirects=True,
    )
    assert "Select at least one supporter." in page.get_data(as_text=True)
    page = client.post(
        f"/coalitions/{coalition.slug}/supporters/tagging",
        data={"supporters": [str(ana.id)], "tag": "", "add": "1"},
        follow_redirects=True,
    )
    assert "Choose a tag." in page.get_data(as_text=True)
    for hostile in ("x\x00", "9" * 10_000, "{'a': 1}"):
        page = client.post(
            f"/coalitions/{coalition.slug}/supporters/tagging",
            data={"supporters": [hostile], "tag": hostile, "add": "1", "shown_page": hostile},
        )
        assert page.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Tagging)) == 0


def test_the_alert_audience_counts_only_subscribed_tagged_supporters_of_this_coalition(
    app, client, db, coalition, add_supporter, other_coalition
):
    tag = tags.create_tag(coalition.id, "Volunteers", None)
    ana = add_supporter("ana@example.org")
    unsubscribed = add_supporter("ben@example.org", subscribed=False)
    add_supporter("cy@example.org")  # subscribed, not tagged
    theirs = add_supporter("dee@example.org", of=other_coalition)
    their_tag = tags.tags_of(other_coalition.id)[0]
    tags.tag([ana.id, unsubscribed.id], tag)
    tags.tag([theirs.id], their_tag)
    db.session.commit()
    with app.test_request_context():
        offered = dict(audience.options(coalition.id))
    assert offered[f"tag:{tag.id}"] == "Supporters tagged: Volunteers"
    assert f"tag:{their_tag.id}" not in offered
    assert audience.count(coalition.id, {"source": "tag", "source_id": tag.id}) == 1
    assert audience.count(coalition.id, {"source": "tag", "source_id": their_tag.id}) == 0
    compose = client.get(f"/coalitions/{coalition.slug}/alerts/new").get_data(as_text=True)
    assert f'value="tag:{tag.id}"' in compose and f'value="tag:{their_tag.id}"' not in compose


def test_erasure_removes_the_taggings_and_the_copy_of_the_data_lists_them(db, coalition, add_supporter):
    tag = tags.create_tag(coalition.id, "Volunteers", None)
    ana = add_supporter("ana@example.org")
    tags.tag([ana.id], tag)
    db.session.commit()
    exported = supporters.export_supporter_data("ana@example.org")
    assert any(line.endswith("· tag · Volunteers") for line in exported[0]["activity"])
    supporters.erase_supporter_data("ana@example.org")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Tagging)) == 0
    assert tags.tag([ana.id], tag) == 0  # an erased person is never tagged again
    assert db.session.get(Tag, tag.id) is not None
