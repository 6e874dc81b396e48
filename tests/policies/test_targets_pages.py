"""The organizer's target page and the "Aimed at" block on campaign pages: who may do what,
what bad input gets back, what the public sees."""

from datetime import date

import pytest
from sqlalchemy import func, select

from campaign.coalitions import services as coalitions
from campaign.coalitions.models import CoalitionRole, Role
from campaign.extensions import db
from campaign.notifications.models import Message, MessageKind
from campaign.policies import services, targets
from campaign.policies.models import CampaignTarget, JurisdictionKind, MeasureStage
from tests.policies.campaigns import campaigns, county, measure, public_entry

ORGANIZER_PAGES = {
    "letter": "/coalitions/{slug}/letters/{id}",
    "petition": "/coalitions/{slug}/petitions/{id}",
    "action": "/coalitions/{slug}/actions/{id}",
}
PUBLIC_PAGES = {"letter": "/letters/{slug}", "petition": "/petitions/{slug}", "action": "/actions/{slug}"}


@pytest.fixture
def made(app, db, coalition):
    return campaigns(coalition, coalition.roles[0].user)


def _page(coalition, kind, campaign) -> str:
    return f"/coalitions/{coalition.slug}/policies/targets/{kind}/{campaign.id}"


def _targets():
    return db.session.scalars(select(CampaignTarget)).all()


