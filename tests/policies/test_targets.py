"""Campaign targets: what a jurisdiction's page lists, the "Won" line, the we-won draft alert."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from campaign.coalitions import services as coalitions
from campaign.extensions import db
from campaign.notifications import audience
from campaign.notifications.models import Message, MessageKind, MessageState
from campaign.petitions import services as petitions
from campaign.policies import services, targets, won
from campaign.policies.models import CampaignKind, MeasureStage
from tests.coalitions.test_access import PETITION
from tests.policies.campaigns import campaigns, county, measure, public_entry


@pytest.fixture
def aimed(app, db, coalition):
    """The coalition's three public campaigns, all aimed at Philadelphia County, sharing its tracker."""
    owner = coalition.roles[0].user
    made = campaigns(coalition, owner)
    philadelphia = county("Philadelphia", "PA")
    for kind, campaign in made.items():
        targets.aim(campaign, kind, philadelphia, "the mayor", None, owner.id)
    services.set_tracker_shared(coalition.id, True)
    db.session.commit()
    with app.test_request_context():  # campaigns_about and the block build URLs
        yield made, philadelphia, owner


def _about(jurisdiction_id, coalition_ids):
    with force_locale("en"):
        return {found.kind: found for found in targets.campaigns_about(jurisdiction_id, coalition_ids)}


def test_campaigns_about_gives_each_public_campaign_with_its_figures(app, aimed, coalition):
    made, philadelphia, _owner = aimed
    about = _about(philadelphia.id, [coalition.id])
    assert about["letter"].figures == "2 organizations signed"
    assert about["petition"].figures == "1,204 signatures"
    assert about["action"].figures == "2 events · 3 RSVPs"
    assert about["petition"].url == f"/petitions/{made['petition'].slug}"
    assert about["action"].title == made["action"].title and about["letter"].won is None
    with force_locale("es"):
        (petition,) = [f for f in targets.campaigns_about(philadelphia.id, None) if f.kind == "petition"]
    assert petition.figures == "1.204 firmas"


def test_a_draft_petition_is_not_about_anything(app, aimed, coalition):
    _made, philadelphia, owner = aimed
    draft = petitions.create_petition(coalition.id, owner.id, PETITION | {"title": "Still a draft"})
    targets.aim(draft, CampaignKind.PETITION, philadelphia, "", None, owner.id)
    db.session.commit()
    titles = [found.title for found in targets.campaigns_about(philadelphia.id, None)]
    assert len(titles) == 3 and "Still a draft" not in titles


def test_only_the_coalitions_given_or_those_sharing_their_tracker(app, aimed, coalition, make_user):
    _made, philadelphia, _owner = aimed
    other = coalitions.create_coalition(make_user(email="b@example.org"), "Coalition B", "", "")
    db.session.commit()
    assert _about(philadelphia.id, [other.id]) == {}
    services.set_tracker_shared(coalition.id, False)
    db.session.commit()
    assert _about(philadelphia.id, None) == {}
    assert len(_about(philadelphia.id, [coalition.id])) == 3  # the coalition's own view
    assert _about(county("Los Angeles", "CA").id, [coalition.id]) == {}


def test_won_appears_when_the_measure_passes_and_goes_when_moved_back(app, aimed, coalition):
    made, philadelphia, owner = aimed
    ordinance = measure(coalition.id, philadelphia)
    targets.aim(made["petition"], "petition", philadelphia, "the mayor", ordinance.id, owner.id)
    assert targets.block_for("petition", made["petition"].id).wins == []
    services.set_stage(ordinance, MeasureStage.PASSED, date(2030, 3, 4), "", owner.id)
    with force_locale("en"):
        assert targets.block_for("petition", made["petition"].id).wins == [
            "Won: Ordinance 101 passed on March 4, 2030"
        ]
        assert _about(philadelphia.id, None)["petition"].won == "Won: Ordinance 101 passed on March 4, 2030"
    services.set_stage(ordinance, MeasureStage.VOTE, date(2030, 3, 5), "passed by mistake", owner.id)
    assert targets.block_for("petition", made["petition"].id).wins == []
    assert _about(philadelphia.id, None)["petition"].won is None


def test_a_private_measure_stays_off_public_pages(app, aimed, coalition):
    made, philadelphia, owner = aimed
    ordinance = measure(coalition.id, philadelphia, public=False)
    targets.aim(made["letter"], "letter", philadelphia, "", ordinance.id, owner.id)
    services.set_stage(ordinance, MeasureStage.PASSED, date(2030, 3, 4), "", owner.id)
    assert targets.block_for("letter", made["letter"].id).wins == []
    assert _about(philadelphia.id, None)["letter"].won is None
    assert targets.block_for("letter", made["letter"].id, coalition.slug).wins  # the organizer's page


def test_the_jurisdiction_is_linked_once_it_has_public_entries(app, aimed, coalition):
    made, philadelphia, _owner = aimed
    (shown,) = targets.block_for("action", made["action"].id).aims
    assert shown.url is None and shown.officials == "the mayor"
    public_entry(coalition.id, philadelphia)
    (shown,) = targets.block_for("action", made["action"].id).aims
    assert shown.url == f"/policies/jurisdictions/{philadelphia.id}"


def test_a_measure_of_another_coalition_is_refused(app, aimed, make_user):
    made, philadelphia, owner = aimed
    other = coalitions.create_coalition(make_user(email="b@example.org"), "Coalition B", "", "")
    theirs = measure(other.id, philadelphia)
    with pytest.raises(targets.ForeignMeasure):
        targets.aim(made["petition"], "petition", philadelphia, "", theirs.id, owner.id)


def test_aiming_twice_at_one_place_keeps_one_target(app, aimed):
    made, philadelphia, owner = aimed
    targets.aim(made["letter"], "letter", philadelphia, "the council", None, owner.id)
    (target,) = targets.targets_of("letter", made["letter"].id)
    assert target.officials == "the council"


@pytest.mark.parametrize("kind", ["petition", "letter", "action"])
def test_telling_signers_makes_one_draft_to_the_campaigns_own_people(app, aimed, coalition, kind):
    made, philadelphia, owner = aimed
    ordinance = measure(coalition.id, philadelphia)
    services.set_stage(ordinance, MeasureStage.PASSED, date(2030, 3, 4), "", owner.id)
    campaign = made[kind]
    first = won.tell_signers(kind, campaign, ordinance, owner.id)
    again = won.tell_signers(kind, campaign, ordinance, owner.id)
    assert again.id == first.id and first.state == MessageState.DRAFT
    assert first.audience == {"source": won.SOURCE_OF[kind], "source_id": campaign.id}
    assert "Ordinance 101" in first.subject and first.subject_es.startswith("Ganamos")
    expected = {"petition": 1, "letter": 2, "action": 2}[kind]  # subscribed signers, RSVPs
    assert audience.count(coalition.id, first.audience) == expected
    alerts = select(func.count()).select_from(Message).where(Message.kind == MessageKind.ALERT)
    assert db.session.scalar(alerts) == 1
