"""Who an alert goes to: a source of supporters, optionally narrowed by state or distance.

Features after this one add sources (a petition's opted-in signers, a letter's signatories, a
day of action's RSVPs) with `register_source()`, from their `register(app)` (create_app calls it);
the compose form lists whatever is registered.

Narrowing by state keeps a supporter whose ZIP code is in the state, or whom the source itself
places there (`AudienceSource.in_state`): a letter's signers give a city and state, not a ZIP,
and a member organization's contact is where the organization is. The place stays with the
source rather than being copied onto the supporter: it was given with an action (typed by
whoever signed, or the organization's), a person's record changes only when its owner
confirms, and one person may sign two letters from two places. Distance still needs a ZIP:
`without_zip()` counts whom a distance limit leaves out for want of one, so the page can say so.
"""

from collections.abc import Callable
from dataclasses import dataclass

import us
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import Select, false, func, or_, select

from campaign.core.places import all_places, miles_between, place_of, zips_in_state
from campaign.extensions import db
from campaign.notifications import member_contacts
from campaign.supporters.models import Subscription, Supporter

SUBSCRIBERS = "subscribers"


@dataclass(frozen=True)
class AudienceSource:
    key: str
    label: object  # a lazy string
    # (coalition_id, source_id) -> a select of supporter ids; None for the coalition-wide source.
    supporter_ids: Callable[[int, int | None], Select]
    choices: Callable[[int], list[tuple[int, str]]] | None = None  # (coalition_id) -> [(id, title)]
    # (coalition_id, source_id, state code) -> a select of the supporter ids the source places in
    # that state by its own records; None: only their ZIP codes place them.
    in_state: Callable[[int, int | None, str], Select] | None = None


def _subscribers(coalition_id: int, source_id: int | None) -> Select:
    return select(Supporter.id).where(Supporter.coalition_id == coalition_id)


SOURCES: dict[str, AudienceSource] = {
    SUBSCRIBERS: AudienceSource(SUBSCRIBERS, _l("Everyone subscribed to the coalition"), _subscribers),
    "members": AudienceSource(
        "members",
        _l("Member organizations’ contacts (those who agreed to the coalition’s email)"),
        member_contacts.contact_ids,
        in_state=member_contacts.contacts_in_state,
    ),
}


def register_source(source: AudienceSource) -> None:
    SOURCES[source.key] = source


def options(coalition_id: int) -> list[tuple[str, str]]:
    """What the compose form offers: "subscribers", and "petition:12" for each listed item."""
    offered = []
    for key, source in SOURCES.items():
        if source.choices is None:
            offered.append((key, str(source.label)))
        else:
            offered += [
                (f"{key}:{item_id}", f"{source.label}: {title}")
                for item_id, title in source.choices(coalition_id)
            ]
    return offered


def option_value(audience: dict) -> str:
    source_id = audience.get("source_id")
    return f"{audience.get('source')}:{source_id}" if source_id else audience.get("source") or SUBSCRIBERS


def from_option(value: str) -> dict:
    key, _, source_id = value.partition(":")
    return {"source": key, "source_id": int(source_id)} if source_id else {"source": key}


def _zips_within(center: str, miles: float) -> list[str]:
    origin = place_of(center)
    return [
        code
        for code, place in all_places().items()
        if miles_between(origin.lat, origin.lon, place.lat, place.lon) <= miles
    ]


def _source_of(audience: dict) -> AudienceSource | None:
    return None if "supporter_ids" in audience else SOURCES.get(audience.get("source") or SUBSCRIBERS)


def _chosen(coalition_id: int, audience: dict, subscribed_only: bool) -> Select:
    """The audience before any distance limit."""
    source = _source_of(audience)
    if "supporter_ids" in audience:
        ids = audience["supporter_ids"]
    elif source is None:  # its feature is gone: nobody
        return select(Supporter.id).where(false())
    else:
        ids = source.supporter_ids(coalition_id, audience.get("source_id"))
    query = select(Supporter.id).where(
        Supporter.coalition_id == coalition_id,
        Supporter.id.in_(ids),
        Supporter.erased_at.is_(None),
    )
    # Suppressed addresses stay in: their deliveries end "skipped", so the organizer sees them.
    if subscribed_only:
        query = query.where(Supporter.subscription == Subscription.SUBSCRIBED)
    state = audience.get("state")
    if state:
        in_state = Supporter.zip_code.in_(zips_in_state(state))
        if source is not None and source.in_state is not None:
            placed = source.in_state(coalition_id, audience.get("source_id"), state)
            in_state = or_(in_state, Supporter.id.in_(placed))
        query = query.where(in_state)
    return query


def recipients(coalition_id: int, audience: dict, subscribed_only: bool = True) -> Select:
    """A select of the ids of the supporters `audience` describes.

    Alerts reach only subscribed supporters; notices (`subscribed_only=False`) go to the people
    a feature names, and the sender still skips the unsubscribed and suppressed (sending.py).
    """
    query = _chosen(coalition_id, audience, subscribed_only)
    if audience.get("zip") and audience.get("miles"):
        query = query.where(Supporter.zip_code.in_(_zips_within(audience["zip"], float(audience["miles"]))))
    return query


def without_zip(coalition_id: int, audience: dict) -> int:
    """How many of the audience a distance limit leaves out because no ZIP code is on file for
    them (a letter's signers give none); 0 when no distance limit is set."""
    if not (audience.get("zip") and audience.get("miles")):
        return 0
    chosen = _chosen(coalition_id, audience, subscribed_only=True).where(Supporter.zip_code.is_(None))
    return db.session.scalar(select(func.count()).select_from(chosen.subquery()))


def in_parts(audience: dict, size: int) -> list[dict]:
    """A notice's list of supporter ids cut into parts of `size`; any other audience whole."""
    ids = audience.get("supporter_ids")
    if ids is None:
        return [audience]
    return [{"supporter_ids": ids[start : start + size]} for start in range(0, len(ids), size)]


def describe(audience: dict) -> str:
    """The audience in words, for the organizer: "Everyone subscribed · in Pennsylvania"."""
    source = SOURCES.get(audience.get("source") or SUBSCRIBERS)
    parts = [str(source.label) if source else str(_l("A list of supporters"))]
    if audience.get("state"):
        state = us.states.lookup(audience["state"])
        parts.append(str(_l("in %(state)s", state=state.name if state else audience["state"])))
    if audience.get("zip") and audience.get("miles"):
        parts.append(
            str(
                lazy_ngettext(
                    "within %(num)d mile of %(zip)s",
                    "within %(num)d miles of %(zip)s",
                    audience["miles"],
                    zip=audience["zip"],
                )
            )
        )
    return " · ".join(parts)


def count(coalition_id: int, audience: dict) -> int:
    return db.session.scalar(select(func.count()).select_from(recipients(coalition_id, audience).subquery()))
