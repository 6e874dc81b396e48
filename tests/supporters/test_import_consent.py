"""Supporter imports and consent: only an explicit status subscribes, an erased or suppressed
address is not brought back, a person listed twice in one batch ends as the safer row says."""

import pytest
from sqlalchemy import select

from campaign.coalitions import services as coalitions
from campaign.notifications import suppression
from campaign.supporters import services
from campaign.supporters.models import Consent, ImportProblem, Subscription, Supporter
from tests.supporters.import_files import csv_bytes
from tests.supporters.test_import_supporters import confirm, import_folder, upload, uploaded  # noqa: F401

pytestmark = pytest.mark.usefixtures("import_folder")


def _import(db, client, coalition, rows, **kwargs):
    upload(client, coalition, csv_bytes(rows, **kwargs))
    found = uploaded(db)
    client.get(confirm(client, coalition, found.id, found.mapping).location).close()
    db.session.expire_all()
    return found


def _problems(db, found) -> list[tuple]:
    query = select(ImportProblem.row_number, ImportProblem.problem, ImportProblem.skipped)
    return db.session.execute(query.where(ImportProblem.import_id == found.id)).all()


@pytest.mark.parametrize(
    "status", ["", "no", "opted out", "false", "pending", "previous spam complaint", "un-subscribed", "yes"]
)
def test_only_an_explicit_subscribed_status_subscribes(db, client, coalition, status):
    """Consent does not fail open: a blank or unknown status is no consent, and the row says so."""
    found = _import(db, client, coalition, [("Pat", "Lee", "pat@example.org", "37203", "", "en", status)])
    supporter = db.session.scalar(select(Supporter))
    assert supporter is not None and supporter.subscription != Subscription.SUBSCRIBED, status
    assert db.session.scalar(select(Consent.id)) is None
    assert _problems(db, found) == [(2, "unknown_status", False)]


@pytest.mark.parametrize("status", ["subscribed", " Subscribed ", "SUBSCRIBED"])
def test_subscribed_in_any_case_subscribes(db, client, coalition, status):
    found = _import(db, client, coalition, [("Pat", "Lee", "pat@example.org", "37203", "", "en", status)])
    assert db.session.scalar(select(Supporter.subscription)) == Subscription.SUBSCRIBED
    assert db.session.scalar(select(Consent.id)) is not None
    assert _problems(db, found) == []


@pytest.mark.parametrize("status", ["unsubscribed", "bouncing", "Spam_Complaint"])
def test_known_not_subscribed_statuses_are_no_problem(db, client, coalition, status):
    found = _import(db, client, coalition, [("Pat", "Lee", "pat@example.org", "37203", "", "en", status)])
    assert db.session.scalar(select(Supporter.subscription)) == Subscription.UNSUBSCRIBED
    assert _problems(db, found) == []


def test_a_file_without_a_status_column_takes_the_confirmed_wording(db, client, coalition):
    rows = [("Pat", "Lee", "pat@example.org")]
    found = _import(db, client, coalition, rows, header=("first_name", "last_name", "email"))
    assert db.session.scalar(select(Supporter.subscription)) == Subscription.SUBSCRIBED
    assert db.session.scalar(select(Consent.wording)) == "Email me news from the Tennessee coalition."
    assert _problems(db, found) == []


@pytest.mark.parametrize("order", [("subscribed", "unsubscribed"), ("unsubscribed", "subscribed")])
def test_a_person_listed_twice_in_one_batch_ends_unsubscribed(db, client, coalition, order):
    """Unsubscribe wins whichever row comes first, and no consent is recorded for them."""
    first, second = order
    _import(
        db,
        client,
        coalition,
        [
            ("Pat", "Lee", "pat@example.org", "37203", "", "en", first),
            ("Pat", "Lee", "PAT@example.org", "37203", "", "en", second),
        ],
    )
    assert db.session.scalars(select(Supporter.subscription)).all() == [Subscription.UNSUBSCRIBED]
    assert db.session.scalar(select(Consent.id)) is None


def test_an_erased_person_is_not_brought_back_by_an_old_list(db, client, coalition):
    """Erasure leaves no record to match, only the suppression list's "erased" mark: the row is
    skipped, noted without its value, and no record is made."""
    services.upsert_supporter(coalition.id, email="gone@example.org", first_name="Gone", language="en")
    db.session.commit()
    services.erase_supporter_data("gone@example.org")
    db.session.commit()
    found = _import(
        db,
        client,
        coalition,
        [
            ("Gone", "Again", "GONE@example.org", "37203", "", "en", "subscribed"),
            ("Pat", "Lee", "pat@example.org", "37203", "", "en", "subscribed"),
        ],
    )
    live = db.session.scalars(select(Supporter).where(Supporter.erased_at.is_(None))).all()
    assert [supporter.email for supporter in live] == ["pat@example.org"]
    assert _problems(db, found) == [(2, "erased", True)]
    assert (found.imported, found.skipped) == (1, 1)
    problems = client.get(f"/coalitions/{coalition.slug}/supporters/imports/{found.id}/problems.csv")
    assert (
        "erased" in problems.get_data(as_text=True) and "gone@" not in problems.get_data(as_text=True).lower()
    )


def test_a_suppressed_address_is_imported_not_subscribed(db, client, coalition):
    suppression.suppress(coalition.id, "complainer@example.org", "complaint")
    db.session.commit()
    found = _import(
        db, client, coalition, [("C", "D", "complainer@example.org", "37203", "", "en", "subscribed")]
    )
    assert db.session.scalar(select(Supporter.subscription)) == Subscription.UNSUBSCRIBED
    assert db.session.scalar(select(Consent.id)) is None
    assert (found.imported, found.skipped) == (1, 0)


def test_a_suppression_in_another_coalition_does_not_count(db, client, coalition, make_user):
    other = coalitions.create_coalition(
        make_user(email="other@example.org"), "Georgia Alliance", "", "Atlanta"
    )
    suppression.suppress(other.id, "pat@example.org", "complaint")
    db.session.commit()
    _import(db, client, coalition, [("Pat", "Lee", "pat@example.org", "37203", "", "en", "subscribed")])
    assert db.session.scalar(select(Supporter.subscription)) == Subscription.SUBSCRIBED
