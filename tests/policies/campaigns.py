"""A letter, a petition and a day of action of one coalition, public and with figures, and a
measure: what the targets tests aim at each other."""

from datetime import date, datetime

from campaign.actions import rsvps
from campaign.actions import services as actions
from campaign.actions.models import EventState
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.letters import services as letters
from campaign.letters.models import Signature, SignatureState, SignerKind
from campaign.organizations.services import create_organization
from campaign.petitions import services as petitions
from campaign.petitions import signing
from campaign.petitions.models import PetitionSignature
from campaign.policies import places, services
from campaign.policies.models import MeasureStage
from campaign.supporters.services import record_consent, upsert_supporter
from tests.coalitions.test_access import DAY, EVENT, LETTER, PETITION


def subscriber(coalition_id: int, email: str, zip_code: str = "19104"):
    person = upsert_supporter(coalition_id, email=email, first_name="Ana", zip_code=zip_code, language="es")
    record_consent(person, "Send me updates.", "es", source="test")
    return person


def campaigns(coalition, owner) -> dict:
    """Open, public campaigns: a letter two organizations signed, a petition with 1,204
    signatures (one a subscribed supporter's, confirmed), a day with two events and three RSVPs."""
    letter = letters.create_letter(coalition.id, owner.id, LETTER, [{"name": "Jeh Johnson"}])
    letters.open_letter(letter, utcnow())
    for number in range(2):
        organization = create_organization(name=f"Group {number}", email=f"g{number}@groups.example")
        signer = subscriber(coalition.id, f"signer{number}@groups.example")
        db.session.add(
            Signature(
                letter=letter, kind=SignerKind.ORGANIZATION, organization=organization,
                organization_name=organization.name, supporter=signer, signer_key=f"org:{organization.id}",
                signer_name="Sam", city="Philadelphia", us_state="PA", state=SignatureState.APPROVED,
                confirmed_at=utcnow(), decided_at=utcnow(),
            )
        )  # fmt: skip
    petition = petitions.create_petition(coalition.id, owner.id, PETITION)
    petitions.open_petition(petition, utcnow())
    subscriber(coalition.id, "rosa@example.org")
    fields = {"first_name": "Rosa", "email": "rosa@example.org", "zip_code": "19104", "show_name": False}
    signature = db.session.get(PetitionSignature, signing.sign(petition, fields, "es", None, None))
    signing.confirm(signature, utcnow(), signing.shown_digest(signature))
    petition.signature_count = 1204
    day = actions.create_day(coalition.id, owner.id, DAY)
    for hour in (10, 18):
        event = actions.create_event(
            day, actions.Host("Juntos"), EVENT | {"starts_at": datetime(2030, 5, 29, hour)},
            EventState.SCHEDULED, utcnow(),
        )  # fmt: skip
        for number in range(1 if hour == 10 else 2):
            email = f"luz{hour}{number}@example.org"
            if number == 0:
                subscriber(coalition.id, email)  # the others gave no consent: alerts skip them
            person = {"first_name": "Luz", "email": email, "zip_code": "19104"}
            rsvps.rsvp(event, person, "en", consent_wording=None, now=utcnow())
    actions.publish(day)
    db.session.commit()
    return {"letter": letter, "petition": petition, "action": day}


def county(name: str, state: str):
    (found,) = places.counties_named(name, state)
    return services.jurisdiction_for_fips(found.fips)


def measure(coalition_id: int, jurisdiction, public: bool = True):
    fields = {"title": "Ordinance 101", "stage": MeasureStage.VOTE, "introduced_on": date(2030, 1, 5)}
    made = services.create_measure(coalition_id, jurisdiction, None, fields | {"public": public})
    db.session.commit()
    return made


def public_entry(coalition_id: int, jurisdiction) -> None:
    services.record_entry(
        coalition_id, jurisdiction, None, {"kind": "detainers", "status": "refuses", "public": True}
    )
    services.set_tracker_shared(coalition_id, True)
    db.session.commit()
