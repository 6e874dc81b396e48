"""Public URLs are made from titles and never cut a word in half."""

from hypothesis import given
from hypothesis import strategies as st

from campaign.core.slugs import MAX_LENGTH, slugify


def test_a_long_title_is_cut_after_a_whole_word():
    title = "End 287(g) agreements now: a letter from Pennsylvania immigrant rights organizations"
    assert slugify(title, "letter") == "end-287-g-agreements-now-a-letter-from-pennsylvania"
    spanish = (
        "Día de acción: ¡Familias unidas en Filadelfia, Pittsburgh y todo Pensilvania contra la detención!"
    )
    assert slugify(spanish, "day") == "dia-de-accion-familias-unidas-en-filadelfia-pittsburgh-y"
    assert (
        slugify("Año nuevo, ¿misma lucha? Niñas y niños primero", "x")
        == "ano-nuevo-misma-lucha-ninas-y-ninos-primero"
    )


def test_a_word_ending_at_the_limit_is_kept_and_one_longer_than_the_limit_is_cut():
    assert slugify("a" * (MAX_LENGTH - 5) + " bbbb ccc", "x") == "a" * (MAX_LENGTH - 5) + "-bbbb"
    assert slugify("a" * (MAX_LENGTH - 5) + " bbbbb", "x") == "a" * (MAX_LENGTH - 5)
    assert slugify("x" * 200, "petition") == "x" * MAX_LENGTH  # no word boundary to cut at
    assert slugify("¡¿!?", "petition") == "petition"


WORD = st.text(alphabet=st.sampled_from("abcdeñáéíóúü0123456789"), min_size=1, max_size=14)
BETWEEN = st.sampled_from([" ", ", ", ": ¡", " – ", "? ¿", "'"])


@given(st.lists(st.tuples(WORD, BETWEEN), min_size=1, max_size=20))
def test_a_slug_is_as_many_whole_words_of_the_title_as_fit(pieces):
    title = "".join(word + between for word, between in pieces)
    words = [slugify(word, "") for word, _ in pieces]  # each word alone: accents dropped
    expected = ""
    for word in filter(None, words):
        longer = f"{expected}-{word}" if expected else word
        if len(longer) > MAX_LENGTH:
            break
        expected = longer
    assert slugify(title, "fallback") == (expected or "fallback")
