"""Alerts can go to the supporters carrying a tag (those subscribed, as for every alert);
tags.register(app) adds the source."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from campaign.notifications.audience import AudienceSource
from campaign.supporters.models import Supporter
from campaign.supporters.services import on_file
from campaign.tags import services
from campaign.tags.models import Tagging

TAGGED = "tag"


def _tagged(coalition_id: int, tag_id: int | None) -> Select:
    # The audience keeps only the coalition's own supporters; a tag id is also checked here so
    # that another coalition's tag, typed into a form, names nobody.
    tag = services.tag_in(coalition_id, tag_id)
    tagged = services.tagged_ids(tag.id if tag else None)
    return tagged.where(Tagging.supporter_id.in_(on_file(coalition_id, Supporter.id)))


def _tag_choices(coalition_id: int) -> list[tuple[int, str]]:
    return [(tag.id, tag.name) for tag in services.tags_of(coalition_id)]


TAGGED_SOURCE = AudienceSource(TAGGED, _l("Supporters tagged"), _tagged, _tag_choices)
