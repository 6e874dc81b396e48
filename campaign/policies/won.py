"""Telling a campaign's signers it won: a draft alert to them, and the audience sources it needs."""

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from campaign.actions.models import DayOfAction, DayState, Event, Rsvp, RsvpState
from campaign.extensions import db
from campaign.notifications import services as notifications
from campaign.notifications.audience import AudienceSource, register_source
from campaign.notifications.models import Message, MessageKind, MessageState
from campaign.petitions.models import Petition, PetitionSignature, PetitionState, SignatureState
from campaign.policies import targets
from campaign.policies.models import CampaignKind, Measure

# The audience source of each kind of campaign: the letters feature registers its own.
SOURCE_OF = {CampaignKind.LETTER: "letter", CampaignKind.PETITION: "petition", CampaignKind.ACTION: "action"}


def _petition_signers(coalition_id: int, petition_id: int | None) -> Select:
    return select(PetitionSignature.supporter_id).where(
        PetitionSignature.petition_id == petition_id, PetitionSignature.state == SignatureState.CONFIRMED
    )


def _petition_choices(coalition_id: int) -> list[tuple[int, str]]:
    return db.session.execute(
        select(Petition.id, Petition.title)
        .where(Petition.coalition_id == coalition_id, Petition.state != PetitionState.DRAFT)
        .order_by(Petition.created_at.desc())
    ).all()


def _day_rsvps(coalition_id: int, day_id: int | None) -> Select:
    return (
        select(Rsvp.supporter_id)
        .join(Event, Event.id == Rsvp.event_id)
        .where(Event.day_id == day_id, Rsvp.state.in_((RsvpState.GOING, RsvpState.WALK_IN)))
    )


def _day_choices(coalition_id: int) -> list[tuple[int, str]]:
    return db.session.execute(
        select(DayOfAction.id, DayOfAction.title)
        .where(DayOfAction.coalition_id == coalition_id, DayOfAction.state == DayState.PUBLISHED)
        .order_by(DayOfAction.starts_on.desc())
    ).all()


def register_sources() -> None:
    """Petitions and days of action had no audience source of their own; the "we won" alert
    needs one, and the compose form offers them too."""
    register_source(
        AudienceSource("petition", _l("Signers of the petition"), _petition_signers, _petition_choices)
    )
    register_source(
        AudienceSource("action", _l("People who RSVPed to the day of action"), _day_rsvps, _day_choices)
    )


def _wording(language: str, measure: Measure, campaign_title: str) -> tuple[str, str]:
    with force_locale(language):
        subject = _("We won: %(measure)s passed", measure=measure.title)
        body = _(
            "Good news: %(measure)s passed on %(date)s.\n\n"
            "You took part in **%(campaign)s**, and it helped win this. Thank you.",
            measure=measure.title,
            date=format_date(targets.passed_on(measure), "long"),
            campaign=campaign_title,
        )
    return subject, body


def tell_signers(kind: str, campaign, measure: Measure, author_id: int) -> Message:
    """A draft alert, in English and Spanish, to the campaign's signers (or RSVPs) saying the
    measure passed. A draft of it already waiting is returned instead: sent twice, one draft.
    Raises notifications.EmptyAudience when nobody could receive it."""
    audience = {"source": SOURCE_OF[CampaignKind(kind)], "source_id": campaign.id}
    subject, body = _wording("en", measure, campaign.title)
    subject_es, body_es = _wording("es", measure, campaign.title_in("es"))
    waiting = db.session.scalars(
        select(Message).where(
            Message.coalition_id == campaign.coalition_id,
            Message.kind == MessageKind.ALERT,
            Message.state == MessageState.DRAFT,
            Message.subject == subject,
        )
    )
    for draft in waiting:
        if draft.audience == audience:
            return draft
    fields = {
        "subject": subject,
        "body": body,
        "subject_es": subject_es,
        "body_es": body_es,
        "audience": audience,
    }
    return notifications.save_alert(campaign.coalition_id, author_id, fields)
