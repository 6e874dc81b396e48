"""Word differences: marked up with words for screen readers, escaped, and in plain text."""

import difflib

from campaign.core import textdiff
from campaign.core.textdiff import diff_html, diff_size, diff_text, word_diff


def test_a_word_diff_reads_as_phrases_and_keeps_the_new_text_whole():
    before, after = "Dear Sheriff Penzone,\n\nEnd 287(g).", "Dear Sheriff Arpaio,\n\nEnd 287(g) now."
    pieces = word_diff(before, after)
    assert "".join(text for kind, text in pieces if kind != "del") == after
    size = diff_size(pieces)
    assert (size.added, size.removed) == (3, 2) and size.changed
    assert diff_text(pieces) == "Dear Sheriff [-Penzone, -][+Arpaio,+]\n\nEnd [-287(g). -][+287(g) now.+]"


def test_a_sentence_added_or_a_paragraph_removed_counts_only_its_words():
    added = word_diff("We urge you.", "We urge you. End detainers too.")
    assert diff_text(added) == "We urge you. [+End detainers too.+]"
    assert (diff_size(added).added, diff_size(added).removed) == (3, 0)
    removed = word_diff("One.\n\nTwo three.\n\nFour.", "One.\n\nFour.")
    assert diff_text(removed) == "One.\n\n[-Two three.\n\n-]Four."


def test_the_markup_says_what_changed_and_escapes_the_organizers_text(app):
    with app.test_request_context():
        html = str(diff_html(word_diff("<b>safe</b>", '<script>alert("x")</script> safe')))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<ins><span class="visually-hidden">inserted: </span>' in html
    assert '<del><span class="visually-hidden">deleted: </span>&lt;b&gt;safe&lt;/b&gt; </del>' in html


def test_hostile_bytes_and_empty_texts():
    pieces = word_diff("", "\x00 \ud800 " + "a" * 10_000)
    assert diff_text(word_diff("  lead", "  lead")) == "  lead"
    assert diff_size(pieces).added == 3
    assert word_diff("same", "same") == [["same", "same"]] and not diff_size(word_diff("", "")).changed


def test_a_typo_fixed_in_a_long_letter_shows_its_own_paragraph_not_the_whole_letter(app):
    paragraphs = [f"Paragraph {number} stays as it was." for number in range(1, 9)]
    changed = list(paragraphs)
    changed[4] = "Paragraph 5 stays as it is."
    pieces = word_diff("\n\n".join(paragraphs), "\n\n".join(changed))
    with app.test_request_context():
        text = diff_text(pieces)
        html = str(diff_html(pieces))
    assert text == (
        "[… 4 unchanged paragraphs …]\n\nParagraph 5 stays as it [-was. -][+is.+]"
        "\n\nParagraph 6 stays as it was.\n\n[… 2 unchanged paragraphs …]"
    )
    assert "Paragraph 1 " not in html and "Paragraph 8" not in html
    assert '<span class="diff-fold">[… 4 unchanged paragraphs …]</span>' in html


def test_changes_two_paragraphs_apart_keep_the_one_between(app):
    before = "A one.\n\nB two.\n\nC three."
    pieces = word_diff(before, "A uno.\n\nB two.\n\nC tres.")
    with app.test_request_context():
        assert diff_text(pieces) == "A [-one. -][+uno.+]\n\nB two.\n\nC [-three. -][+tres.+]"


def test_a_paragraph_added_at_the_end_shows_the_one_before_it(app):
    paragraphs = [f"Paragraph {number}." for number in range(1, 6)]
    before = "\n\n".join(paragraphs)
    with app.test_request_context():
        text = diff_text(word_diff(before, before + "\n\nA new ask."))
    assert text == "[… 4 unchanged paragraphs …]\n\nParagraph 5.\n\n[+A new ask.+]"


def _difflib_never_given_more_than(monkeypatch, words: int) -> list[int]:
    """difflib's matcher, refusing long sequences: its cost grows with the cube of the words when
    they repeat (a list of places edited line by line took minutes), and a public page diffs."""
    real, sizes = difflib.SequenceMatcher, []

    def bounded(junk, old, new, autojunk=True):
        sizes.append(len(old) * len(new))
        assert len(old) <= words or len(new) <= words, (len(old), len(new))
        return real(junk, old, new, autojunk=autojunk)

    monkeypatch.setattr(textdiff.difflib, "SequenceMatcher", bounded)
    return sizes


def test_a_long_list_edited_line_by_line_is_matched_word_by_word_in_small_stretches(monkeypatch):
    sizes = _difflib_never_given_more_than(monkeypatch, 200)
    places = 1_700  # 50,000 characters
    before = "\n".join(f"Organization {number}, City, State" for number in range(places))
    after = "\n".join(f"Organization {number}, Town, ST" for number in range(places))
    pieces = word_diff(before, after)
    assert "".join(text for kind, text in pieces if kind != "del") == after
    assert (diff_size(pieces).added, diff_size(pieces).removed) == (2 * places, 2 * places)
    assert diff_text(pieces).startswith("Organization 0, [-City, State -][+Town, ST+]\nOrganization 1, [-")
    assert sizes


def test_repeated_words_too_costly_to_match_read_as_replaced_whole(monkeypatch):
    _difflib_never_given_more_than(monkeypatch, 200)
    for before, after in [
        ("a " * 25_000, "a b " * 12_500),
        (  # unique words between repeated ones: many small stretches, each costly to match
            " ".join(f"u{n} " + "a " * 50 for n in range(500)),
            " ".join(f"u{n} " + "a b " * 25 for n in range(500)),
        ),
        ("\x00 \ud800 " * 10_000, "\ud800 \x00 x " * 8_000),
    ]:
        pieces = word_diff(before, after)
        assert "".join(text for kind, text in pieces if kind != "del") == after
        # Every word of the old text is either kept or deleted.
        kept_or_deleted = "".join(text for kind, text in pieces if kind != "ins")
        assert len(kept_or_deleted.split()) == len(before.split())


def test_a_changed_word_far_into_a_long_letter_is_found_among_repeated_words(app):
    paragraphs = [f"We ask the sheriff, paragraph {number}, to end the agreement." for number in range(2_000)]
    changed = list(paragraphs)
    changed[1_500] = changed[1_500].replace("end", "cancel")
    with app.test_request_context():
        text = diff_text(word_diff("\n\n".join(paragraphs), "\n\n".join(changed)))
    assert "paragraph 1500, to [-end -][+cancel+] the agreement." in text
    assert text.count("[-") == 1 and text.count("[+") == 1
