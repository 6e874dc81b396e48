"""Access: every coalition route, walked as an outsider and as a viewer, is refused.

The walk reads app.url_map, so routes that later features add under /coalitions/<slug>/ are
covered without changing this file.
"""

import re
from datetime import date, datetime

import pytest
from flask import url_for
from sqlalchemy import select

from campaign.actions import services as actions
from campaign.actions.models import EventKind, EventState
from campaign.api.webhooks import services as webhooks
from campaign.coalitions import services
from campaign.coalitions.models import CoalitionRole, Role
from campaign.letters import services as letters
from campaign.letters import signing
from campaign.letters.models import Letter
from campaign.notifications import services as alerts
from campaign.organizations.models import Organization
from campaign.petitions import paper
from campaign.petitions import services as petitions
from campaign.policies import measures as policy_measures
from campaign.policies import services as policies
from campaign.policies.models import PolicyImport
from campaign.supporters import services as supporters
from campaign.supporters.models import ImportState, SupporterImport
from campaign.tags import services as tags

PETITION = {"title": "End ICE holds", "target": "The Mayor", "ask": "Sign the order.", "goal": 100}
LETTER = {"title": "End 287(g)", "body": "Dear Secretary,"}
DAY = {
    "title": "Day of action",
    "title_es": "",
    "description": "",
    "description_es": "",
    "demand": "",
    "demand_es": "",
    "starts_on": date(2030, 5, 29),
    "ends_on": date(2030, 5, 29),
    "proposals_open": True,
}
EVENT = {
    "title": "Vigil",
    "title_es": "",
    "kind": EventKind.VIGIL,
    "description": "",
    "description_es": "",
    "venue": "",
    "address": "1 Main St",
    "address_public": False,
    "capacity": None,
    "accessibility": "",
    "languages": "en",
    "marshals": False,
    "legal_observers": False,
    "hotline": "",
    "safety_notes": "",
    "zip_code": "90012",
    "starts_at": datetime(2030, 5, 29, 18),
    "ends_at": datetime(2030, 5, 29, 19),
}
SIGN_ON = {
    "kind": "organization",
    "organization_name": "Signer's Own Group",
    "signer_name": "Sam Signer",
    "email": "sam@signers.example",
    "city": "Fresno",
    "us_state": "CA",
}
MEASURE = {
    "title": "Los Angeles ordinance on ICE holds",
    "body": "City Council",
    "introduced_on": None,
    "summary_en": "",
    "summary_es": "",
    "source_url": "",
    "public": False,
}
POLICY_ENTRY = {
    "kind": "detainers",
    "status": "refuses",
    "body": "Sheriff",
    "source_url": "https://example.org/",
}
ALERT = {"subject": "Rally", "body": "Friday", "subject_es": "", "body_es": "", "audience": {}}

WRITE_ROUTES_WITH_FORMS = {
    "coalitions.invite",
    "coalitions.remove_member",
    "coalitions.team",
    "coalitions.edit_organization",
    "coalitions.link_organization",
    "notifications.new_alert",
    "notifications.edit_alert",
    "notifications.settings",
    "letters.new_letter",
    "letters.edit_letter",
    "letters.summary",
    "petitions.new_petition",
    "petitions.edit_petition",
    "actions.new_day",
    "actions.edit_day",
    "actions.new_event",
    "actions.edit_event",
    "api.webhooks.index",
    "api.webhooks.endpoint",
    "policies.new_measure",
    "policies.edit_measure",
    "policies.new_entry",
    "policies.edit_entry",
    "policies.targets",
    "policies.new_import",
    "policies.policy_import",
}


