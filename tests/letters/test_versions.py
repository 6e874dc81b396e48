"""A signature endorses a version: title, addressees and text. Changing them asks the organizer
for a correction or a new version; a correction can be withdrawn from; news goes only to the
signatories on the letter as delivered (issue 15, defects 2, 3 and 4)."""

import re
from datetime import timedelta

from sqlalchemy import select

from campaign.core.outbox import utcnow
from campaign.extensions import db as _db
from campaign.letters import notices, versions
from campaign.letters.models import ChangeKind, LetterChange, LetterState, LetterVersion, Signature
from tests.letters.conftest import approve_all, letter_form, reviewed_digest, save_change
from tests.pages import click_confirm, hidden_inputs, shown_on, text_of

ERIKA = "erika@juntos.example"
MARISA = "marisa@mijente.example"
MIJENTE = dict(organization_name="Mijente", signer_name="Marisa Franco", email=MARISA)


def _edit_url(coalition, letter):
    return f"/coalitions/{coalition.slug}/letters/{letter.id}/edit"


def _fingerprint(client, letter) -> str:
    return re.search(
        r'class="fingerprint">([0-9a-f]+)<', client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    )[1]


def _signed_and_listed(client, coalition, make_letter, sign, *others):
    letter = make_letter()
    sign(letter)
    for other in others:
        sign(letter, **other)
    approve_all(client, coalition, letter)
    return letter


def _one_more_sentence():
    return letter_form(body=letter_form()["body"] + " We also ask you to end detainers.")


def _withdraw_link(mailbox, address):
    return mailbox.last_link(address, "/letters/withdraw/")


# Defect 2: a change of title or addressee after signing said "Saved." and asked nobody.
def test_a_new_title_and_addressee_after_signing_are_a_change_of_the_letter(
    client, coalition, make_letter, sign, mailbox
):
    letter = _signed_and_listed(client, coalition, make_letter, sign)
    arpaio = letter_form(
        title="Letter to Sheriff Arpaio: expand cooperation with ICE",
        **{"targets-0-name": "Joe Arpaio", "targets-0-title": "Sheriff"},
    )
    review = client.post(_edit_url(coalition, letter), data=arpaio)
    page = text_of(review)
    assert review.status_code == 200 and "Check the change before saving" in page
    assert "Saved." not in page
    _db.session.refresh(letter)
    assert letter.title == "End 287(g) agreements now" and letter.targets[0].name == "Jeh Johnson"
    raw = review.get_data(as_text=True)
    assert re.search(r'<del><span class="visually-hidden">deleted: </span>[^<]*Jeh Johnson', raw)
    assert re.search(r'<ins><span class="visually-hidden">inserted: </span>[^<]*Joe Arpaio', raw)

    save_change(client, _edit_url(coalition, letter), arpaio, "new_version")
    _db.session.refresh(letter)
    assert letter.version == 2 and letter.title.startswith("Letter to Sheriff Arpaio")
    assert mailbox.to(ERIKA)[-1]["Subject"] == "The letter changed: please confirm your signature again"
    version = _db.session.scalar(select(LetterVersion).where(LetterVersion.number == 2))
    assert version.title == letter.title and version.targets[0]["name"] == "Joe Arpaio"
    first = _db.session.scalar(select(LetterVersion).where(LetterVersion.number == 1))
    assert first.title == "End 287(g) agreements now" and first.targets[0]["name"] == "Jeh Johnson"


# Defect 3: one sentence made version 2 at once and emptied the released letter.
def test_a_one_sentence_edit_no_longer_empties_the_released_letter(client, coalition, make_letter, sign):
    letter = _signed_and_listed(client, coalition, make_letter, sign)
    review = client.post(_edit_url(coalition, letter), data=_one_more_sentence())
    page = text_of(review)
    assert "7 words added" in page and "0 words removed" in page
    assert "1 signatory now listed would be unlisted" in page
    public = text_of(client.get(f"/letters/{letter.slug}"))
    assert "Juntos" in public and "Signed by Juntos." in public and "Version 1" in public