def test_an_organizer_aims_a_petition_at_a_county_and_every_page_says_so(client, coalition, made):
    page = _page(coalition, "petition", made["petition"])
    assert "Add a target" in client.get(page).get_data(as_text=True)
    form = {"level": "county", "state": "CA", "county_name": "los angeles", "officials": "the sheriff"}
    response = client.post(page, data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    (target,) = _targets()
    assert target.jurisdiction.fips == "06037" and target.officials == "the sheriff"
    organizer = client.get(ORGANIZER_PAGES["petition"].format(slug=coalition.slug, id=made["petition"].id))
    assert "Los Angeles County, CA" in organizer.get_data(as_text=True)
    assert page in organizer.get_data(as_text=True)
    public = client.get(PUBLIC_PAGES["petition"].format(slug=made["petition"].slug)).get_data(as_text=True)
    assert "Aimed at:" in public and "Los Angeles County, CA (the sheriff)" in public
    assert page not in public and "/policies/jurisdictions/" not in public  # no public entries yet


@pytest.mark.parametrize("kind", ["letter", "petition", "action"])
def test_the_block_is_on_the_organizer_and_public_page_of_each_kind(app, client, coalition, made, kind):
    campaign = made[kind]
    philadelphia = county("Philadelphia", "PA")
    public_entry(coalition.id, philadelphia)
    with app.test_request_context():
        targets.aim(campaign, kind, philadelphia, "the mayor", None, coalition.roles[0].user_id)
    db.session.commit()
    link = f'href="/policies/jurisdictions/{philadelphia.id}"'
    for url in (
        ORGANIZER_PAGES[kind].format(slug=coalition.slug, id=campaign.id),
        PUBLIC_PAGES[kind].format(slug=campaign.slug),
    ):
        text = client.get(url).get_data(as_text=True)
        assert "Philadelphia (city and county), PA" in text and "(the mayor)" in text and link in text, url


def test_won_shows_when_the_linked_measure_passes_and_goes_when_moved_back(client, coalition, made):
    owner_id = coalition.roles[0].user_id
    philadelphia = county("Philadelphia", "PA")
    ordinance = measure(coalition.id, philadelphia)
    services.set_tracker_shared(coalition.id, True)
    page = _page(coalition, "petition", made["petition"])
    form = {"level": "county", "state": "PA", "county_name": "Philadelphia", "measure_id": str(ordinance.id)}
    assert client.post(page, data=form).status_code == 302
    public = PUBLIC_PAGES["petition"].format(slug=made["petition"].slug)
    assert "Won:" not in client.get(public).get_data(as_text=True)
    assert "Tell signers we won" not in client.get(page).get_data(as_text=True)
    services.set_stage(ordinance, MeasureStage.PASSED, date(2030, 3, 4), "", owner_id)
    db.session.commit()
    assert "Won: Ordinance 101 passed on March 4, 2030" in client.get(public).get_data(as_text=True)
    client.get("/language/es")
    assert "Ganamos: Ordinance 101 se aprobó el 4 de marzo de 2030" in client.get(public).get_data(
        as_text=True
    )
    client.get("/language/en")
    assert "Tell signers we won" in client.get(page).get_data(as_text=True)
    services.set_stage(ordinance, MeasureStage.VOTE, date(2030, 3, 5), "clicked by mistake", owner_id)
    db.session.commit()
    assert "Won:" not in client.get(public).get_data(as_text=True)
    assert "Tell signers we won" not in client.get(page).get_data(as_text=True)


def test_the_jurisdiction_page_says_won_once(client, coalition, made):
    philadelphia = county("Philadelphia", "PA")
    ordinance = measure(coalition.id, philadelphia)
    public_entry(coalition.id, philadelphia)
    targets.aim(made["petition"], "petition", philadelphia, "the council", ordinance.id, None)
    services.set_stage(ordinance, MeasureStage.PASSED, date(2030, 3, 4), "", None)
    db.session.commit()
    page = f"/policies/jurisdictions/{philadelphia.id}"
    english = client.get(page).get_data(as_text=True)
    assert english.count("Won:") == 1 and "Won: Ordinance 101 passed on March 4, 2030" in english
    client.get("/language/es")
    spanish = client.get(page).get_data(as_text=True)
    assert spanish.count("Ganamos:") == 1 and "Ganamos: Ordinance 101 se aprobó" in spanish


def test_tell_signers_twice_makes_one_draft_to_the_petitions_signers(client, coalition, made):
    owner_id = coalition.roles[0].user_id
    philadelphia = county("Philadelphia", "PA")
    ordinance = measure(coalition.id, philadelphia)
    page = _page(coalition, "petition", made["petition"])
    client.post(
        page,
        data={"level": "county", "state": "PA", "county_name": "Philadelphia", "measure_id": ordinance.id},
    )
    tell = f"{page}/won/{ordinance.id}"
    assert client.post(tell).status_code == 404  # not passed yet
    services.set_stage(ordinance, MeasureStage.PASSED, date(2030, 3, 4), "", owner_id)
    db.session.commit()
    first, second = client.post(tell), client.post(tell)
    alert = db.session.scalar(select(Message).where(Message.kind == MessageKind.ALERT))
    assert (
        first.headers["Location"]
        == second.headers["Location"]
        == f"/coalitions/{coalition.slug}/alerts/{alert.id}"
    )
    assert alert.audience == {"source": "petition", "source_id": made["petition"].id}
    assert (
        db.session.scalar(select(func.count()).select_from(Message).where(Message.kind == MessageKind.ALERT))
        == 1
    )
    shown = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Signers of the petition" in shown


def test_a_county_name_meaning_several_is_asked_about(client, coalition, made):
    page = _page(coalition, "letter", made["letter"])
    form = {"level": "county", "state": "VA", "county_name": "Richmond", "officials": "the board"}
    asked = client.post(page, data=form)
    text = asked.get_data(as_text=True)
    assert asked.status_code == 400 and "more than one place of that name" in text
    assert "Richmond County" in text and "Richmond (independent city)" in text and 'value="the board"' in text
    assert client.post(page, data=form | {"county_fips": "51760"}).status_code == 302
    assert [target.jurisdiction.fips for target in _targets()] == ["51760"]


def test_a_city_is_added_in_its_county(client, coalition, made):
    page = _page(coalition, "action", made["action"])
    form = {
        "level": "city",
        "state": "CA",
        "city_name": "Oakland",
        "county_name": "Alameda",
        "officials": "the council",
    }
    assert client.post(page, data=form).status_code == 302
    (target,) = _targets()
    assert target.jurisdiction.kind == JurisdictionKind.CITY and target.jurisdiction.county_fips == "06001"
    assert "Oakland, CA" in client.get(page).get_data(as_text=True)


def test_bad_input_says_what_is_wrong_and_keeps_what_was_typed(client, coalition, made):
    page = _page(coalition, "petition", made["petition"])
    form = {
        "level": "county",
        "state": "CA",
        "county_name": "Atlantis",
        "officials": "the sheriff of Atlantis",
    }
    response = client.post(page, data=form)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "No county of that name" in text
    assert 'value="Atlantis"' in text and 'value="the sheriff of Atlantis"' in text
    missing = client.post(page, data={"level": "city", "state": "CA", "city_name": "Oakland"})
    assert missing.status_code == 400 and "Enter the county&#39;s name." in missing.get_data(as_text=True)
    client.get("/language/es")
    spanish = client.post(page, data=form).get_data(as_text=True)
    assert "No hay ningún condado con ese nombre" in spanish
    assert _targets() == []


@pytest.mark.parametrize(
    "form",
    [
        "level=%00&state=CA%00&city_name=%ff%fe&county_name=%c0%af",
        {"level": "county", "state": "ZZ", "county_name": "x" * 5000},
        {
            "level": "county",
            "state": "CA",
            "county_name": "Los Angeles",
            "measure_id": "9999999999999999999999",
        },
        {
            "level": "county",
            "state": "CA",
            "county_name": "Los Angeles",
            "measure_id": "-1",
            "county_fips": "<script>",
        },
        {"level": "state", "state": "", "officials": "<b>sheriff</b>"},
    ],
)
def test_hostile_bytes_get_no_server_error(client, coalition, made, form):
    page = _page(coalition, "letter", made["letter"])
    raw = {"content_type": "application/x-www-form-urlencoded"} if isinstance(form, str) else {}
    assert client.post(page, data=form, **raw).status_code == 400
    assert _targets() == []


def test_another_coalition_reaches_neither_the_campaign_nor_links_its_measure(
    client, coalition, made, make_user, login
):
    owner = coalition.roles[0].user
    outsider = make_user(email="b@example.org")
    other = coalitions.create_coalition(outsider, "Coalition B", "", "")
    db.session.commit()
    theirs = measure(other.id, county("Philadelphia", "PA"))
    mine = _page(coalition, "petition", made["petition"])
    # The owner of A cannot link B's measure: it is not among the choices, and is refused.
    linked = client.post(
        mine, data={"level": "county", "state": "PA", "county_name": "Philadelphia", "measure_id": theirs.id}
    )
    assert linked.status_code == 400 and _targets() == []
    login("b@example.org")
    form = {"level": "county", "state": "CA", "county_name": "Los Angeles"}
    assert client.get(mine).status_code == 404 and client.post(mine, data=form).status_code == 404
    under_b = f"/coalitions/{other.slug}/policies/targets/petition/{made['petition'].id}"
    assert client.get(under_b).status_code == 404 and client.post(under_b, data=form).status_code == 404
    assert _targets() == [] and owner.id != outsider.id


def test_a_viewer_sees_the_targets_and_changes_nothing(client, coalition, made, make_user, login):
    philadelphia = county("Philadelphia", "PA")
    target = targets.aim(
        made["letter"], "letter", philadelphia, "the mayor", None, coalition.roles[0].user_id
    )
    viewer = make_user(email="viewer@example.org")
    db.session.add(CoalitionRole(coalition=coalition, user=viewer, role=Role.VIEWER))
    db.session.commit()
    login("viewer@example.org")
    page = _page(coalition, "letter", made["letter"])
    shown = client.get(page).get_data(as_text=True)
    assert "the mayor" in shown and "Add a target" not in shown and "Remove" not in shown
    assert client.post(page, data={"level": "state", "state": "CA"}).status_code == 403
    assert client.post(f"{page}/{target.id}/remove").status_code == 403
    assert len(_targets()) == 1


def test_a_target_is_removed_only_from_its_own_campaign(client, coalition, made):
    philadelphia = county("Philadelphia", "PA")
    target = targets.aim(made["letter"], "letter", philadelphia, "", None, coalition.roles[0].user_id)
    db.session.commit()
    assert (
        client.post(f"{_page(coalition, 'petition', made['petition'])}/{target.id}/remove").status_code == 404
    )
    assert client.post(f"{_page(coalition, 'letter', made['letter'])}/{target.id}/remove").status_code == 302
    assert _targets() == []
