"""The record attendance helper (OSDI's, as Action Network takes it): the RSVP recorded through
the public RSVP form's own service, with its rules (one RSVP per person, the waitlist when
full, the RSVP email, consent only when given)."""

from datetime import datetime

from sqlalchemy import select

from campaign.actions import rsvps
from campaign.actions.models import Event, Rsvp
from campaign.api import helper_rules
from campaign.api.helper_input import HelperInput
from campaign.extensions import db
from campaign.tags import services as tags


def record_attendance(event: Event, helper: HelperInput, now: datetime) -> rsvps.Outcome:
    """The RSVP, as the public form makes it (rsvps.EventClosed if the event takes none). The
    tags go on the person only once they are on file (tags.tag's rule): an address only typed
    here, by whoever knew it, is labelled by nobody."""
    person = helper.person
    fields = {
        "first_name": person.given_name,
        "last_name": person.family_name,
        "email": person.email,
        "zip_code": person.postal_code,
    }
    mark = helper_rules.do_not_email_mark(event.coalition_id, person.email)
    consent = helper_rules.consent_given(helper, mark)
    outcome = rsvps.rsvp(
        event,
        fields,
        person.language,
        consent.wording if consent else None,
        now,
        source=helper.source or None,
        consent_language=consent.language if consent else None,
    )
    helper_rules.honour_unsubscribed(event.coalition_id, helper)
    supporter_id = db.session.scalar(select(Rsvp.supporter_id).where(Rsvp.id == outcome.rsvp_id))
    for tag in helper_rules.tags_named(event.coalition_id, helper.tag_names):
        tags.tag([supporter_id], tag)
    return outcome