def test_a_correction_keeps_the_list_and_emails_the_marked_up_difference(
    client, coalition, make_letter, sign, mailbox
):
    letter = _signed_and_listed(client, coalition, make_letter, sign)
    before = _fingerprint(client, letter)
    response = save_change(
        client,
        _edit_url(coalition, letter),
        _one_more_sentence(),
        "correction",
        note="Added our ask on detainers.",
    )
    assert response.status_code == 302
    _db.session.refresh(letter)
    assert letter.version == 1 and "end detainers" in letter.body
    public = text_of(client.get(f"/letters/{letter.slug}"))
    assert "Juntos" in public and "Corrected on" in public and "Added our ask on detainers." in public
    assert _fingerprint(client, letter) != before

    message = mailbox.to(ERIKA)[-1]
    assert message["Subject"] == "A correction to the letter you signed: End 287(g) agreements now"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "you**... [+We also ask you to end detainers.+]" in text and "/letters/withdraw/" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<ins" in html and "inserted:" in html

    change = _db.session.scalar(select(LetterChange))
    assert change.kind == ChangeKind.CORRECTION and change.details["words_added"] == 7


def test_a_new_version_unlists_and_the_reconfirm_page_marks_up_the_difference(
    client, coalition, make_letter, sign, mailbox
):
    letter = _signed_and_listed(client, coalition, make_letter, sign)
    changed = letter_form(body="Dear Secretary Johnson,\n\nWe, the undersigned, **demand**...")
    save_change(client, _edit_url(coalition, letter), changed, "new_version", note="Stronger ask.")
    assert "Juntos" not in text_of(client.get(f"/letters/{letter.slug}"))
    assert "Version 2 on" in text_of(client.get(f"/letters/{letter.slug}"))

    link = mailbox.last_link(ERIKA, "/letters/confirm/")
    page = client.get(link).get_data(as_text=True)
    assert "What changed since you signed" in page
    assert '<del><span class="visually-hidden">deleted: </span>' in page
    assert '<ins><span class="visually-hidden">inserted: </span>**demand**...</ins>' in page
    assert _db.session.scalar(select(LetterChange)).details["unlisted"] == 1


def test_unlisting_everyone_asks_a_second_explicit_confirmation(client, coalition, make_letter, sign):
    letter = _signed_and_listed(client, coalition, make_letter, sign, MIJENTE)
    data = _one_more_sentence()
    review = client.post(_edit_url(coalition, letter), data=data)
    assert "yes, unlist all 2 listed signatories" in text_of(review)
    choice = {"reviewed": reviewed_digest(review), "change_kind": "new_version"}
    refused = client.post(_edit_url(coalition, letter), data=data | choice)
    assert refused.status_code == 400
    assert "Tick this box to unlist them, or choose a correction." in text_of(refused)
    assert "We also ask you to end detainers." in refused.get_data(as_text=True)  # kept as typed
    _db.session.refresh(letter)
    assert letter.version == 1 and "detainers" not in letter.body

    saved = client.post(_edit_url(coalition, letter), data=data | choice | {"unlist_all": "y"})
    assert saved.status_code == 302
    _db.session.refresh(letter)
    assert letter.version == 2


def test_bad_input_on_the_review_step_keeps_what_was_typed(client, coalition, make_letter, sign):
    letter = _signed_and_listed(client, coalition, make_letter, sign)
    data = _one_more_sentence() | {"title_es": "Terminen los acuerdos 287(g)"}
    digest = reviewed_digest(client.post(_edit_url(coalition, letter), data=data))
    for hostile, message in (
        ({"change_kind": "delete_everything"}, "Choose one of the options offered."),
        ({"change_kind": ""}, "Choose whether this is a correction or a new version."),
    ):
        response = client.post(_edit_url(coalition, letter), data=data | {"reviewed": digest} | hostile)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert message in text_of(response) and "Check the change before saving" in text_of(response)
        assert "end detainers" in page and "Terminen los acuerdos 287(g)" in page
    long_note = {"reviewed": digest, "change_kind": "correction", "change_note": "x" * 10_000}
    response = client.post(_edit_url(coalition, letter), data=data | long_note)
    assert response.status_code == 400 and "x" * 10_000 in response.get_data(as_text=True)
    # A choice made on a page that showed another change is not taken.
    other = data | {"body": data["body"] + " And more."}
    response = client.post(
        _edit_url(coalition, letter), data=other | {"reviewed": digest, "change_kind": "correction"}
    )
    assert "The change is not the one shown before." in text_of(response)
    _db.session.refresh(letter)
    assert (
        "detainers" not in letter.body
        and letter.title_es == ""
        and not _db.session.scalar(select(LetterChange))
    )


def test_before_anyone_confirms_edits_save_at_once_into_the_version(client, coalition, make_letter, sign):
    letter = make_letter()
    sign(letter, confirm=False)
    response = client.post(_edit_url(coalition, letter), data=letter_form(title="A better title"))
    assert response.status_code == 302
    version = _db.session.scalar(select(LetterVersion))
    assert version.title == "A better title" and _db.session.scalar(select(LetterChange)) is None


