"""Spanish everywhere on a day of action: the calendar file, the host's emails, the tags crawlers
read, the links people share, and what a repeat RSVP is told."""

import re

import pytest
from flask import render_template_string
from icalendar import Calendar

from tests.actions.forms import TITLE, proposal_form, rsvp_form
from tests.actions.test_pages import admin_url, day_events, everything_in, unfold
from tests.pages import text_of

DAY_ES = "Día de acción: las familias se quedan juntas"
EVENT_ES = "Vigilia por las familias"


@pytest.fixture
def bilingual(plan_day, add_event):
    day = plan_day(title_es=DAY_ES)
    event = add_event(day, title_es=EVENT_ES, description_es="Trae una vela.")
    return day, event


def calendar_entry(data: bytes) -> dict:
    (entry,) = Calendar.from_ical(data).walk("VEVENT")
    return {name: str(entry[name]) for name in ("summary", "description", "url")}


def emailed_calendar(mailbox, address: str) -> dict:
    (calendar_file,) = [
        part.get_content() for message in mailbox.to(address) for part in message.iter_attachments()
    ]
    return calendar_entry(calendar_file)


def test_the_calendar_file_is_in_the_language_of_each_attendees_rsvp(app, bilingual, mailbox):
    day, event = bilingual
    for language, address in (("es", "ana@example.org"), ("en", "grace@example.org")):
        person = app.test_client()
        person.get(f"/language/{language}")
        person.post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp_form(email=address))
    spanish, english = (
        emailed_calendar(mailbox, "ana@example.org"),
        emailed_calendar(mailbox, "grace@example.org"),
    )
    assert spanish["summary"] == EVENT_ES
    assert "Lo organiza " in spanish["description"] and "Trae una vela." in spanish["description"]
    assert spanish["url"].endswith(f"/events/{event.id}?lang=es")
    assert english["summary"] == TITLE
    assert "Hosted by " in english["description"] and "Bring a candle." in english["description"]
    assert english["url"].endswith("?lang=en")

    # The file offered on the pages follows the page's language.
    downloaded = app.test_client().get(f"/actions/{day.slug}/events/{event.id}/calendar.ics?lang=es")
    assert calendar_entry(downloaded.data)["summary"] == EVENT_ES
    feed = unfold(app.test_client().get(f"/actions/{day.slug}/calendar.ics?lang=es").get_data(as_text=True))
    assert f"X-WR-CALNAME:{DAY_ES}" in feed and f"SUMMARY:{EVENT_ES}" in feed


def test_the_host_is_emailed_in_the_language_they_proposed_in_with_the_days_spanish_title(
    plan_day, client, coalition, visitor, mailbox, db
):
    day = plan_day(title_es=DAY_ES)
    visitor.get("/language/es")
    form = proposal_form(title_es="Taller: conoce tus derechos", email="rosa@vecinos.example")
    assert visitor.post(f"/actions/{day.slug}/propose", data=form).status_code == 302
    (received,) = mailbox.to("rosa@vecinos.example")
    assert received["Subject"] == "Recibimos el evento que propusiste: Taller: conoce tus derechos"
    assert f"“Taller: conoce tus derechos” para {DAY_ES}" in " ".join(everything_in(received).split())
    assert "Know your rights" not in everything_in(received) and "Families Belong" not in everything_in(
        received
    )

    event = day_events(day)[0]
    client.post(admin_url(coalition, day, event, "approve"))
    host_link_email = mailbox.to("rosa@vecinos.example")[-1]
    assert host_link_email["Subject"] == "Tus herramientas de anfitrión(a): Taller: conoce tus derechos"
    assert DAY_ES in " ".join(everything_in(host_link_email).split())
    # The organizer who reviews it reads English: the English titles.
    (review,) = mailbox.to("organizer@example.org")
    assert review["Subject"] == "Event proposed for review: Know your rights teach-in"


def open_graph(response) -> dict:
    tags = re.findall(r'<meta property="(og:[\w:]+)" content="([^"]*)">', response.get_data(as_text=True))
    return dict(tags)