@pytest.fixture
def coalition_a(db, make_user, make_coalition, add_teammate, invite_org):
    """Coalition A, with a member organization, a team, a supporter, an alert, a letter, a
    petition and a day of action with an event, none of it shared with coalition B."""
    founder = make_user(email="founder-a@example.org")
    coalition = make_coalition(founder, name="Coalition A")
    membership = invite_org(coalition, founder, "CHIRLA")
    services.accept(membership)
    db.session.commit()
    teammate = db.session.scalar(select(CoalitionRole).where(CoalitionRole.user_id == founder.id))
    supporter = supporters.upsert_supporter(
        coalition.id, email="ana@example.org", first_name="Ana", zip_code="90012", language="es"
    )
    supporters.record_consent(supporter, "Send me updates.", "es", source="test")
    tag = tags.create_tag(coalition.id, "Volunteers", founder.id)
    tags.tag([supporter.id], tag)
    alert = alerts.save_alert(coalition.id, founder.id, ALERT)
    letter = letters.create_letter(coalition.id, founder.id, LETTER, [{"name": "Jeh Johnson"}])
    petition = petitions.create_petition(coalition.id, founder.id, PETITION)
    batch = paper.add_batch(petition, None, 12, [], founder.id)
    day = actions.create_day(coalition.id, founder.id, DAY)
    event = actions.create_event(
        day, actions.Host("CHIRLA"), EVENT, EventState.SCHEDULED, datetime(2030, 1, 1)
    )
    finished_import = SupporterImport(
        coalition_id=coalition.id,
        file_name="list.csv",
        state=ImportState.DONE,
        headers=["email"],
        mapping=["email"],
    )
    db.session.add(finished_import)
    applied_policies = PolicyImport(
        coalition_id=coalition.id,
        file_name="ilrc.csv",
        stored_name="gone.csv",
        encoding="utf-8-sig",
        headers=["County"],
        mapping=["jurisdiction"],
        applied_at=datetime(2030, 1, 1),
    )
    db.session.add(applied_policies)
    hook, _ = webhooks.create_endpoint(
        coalition.id,
        founder.id,
        {"name": "Sync", "url": "https://hooks.example.org/", "events": ["alert.sent"]},
    )
    delivery = webhooks.queue(hook, "ping", {}, datetime(2030, 1, 1))
    measure = policy_measures.add_measure(
        coalition.id, policies.jurisdiction_for_fips("06037"), founder.id, MEASURE, "access-walk-measure-01"
    )
    policy_measures.set_hearing(measure, datetime(2030, 1, 8, 18), "City Hall")
    county = policies.jurisdiction_for_fips("41005")
    entry = policies.record_entry(coalition.id, county, founder.id, POLICY_ENTRY)
    db.session.commit()
    ids = {
        "import_id": finished_import.id,
        "policy_import_id": applied_policies.id,
        "membership_id": membership.id,
        "organization_id": membership.organization_id,
        "teammate_id": teammate.id,
        "alert_id": alert.id,
        "letter_id": letter.id,
        "petition_id": petition.id,
        "batch_id": batch.id,
        "day_id": day.id,
        "campaign_id": day.id,  # the policies target pages' campaign: the walk builds them for "action"
        "event_id": event.id,
        "tag_id": tag.id,
        "webhook_id": hook.id,
        "delivery_id": delivery.id,
        "measure_id": measure.id,
        "entry_id": entry.id,
    }
    return coalition, ids


def coalition_rules(app, methods=None):
    """Rules under /coalitions/ taking a slug, optionally only those allowing exactly `methods`."""
    rules = []
    for rule in app.url_map.iter_rules():
        allowed = rule.methods - {"HEAD", "OPTIONS"}
        if "slug" in rule.arguments and rule.rule.startswith("/coalitions/"):
            if methods is None or allowed == methods:
                rules.append((rule, sorted(allowed)))
    return rules


def build(app, rule, slug, ids):
    """The rule's URL for `slug`, with the given real ids for int arguments (1 when unknown)."""
    int_arguments = set(re.findall(r"<int(?:\([^)]*\))?:(\w+)>", rule.rule))
    values = {"slug": slug}
    for name in rule.arguments - {"slug"}:
        choices = getattr(rule._converters.get(name), "items", None)  # <any(send, pause):action>
        values[name] = ids.get(name, 1) if name in int_arguments else sorted(choices)[0] if choices else "x"
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def test_member_of_another_coalition_gets_403_or_404_everywhere(
    app, client, db, make_user, login, make_coalition, coalition_a
):
    coalition, ids = coalition_a
    outsider = make_user(email="owner-b@example.org")
    make_coalition(outsider, name="Coalition B")
    login("owner-b@example.org")
    rules = coalition_rules(app)
    assert len(rules) >= 10
    for rule, methods in rules:
        url = build(app, rule, coalition.slug, ids)
        for method in methods:
            response = client.open(url, method=method, data={"name": "x", "email": "x@example.org"})
            assert response.status_code in (403, 404), (method, url, response.status_code)