def test_a_withdraw_link_asks_on_get_and_removes_one_name_on_post(
    client, coalition, make_letter, sign, mailbox
):
    letter = _signed_and_listed(client, coalition, make_letter, sign, MIJENTE)
    save_change(client, _edit_url(coalition, letter), _one_more_sentence(), "correction")
    before = _fingerprint(client, letter)
    link = _withdraw_link(mailbox, MARISA)

    for _ in range(2):  # a link scanner's GETs change nothing
        asked = client.get(link)
        assert asked.status_code == 200 and "Withdraw Mijente from the letter" in text_of(asked)
    assert "Mijente" in text_of(client.get(f"/letters/{letter.slug}"))

    done = client.post(link)
    assert "Your name is off the letter" in text_of(done)
    public = text_of(client.get(f"/letters/{letter.slug}"))
    assert "Mijente" not in public and "Juntos" in public and "Marisa" not in public
    assert _fingerprint(client, letter) != before
    signature = _db.session.scalar(select(Signature).where(Signature.organization_name == "Mijente"))
    assert signature.state.value == "withdrawn" and signature.signer_key is None
    assert "Nothing more to do" in text_of(client.post(link))


def test_a_forged_or_mismatched_withdraw_token_opens_nothing(client, coalition, make_letter, sign, mailbox):
    letter = _signed_and_listed(client, coalition, make_letter, sign)
    save_change(client, _edit_url(coalition, letter), _one_more_sentence(), "correction")
    link = _withdraw_link(mailbox, ERIKA)
    assert "This link does not work" in text_of(client.post(link[:-3] + "abc"))
    for bad in (link[:-3] + "abc", link.rsplit("/", 1)[0] + "/%00%0d%0a", link + "x" * 10_000):
        assert client.post(bad).status_code == 404
    signature = _db.session.scalar(select(Signature))
    # A confirm token is signed with another salt: it names no correction.
    confirm_token = notices.confirm_token(signature)
    assert client.post(f"/letters/withdraw/{confirm_token}").status_code == 404
    # A genuine signature with another letter's correction.
    other = make_letter(title="Another letter")
    stranger = _db.session.scalar(select(LetterChange))
    stranger.letter_id = other.id
    _db.session.commit()
    assert client.post(link).status_code == 404
    assert _db.session.get(Signature, signature.id).state.value == "approved"


def test_after_72_hours_or_delivery_it_is_too_late_politely_in_the_signers_language(
    client, coalition, make_letter, sign, mailbox
):
    letter = make_letter()
    sign(letter)
    approve_all(client, coalition, letter)
    _db.session.scalar(select(Signature)).supporter.language = "es"  # the owner reads Spanish
    _db.session.commit()
    save_change(client, _edit_url(coalition, letter), _one_more_sentence(), "correction")
    link = _withdraw_link(mailbox, ERIKA)
    change = _db.session.scalar(select(LetterChange))
    change.changed_at = utcnow() - timedelta(hours=73)
    _db.session.commit()
    late = client.post(link)
    assert late.status_code == 410 and "Lo sentimos" in text_of(late)
    assert _db.session.scalar(select(Signature)).state.value == "approved"

    change.changed_at = utcnow()
    letter.state = LetterState.DELIVERED
    _db.session.commit()
    assert client.post(link).status_code == 410


# Defect 4: delivery and response reached organizations that were not on the delivered letter.
def test_news_goes_only_to_the_signatories_of_what_was_delivered(
    client, coalition, make_letter, sign, mailbox
):
    letter = _signed_and_listed(client, coalition, make_letter, sign, MIJENTE)
    save_change(client, _edit_url(coalition, letter), _one_more_sentence(), "new_version")
    from tests.pages import click_confirm

    click_confirm(client, mailbox.last_link(ERIKA, "/letters/confirm/"))  # only Juntos re-confirms
    today = utcnow().date().isoformat()
    delivery = {"delivered_on": today, "delivery_method": "In person", "delivered_to": "Sheriff Penzone"}
    client.post(f"/coalitions/{coalition.slug}/letters/{letter.id}/delivery", data=delivery)
    client.post(
        f"/coalitions/{coalition.slug}/letters/{letter.id}/response",
        data={"response_on": today, "response": "We will review it."},
    )
    assert mailbox.to(ERIKA)[-2]["Subject"].startswith("Delivered:")
    assert mailbox.to(ERIKA)[-1]["Subject"].startswith("A response to the letter")
    marisa = [message["Subject"] for message in mailbox.to(MARISA)]
    assert not any(s.startswith(("Delivered", "A response", "A new version")) for s in marisa)

    # The organizer may send those of the earlier version a note of their own (once).
    for _ in range(2):
        client.post(
            f"/coalitions/{coalition.slug}/letters/{letter.id}/delivery",
            data=delivery | {"tell_earlier": "y"},
        )
    notes = [
        m for m in mailbox.to(MARISA) if m["Subject"].startswith("A new version of the letter was delivered")
    ]
    assert len(notes) == 1
    assert not any(m["Subject"].startswith("A new version") for m in mailbox.to(ERIKA))


