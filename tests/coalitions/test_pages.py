"""Every coalition page renders, in English and in Spanish, for an owner."""

import pytest

from campaign.coalitions import services


@pytest.mark.parametrize("language", ["en", "es"])
def test_pages_render(client, db, owner, make_coalition, invite_org, language, mailbox):
    coalition = make_coalition(owner)
    membership = invite_org(coalition, owner, "CHIRLA", sector="grassroots", scope="local")
    services.accept(membership)
    db.session.commit()
    invitation = mailbox.last_link("contact@chirla.example", "/invitations/").replace("http://localhost", "")
    base = f"/coalitions/{coalition.slug}"
    org = f"{base}/organizations/{membership.organization_id}"
    paths = [
        "/dashboard",
        "/coalitions/new",
        base,
        f"{base}/members",
        f"{base}/members/invite",
        f"{base}/members/{membership.id}/remove",
        f"{base}/team",
        f"{org}/edit",
        f"{org}/link",
        invitation,
        f"/c/{coalition.slug}",
    ]
    client.get(f"/language/{language}")
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in response.get_data(as_text=True)
    edit = client.get(f"{org}/edit").get_data(as_text=True)
    assert '<option selected value="grassroots">' in edit and '<option selected value="local">' in edit
