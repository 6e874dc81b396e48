"""Who else reaches tags: a viewer, another coalition with forged ids, a stranger with a link."""

from sqlalchemy import func, select

from campaign.tags import services as tags
from campaign.tags.models import Tagging


def _posts(coalition, tag, supporter_id):
    base = f"/coalitions/{coalition.slug}"
    return [
        (f"{base}/tags/new", {"name": "Forged"}),
        (f"{base}/tags/{tag.id}/rename", {f"tag-{tag.id}-name": "Forged"}),
        (f"{base}/tags/{tag.id}/delete", {}),
        (f"{base}/supporters/tagging", {"supporters": [str(supporter_id)], "tag": str(tag.id), "add": "1"}),
    ]


def _unchanged(db, coalition):
    db.session.expire_all()
    assert [tag.name for tag in tags.tags_of(coalition.id)] == ["Volunteers"]


def test_a_viewer_sees_tags_but_no_buttons_and_every_post_is_403(
    client, db, coalition, add_supporter, viewer
):
    tag = tags.create_tag(coalition.id, "Volunteers", None)
    ana = add_supporter("ana@example.org")
    tags.tag([ana.id], tag)
    db.session.commit()
    page = client.get(f"/coalitions/{coalition.slug}/tags").get_data(as_text=True)
    assert "Volunteers" in page and "1 supporter" in page
    assert "/rename" not in page and "/delete" not in page and 'name="name"' not in page
    listing = client.get(f"/coalitions/{coalition.slug}/supporters").get_data(as_text=True)
    # The list of names is for those who act on it: a viewer reads the counts.
    assert "Ana" not in listing and 'name="supporters"' not in listing and "/tagging" not in listing
    assert client.get(f"/coalitions/{coalition.slug}/tags/{tag.id}/delete").status_code == 403
    for url, data in _posts(coalition, tag, ana.id):
        assert client.post(url, data=data).status_code == 403, url
    _unchanged(db, coalition)
    assert db.session.scalar(select(func.count()).select_from(Tagging)) == 1


def test_another_coalitions_tag_or_supporter_is_not_found_or_not_tagged(
    client, db, coalition, add_supporter, other_coalition
):
    """Logged in as A's organizer: B's tag in A's URLs is 404, B's supporter is never tagged."""
    tag = tags.create_tag(coalition.id, "Volunteers", None)
    ana = add_supporter("ana@example.org")
    theirs = add_supporter("dee@example.org", of=other_coalition)
    their_tag = tags.tags_of(other_coalition.id)[0]
    db.session.commit()
    base = f"/coalitions/{coalition.slug}"
    assert client.get(f"{base}/tags/{their_tag.id}/delete").status_code == 404
    assert (
        client.post(f"{base}/tags/{their_tag.id}/rename", data={f"tag-{their_tag.id}-name": "X"}).status_code
        == 404
    )
    assert client.post(f"{base}/tags/{their_tag.id}/delete").status_code == 404
    assert client.get(f"{base}/supporters?tag={their_tag.id}").status_code == 404
    assert client.get(f"{base}/supporters?tag=nonsense").status_code == 404
    # B's tag on A's supporter, and A's tag on B's supporter: refused as choices not offered.
    client.post(
        f"{base}/supporters/tagging", data={"supporters": [str(ana.id)], "tag": str(their_tag.id), "add": "1"}
    )
    client.post(
        f"{base}/supporters/tagging", data={"supporters": [str(theirs.id)], "tag": str(tag.id), "add": "1"}
    )
    assert db.session.scalar(select(func.count()).select_from(Tagging)) == 0
    assert tags.tag([theirs.id], tag) == 0  # the service refuses too, whoever calls it
    assert [t.name for t in tags.tags_of(other_coalition.id)] == ["Theirs"]
    # B's organizer gets 404 on all of A's tag routes.
    client.post("/accounts/logout")
    client.post("/accounts/login", data={"email": "owner-b@example.org", "password": "correct horse battery"})
    assert client.get(f"{base}/tags").status_code == 404
    for url, data in _posts(coalition, tag, ana.id):
        assert client.post(url, data=data).status_code == 404, url
    _unchanged(db, coalition)


def test_a_stranger_with_a_forwarded_link_is_sent_to_log_in(client, db, coalition, add_supporter):
    tag = tags.create_tag(coalition.id, "Volunteers", None)
    ana = add_supporter("ana@example.org")
    db.session.commit()
    client.post("/accounts/logout")
    page = client.get(f"/coalitions/{coalition.slug}/tags")
    assert page.status_code == 302 and "/accounts/login" in page.headers["Location"]
    for url, data in _posts(coalition, tag, ana.id):
        assert client.post(url, data=data).status_code in (302, 401, 403), url
    _unchanged(db, coalition)
    assert db.session.scalar(select(func.count()).select_from(Tagging)) == 0
