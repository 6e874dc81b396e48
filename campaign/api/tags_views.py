"""OSDI tags and taggings: the coalition's tags, who carries each, and tagging a person by script.

Reading needs read:people, even a tag alone: its name says something about the people carrying
it ("DACA recipients")."""

from flask import Blueprint, g

from campaign.api import hal, people, tags
from campaign.api.asked import found, page_asked
from campaign.api.auth import key_required, log_personal_data
from campaign.api.helper_input import json_body
from campaign.api.models import Scope
from campaign.extensions import db
from campaign.tags import services as tag_rules
from campaign.tags.models import Tag

bp = Blueprint("tags", __name__)


def _tag(tag_id: int) -> Tag:
    return found(tag_rules.tag_in(g.coalition.id, tag_id))


@bp.get("/tags")
@key_required(Scope.READ_PEOPLE)
def index():
    page = tags.page_of_tags(g.coalition.id, *page_asked())
    return hal.response(tags.tags_resource(page))


@bp.get("/tags/<int:tag_id>")
@key_required(Scope.READ_PEOPLE)
def show(tag_id: int):
    resource = tags.tag_resource(_tag(tag_id))
    return hal.response(resource)


@bp.get("/tags/<int:tag_id>/taggings")
@key_required(Scope.READ_PEOPLE)
def taggings(tag_id: int):
    tag = _tag(tag_id)
    page = tags.page_of_taggings(tag, *page_asked())
    resource = tags.taggings_resource(tag, page)
    log_personal_data(f"api:tags:{tag_id}:taggings", len(page.items))
    return hal.response(resource)


@bp.get("/tags/<int:tag_id>/taggings/<int:tagging_id>")
@key_required(Scope.READ_PEOPLE)
def tagging(tag_id: int, tagging_id: int):
    resource = tags.tagging_resource(found(tags.tagging(_tag(tag_id), tagging_id)))
    log_personal_data(f"api:tags:{tag_id}:taggings:{tagging_id}", 1)
    return hal.response(resource)


@bp.post("/tags/<int:tag_id>/taggings")
@key_required(Scope.WRITE)
def add_tagging(tag_id: int):
    """Tag a person on file, as OSDI's POST of a tagging; twice is the same tagging. The answer
    is the same whether the link named someone on file, and holds links only: a write key reads
    no tag names and no people, and must not learn who is on file by trying ids."""
    tag = _tag(tag_id)
    person_id = tags.linked_person_id(json_body())
    if people.person(g.coalition.id, person_id) is not None:
        tag_rules.tag([person_id], tag)
        db.session.commit()
    return hal.response(tags.tagging_asked(tag, person_id))
