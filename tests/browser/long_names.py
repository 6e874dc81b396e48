"""Demo data at its widest: names of 60+ characters without a space, long addresses, big counts.

The phone crawl (test_phone_fit.py) loads the demo, then adds one coalition of the demo organizer
where every name a page shows is one long word, so that a page that cannot wrap it scrolls
sideways at 390 px. Everything is made through the services, and the emails they send are kept:
their links are the pages only an email's recipient reaches (confirm pages, preferences, host
pages), with the tokens the app itself made.
"""

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from email import message_from_string, policy

from sqlalchemy import select

from campaign.accounts import services as accounts
from campaign.accounts.models import User
from campaign.actions import rsvps
from campaign.actions import services as actions
from campaign.actions.models import DayOfAction, EventKind, EventState
from campaign.coalitions import services as coalitions
from campaign.coalitions import teammates
from campaign.coalitions.models import Coalition, CoalitionRole, Role
from campaign.core.mail import StoredMail
from campaign.core.outbox import dispatch_committed, enqueue, utcnow
from campaign.demo.data import DEMO_ORGANIZER
from campaign.extensions import db
from campaign.letters import services as letters
from campaign.letters import signing as letter_signing
from campaign.letters.models import ChangeKind, Letter, Signature
from campaign.letters.versions import Decision
from campaign.letters.vetting import decide
from campaign.notifications import services as alerts
from campaign.petitions import paper, tally
from campaign.petitions import services as petitions
from campaign.petitions import signing as petition_signing
from campaign.petitions.models import Petition, PetitionSignature
from campaign.supporters import services as supporters
from campaign.supporters import tasks as supporter_tasks
from campaign.supporters.models import DataRequestKind

COALITION = "CoaliciónPorLosDerechosDeLasFamiliasInmigrantesDelValleCentralDeCalifornia"
ORGANIZATION = "AsociaciónDeTrabajadorasYTrabajadoresInmigrantesUnidosDelCondadoDeLosÁngeles"
INVITED = "OrganizaciónComunitariaDeJornalerosYTrabajadorasDelHogarDelNorteDeCarolina"
SIGNER_ORGANIZATION = "FederaciónNacionalDeOrganizacionesLatinasPorLaJusticiaMigratoriaYRacial"
PERSON = "MaríaGuadalupeDeLosÁngelesHernándezRodríguezDeLaCruzYMartínezGonzález"
TITLE = "TerminenTodosLosAcuerdos287gYLasRetencionesDeICEEnLosCondadosDelSurDeCalifornia"
PLACE = "CentroComunitarioDeLaParroquiaDeNuestraSeñoraDeGuadalupeEnElEsteDeLosÁngeles"
EMAIL = (
    "coordinacion.de.comunicaciones.y.alianzas.comunitarias"
    "@derechos-de-los-inmigrantes-del-valle-central.example.org"
)
PAPER_SIGNATURES = 1_234_567


def email(n: int) -> str:
    """A different long address for each record: one address signs each thing once."""
    local, _, domain = EMAIL.partition("@")
    return f"{local}.{n}@{domain}"


def load(organizer: User) -> None:
    """The long coalition, owned by `organizer`, with one of each thing its pages list."""
    coalition = coalitions.create_coalition(organizer, COALITION, f"{PLACE} {TITLE}", PLACE)
    member = coalitions.invite(coalition, organizer, contact_email=email(1), name=ORGANIZATION)
    coalitions.accept(member)
    coalitions.invite(coalition, organizer, contact_email=email(2), name=INVITED, message=TITLE)
    teammate = User(
        email=email(3),
        name=PERSON,
        password_hash=accounts.hash_password(DEMO_ORGANIZER["password"]),
        email_verified_at=utcnow(),
        locale="es",
    )
    db.session.add(CoalitionRole(coalition=coalition, user=teammate, role=Role.ORGANIZER))
    teammates.invite_teammate(coalition, organizer, Role.OWNER, email(4), Role.VIEWER, "es")
    supporter = supporters.upsert_supporter(
        coalition.id, email=email(5), first_name=PERSON, last_name=PERSON, zip_code="90012", language="es"
    )
    supporters.record_consent(supporter, f"{TITLE} {TITLE}", "es", source="crawl")
    text = {"subject": TITLE, "body": f"{PLACE}\n\n{EMAIL}", "subject_es": TITLE, "body_es": PLACE}
    alerts.save_alert(coalition.id, organizer.id, text | {"audience": {"source": "subscribers"}})
    _letter(coalition, organizer)
    _petition(coalition, organizer, member.organization_id)
    _day_of_action(coalition, organizer, member.organization_id)
    enqueue(
        supporter_tasks.answer_data_request,
        data_request_id=supporters.open_data_request(DataRequestKind.ERASURE, email(5), "es", "crawl").id,
    )
    accounts.request_password_reset(email(3), "crawl")


