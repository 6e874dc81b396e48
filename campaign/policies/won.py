"""Telling a campaign's signers it won: a draft alert to them."""

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from campaign.actions import audience as action_audience
from campaign.letters import signatories
from campaign.notifications.models import Message
from campaign.petitions import audience as petition_audience
from campaign.policies import drafts, targets
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
    measure passed. It carries a key of this passing, so a second click finds the first draft,
    and moving the measure back withdraws it (drafts.py). Raises notifications.EmptyAudience
    when nobody could receive it."""
    subject, body = _wording("en", measure, campaign.title)
    subject_es, body_es = _wording("es", measure, campaign.title_in("es"))
    fields = {
        "subject": subject,
        "body": body,
        "subject_es": subject_es,
        "body_es": body_es,
        "audience": {"source": SOURCE_OF[CampaignKind(kind)], "source_id": campaign.id},
    }
    key = drafts.won_key(measure, kind, campaign.id, targets.passed_on(measure))
    return drafts.save_once(campaign.coalition_id, author_id, fields, key)[0]
