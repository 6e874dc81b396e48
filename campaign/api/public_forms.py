"""OSDI forms: the coalition's public pages where a supporter gives their details.

Campaign desk has no standalone signup form, so its forms are the sign form of each open or
closed petition, the sign-on form of each public letter still taking sign-ons, and the RSVP form
of each listed or called-off event of a published day of action: what a visitor can open. Each
is named by its kind and its record's id ("petition-12"), and links to that record's own
resource. Public data only: titles, pages and counts."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import Select, String, cast, literal, select, union_all
from sqlalchemy.orm import joinedload

from campaign.actions.models import DayOfAction, DayState, Event, EventState, RsvpState
from campaign.actions.services import rsvp_figures
from campaign.api import letters
from campaign.api.hal import NAMESPACE, Page, collection, link, page_of, timestamp
from campaign.extensions import db
from campaign.letters.models import Letter, LetterState
from campaign.petitions.models import Petition, PetitionState

FORM_ID = re.compile(r"(petition|letter|event)-([0-9]{1,18})")
# RSVPs made through the form and standing: walk-ins never saw it, and cancelled ones withdrew.
STANDING_RSVPS = (RsvpState.GOING, RsvpState.WAITLISTED)


def _petitions(coalition_id: int) -> Select:
    return select(Petition).where(
        Petition.coalition_id == coalition_id,
        Petition.state.in_((PetitionState.OPEN, PetitionState.CLOSED)),
    )


def _letters(coalition_id: int) -> Select:
    """Public letters whose page links the sign-on form (a delivered one's does not)."""
    return letters.public_letters(coalition_id).where(
        Letter.state.in_((LetterState.OPEN, LetterState.CLOSED))
    )


def _events(coalition_id: int) -> Select:
    return (
        select(Event)
        .join(DayOfAction, DayOfAction.id == Event.day_id)
        .where(
            Event.coalition_id == coalition_id,
            DayOfAction.state == DayState.PUBLISHED,
            Event.state.in_((EventState.SCHEDULED, EventState.CANCELLED)),
        )
    )


def _rsvps(events: list[Event]) -> dict[int, int]:
    counts, _ = rsvp_figures([event.id for event in events])
    return {
        event_id: sum(by_state.get(state, 0) for state in STANDING_RSVPS)
        for event_id, by_state in counts.items()
    }


@dataclass(frozen=True)
class Kind:
    model: type
    listed: Callable[[int], Select]  # coalition id -> its records with a public form
    submissions: Callable[[list], dict[int, int]]  # records -> their submissions by id
    browser_url: Callable[[object], str]
    last_change: Callable[[object], datetime]
    rel: str  # of the link to the record's own resource
    resource_link: Callable[[object], dict]


KINDS = {
    "petition": Kind(
        Petition,
        _petitions,
        lambda petitions: {petition.id: petition.signature_count for petition in petitions},
        lambda petition: url_for("petitions.public_petition", slug=petition.slug, _external=True),
        lambda petition: petition.updated_at,
        "osdi:petition",
        lambda petition: link("api.petitions.show", petition_id=petition.id),
    ),
    "letter": Kind(
        Letter,
        _letters,
        lambda found: letters.signatory_totals([letter.id for letter in found]),
        lambda letter: url_for("letters.sign", key=letter.signon_key, _external=True),
        letters.last_change,
        "campaign_desk:letter",
        lambda letter: link("api.letters.show", letter_id=letter.id),
    ),
    "event": Kind(
        Event,
        _events,
        _rsvps,
        lambda event: url_for("actions.event", slug=event.day.slug, event_id=event.id, _external=True),
        lambda event: event.updated_at,
        "osdi:event",
        lambda event: link("api.events.show", event_id=event.id),
    ),
}


def page_of_forms(coalition_id: int, number: int, size: int) -> Page:
    """A page of the forms, oldest record first; `extra` holds each one's resource by form id."""
    forms = union_all(
        *(
            kind.listed(coalition_id).with_only_columns(
                (literal(f"{name}-") + cast(kind.model.id, String)).label("form_id"),
                kind.model.created_at.label("created_at"),
            )
            for name, kind in KINDS.items()
        )
    ).subquery()
    page = page_of(select(forms.c.form_id).order_by(forms.c.created_at), forms.c.form_id, number, size)
    page.extra = _resources(coalition_id, page.items)
    return page


def form(coalition_id: int, form_id: str) -> dict | None:
    """The form's resource, or None if it names no public form of the coalition."""
    return _resources(coalition_id, [form_id]).get(form_id)


def _resources(coalition_id: int, form_ids: list[str]) -> dict[str, dict]:
    wanted: dict[str, list[int]] = {}
    for form_id in form_ids:
        found = FORM_ID.fullmatch(form_id)
        if found:
            wanted.setdefault(found.group(1), []).append(int(found.group(2)))
    resources = {}
    for name, ids in wanted.items():
        kind = KINDS[name]
        query = kind.listed(coalition_id).where(kind.model.id.in_(ids))
        if kind.model is Event:
            query = query.options(joinedload(Event.day))  # for its page's address
        records = list(db.session.scalars(query))
        submissions = kind.submissions(records)
        for record in records:
            resources[f"{name}-{record.id}"] = _form_resource(name, kind, record, submissions[record.id])
    return resources


def _form_resource(name: str, kind: Kind, record, submissions: int) -> dict:
    form_id = f"{name}-{record.id}"
    return {
        "identifiers": [f"{NAMESPACE}:{form_id}"],
        "created_date": timestamp(record.created_at),
        "modified_date": timestamp(kind.last_change(record)),
        "title": record.title,
        "browser_url": kind.browser_url(record),
        "total_submissions": submissions,
        "_links": {"self": link("api.forms.show", form_id=form_id), kind.rel: kind.resource_link(record)},
    }


def forms_resource(page: Page) -> dict:
    # A record that stopped taking its form since the page was counted is left out.
    embedded = [page.extra[form_id] for form_id in page.items if form_id in page.extra]
    return collection("api.forms.index", "osdi:forms", page, embedded, {})
