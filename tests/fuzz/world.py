"""One object of each kind a form works on, made through the services, with the emails they send.

The objects are those of the access walk (tests/coalitions/test_access.py), plus what only a
public visitor or an email's recipient reaches: a signature, a sign-on, an RSVP, a data request,
a password reset, invitations still waiting. Every link the app emailed is then a URL the
fuzz can follow, and its tokens are the ones the app itself made.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from campaign.accounts import services as accounts
from campaign.accounts.models import User
from campaign.actions import rsvps
from campaign.actions import services as actions
from campaign.actions.models import EventState
from campaign.actions.notices import send_host_link
from campaign.api import keys as api_keys
from campaign.api.models import Scope
from campaign.api.webhooks import services as webhooks
from campaign.coalitions import services as coalitions
from campaign.coalitions import teammates
from campaign.coalitions.models import CoalitionRole, Role
from campaign.core.outbox import dispatch_committed, enqueue, utcnow
from campaign.extensions import db
from campaign.letters import services as letters
from campaign.letters import signing as letter_signing
from campaign.letters.models import ChangeKind, Signature
from campaign.letters.versions import Decision
from campaign.notifications import services as alerts
from campaign.petitions import clusters as petition_clusters
from campaign.petitions import paper as petition_paper
from campaign.petitions import services as petitions
from campaign.petitions import signing as petition_signing
from campaign.petitions.clusters import MIN_CLUSTER
from campaign.policies import imports as policy_imports
from campaign.policies import measures as policy_measures
from campaign.policies import services as policies
from campaign.policies import targets as policy_targets
from campaign.policies.models import MeasureStage
from campaign.supporters import imports as supporter_imports
from campaign.supporters import services as supporters
from campaign.supporters import tasks as supporter_tasks
from campaign.supporters.models import DataRequestKind
from campaign.tags import services as tags
from tests.coalitions.test_access import ALERT, DAY, EVENT, LETTER, MEASURE, PETITION, POLICY_ENTRY, SIGN_ON

PASSWORD = "correct horse battery"
ORGANIZER = "founder@example.org"  # the fuzz is logged in as this owner
SIGNER = {"first_name": "Ana", "last_name": "Reyes", "email": "ana@example.org", "zip_code": "90012"}


@dataclass
class World:
    """What the URLs are built from: values by argument name, some only under a path prefix."""

    ids: dict[str, list[int]] = field(default_factory=dict)
    by_prefix: dict[tuple[str, str], str] = field(default_factory=dict)  # (path prefix, argument)


def user(email: str, name: str) -> User:
    account = User(
        email=email,
        name=name,
        password_hash=accounts.hash_password(PASSWORD),
        email_verified_at=utcnow(),
        locale="en",
    )
    db.session.add(account)
    db.session.flush()
    return account


def _signed_on(letter, fields: dict) -> Signature:
    """A sign-on confirmed by its signer, waiting for the organizers' approval."""
    letter_signing.sign_on(letter, fields, "en", None)
    signature = db.session.scalars(select(Signature).order_by(Signature.id.desc())).first()
    letter_signing.confirm(signature, utcnow(), letter_signing.shown_digest(signature))
    return signature


def _under_way(day, host):
    """An event that started a few minutes ago: walk-ins are added and the report is open."""
    event = actions.create_event(
        day, host, EVENT | {"title": "Vigil under way"}, EventState.SCHEDULED, datetime(2030, 1, 1)
    )
    event.starts_at, event.ends_at = utcnow() - timedelta(minutes=5), utcnow() + timedelta(hours=2)
    send_host_link(event)
    return event


