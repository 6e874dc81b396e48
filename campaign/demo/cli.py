"""`flask demo load`: the seed articles' coalitions and organizations, for trying the app."""

from datetime import datetime, time, timedelta

import click
from flask import current_app
from sqlalchemy import select

from campaign.accounts.models import User
from campaign.accounts.services import hash_password
from campaign.actions import rsvps as action_rsvps
from campaign.actions import services as action_services
from campaign.actions.models import DAY_FIELDS, EventKind, EventState
from campaign.coalitions.models import Coalition, Membership, MembershipStatus
from campaign.coalitions.services import create_coalition
from campaign.core.outbox import utcnow
from campaign.demo import policies as demo_policies
from campaign.demo.data import COALITIONS, DEMO_ORGANIZER, ORGANIZATIONS, SUPPORTERS
from campaign.extensions import db
from campaign.letters import services as letters
from campaign.letters.models import Signature, SignatureState, SignerKind
from campaign.notifications.services import save_alert
from campaign.organizations.services import create_organization, find_matches
from campaign.petitions import services as petitions
from campaign.petitions import signing as petition_signing
from campaign.petitions import tally as petition_tally
from campaign.petitions.models import PetitionSignature
from campaign.supporters.services import record_consent, upsert_supporter

group = click.Group("demo", help="Demo data drawn from shared/seeds.")

CONSENT_WORDING = "Yes, send me updates from this coalition. (Demo data: consent given at loading.)"


@group.command("load")
def load_command():
    """Load the demo coalitions, organizations, organizer and supporters (safe to run twice)."""
    organizer = _demo_organizer()
    organizations = {key: _organization(profile) for key, profile in ORGANIZATIONS.items()}
    for spec in COALITIONS:
        _coalition(organizer, spec, organizations)
    demo_policies.load(organizer.id, utcnow())
    db.session.commit()
    url = current_app.config["PUBLIC_URL"]
    click.echo(f"\n  Campaign desk is at {url}")
    click.echo(f"  Demo organizer: {DEMO_ORGANIZER['email']} / {DEMO_ORGANIZER['password']}")
    if not current_app.config.get("SMTP_URL"):
        click.echo(f"  Mail is not sent in development: read it at {url}/_dev/mail\n")


