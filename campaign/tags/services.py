"""Tag rules: names unique per coalition once folded, tagging only the coalition's own supporters."""

import unicodedata

from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError

from campaign.core import upserts
from campaign.extensions import db
from campaign.supporters.models import Supporter
from campaign.supporters.services import on_file
from campaign.supporters.signals import supporter_erasing, supporter_exporting
from campaign.tags.models import FOLDED_MAX, Tag, Tagging


class TagNameTaken(ValueError):
    """The coalition has a tag of that name already (its case and accents aside)."""

    def __init__(self, existing: str):
        super().__init__(existing)
        self.existing = existing


def fold(name: str) -> str:
    """The form names are compared in: "Vecinos de Pilsen" is "VECINOS DE PILSÉN"."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())[:FOLDED_MAX]


def tags_of(coalition_id: int) -> list[Tag]:
    return list(
        db.session.scalars(select(Tag).where(Tag.coalition_id == coalition_id).order_by(Tag.folded_name))
    )


def tag_in(coalition_id: int, tag_id: int | None) -> Tag | None:
    """The coalition's tag of that id; None for another coalition's, or none."""
    tag = db.session.get(Tag, tag_id) if tag_id else None
    return tag if tag is not None and tag.coalition_id == coalition_id else None


def tagged_counts(coalition_id: int) -> dict[int, int]:
    """How many supporters carry each of the coalition's tags (tags nobody carries are absent)."""
    rows = db.session.execute(
        select(Tagging.tag_id, func.count())
        .join(Tag, Tag.id == Tagging.tag_id)
        .where(Tag.coalition_id == coalition_id)
        .group_by(Tagging.tag_id)
    )
    return dict(rows.all())


def _named(coalition_id: int, name: str, tag: Tag) -> Tag:
    """Give `tag` the name, or raise TagNameTaken if another of the coalition's tags has it."""
    clash = db.session.scalar(
        select(Tag.name).where(
            Tag.coalition_id == coalition_id,
            Tag.folded_name == fold(name),
            Tag.id != tag.id,  # a tag renamed to its own name in another case is no clash
        )
    )
    if clash is not None:
        raise TagNameTaken(clash)
    tag.name, tag.folded_name = name, fold(name)
    try:
        with db.session.begin_nested():  # a teammate saving the same name at the same moment
            db.session.add(tag)
            db.session.flush()
    except IntegrityError:
        raise TagNameTaken(name) from None
    return tag


def create_tag(coalition_id: int, name: str, created_by: int | None) -> Tag:
    return _named(coalition_id, name, Tag(coalition_id=coalition_id, created_by=created_by))


def tags_named(coalition_id: int, names: list[str]) -> list[Tag]:
    """The coalition's tags of these names, their case and accents aside, each once; a name it
    has no tag of finds none. A script names tags (the API's helpers), only organizers make them."""
    if not names:
        return []
    folded = {fold(name) for name in names}
    return list(
        db.session.scalars(
            select(Tag).where(Tag.coalition_id == coalition_id, Tag.folded_name.in_(folded)).order_by(Tag.id)
        )
    )


def rename_tag(tag: Tag, name: str) -> Tag:
    return _named(tag.coalition_id, name, tag)


def delete_tag(tag: Tag) -> None:
    """The tag goes, and every supporter loses it; the supporters stay."""
    db.session.execute(delete(Tagging).where(Tagging.tag_id == tag.id))
    db.session.delete(tag)
    db.session.flush()


def own_supporters(coalition_id: int, supporter_ids) -> Select:
    """Of `supporter_ids`, those the coalition has on file: another coalition's supporter, an
    erased one, or an address only typed into a public form is never tagged, whatever ids
    were sent."""
    return on_file(coalition_id, Supporter.id).where(Supporter.id.in_(list(supporter_ids)))


def tag(supporter_ids, tag: Tag, created_by: int | None = None) -> int:
    """Put the tag on these supporters; returns how many did not carry it yet. Twice is harmless."""
    own = set(db.session.scalars(own_supporters(tag.coalition_id, supporter_ids)))
    new = own - set(db.session.scalars(tagged_ids(tag.id).where(Tagging.supporter_id.in_(own))))
    if new:
        # A double click's second request, racing the first, meets the unique index and adds nothing.
        statement = upserts.insert(Tagging.__table__).on_conflict_do_nothing(
            index_elements=["tag_id", "supporter_id"]
        )
        db.session.execute(
            statement,
            [{"tag_id": tag.id, "supporter_id": sid, "created_by": created_by} for sid in sorted(new)],
        )
    return len(new)


def untag(supporter_ids, tag: Tag) -> int:
    """Take the tag off these supporters; returns how many carried it."""
    result = db.session.execute(
        delete(Tagging).where(
            Tagging.tag_id == tag.id,
            Tagging.supporter_id.in_(own_supporters(tag.coalition_id, supporter_ids)),
        )
    )
    return result.rowcount


def tagged_ids(tag_id: int | None) -> Select:
    """A select of the ids of the supporters carrying the tag."""
    return select(Tagging.supporter_id).where(Tagging.tag_id == tag_id)


def tag_names_by_supporter(supporter_ids) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    rows = db.session.execute(
        select(Tagging.supporter_id, Tag.name)
        .join(Tag, Tag.id == Tagging.tag_id)
        .where(Tagging.supporter_id.in_(list(supporter_ids)))
        .order_by(Tag.folded_name)
    )
    for supporter_id, name in rows:
        names.setdefault(supporter_id, []).append(name)
    return names


@supporter_erasing.connect
def forget_supporter(supporter: Supporter) -> None:
    """Erasure: the person carries no tag any more (an organizer's label says something about them)."""
    db.session.execute(delete(Tagging).where(Tagging.supporter_id == supporter.id))


@supporter_exporting.connect
def describe_tags(supporter: Supporter) -> list[str]:
    """For a supporter's copy of their data: the coalition's tags on them, and since when."""
    rows = db.session.execute(
        select(Tagging.created_at, Tag.name)
        .join(Tag, Tag.id == Tagging.tag_id)
        .where(Tagging.supporter_id == supporter.id)
        .order_by(Tag.folded_name)
    )
    return [f"{tagged_at:%Y-%m-%d} · tag · {name}" for tagged_at, name in rows]