def test_its_live_goes_only_to_those_listed_at_release(client, coalition, make_letter, sign, mailbox):
    letter = make_letter(embargoed="y")
    sign(letter)
    approve_all(client, coalition, letter)
    sign(letter, **MIJENTE)  # confirmed, still waiting for approval: not on the published letter
    client.post(f"/coalitions/{coalition.slug}/letters/{letter.id}/release")
    assert mailbox.to(ERIKA)[-1]["Subject"].startswith("The letter you signed is now public")
    assert not any("now public" in m["Subject"] for m in mailbox.to(MARISA))


def test_the_review_shows_only_the_languages_whose_text_changed():
    from campaign.letters.versions import Endorsed, differences

    rows = [{"name": "Paul Penzone", "title": "Sheriff"}]
    before = Endorsed.typed(
        {"title": "End 287(g)", "title_es": "Fin", "body": "We ask.", "body_es": "Pedimos."}, rows
    )
    after = Endorsed.typed(
        {"title": "End 287(g)", "title_es": "Fin", "body": "We ask now.", "body_es": "Pedimos."}, rows
    )
    assert list(differences(before, after)) == ["en"]


# Issue 15 follow-up: a confirm click endorses the letter its page showed, nothing newer.
ARPAIO = letter_form(
    title="Letter to Sheriff Arpaio: expand cooperation with ICE",
    **{"targets-0-name": "Joe Arpaio", "targets-0-title": "Sheriff"},
)
CHANGED_NOTICE = "The details of this signature changed, or the letter did, since you opened this page."


def test_a_click_on_a_page_showing_version_1_does_not_sign_the_organizers_version_2(
    client, coalition, make_letter, sign, mailbox
):
    letter = _signed_and_listed(client, coalition, make_letter, sign)
    sign(letter, confirm=False, **MIJENTE)
    link = mailbox.last_link(MARISA, "/letters/confirm/")
    read = client.get(link)
    assert "End 287(g) agreements now" in text_of(read)
    assert save_change(client, _edit_url(coalition, letter), ARPAIO, "new_version").status_code == 302

    stale = client.post(link, data=shown_on(read))
    assert stale.status_code == 409 and CHANGED_NOTICE in text_of(stale)
    assert "Sheriff Arpaio" in text_of(stale)  # the page again, with the words a click now signs
    mijente = _db.session.scalar(select(Signature).where(Signature.organization_name == "Mijente"))
    assert mijente.state.value == "unconfirmed"

    signed = client.post(link, data=shown_on(stale))  # she read version 2 and still signs
    assert signed.status_code == 200
    _db.session.refresh(mijente)
    assert mijente.state.value in ("pending", "approved") and mijente.version == 2


def test_a_correction_made_while_the_page_was_open_is_read_before_a_click_signs(
    client, coalition, make_letter, sign, mailbox
):
    letter = _signed_and_listed(client, coalition, make_letter, sign)
    sign(letter, confirm=False, **MIJENTE)
    link = mailbox.last_link(MARISA, "/letters/confirm/")
    read = client.get(link)
    save_change(client, _edit_url(coalition, letter), _one_more_sentence(), "correction")
    stale = client.post(link, data=shown_on(read))
    assert stale.status_code == 409 and "We also ask you to end detainers." in text_of(stale)
    mijente = _db.session.scalar(select(Signature).where(Signature.organization_name == "Mijente"))
    assert mijente.state.value == "unconfirmed"


def test_a_reconfirm_click_on_the_difference_to_version_2_does_not_endorse_version_3(
    client, coalition, make_letter, sign, mailbox
):
    letter = _signed_and_listed(client, coalition, make_letter, sign)
    save_change(client, _edit_url(coalition, letter), _one_more_sentence(), "new_version")
    link = mailbox.last_link(ERIKA, "/letters/confirm/")
    read = client.get(link)
    assert "We also ask you to end detainers." in text_of(read)
    save_change(client, _edit_url(coalition, letter), ARPAIO, "new_version")

    stale = client.post(link, data=shown_on(read))
    assert stale.status_code == 409 and CHANGED_NOTICE in text_of(stale)
    signature = _db.session.scalar(select(Signature))
    _db.session.refresh(signature)
    assert signature.version == 1
    # Shown again: the difference from what Juntos signed (version 1) to version 3.
    page = stale.get_data(as_text=True)
    assert "What changed since you signed" in page and "Joe Arpaio" in page
    assert "Version 3 of" in text_of(stale)

    assert client.post(link, data=shown_on(stale)).status_code == 200
    _db.session.refresh(signature)
    assert signature.version == 3


