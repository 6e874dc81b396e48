"""Organization rules: name normalization, finding likely duplicates, linking two records as one."""

import re
import unicodedata

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from campaign.extensions import db
from campaign.organizations.models import Organization, OrganizationAlias

# Sent as `organization_linked.send(kept, duplicate=duplicate)` before the duplicate is retired.
# Features that keep rows per organization (memberships, signatures) move them to `kept`; they
# listen rather than being called because they come after organizations in FEATURES.
organization_linked = Namespace().signal("organization-linked")

MINOR_WORDS = frozenset({"of", "the", "and", "for"})
PROFILE_FIELDS = ("sector", "scope", "city", "state", "website", "description", "founded_year")


class LinkError(ValueError):
    """The two records cannot be linked; the message says why, for the organizer."""


def normalize_name(name: str) -> str:
    """The form used to compare names: "The Dolores-Huerta Fdn." and "dolores huerta fdn" agree."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    text = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    text = text.replace("&", " and ")
    # Dots and apostrophes join ("A.C.L.U." is "aclu", "People's" is "peoples"); others separate.
    text = re.sub(r"[.'\u2019]", "", text)
    text = re.sub(r"[^\w\s]|_", " ", text)
    words = text.split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    # A name can come out longer than typed ("&" is " and "; NFKD makes one ligature many letters).
    return " ".join(words)[: Organization.normalized_name.type.length]


def acronym_of(normalized: str) -> str | None:
    """Initials of the significant words, or None when there are too few (or too many: no one
    types an acronym of 41 letters) to make an acronym."""
    words = [word for word in normalized.split() if word not in MINOR_WORDS]
    return "".join(word[0] for word in words) if 2 <= len(words) <= Organization.acronym.type.length else None


def _looks_like_acronym(normalized: str) -> bool:
    return " " not in normalized and 2 <= len(normalized) <= 10


def find_matches(name: str, limit: int = 5) -> list[Organization]:
    """Existing organizations this name probably means: same name, a known alias, or an acronym."""
    normalized = normalize_name(name)
    if not normalized:
        return []
    names = {normalized}
    conditions = []
    if _looks_like_acronym(normalized):
        conditions.append(Organization.acronym == normalized)
    acronym = acronym_of(normalized)
    if acronym:
        names.add(acronym)
    conditions.append(Organization.normalized_name.in_(names))
    alias_owners = select(OrganizationAlias.organization_id).where(
        OrganizationAlias.normalized_name.in_(names)
    )
    conditions.append(Organization.id.in_(alias_owners))
    candidates = db.session.scalars(
        select(Organization).where(Organization.merged_into_id.is_(None), or_(*conditions))
    ).all()
    # Exact names first, then aliases and acronyms; ties by name so the list is stable.
    candidates = sorted(candidates, key=lambda org: (org.normalized_name != normalized, org.name.lower()))
    return candidates[:limit]


def _set_name(organization: Organization, name: str) -> None:
    organization.name = " ".join(name.split())
    organization.normalized_name = normalize_name(name)
    organization.acronym = acronym_of(organization.normalized_name)


def create_organization(
    name: str, is_demo: bool = False, owner_coalition_id: int | None = None, **profile
) -> Organization:
    organization = Organization(is_demo=is_demo, owner_coalition_id=owner_coalition_id)
    update_organization(organization, name, **profile)
    db.session.add(organization)
    db.session.flush()
    return organization


def update_organization(organization: Organization, name: str, **profile) -> None:
    _set_name(organization, name)
    for field in PROFILE_FIELDS:
        if field in profile:
            value = profile[field]
            setattr(organization, field, value.strip() if isinstance(value, str) else value)


def kept_record(organization: Organization) -> Organization:
    """The record that stands for this one: itself, or the one it was linked into."""
    seen = set()
    while organization.merged_into_id and organization.id not in seen:
        seen.add(organization.id)
        organization = db.session.get(Organization, organization.merged_into_id)
    return organization


def _add_alias(kept: Organization, name: str) -> None:
    normalized = normalize_name(name)
    if not normalized or normalized == kept.normalized_name:
        return
    existing = db.session.scalar(
        select(OrganizationAlias).where(OrganizationAlias.normalized_name == normalized)
    )
    # An alias that already names a third record stays with it: a link must not take its name.
    if existing is None:
        db.session.add(OrganizationAlias(organization=kept, name=name, normalized_name=normalized))


def _fill_profile(kept: Organization, duplicate: Organization) -> None:
    """Keep what the duplicate knew and the kept record did not."""
    for field in PROFILE_FIELDS:
        if getattr(kept, field) in (None, "") and getattr(duplicate, field) not in (None, ""):
            setattr(kept, field, getattr(duplicate, field))


def link_duplicate(kept: Organization, duplicate: Organization, fill_profile: bool = True) -> None:
    """Make `duplicate` an alias of `kept`: its rows move there and matching finds `kept` by either name.

    With `fill_profile`, what only the duplicate knew (city, website...) is copied to `kept`; the
    caller passes False when it may not change `kept`'s shared profile.
    """
    if kept.id == duplicate.id:
        raise LinkError(_l("Choose a different organization: a record cannot be linked to itself."))
    if kept.merged_into_id or duplicate.merged_into_id:
        raise LinkError(_l("One of these records is already linked to another organization."))
    organization_linked.send(kept, duplicate=duplicate)
    for alias in list(duplicate.aliases):
        alias.organization = kept
    _add_alias(kept, duplicate.name)
    if fill_profile:
        _fill_profile(kept, duplicate)
    for earlier in db.session.scalars(
        select(Organization).where(Organization.merged_into_id == duplicate.id)
    ):
        earlier.merged_into_id = kept.id
    duplicate.merged_into_id = kept.id
    db.session.flush()
