"""What a webhook says: `{"type", "timestamp", "data"}` as Standard Webhooks shapes a payload,
`data` an OSDI resource (a signature, an attendance, a person, a message) built from the ids a
delivery holds, at the moment it is sent.

Without the coalition's "personal data" setting, `data` carries ids, states and counts only:
no name, email address, ZIP code, comment or anything typed by a person. With it, the person
is embedded as the API's people resource shows them (api/people.py)."""

from datetime import datetime

from sqlalchemy import func, select

from campaign.actions.models import Event, Rsvp
from campaign.actions.rsvps import going_count
from campaign.api.events import ATTENDANCE_STATUS
from campaign.api.hal import identifiers, link, timestamp
from campaign.api.people import person, person_resource, statuses
from campaign.api.webhooks.models import TEST_EVENT, WebhookDelivery
from campaign.extensions import db
from campaign.letters.models import Letter, Signature, SignatureState
from campaign.notifications.models import Message
from campaign.notifications.services import progress
from campaign.petitions.models import Petition, PetitionSignature
from campaign.petitions.models import SignatureState as PetitionSignatureState


def event(delivery: WebhookDelivery, personal: bool) -> dict:
    """The delivery's event, as its endpoint receives it (alone, or as one item of a batch)."""
    build = BUILDERS[delivery.event_type]
    return {
        "type": delivery.event_type,
        "timestamp": _iso(delivery.occurred_at),
        "data": build(delivery.subject, delivery.coalition_id, personal),
    }


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _with_person(data: dict, coalition_id: int, supporter_id: int | None, personal: bool) -> dict:
    """The person's link (an id), and with personal data allowed the person, embedded: only a
    person on file, as the API would show them (an address only typed into a form is no one's yet)."""
    supporter = person(coalition_id, supporter_id) if supporter_id is not None else None
    if supporter is None:
        return data
    data["_links"]["osdi:person"] = link("api.people.show", person_id=supporter.id)
    if personal:
        status = statuses(coalition_id, [supporter])[supporter.id]
        data.setdefault("_embedded", {})["osdi:person"] = person_resource(supporter, status)
    return data


def _signature(subject: dict, coalition_id: int, personal: bool) -> dict:
    signature = db.session.get(PetitionSignature, subject["signature_id"])
    petition = db.session.get(Petition, subject["petition_id"])
    data = {"identifiers": identifiers(subject["signature_id"]), "_links": {}}
    if petition is not None:
        data["_embedded"] = {
            "osdi:petition": {
                "identifiers": identifiers(petition.id),
                "total_signatures": _petition_total(petition),
            }
        }
    if signature is None:
        return data
    confirmed = signature.confirmed_at or signature.created_at
    data |= {"created_date": timestamp(signature.created_at), "modified_date": timestamp(confirmed)}
    if signature.source:  # a member organization's ?source= code, not the person's
        data["referrer_data"] = {"source": signature.source}
    if personal and signature.comment:
        data["comments"] = signature.comment
    return _with_person(data, coalition_id, signature.supporter_id, personal)


def _petition_total(petition: Petition) -> int:
    """The total the page will show: the stored tally and the confirmations it has yet to fold in."""
    waiting = db.session.scalar(
        select(func.count()).where(
            PetitionSignature.petition_id == petition.id,
            PetitionSignature.state == PetitionSignatureState.CONFIRMED,
            PetitionSignature.counted.is_(False),
        )
    )
    return petition.total + waiting


def _attendance(subject: dict, coalition_id: int, personal: bool) -> dict:
    attendance = db.session.get(Rsvp, subject["rsvp_id"])
    event_ = db.session.get(Event, subject["event_id"])
    data = {"identifiers": identifiers(subject["rsvp_id"]), "_links": {}}
    if event_ is not None:
        data["_embedded"] = {
            "osdi:event": {
                "identifiers": identifiers(event_.id),
                "capacity": event_.capacity,
                "total_accepted": going_count(event_),
            }
        }
    if attendance is None:
        return data
    data |= {
        "created_date": timestamp(attendance.created_at),
        "modified_date": timestamp(attendance.cancelled_at or attendance.created_at),
        "status": ATTENDANCE_STATUS[attendance.state],
        "attended": attendance.checked_in_at is not None,
    }
    return _with_person(data, coalition_id, attendance.supporter_id, personal)


def _signatory(subject: dict, coalition_id: int, personal: bool) -> dict:
    signature = db.session.get(Signature, subject["signature_id"])
    letter = db.session.get(Letter, subject["letter_id"])
    data = {"identifiers": identifiers(subject["signature_id"]), "_links": {}}
    if letter is not None:
        approved = select(func.count()).where(
            Signature.letter_id == letter.id, Signature.state == SignatureState.APPROVED
        )
        data["_embedded"] = {
            "campaign_desk:letter": {
                "identifiers": identifiers(letter.id),
                "total_signatories": db.session.scalar(approved),
            }
        }
    if signature is None:
        return data
    data |= {"created_date": timestamp(signature.created_at), "kind": signature.kind.value}
    if personal:
        data |= {
            "display_name": signature.display_name,
            "sector": signature.sector.value if signature.sector else None,
            "locality": signature.city,
            "region": signature.us_state,
        }
    return _with_person(data, coalition_id, signature.supporter_id, personal)


def _unsubscribed(subject: dict, coalition_id: int, personal: bool) -> dict:
    data = {"identifiers": identifiers(subject["person_id"]), "_links": {}}
    return _with_person(data, coalition_id, subject["person_id"], personal)


def _alert(subject: dict, coalition_id: int, personal: bool) -> dict:
    message = db.session.get(Message, subject["alert_id"])
    data = {"identifiers": identifiers(subject["alert_id"]), "type": "email", "status": "sent"}
    if message is None:
        return data
    counts = progress(message)
    return data | {
        "subject": message.subject,  # the organizers' own words to supporters, not personal data
        "sent_start_date": timestamp(message.started_at or message.created_at),
        "sent_end_date": timestamp(message.finished_at or message.created_at),
        "total_targeted": counts.total,
        "total_sent": counts.sent,
        "total_failed": counts.failed,
        "total_suppressed": counts.suppressed,
    }


def _test(subject: dict, coalition_id: int, personal: bool) -> dict:
    return {"message": "A test event from Campaign desk: your endpoint receives and verifies our webhooks."}


BUILDERS = {
    "signature.confirmed": _signature,
    "attendance.created": _attendance,
    "attendance.cancelled": _attendance,
    "letter.signatory.approved": _signatory,
    "person.unsubscribed": _unsubscribed,
    "alert.sent": _alert,
    TEST_EVENT: _test,
}