def build() -> World:
    """Make the objects, commit, and run the tasks they queued (the emails are stored)."""
    founder = user(ORGANIZER, "Ana Organizer")
    coalition = coalitions.create_coalition(founder, "Fuzz Coalition", "", "Los Angeles")
    member = coalitions.invite(coalition, founder, contact_email="contact@chirla.example", name="CHIRLA")
    coalitions.accept(member)
    invited = coalitions.invite(coalition, founder, contact_email="x@invited.example", name="Invited Only")
    teammate = CoalitionRole(
        coalition=coalition, user=user("teammate@example.org", "Tea Mate"), role=Role.ADMIN
    )
    db.session.add(teammate)
    user("reset@example.org", "Reset Me")
    team_invitation = teammates.invite_teammate(
        coalition, founder, Role.OWNER, "newcomer@example.org", Role.ORGANIZER, "en"
    )
    supporter = supporters.upsert_supporter(coalition.id, language="en", **SIGNER)
    supporters.record_consent(supporter, "Send me updates.", "en", source="fuzz")
    tag = tags.create_tag(coalition.id, "Volunteers", founder.id)
    tags.tag([supporter.id], tag, founder.id)
    alert = alerts.save_alert(coalition.id, founder.id, ALERT)
    letter = letters.create_letter(coalition.id, founder.id, LETTER, [{"name": "Jeh Johnson"}])
    letters.open_letter(letter, utcnow())
    letter_signing.sign_on(letter, SIGN_ON, "en", None)
    waiting = _signed_on(
        letter, SIGN_ON | {"organization_name": "Waiting Group", "email": "w@waiting.example"}
    )
    # A correction once someone confirmed: its email carries the signer's withdraw link.
    letters.update_letter(
        letter,
        LETTER | {"body": LETTER["body"] + " Corrected."},
        [{"name": "Jeh Johnson"}],
        founder.id,
        Decision(ChangeKind.CORRECTION),
    )
    delivered = letters.create_letter(coalition.id, founder.id, LETTER, [{"name": "Sarah Saldaña"}])
    letters.open_letter(delivered, utcnow())
    letters.record_delivery(delivered, date(2026, 1, 5), "By hand", "The Secretary's office")
    petition = petitions.create_petition(coalition.id, founder.id, PETITION)
    petitions.open_petition(petition, utcnow())
    petition_signing.sign(petition, SIGNER, "en", None, "Send me updates.")
    for n in range(MIN_CLUSTER):  # held back, from one address: a cluster to judge
        petition_signing.sign(
            petition, SIGNER | {"email": f"bot{n}@bots.example"}, "en", "fuzz", None, "burst"
        )
    for n in range(MIN_CLUSTER):  # another cluster, struck out: a strike to undo
        petition_signing.sign(petition, SIGNER | {"email": f"fake{n}@struck.example"}, "en", None, None)
    strike = petition_clusters.invalidate(petition, "domain", "struck.example", founder.id, utcnow())
    paper_batch = petition_paper.add_batch(petition, None, 12, [], founder.id)
    # The petition aims at Philadelphia and the ordinance it won: its "tell signers" button shows.
    philadelphia = policies.jurisdiction_for_fips("42101")
    ordinance = policies.create_measure(coalition.id, philadelphia, founder.id, {"title": "Ordinance 101"})
    policies.set_stage(ordinance, MeasureStage.PASSED, date(2030, 1, 1), "", founder.id)
    target = policy_targets.aim(petition, "petition", philadelphia, "the mayor", ordinance.id, founder.id)
    day = actions.create_day(coalition.id, founder.id, DAY)
    actions.publish(day)
    draft_day = actions.create_day(coalition.id, founder.id, DAY | {"title": "Not yet published"})
    host = actions.Host("CHIRLA", member.organization_id, "host@example.org", "en", "Hana")
    event = actions.create_event(day, host, EVENT, EventState.SCHEDULED, datetime(2030, 1, 1))
    send_host_link(event)
    attendance = rsvps.rsvp(event, SIGNER | {"phone": ""}, "en", None, utcnow())
    under_way = _under_way(day, host)  # its doors are open: its check-in page adds walk-ins
    walk_in = rsvps.add_walk_in(
        under_way, rsvps.WalkIn("Walker", "90012"), "fuzz-walk-in-nonce-0001", "en", utcnow()
    )
    erasure = supporters.open_data_request(DataRequestKind.ERASURE, SIGNER["email"], "en", "fuzz")
    enqueue(supporter_tasks.answer_data_request, data_request_id=erasure.id)
    api_key, _ = api_keys.create_key(coalition.id, founder.id, "Fuzz sync", Scope.READ_PEOPLE, None)
    # Nothing listens on port 9: its test events and resends fail at once, and are retried later.
    hook, _ = webhooks.create_endpoint(
        coalition.id,
        founder.id,
        {"name": "Fuzz hook", "url": "http://127.0.0.1:9/hook", "events": ["alert.sent"]},
    )
    hook_delivery = webhooks.queue(hook, "ping", {}, utcnow())
    accounts.request_password_reset("reset@example.org", "fuzz")
    # A CSV uploaded and waiting for its preview to be confirmed (its file in the instance folder).
    upload = FileStorage(io.BytesIO(b"first_name,email\nAna,ana@example.org\n"), filename="fuzz.csv")
    supporter_import = supporter_imports.store_upload(coalition.id, founder.id, upload)
    # A measure in the supporter's county (90012) with a hearing: its page offers the alert.
    measure = policy_measures.add_measure(
        coalition.id, policies.jurisdiction_for_fips("06037"), founder.id, MEASURE, "fuzz-measure-formkey01"
    )
    policy_measures.set_hearing(measure, datetime(2030, 1, 8, 18), "City Hall")
    policy_entry = policies.record_entry(
        coalition.id, policies.jurisdiction_for_fips("41005"), founder.id, POLICY_ENTRY
    )
    # Lists of policies uploaded and waiting to be applied: one whose rows no mapping makes
    # ready (so every post is checked, none applies it), with a row that asks which place; one
    # that a valid post applies.
    never_ready = b"County,State,Policy,Date\nAlameda,CA,Maybe,13/45/2014\nRichmond,VA,Maybe,2014\n"
    ready = b"County,State,Policy,Date\nAlameda,CA,Refuses,2014\n"
    policy_imports_waiting = [
        policy_imports.store_upload(
            coalition.id, founder.id, FileStorage(io.BytesIO(data), filename="fuzz.csv")
        )
        for data in (never_ready, ready)
    ]
    db.session.commit()
    dispatch_committed()
    return World(
        ids={
            "membership_id": [member.id, invited.id],
            "organization_id": [member.organization_id],
            "teammate_id": [teammate.id],
            "invitation_id": [team_invitation.id],
            "alert_id": [alert.id],
            "letter_id": [letter.id, delivered.id],
            "petition_id": [petition.id],
            "campaign_id": [petition.id, letter.id, day.id],
            "target_id": [target.id],
            "measure_id": [measure.id, ordinance.id],
            "batch_id": [paper_batch.id],
            "strike_id": [strike.id],
            "day_id": [day.id, draft_day.id],
            "event_id": [event.id, under_way.id],
            "rsvp_id": [attendance.rsvp_id, walk_in.id],
            "signature_id": [waiting.id],
            "import_id": [supporter_import.id],
            "policy_import_id": [waiting.id for waiting in policy_imports_waiting],
            "tag_id": [tag.id],
            "key_id": [api_key.id],
            "webhook_id": [hook.id],
            "delivery_id": [hook_delivery.id],
            "entry_id": [policy_entry.id],
        },
        by_prefix={
            ("/coalitions/", "slug"): coalition.slug,
            ("/c/", "slug"): coalition.slug,
            ("/petitions/", "slug"): petition.slug,
            ("/letters/", "slug"): letter.slug,
            ("/letters/sign/", "key"): letter.signon_key,
            ("/actions/", "slug"): day.slug,
        },
    )