def _demo_organizer() -> User:
    user = db.session.scalar(select(User).where(User.email == DEMO_ORGANIZER["email"]))
    if user is None:
        user = User(
            email=DEMO_ORGANIZER["email"],
            name=DEMO_ORGANIZER["name"],
            locale="en",
            is_demo=True,
            password_hash=hash_password(DEMO_ORGANIZER["password"]),
            email_verified_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
    return user


def _organization(profile: dict):
    existing = next((org for org in find_matches(profile["name"]) if org.name == profile["name"]), None)
    return existing or create_organization(is_demo=True, **profile)


def _coalition(organizer: User, spec: dict, organizations: dict) -> None:
    coalition = db.session.scalar(select(Coalition).where(Coalition.name == spec["name"]))
    if coalition is not None:
        return
    coalition = create_coalition(organizer, spec["name"], spec["description"], spec["region"], is_demo=True)
    for key in spec["members"]:
        db.session.add(
            Membership(
                coalition=coalition,
                organization=organizations[key],
                status=MembershipStatus.ACTIVE,
                invited_by=organizer,
                responded_at=utcnow(),
            )
        )
    for first_name, email, zip_code, language in SUPPORTERS:
        supporter = upsert_supporter(
            coalition.id,
            email=email,
            first_name=first_name,
            zip_code=zip_code,
            language=language,
            confirmed=True,
        )
        record_consent(supporter, CONSENT_WORDING, language, source="demo")
    for alert in spec.get("alerts", []):
        save_alert(coalition.id, organizer.id, alert)
    for letter in spec.get("letters", []):
        _letter(coalition, organizer, letter, organizations)
    for petition in spec.get("petitions", []):
        _petition(coalition, organizer, petition)
    for day in spec.get("actions", []):
        _day_of_action(coalition, organizer, day, organizations)
    db.session.flush()


def _petition(coalition: Coalition, organizer: User, spec: dict) -> None:
    """An open petition the demo supporters have signed and confirmed, already tallied."""
    petition = petitions.create_petition(coalition.id, organizer.id, spec)
    petition.is_demo = True
    petitions.open_petition(petition, utcnow())
    for first_name, email, zip_code, language in SUPPORTERS:
        fields = {"first_name": first_name, "email": email, "zip_code": zip_code, "show_name": True}
        signature_id = petition_signing.sign(petition, fields, language, ip_hash=None, consent_wording=None)
        signature = db.session.get(PetitionSignature, signature_id)
        petition_signing.confirm(signature, utcnow(), petition_signing.shown_digest(signature))
    petition_tally.recount(petition.id)


def _day_of_action(coalition: Coalition, organizer: User, spec: dict, organizations: dict) -> None:
    """A published day of action some weeks ahead, its events in six cities, demo RSVPs."""
    first = utcnow().date() + timedelta(days=spec["days_from_now"])
    fields = {name: spec[name] for name in DAY_FIELDS}
    fields |= {"starts_on": first, "ends_on": first, "proposals_open": spec["proposals_open"]}
    day = action_services.create_day(coalition.id, organizer.id, fields)
    day.is_demo = True
    action_services.publish(day)
    for number, event_spec in enumerate(spec["events"]):
        host = organizations[event_spec["host"]]
        start = datetime.combine(first, time(*event_spec["start"]))
        event = action_services.create_event(
            day,
            action_services.Host(host.name, host.id),
            _event_fields(event_spec, start),
            EventState.SCHEDULED,
            utcnow(),
        )
        first_name, email, zip_code, language = SUPPORTERS[number % len(SUPPORTERS)]
        person = {"first_name": first_name, "email": email, "zip_code": zip_code}
        action_rsvps.rsvp(event, person, language, consent_wording=None, now=utcnow())


def _event_fields(spec: dict, start: datetime) -> dict:
    return {
        "title": spec["title"],
        "title_es": spec["title_es"],
        "kind": EventKind(spec["kind"]),
        "description": "",
        "description_es": "",
        "venue": spec["venue"],
        "address": spec["address"],
        "address_public": spec.get("address_public", True),
        "capacity": spec.get("capacity"),
        "accessibility": spec.get("accessibility", ""),
        "languages": spec["languages"],
        "marshals": spec.get("marshals", False),
        "legal_observers": spec.get("legal_observers", False),
        "hotline": spec.get("hotline", ""),
        "safety_notes": spec.get("safety_notes", ""),
        "zip_code": spec["zip"],
        "starts_at": start,
        "ends_at": start + timedelta(hours=spec["hours"]),
    }


def _letter(coalition: Coalition, organizer: User, spec: dict, organizations: dict) -> None:
    """An open, public letter already signed and approved by the coalition's organizations."""
    fields = {name: spec[name] for name in ("title", "title_es", "body", "body_es")}
    letter = letters.create_letter(coalition.id, organizer.id, fields, spec["targets"])
    letter.is_demo = True
    letters.open_letter(letter, utcnow())
    for key in spec["signatories"]:
        organization = organizations[key]
        signer = upsert_supporter(
            coalition.id,
            email=f"demo.signer.{key.lower()}@example.org",
            first_name="Demo",
            language="en",
            confirmed=True,
        )
        db.session.add(
            Signature(
                letter=letter,
                kind=SignerKind.ORGANIZATION,
                organization=organization,
                organization_name=organization.name,
                supporter=signer,
                signer_key=f"org:{organization.id}",
                signer_name=f"Demo signer for {key}",
                signer_title="Director",
                city=organization.city,
                us_state=organization.state,
                sector=organization.sector,
                scope=organization.scope,
                state=SignatureState.APPROVED,
                confirmed_at=utcnow(),
                decided_at=utcnow(),
            )
        )
    letters.set_leads(letter, [organizations[key].id for key in spec["leads"]])
