"""The jurisdiction audience: the coalition's supporters whose ZIP code is in a measure's place."""

from datetime import date

from campaign.extensions import db
from campaign.notifications import audience
from campaign.policies import services
from campaign.policies.models import MeasureStage
from campaign.supporters import services as supporters


def _reached(coalition, measure) -> set[int]:
    chosen = {"source": "jurisdiction", "source_id": measure.id}
    return set(db.session.scalars(audience.recipients(coalition.id, chosen)))


def test_a_county_reaches_its_zip_codes_and_no_others(db, coalition, add_supporter, add_measure):
    oakland = add_supporter("oakland@example.org", "94612")
    add_supporter("sf@example.org", "94110")  # San Francisco, across the bay
    add_supporter("philly@example.org", "19107")
    assert _reached(coalition, add_measure("06001")) == {oakland.id}


def test_philadelphia_and_los_angeles_counties(db, coalition, add_supporter, add_measure):
    philly = add_supporter("philly@example.org", "19107")
    angeleno = add_supporter("la@example.org", "90012")
    assert _reached(coalition, add_measure("42101")) == {philly.id}
    assert _reached(coalition, add_measure("06037")) == {angeleno.id}


def test_a_city_reaches_its_own_zip_codes(db, coalition, add_supporter, add_measure):
    oakland = add_supporter("oakland@example.org", "94612")
    add_supporter("berkeley@example.org", "94704")  # Alameda County too, not Oakland
    assert _reached(coalition, add_measure("06001", city="Oakland")) == {oakland.id}


def test_a_state_reaches_every_zip_code_in_it(db, coalition, add_supporter, add_measure):
    in_california = {
        add_supporter(f"ca{n}@example.org", code).id for n, code in enumerate(("94612", "90012"))
    }
    add_supporter("philly@example.org", "19107")
    assert _reached(coalition, add_measure("06")) == in_california


def test_another_coalitions_supporters_are_never_in_it(
    db, coalition, other_coalition, add_supporter, add_measure
):
    ours = add_supporter("ours@example.org", "94612")
    add_supporter("theirs@example.org", "94612", of=other_coalition)
    theirs_measure = add_measure("06001", of=other_coalition)
    assert _reached(coalition, add_measure("06001")) == {ours.id}
    # Another coalition's measure, named in our alert, reaches nobody.
    assert _reached(coalition, theirs_measure) == set()


def test_erased_and_unsubscribed_supporters_are_left_out(db, coalition, add_supporter, add_measure):
    kept = add_supporter("kept@example.org", "94612")
    add_supporter("never@example.org", "94612", subscribed=False)
    gone = add_supporter("gone@example.org", "94612")
    supporters.unsubscribe(gone)
    erased = add_supporter("erased@example.org", "94612")
    supporters.erase_supporter_data("erased@example.org")
    db.session.commit()
    assert erased.erased_at is not None
    assert _reached(coalition, add_measure("06001")) == {kept.id}


def test_the_compose_form_offers_each_open_measure(app, db, coalition, add_measure):
    open_one, decided = add_measure(title="Open"), add_measure(title="Decided")
    services.set_stage(decided, MeasureStage.WITHDRAWN, date(2026, 11, 20), "", None)
    with app.test_request_context():
        offered = dict(audience.options(coalition.id))
    assert f"jurisdiction:{open_one.id}" in offered and f"jurisdiction:{decided.id}" not in offered
    assert "Alameda County, CA" in offered[f"jurisdiction:{open_one.id}"]
