"""Telling a campaign's signers it won: a draft alert to them."""

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from campaign.actions import audience as action_audience
from campaign.extensions import db
from campaign.letters import signatories
from campaign.notifications import services as notifications
from campaign.notifications.models import Message, MessageKind, MessageState
from campaign.petitions import audience as petition_audience
from campaign.policies import targets
from campaign.policies.models import CampaignKind, Measure

# The audience source of each kind of campaign, each registered by its own feature.
SOURCE_OF = {
    CampaignKind.LETTER: signatories.SIGNERS.key,
    CampaignKind.PETITION: petition_audience.SIGNERS.key,
    CampaignKind.ACTION: action_audience.RSVPS.key,
}


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
