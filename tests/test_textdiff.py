"""Word differences: marked up with words for screen readers, escaped, and in plain text."""

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