def test_the_reconfirm_page_shows_the_difference_stored_when_the_letter_was_saved(
    client, coalition, make_letter, sign, mailbox, monkeypatch
):
    letter = _signed_and_listed(client, coalition, make_letter, sign)
    save_change(client, _edit_url(coalition, letter), _one_more_sentence(), "new_version")
    more = letter_form(body=_one_more_sentence()["body"] + " And 287(g) task forces.")
    save_change(client, _edit_url(coalition, letter), more, "correction")  # version 2 corrected
    version = _db.session.scalars(select(LetterVersion).order_by(LetterVersion.number.desc())).first()
    assert version.number == 2 and set(version.changes_since) == {"1"}

    def no_diff_on_a_public_page(*texts):
        raise AssertionError("the confirm page diffed the letter")

    monkeypatch.setattr(versions, "word_diff", no_diff_on_a_public_page)
    page = client.get(mailbox.last_link(ERIKA, "/letters/confirm/")).get_data(as_text=True)
    assert "What changed since you signed" in page
    inserted = "We also ask you to end detainers. And 287(g) task forces."
    assert f'<ins><span class="visually-hidden">inserted: </span>{inserted}</ins>' in page

    monkeypatch.undo()  # a version saved before differences were stored is diffed when read
    version.changes_since = {}
    _db.session.commit()
    page = client.get(mailbox.last_link(ERIKA, "/letters/confirm/")).get_data(as_text=True)
    assert f'<ins><span class="visually-hidden">inserted: </span>{inserted}</ins>' in page


def test_an_old_correction_link_does_not_take_off_a_name_confirmed_on_a_later_version(
    client, coalition, make_letter, sign, mailbox
):
    letter = _signed_and_listed(client, coalition, make_letter, sign)
    save_change(client, _edit_url(coalition, letter), _one_more_sentence(), "correction")
    withdraw_link = _withdraw_link(mailbox, ERIKA)
    stranger = client.application.test_client()  # the old email, forwarded
    asked = stranger.get(withdraw_link)
    assert "Withdraw Juntos from the letter" in text_of(asked)
    more = letter_form(body=_one_more_sentence()["body"] + " And 287(g) task forces.")
    save_change(client, _edit_url(coalition, letter), more, "new_version")
    click_confirm(client, mailbox.last_link(ERIKA, "/letters/confirm/"))
    signature = _db.session.scalar(select(Signature))
    _db.session.refresh(signature)
    assert signature.version == 2 and signature.state.value == "approved"

    again = stranger.get(withdraw_link)
    assert again.status_code == 410 and "This link no longer applies" in text_of(again)
    done = stranger.post(withdraw_link, data=hidden_inputs(asked))  # the page read before
    assert done.status_code == 410 and "Withdraw Juntos" not in text_of(done)
    _db.session.refresh(signature)
    assert signature.state.value == "approved"
    assert "Juntos" in text_of(client.get(f"/letters/{letter.slug}"))


def test_saving_a_new_version_works_out_the_change_and_its_difference_once(
    client, coalition, make_letter, sign, monkeypatch
):
    letter = _signed_and_listed(client, coalition, make_letter, sign)
    url, changed = _edit_url(coalition, letter), _one_more_sentence()
    review = client.post(url, data=changed)
    calls = {"proposal": 0, "word_diff": 0}

    def counted(name, real):
        def call(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(versions, "proposal", counted("proposal", versions.proposal))
    monkeypatch.setattr(versions, "word_diff", counted("word_diff", versions.word_diff))
    choice = {"reviewed": reviewed_digest(review), "change_kind": "new_version", "unlist_all": "y"}
    assert client.post(url, data=changed | choice).status_code == 302
    # One English reading changed: the change log and version 1's stored difference share one diff.
    assert calls == {"proposal": 1, "word_diff": 1}
    version = _db.session.scalars(select(LetterVersion).where(LetterVersion.number == 2)).one()
    assert version.changes_since["1"] == _db.session.scalar(select(LetterChange)).details["diffs"]
