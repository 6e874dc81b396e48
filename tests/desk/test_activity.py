"""A coalition's recent activity: read from the records, newest first, twenty at most."""

import re
from datetime import timedelta

from campaign.actions.models import EventState
from campaign.core.outbox import utcnow
from campaign.letters.models import Signature, SignatureState, SignerKind
from campaign.notifications import services as alerts
from campaign.petitions.models import PaperBatch
from tests.desk.conftest import fill, make_day, make_event
from tests.letters.conftest import approve_all
from tests.notifications.conftest import alert_form
from tests.pages import text_of_markup

END_287G = "End 287(g) Coalition (demo)"


def activity_on(response) -> list[tuple[str, str, str]]:
    """(words, link, time) of each line of the page's recent activity, in the page's order."""
    page = response.get_data(as_text=True)
    listed = re.search(r'<ol class="activity-list">(.*?)</ol>', page, re.S)
    lines = re.findall(
        r'<li>\s*<a href="([^"]+)">(.*?)</a>\s*<time[^>]*datetime="([^"]+)"',
        listed.group(1) if listed else "",
        re.S,
    )
    return [(text_of_markup(words).strip(), link, moment) for link, words, moment in lines]


def test_the_demo_coalitions_activity(client, demo):
    coalition = demo[END_287G]
    lines = activity_on(client.get(f"/coalitions/{coalition.slug}"))
    words = [line[0] for line in lines]
    assert "“Terminate all 287(g) agreements (demo)” was published." in words
    assert "United We Dream signed “Terminate all 287(g) agreements (demo)”." in words
    assert "American Civil Liberties Union joined the coalition." in words
    assert len(words) == 1 + 8 + 8  # the letter, its eight signatories, the eight members
    assert [line[2] for line in lines] == sorted((line[2] for line in lines), reverse=True)
    letter_link = next(line[1] for line in lines if "was published" in line[0])
    assert client.get(letter_link).status_code == 200


def test_each_kind_of_news_with_its_link(
    client, db, coalition, make_letter, sign_letter, make_petition, add_supporter
):
    slug = coalition.slug
    letter = make_letter()
    sign_letter(letter)
    approve_all(client, coalition, letter)
    today = utcnow().date().isoformat()
    delivery = {"delivered_on": today, "delivery_method": "In person", "delivered_to": "DHS front desk"}
    assert client.post(f"/coalitions/{slug}/letters/{letter.id}/delivery", data=delivery).status_code == 302
    response = {"response_on": today, "response": "They will review the agreements."}
    assert client.post(f"/coalitions/{slug}/letters/{letter.id}/response", data=response).status_code == 302
    petition = make_petition()
    db.session.add(PaperBatch(petition_id=petition.id, count=120))
    petition.paper_count = 120
    day = make_day(db, coalition)
    event = make_event(db, day, timedelta(days=21), state=EventState.PROPOSED, title="Vigil at the jail")
    add_supporter("ana@example.org")
    alert = alerts.save_alert(coalition.id, None, alert_form() | {"audience": {"source": "subscribers"}})
    db.session.commit()
    assert client.post(f"/coalitions/{slug}/alerts/{alert.id}/send").status_code == 302

    lines = {words: link for words, link, _ in activity_on(client.get(f"/coalitions/{slug}"))}
    letter_page = f"/coalitions/{slug}/letters/{letter.id}"
    petition_page = f"/coalitions/{slug}/petitions/{petition.id}"
    expected = {
        "Juntos signed “End 287(g) agreements now”.": letter_page,
        "“End 287(g) agreements now” was published.": letter_page,
        "“End 287(g) agreements now” was delivered.": letter_page,
        "“End 287(g) agreements now” got a response.": letter_page,
        "“End ICE detainers in Philadelphia” opened for signatures.": petition_page,
        "“End ICE detainers in Philadelphia” reached its goal of 100 signatures.": (petition_page),
        "Vecinos de Kensington proposed an event: “Vigil at the jail”.": (
            f"/coalitions/{slug}/actions/{day.id}/events/{event.id}"
        ),
        "“Rally at City Hall on Friday” was sent to 1 person.": f"/coalitions/{slug}/alerts/{alert.id}",
    }
    assert {words: lines.get(words) for words in expected} == expected
    for link in expected.values():
        assert client.get(link).status_code == 200, link
    client.get("/language/es")
    spanish = [words for words, _, _ in activity_on(client.get(f"/coalitions/{slug}"))]
    assert "“Rally at City Hall on Friday” se envió a 1 persona." in spanish
    assert "Juntos firmó “End 287(g) agreements now”." in spanish


def test_twenty_newest_within_ninety_days(client, db, coalition, make_letter):
    letter = make_letter()
    now = utcnow()
    for number in range(25):
        db.session.add(
            Signature(
                letter=letter,
                kind=SignerKind.ORGANIZATION,
                organization_name=f"Group {number}",
                state=SignatureState.APPROVED,
                signer_key=f"name:{number}",
                decided_at=now - timedelta(hours=number),
            )
        )
    db.session.add(
        Signature(
            letter=letter,
            kind=SignerKind.ORGANIZATION,
            organization_name="Long ago",
            state=SignatureState.APPROVED,
            signer_key="name:old",
            decided_at=now - timedelta(days=91),
        )
    )
    db.session.commit()
    words = [line[0] for line in activity_on(client.get(f"/coalitions/{coalition.slug}"))]
    assert len(words) == 20
    signed = [f"Group {number} signed “End 287(g) agreements now”." for number in range(19)]
    assert words == signed[:1] + ["“End 287(g) agreements now” was published."] + signed[1:]
    assert not any("Long ago" in line for line in words)


def test_a_quiet_coalition_says_so_and_shows_nothing_of_others(
    client, db, coalition, make_user, make_coalition
):
    busy = make_coalition(make_user(email="other@example.org"), name="Coalición del Valle")
    fill(db, busy)
    page = client.get(f"/coalitions/{coalition.slug}")
    assert activity_on(page) == []
    assert "Nothing happened in the last 90 days." in page.get_data(as_text=True)
