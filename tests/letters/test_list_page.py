"""The coalition's list of letters shows each letter's signatories and the sign-ons waiting."""

from tests.letters.conftest import approve_all
from tests.pages import statements_of, table_row, text_of


def test_each_letter_shows_its_signatories_and_links_the_sign_ons_waiting(
    client, coalition, make_letter, sign
):
    quiet, busy = (
        make_letter(title="A letter nobody signed yet"),
        make_letter(title="A letter with signatures"),
    )
    sign(busy, email="first@juntos.example", organization_name="Juntos")
    sign(busy, email="second@casa.example", organization_name="CASA")
    approve_all(client, coalition, busy)
    sign(busy, email="third@make.example", organization_name="Make the Road")

    page = client.get(f"/coalitions/{coalition.slug}/letters")
    assert table_row(page, busy.title)[2] == "2 1 waiting for approval"
    assert f'href="/coalitions/{coalition.slug}/letters/{busy.id}/signatures"' in page.get_data(as_text=True)
    assert table_row(page, quiet.title)[2] == "0"


def test_the_list_reads_as_many_times_for_ten_letters_as_for_one(client, coalition, make_letter, sign):
    sign(make_letter(title="Letter 0"), email="a@juntos.example")
    statements_of(client, f"/coalitions/{coalition.slug}/letters")
    one = statements_of(client, f"/coalitions/{coalition.slug}/letters")
    for number in range(1, 10):
        sign(make_letter(title=f"Letter {number}"), email=f"a{number}@juntos.example")
    statements_of(client, f"/coalitions/{coalition.slug}/letters")
    assert statements_of(client, f"/coalitions/{coalition.slug}/letters") == one


def test_spanish_counts_the_waiting_sign_ons_in_spanish(client, coalition, make_letter, sign):
    letter = make_letter(title="Carta")
    sign(letter, email="first@juntos.example")
    sign(letter, email="second@casa.example", organization_name="CASA")
    client.get("/language/es")
    assert "2 esperan aprobación" in text_of(client.get(f"/coalitions/{coalition.slug}/letters"))
