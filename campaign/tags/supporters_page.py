"""The tags on the coalition's supporters page: a filter, each supporter's tags, and for
organizers the buttons that tag and untag the supporters selected."""

from flask import abort, url_for

from campaign.coalitions.access import can
from campaign.coalitions.models import Role
from campaign.core.text import query_text
from campaign.supporters.signals import ListingExtra
from campaign.tags import services
from campaign.tags.forms import TaggingForm


def _filtered_by(coalition_id: int):
    """The tag in `?tag=`, or None; another coalition's tag, or none, is a page not found."""
    typed = query_text("tag", 12)
    if not typed:
        return None
    tag = services.tag_in(coalition_id, int(typed)) if typed.isascii() and typed.isdigit() else None
    if tag is None:
        abort(404)
    return tag


def tags_on_the_list(coalition, args) -> ListingExtra:
    tags = services.tags_of(coalition.id)
    chosen = _filtered_by(coalition.id)
    acting = bool(tags) and can(Role.ORGANIZER)
    form = TaggingForm(
        tags, [], formdata=None, shown_tag=str(chosen.id) if chosen else "", shown_page=query_text("page", 12)
    )
    return ListingExtra(
        narrow=services.tagged_ids(chosen.id) if chosen else None,
        labels=services.tag_names_by_supporter,
        controls="tags/_supporters_filter.html",
        actions="tags/_supporters_actions.html" if acting else None,
        action_url=url_for("tags.tagging", slug=coalition.slug) if acting else None,
        values={"tags": tags, "chosen": chosen, "form": form},
        query={"tag": chosen.id} if chosen else {},
    )
