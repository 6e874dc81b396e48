"""The coalition's petitions as the API reads and shows them: OSDI petitions (public data and
counts), their signatures (personal data), and the record signature helper's answer (neither)."""

from flask import url_for
from sqlalchemy import Select, select

from campaign.api.hal import Page, collection, identifiers, link, page_of, timestamp
from campaign.api.models import Scope
from campaign.core.markdown import render_markdown
from campaign.extensions import db
from campaign.petitions.models import Petition, PetitionSignature, PetitionState, SignatureState
from campaign.supporters.models import Supporter
from campaign.supporters.services import on_file

ORIGIN_SYSTEM = "Campaign desk"


def _public(coalition_id: int) -> Select:
    """The coalition's petitions the public can see: a draft's page is a 404, so is its resource."""
    return select(Petition).where(
        Petition.coalition_id == coalition_id, Petition.state != PetitionState.DRAFT
    )


def page_of_petitions(coalition_id: int, number: int, size: int) -> Page:
    return page_of(_public(coalition_id), Petition.id, number, size)


def petition(coalition_id: int, petition_id: int) -> Petition | None:
    return db.session.scalar(_public(coalition_id).where(Petition.id == petition_id))


def petition_resource(petition: Petition, scope: Scope) -> dict:
    """A petition as OSDI names its fields, in its English version; the count is the public
    page's (online and paper). The signatures are linked for a key that reads them, the helper
    for every key, as an event's is."""
    links = {"self": link("api.petitions.show", petition_id=petition.id)}
    if Scope.READ_PEOPLE in scope.grants:
        links["osdi:signatures"] = link("api.petitions.signatures", petition_id=petition.id)
    links["osdi:record_signature_helper"] = link("api.petitions.record_signature", petition_id=petition.id)
    resource = {
        "identifiers": identifiers(petition.id),
        "origin_system": ORIGIN_SYSTEM,
        "created_date": timestamp(petition.created_at),
        "modified_date": timestamp(petition.updated_at),
        "title": petition.title,
    }
    if petition.body:
        resource["description"] = str(render_markdown(petition.body))  # HTML, as Action Network's
    return resource | {
        "petition_text": petition.ask,
        "browser_url": url_for("petitions.public_petition", slug=petition.slug, _external=True),
        "total_signatures": petition.total,
        "target": [{"name": petition.target}],
        "_links": links,
    }


def petitions_resource(page: Page, scope: Scope) -> dict:
    embedded = [petition_resource(each, scope) for each in page.items]
    return collection("api.petitions.index", "osdi:petitions", page, embedded, {})


def _listed_signatures(coalition_id: int, petition_id: int) -> Select:
    """Confirmed signatures (neither held back nor struck out) of people on file: a signature
    waiting for its click, or whose person was erased or forgotten, names nobody."""
    return select(PetitionSignature).where(
        PetitionSignature.petition_id == petition_id,
        PetitionSignature.state == SignatureState.CONFIRMED,
        PetitionSignature.supporter_id.in_(on_file(coalition_id, Supporter.id)),
    )


def page_of_signatures(coalition_id: int, petition_id: int, number: int, size: int) -> Page:
    return page_of(_listed_signatures(coalition_id, petition_id), PetitionSignature.id, number, size)


def signature(coalition_id: int, petition_id: int, signature_id: int) -> PetitionSignature | None:
    query = _listed_signatures(coalition_id, petition_id).where(PetitionSignature.id == signature_id)
    return db.session.scalar(query)


def signature_resource(signature: PetitionSignature) -> dict:
    ids = {"petition_id": signature.petition_id}
    resource = {
        "identifiers": identifiers(signature.id),
        "created_date": timestamp(signature.created_at),
        "modified_date": timestamp(signature.confirmed_at or signature.created_at),
    }
    if signature.comment:
        resource["comments"] = signature.comment
    if signature.source:
        resource["referrer_data"] = {"source": signature.source}
    resource["_links"] = {
        "self": link("api.petitions.signature", **ids, signature_id=signature.id),
        "osdi:petition": link("api.petitions.show", **ids),
        "osdi:person": link("api.people.show", person_id=signature.supporter_id),
    }
    return resource


def signatures_resource(page: Page, petition_id: int) -> dict:
    embedded = [signature_resource(each) for each in page.items]
    return collection(
        "api.petitions.signatures", "osdi:signatures", page, embedded, {}, petition_id=petition_id
    )


def recorded_resource(petition_id: int, source: str) -> dict:
    """The helper's answer, the same whether the person was new, on file, or had signed: no
    identifier or date of the stored signature (an old one would tell that this address had
    signed), and no personal data (a write key does not read people). It says what this call
    recorded: its source."""
    resource = {"origin_system": ORIGIN_SYSTEM}
    if source:
        resource["referrer_data"] = {"source": source}
    resource["_links"] = {"osdi:petition": link("api.petitions.show", petition_id=petition_id)}
    return resource
