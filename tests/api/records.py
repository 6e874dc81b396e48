"""A coalition's tags, letters, petitions and events for the API's tests, made through the
services at fixed times, so that answers can be compared with docs/api/ whole."""

from sqlalchemy import func, select, update

from campaign.actions import services as actions
from campaign.actions.models import DayOfAction, Event, EventState, Rsvp, RsvpState
from campaign.extensions import db
from campaign.letters import services as letters
from campaign.letters.models import Letter, LetterVersion, Signature, SignatureState, SignerKind
from campaign.organizations.models import Scope, Sector
from campaign.petitions import services as petitions
from campaign.petitions.models import Petition
from campaign.tags import services as tags
from campaign.tags.models import Tag, Tagging
from tests.api.conftest import CREATED, MODIFIED
from tests.coalitions.test_access import DAY, EVENT, PETITION

TARGETS = [
    {
        "name": "Jeh Johnson",
        "title": "Secretary of Homeland Security",
        "office": "U.S. Department of Homeland Security",
    },
    {"name": "Sarah Saldaña", "title": "Director", "office": ""},
]
# Who signs the examples' letter: listed are the approved organization and the approved
# individual who asked to be named; the others are counted (the unnamed one) or not at all.
SIGNERS = [
    ("Juntos", SignerKind.ORGANIZATION, SignatureState.APPROVED, False),
    ("Rosa Díaz", SignerKind.INDIVIDUAL, SignatureState.APPROVED, True),
    ("Hidden Person", SignerKind.INDIVIDUAL, SignatureState.APPROVED, False),
    ("Pending Group", SignerKind.ORGANIZATION, SignatureState.PENDING, False),
    ("Rejected Imposter", SignerKind.ORGANIZATION, SignatureState.REJECTED, False),
    ("Withdrawn Group", SignerKind.ORGANIZATION, SignatureState.WITHDRAWN, False),
    ("Unconfirmed Group", SignerKind.ORGANIZATION, SignatureState.UNCONFIRMED, False),
]


# What a member organization's website form sends: a person who ticked the box, with its words.
SIGNUP = {
    "person": {
        "given_name": "Luz",
        "family_name": "Morales",
        "email_addresses": [{"address": "luz@example.org", "status": "subscribed"}],
        "postal_addresses": [{"postal_code": "19104"}],
        "languages_spoken": ["es"],
    },
    "add_tags": ["Volunteers", "Vecinos de Kensington"],
    "consent": {
        "wording": "Quiero recibir noticias de la coalición por correo electrónico.",
        "language": "es",
    },
}
SIGNUP_WITHOUT_CONSENT = {key: value for key, value in SIGNUP.items() if key != "consent"}


def add_tag(coalition, name: str, people: list[int]) -> int:
    tag = tags.create_tag(coalition.id, name, None)
    tags.tag(people, tag)
    db.session.execute(update(Tag).where(Tag.id == tag.id).values(created_at=CREATED, updated_at=MODIFIED))
    db.session.execute(update(Tagging).where(Tagging.tag_id == tag.id).values(created_at=MODIFIED))
    db.session.commit()
    return tag.id


def add_letter(
    coalition, title="End 287(g) agreements now", signers=SIGNERS, open_it=True, embargoed=False
) -> int:
    """A letter opened at CREATED (public unless embargoed), signed by `signers` (name, kind,
    state, asked to be named) on its current text."""
    letter = letters.create_letter(
        coalition.id, None, {"title": title, "body": "Dear Secretary,", "embargoed": embargoed}, TARGETS
    )
    if open_it:
        letters.open_letter(letter, CREATED)
    for number, (name, kind, state, named) in enumerate(signers, start=1):
        organization = kind == SignerKind.ORGANIZATION
        db.session.add(
            Signature(
                letter_id=letter.id,
                kind=kind,
                state=state,
                version=letter.version,
                signer_key=f"name:{number}" if state == SignatureState.APPROVED else None,
                organization_name=name if organization else "",
                signer_name=None if organization else name,
                show_name=organization or named,
                city="Philadelphia",
                us_state="PA",
                sector=Sector.GRASSROOTS if organization else None,
                scope=Scope.LOCAL if organization else None,
                created_at=MODIFIED,
            )
        )
    fixed = {"created_at": CREATED, "version_at": CREATED, "signon_key": f"sign-on-key-{letter.id}"}
    db.session.execute(update(Letter).where(Letter.id == letter.id).values(**fixed))
    db.session.execute(
        update(LetterVersion).where(LetterVersion.letter_id == letter.id).values(created_at=CREATED)
    )
    db.session.commit()
    return letter.id


def add_petition(coalition, title="End ICE holds", open_it=True, signatures=0) -> int:
    petition = petitions.create_petition(coalition.id, None, PETITION | {"title": title})
    if open_it:
        petitions.open_petition(petition, CREATED)
    db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id)
        .values(created_at=CREATED, updated_at=MODIFIED, signature_count=signatures, paper_count=12)
    )
    db.session.commit()
    return petition.id


def add_event(coalition, publish=True, state=EventState.SCHEDULED, rsvps=()) -> int:
    """An event of a day of action (published unless told), with RSVPs in these states."""
    day = actions.create_day(coalition.id, None, DAY)
    event = actions.create_event(day, actions.Host("Juntos"), EVENT, state, CREATED)
    if publish:
        actions.publish(day)
    for number, rsvp_state in enumerate(rsvps):
        db.session.add(Rsvp(event_id=event.id, email_index=f"index-{number}", state=rsvp_state))
    db.session.execute(
        update(Event).where(Event.id == event.id).values(created_at=CREATED, updated_at=MODIFIED)
    )
    db.session.execute(update(DayOfAction).where(DayOfAction.id == day.id).values(created_at=CREATED))
    db.session.commit()
    return event.id


def add_records(coalition, people: list[int]) -> dict:
    """The examples' world beside their people: a tag on them, a public letter and its signers,
    an open petition, and a published day of action's event with RSVPs; their ids by the names
    of the API's route arguments (the access walk of tests/api/test_people.py)."""
    tag_id = add_tag(coalition, "Volunteers", people)
    letter_id = add_letter(coalition)
    petition_id = add_petition(coalition, signatures=41)
    standing_and_not = (RsvpState.GOING, RsvpState.WAITLISTED, RsvpState.CANCELLED, RsvpState.WALK_IN)
    return {
        "tag_id": tag_id,
        "tagging_id": db.session.scalar(select(func.min(Tagging.id)).where(Tagging.tag_id == tag_id)),
        "letter_id": letter_id,
        "signatory_id": db.session.scalar(
            select(func.min(Signature.id)).where(Signature.letter_id == letter_id)
        ),
        "petition_id": petition_id,
        "event_id": add_event(coalition, rsvps=standing_and_not),
        "form_id": f"petition-{petition_id}",
    }