def test_ids_of_another_coalition_are_not_found_under_ones_own_slug(
    app, client, db, make_user, login, make_coalition, coalition_a
):
    _, ids = coalition_a
    outsider = make_user(email="owner-b@example.org")
    make_coalition(outsider, name="Coalition B")
    login("owner-b@example.org")
    with_ids = [(r, m) for r, m in coalition_rules(app) if r.arguments & set(ids)]
    assert len(with_ids) >= 6
    for rule, methods in with_ids:
        url = build(app, rule, "coalition-b", ids)
        for method in methods:
            assert client.open(url, method=method).status_code == 404, (method, url)


def test_another_coalition_reaches_no_organization_of_coalition_a_through_its_own_routes(
    app, client, db, make_user, login, make_coalition, invite_org, coalition_a
):
    coalition, ids = coalition_a
    founder = coalition.roles[0].user
    invited = invite_org(coalition, founder, "Invited Only", email="x@invited.example").organization_id
    letter = db.session.get(Letter, ids["letter_id"])
    letters.open_letter(letter, datetime(2030, 1, 1))
    signing.sign_on(letter, SIGN_ON, "en", None)  # the signer adds its organization to the directory
    signed = db.session.scalar(
        select(Organization.id).where(Organization.name == SIGN_ON["organization_name"])
    )
    db.session.commit()
    outsider = make_user(email="owner-b@example.org")
    coalition_b = make_coalition(outsider, name="Coalition B")
    # B's own new records, named like A's, so that name matching offers A's records to link.
    own = [
        invite_org(coalition_b, outsider, name, email=f"b{number}@b.example").organization_id
        for number, name in enumerate(("CHIRLA", "Invited Only", SIGN_ON["organization_name"]))
    ]
    login("owner-b@example.org")

    directory_rules = [(r, m) for r, m in coalition_rules(app) if "organization_id" in r.arguments]
    endpoints = {r.endpoint for r, _ in directory_rules}
    assert endpoints >= {"coalitions.edit_organization", "coalitions.link_organization"}
    link_rule = next(r for r, _ in directory_rules if r.endpoint == "coalitions.link_organization")
    for organization_id in (ids["organization_id"], invited, signed):
        for rule, methods in directory_rules:
            url = build(app, rule, "coalition-b", {"organization_id": organization_id})
            for method in methods:
                response = client.open(url, method=method, data={"name": "Renamed by B", "duplicate": "1"})
                assert response.status_code == 404, (method, url)
        for own_id in own:
            link = build(app, link_rule, "coalition-b", {"organization_id": own_id})
            assert f'value="{organization_id}"' not in client.get(link).get_data(as_text=True)
            assert client.post(link, data={"duplicate": str(organization_id)}).status_code == 200, link
    db.session.expire_all()
    a_records = (ids["organization_id"], invited, signed)
    assert db.session.scalars(select(Organization.name).where(Organization.id.in_(a_records))).all() == [
        "CHIRLA",
        "Invited Only",
        SIGN_ON["organization_name"],
    ]
    assert db.session.scalar(select(Organization.id).where(Organization.merged_into_id.is_not(None))) is None


def test_viewer_gets_403_on_every_management_route(app, client, db, login, add_teammate, coalition_a):
    coalition, ids = coalition_a
    add_teammate(coalition, Role.VIEWER, "viewer-a@example.org")
    login("viewer-a@example.org")
    post_only = coalition_rules(app, {"POST"})
    assert post_only
    for rule, _ in post_only + [
        (rule, methods) for rule, methods in coalition_rules(app) if rule.endpoint in WRITE_ROUTES_WITH_FORMS
    ]:
        url = build(app, rule, coalition.slug, ids)
        assert client.post(url, data={"role": Role.OWNER.value}).status_code == 403, url
    assert (
        db.session.scalar(select(CoalitionRole.role).where(CoalitionRole.id == ids["teammate_id"]))
        == Role.OWNER
    )


def test_a_shared_computer_keeps_no_copy_of_any_organizer_page_or_export(app, client, db, login, coalition_a):
    """The dashboard, supporters, rosters, the vetting queue, CSV and PDF exports: the next
    person at the computer, or a proxy, must not get them from a cache after logout."""
    coalition, ids = coalition_a
    founder = db.session.get(CoalitionRole, ids["teammate_id"]).user
    login(founder.email)
    pages = [
        build(app, rule, coalition.slug, ids) for rule, methods in coalition_rules(app) if "GET" in methods
    ]
    assert len(pages) >= 25
    for path in ["/dashboard", *pages]:
        response = client.get(path)
        response.close()  # a streamed export is left unread: its request context ends here
        assert response.status_code == 200, (path, response.status_code)
        assert response.headers["Cache-Control"] == "no-store", path
