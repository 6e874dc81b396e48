"""Reopening sign-on says what it does to a deadline: it clears it, or the beat job would close
the letter again at once."""

import html
import re
from datetime import timedelta

from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.letters.models import LetterState
from campaign.letters.tasks import keep_letters_on_time
from tests.pages import text_of, text_of_markup


def _reopen_button(page) -> tuple[str, str]:
    """The reopen form's question (asked before it is sent) and its button's words."""
    markup = page.get_data(as_text=True)
    form = re.search(r'<form[^>]*action="[^"]*/reopen"([^>]*)>(.*?)</form>', markup, re.S)
    question = re.search(r'data-confirm="([^"]*)"', form.group(1))
    return html.unescape(question.group(1)) if question else "", text_of_markup(form.group(2)).strip()


def test_reopening_after_the_deadline_says_it_clears_the_deadline(client, coalition, make_letter):
    letter = make_letter()
    letter.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    keep_letters_on_time()
    db.session.refresh(letter)
    assert letter.state == LetterState.CLOSED
    own_page = f"/coalitions/{coalition.slug}/letters/{letter.id}"

    question, button = _reopen_button(client.get(own_page))
    assert button == "Reopen sign-on and clear the deadline"
    assert question.startswith("Reopen sign-on? This clears the deadline of ")
    assert "until you close it or set a new deadline" in question

    client.get("/language/es")
    question, button = _reopen_button(client.get(own_page))
    assert (
        button == "Reabrir adhesiones y quitar la fecha límite" and "Esto quita la fecha límite" in question
    )
    client.get("/language/en")

    assert client.post(f"{own_page}/reopen").status_code == 302
    db.session.refresh(letter)
    assert letter.state == LetterState.OPEN and letter.deadline is None
    assert "Sign-on deadline" not in text_of(client.get(own_page))


def test_a_letter_closed_by_hand_without_a_deadline_just_reopens(client, coalition, make_letter):
    letter = make_letter()
    own_page = f"/coalitions/{coalition.slug}/letters/{letter.id}"
    client.post(f"{own_page}/close")
    assert _reopen_button(client.get(own_page)) == ("", "Reopen sign-on")