def _letter(coalition, organizer: User) -> None:
    target = {"name": PERSON, "title": TITLE, "office": ORGANIZATION}
    fields = {"title": TITLE, "title_es": TITLE, "body": f"{PLACE}\n\n{EMAIL}", "body_es": PLACE}
    for delivered in (False, True):
        letter = letters.create_letter(coalition.id, organizer.id, fields, [target])
        letters.open_letter(letter, utcnow())
        for n, name in enumerate((SIGNER_ORGANIZATION, ORGANIZATION, INVITED)):
            signed = {
                "kind": "organization",
                "organization_name": name,
                "signer_name": f"{PERSON} {PERSON}",
                "signer_title": TITLE,
                "email": email(10 + n),
                "city": PLACE,
                "us_state": "CA",
            }
            letter_signing.sign_on(letter, signed, "es", None)
            signature = db.session.scalars(select(Signature).order_by(Signature.id.desc())).first()
            if n < 2:  # the third stays unconfirmed; the second waits in the vetting queue
                letter_signing.confirm(signature, utcnow(), letter_signing.shown_digest(signature))
            if n == 0:
                decide([signature], True, organizer.id, utcnow())
        if not delivered:  # a correction: its email gives each signer a link to withdraw
            correction = fields | {"body": f"{fields['body']} {TITLE}"}
            letters.update_letter(letter, correction, [target], organizer.id, Decision(ChangeKind.CORRECTION))
        if delivered:
            letters.record_delivery(letter, date(2026, 1, 5), PLACE, f"{PERSON} {EMAIL}")
            letters.record_response(letter, date(2026, 2, 5), f"{TITLE} {PLACE}")


def _petition(coalition, organizer: User, organization_id: int) -> None:
    fields = {"title": TITLE, "target": PERSON, "ask": PLACE, "body": EMAIL, "goal": 2_000_000}
    petition = petitions.create_petition(coalition.id, organizer.id, fields | {"title_es": TITLE})
    petitions.open_petition(petition, utcnow())
    for n in range(2):  # one confirmed and shown by name, one waiting for its click
        signer = {"first_name": PERSON, "last_name": PERSON, "email": email(20 + n), "zip_code": "90012"}
        signature_id = petition_signing.sign(petition, signer | {"show_name": True}, "es", None, None)
        if n == 0:
            signature = db.session.get(PetitionSignature, signature_id)
            petition_signing.confirm(signature, utcnow(), petition_signing.shown_digest(signature))
    paper.add_batch(petition, organization_id, PAPER_SIGNATURES, [], organizer.id)
    tally.recount(petition.id)


def _day_of_action(coalition, organizer: User, organization_id: int) -> None:
    first = utcnow().date() + timedelta(days=14)
    day = actions.create_day(
        coalition.id,
        organizer.id,
        {
            "title": TITLE,
            "title_es": TITLE,
            "description": PLACE,
            "description_es": PLACE,
            "demand": EMAIL,
            "demand_es": EMAIL,
            "starts_on": first,
            "ends_on": first,
            "proposals_open": True,
        },
    )
    start = datetime.combine(first, time(17))
    event = {
        "title": TITLE,
        "title_es": TITLE,
        "kind": EventKind.VIGIL,
        "description": PLACE,
        "description_es": PLACE,
        "venue": PLACE,
        "address": f"{PLACE} {ORGANIZATION}",
        "address_public": True,
        "capacity": 1,
        "accessibility": PLACE,
        "languages": "es,en",
        "marshals": True,
        "legal_observers": True,
        "hotline": "+12135550199",
        "safety_notes": TITLE,
        "zip_code": "90012",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
    }
    host = actions.Host(ORGANIZATION, organization_id, email(30), "es", PERSON)
    scheduled = actions.create_event(day, host, event, EventState.SCHEDULED, utcnow())
    actions.create_event(day, replace(host, organization_id=None), event, EventState.PROPOSED, utcnow())
    actions.publish(day)  # emails the host of the scheduled event its link
    for n in range(2):  # one going, one on the waiting list (capacity 1)
        person = {"first_name": PERSON, "last_name": PERSON, "email": email(31 + n), "zip_code": "90012"}
        rsvps.rsvp(scheduled, person | {"phone": "+12135550100"}, "es", None, utcnow())


def url_marks() -> set[str]:
    """What the long coalition's URLs hold: its slug, its letters', petition's and day's, and
    its letters' sign-on keys."""
    coalition = db.session.scalar(select(Coalition).where(Coalition.name == COALITION))
    columns = (Letter.slug, Letter.signon_key, Petition.slug, DayOfAction.slug)
    owned = [
        db.session.scalars(select(column).where(column.class_.coalition_id == coalition.id))
        for column in columns
    ]
    return {coalition.slug, *(value for values in owned for value in values)}


def emailed_paths(base_url: str) -> list[str]:
    """The paths of the app's own links in the emails to the long coalition's people."""
    link = re.compile(re.escape(base_url) + r"(/[^\s\"'<>)\]]*)")
    paths = []
    for mail in db.session.scalars(select(StoredMail)):
        message = message_from_string(mail.raw, policy=policy.default)
        if message["To"].endswith(EMAIL.partition("@")[2]):
            paths.extend(link.findall(message.get_body(preferencelist=("plain",)).get_content()))
    return list(dict.fromkeys(paths))


def commit_and_send() -> None:
    db.session.commit()
    dispatch_committed()
