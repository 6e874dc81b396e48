"""`add_tags`, alike in the three helpers (docs/api/README.md, "The helpers: what they share"):
the coalition's tags of those names are applied, whatever their case and accents; a name it has
no tag of is ignored, with the same answer, and no tag is ever made. So a leaked write key makes
no tags, and which tags a call made cannot tell the addresses a helper skips from the others."""

from sqlalchemy import select

from campaign.extensions import db
from campaign.supporters import services as supporters
from campaign.tags import services as tags
from campaign.tags.models import Tag, Tagging
from tests.api.helper_table import person
from tests.api.records import add_tag


def tag_names() -> list[str]:
    return sorted(db.session.scalars(select(Tag.name)))


def tagged(coalition, email: str) -> set[str]:
    found = person(coalition, email)
    query = select(Tag.name).join(Tagging, Tagging.tag_id == Tag.id).where(Tagging.supporter_id == found.id)
    return set(db.session.scalars(query))


def test_a_name_the_coalition_lacks_is_ignored_with_the_same_answer_and_no_tag_made(coalition, helper):
    add_tag(coalition, "Vecinos de Pilsen", [])
    for email in ("known@example.org", "unknown@example.org"):  # on file: tags go on people on file
        supporters.upsert_supporter(
            coalition.id, email=email, first_name="Ana", language="en", confirmed=True
        )
    db.session.commit()
    known = helper.send("known@example.org", add_tags=["VECINOS DE PILSÉN"])
    unknown = helper.send("unknown@example.org", add_tags=["DACA recipients"])
    assert unknown.status_code == known.status_code and unknown.status_code in (200, 201)
    assert unknown.get_data() == known.get_data()
    assert tag_names() == ["Vecinos de Pilsen"]
    helper.settle("known@example.org")  # the signer's click, where a signature waits for one
    assert tagged(coalition, "known@example.org") == {"Vecinos de Pilsen"}
    assert tagged(coalition, "unknown@example.org") == set()


def test_twenty_unknown_names_a_call_make_nothing_however_many_calls(coalition, helper):
    for call in range(3):
        names = [f"spam {call}-{number}" for number in range(20)]
        assert helper.send(f"spam{call}@example.org", add_tags=names).status_code in (200, 201)
    assert tags.tags_of(coalition.id) == []


def test_a_bad_name_is_a_400_about_the_input_whether_or_not_it_exists(coalition, helper):
    for names, error in (
        (["ok", "x" * 101], "add_tags[1]: "),
        (["<b>x</b>"], "add_tags[0]: Use plain text here"),
        ([f"t{number}" for number in range(21)], "add_tags takes at most 20 names"),
    ):
        response = helper.send("new@example.org", add_tags=names)
        assert response.status_code == 400 and response.get_json()["error"].startswith(error), names
    assert person(coalition, "new@example.org") is None