@pytest.mark.usefixtures("requests_start_afresh")  # each client is its own visitor, logged in or not
def test_og_tags_follow_the_pages_language_parameter_not_the_crawlers_accept_language(app, bilingual):
    day, event = bilingual
    page = f"/actions/{day.slug}/events/{event.id}"
    spanish = open_graph(app.test_client().get(f"{page}?lang=es", headers={"Accept-Language": "en-US"}))
    assert (spanish["og:title"], spanish["og:description"], spanish["og:locale"]) == (
        EVENT_ES,
        DAY_ES,
        "es_US",
    )
    assert spanish["og:url"] == f"http://localhost{page}?lang=es"
    english = open_graph(app.test_client().get(f"{page}?lang=en", headers={"Accept-Language": "es-MX,es"}))
    assert (english["og:title"], english["og:locale"]) == (TITLE, "en_US")
    day_page = open_graph(
        app.test_client().get(f"/actions/{day.slug}?lang=es", headers={"Accept-Language": "en"})
    )
    assert day_page["og:title"] == DAY_ES

    # A person who opened the Spanish link keeps reading in Spanish; one who chose English keeps English.
    reader = app.test_client()
    reader.get(f"{page}?lang=es", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in reader.get(f"/actions/{day.slug}", headers={"Accept-Language": "en"}).text
    switched = app.test_client()
    switched.get("/language/en")
    assert open_graph(switched.get(f"{page}?lang=es"))["og:title"] == TITLE


def test_share_links_carry_the_language_they_were_shared_in(app, bilingual, rsvp):
    day, event = bilingual
    sharer = app.test_client()
    sharer.get("/language/es")
    response = sharer.post(f"/actions/{day.slug}/events/{event.id}/rsvp", data=rsvp_form())
    thanks = sharer.get(response.location).get_data(as_text=True)
    shared = f"http://localhost/actions/{day.slug}/events/{event.id}?lang=es"
    assert f'id="share-link" type="text" readonly value="{shared}"' in thanks
    assert (
        "https://wa.me/?text=Ven%20conmigo%3A%20Vigilia%20por%20las%20familias%20http%3A//localhost/"
        in thanks
    )
    opened = open_graph(app.test_client().get(shared.removeprefix("http://localhost")))
    assert opened["og:title"] == EVENT_ES  # what WhatsApp's crawler shows under the link

    # The macro petitions use: the network's tag stays at the end of `source`, after the language.
    with app.test_request_context("/?lang=es"):
        links = render_template_string(
            '{% from "macros/sharing.html" import share_links with context %}'
            "{{ share_links('t', 't', 'https://x.example/p/rent?source=share', 'Copy', tagged=True) }}"
        )
    assert 'value="https://x.example/p/rent?lang=es&amp;source=share-link"' in links
    assert "rent%3Flang%3Des%26source%3Dshare-whatsapp" in links


@pytest.mark.parametrize(
    ("language", "not_said", "said", "emailed"),
    [
        (
            "en",
            "You are on the waitlist",
            "If you had already RSVPed and have a place at “Vigil for families at the ICE field office”, "
            "you keep it.",
            "you have a place",
        ),
        (
            "es",
            "Estás en la lista de espera",
            "Si ya habías confirmado tu asistencia y tienes cupo en “Vigilia por las familias”, "
            "lo conservas.",
            "tienes cupo",
        ),
    ],
)
def test_someone_holding_a_place_who_rsvps_again_is_not_told_they_are_waitlisted(
    app, plan_day, add_event, mailbox, language, not_said, said, emailed
):
    day = plan_day()
    event = add_event(day, capacity="1", title_es=EVENT_ES)
    ana = app.test_client()
    ana.get(f"/language/{language}")
    event_page = f"/actions/{day.slug}/events/{event.id}"
    ana.post(f"{event_page}/rsvp", data=rsvp_form())  # the one place
    again = ana.post(f"{event_page}/rsvp", data=rsvp_form())
    page = text_of(ana.get(again.location))
    assert not_said not in page and said in page
    repeat = mailbox.to("ana@example.org")[-1]
    assert emailed in repeat.get_body(preferencelist=("plain",)).get_content()

    # A newcomer is shown the very same page: it tells nobody whether the address had RSVPed.
    newcomer = app.test_client()
    newcomer.get(f"/language/{language}")
    first_time = newcomer.post(f"{event_page}/rsvp", data=rsvp_form(email="luis@example.org"))
    assert text_of(newcomer.get(first_time.location)) == page
