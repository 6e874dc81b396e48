"""A day of action in six time zones, through HTTP, the real worker and real mail.

Organizers build the day on their pages, supporters RSVP on the public pages, and everything they
are told arrives at the real SMTP server from the real Celery worker. The reminder clock is driven
from here: `send_due_reminders(now)` runs against the same PostgreSQL database with chosen `now`
values, and the outbox hands the notices it queues to the worker, as the beat job would.

Each test builds its own day, on a date of its own, so that no test's clock reaches another's
events: the reminder test's day comes first and its clock stops before the others' reminders.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from campaign.actions import reminders
from campaign.actions.models import DayOfAction, Event, Rsvp
from campaign.core.outbox import dispatch_committed, utcnow
from campaign.extensions import db
from tests.integration.helpers import (
    link_path,
    log_in,
    make_coalition,
    make_organizer,
    new_address,
    outbox_mark,
    wait_until_settled,
)

pytestmark = pytest.mark.integration

MAIL_TIMEOUT = 60


@dataclass(frozen=True)
class City:
    name: str
    zip_code: str
    zone: str
    title: str
    kind: str = "rally"


CITIES = (
    City("Philadelphia", "19107", "America/New_York", "Vigil at the ICE field office, Philadelphia", "vigil"),
    City("Chicago", "60604", "America/Chicago", "Rally at the Dirksen Federal Building, Chicago"),
    City("Houston", "77002", "America/Chicago", "March to the county jail, Houston", "march"),
    City("Phoenix", "85003", "America/Phoenix", "Letter delivery at the Capitol, Phoenix", "delivery"),
    City("Los Angeles", "90012", "America/Los_Angeles", "Rally at Roybal Federal Building, Los Angeles"),
    City("Miami", "33130", "America/New_York", "Know-your-rights teach-in, Miami", "training"),
)
PHILADELPHIA, LOS_ANGELES = CITIES[0], CITIES[4]
PRIVATE_ADDRESS = "Side door of St. Mary's hall, 252 S 4th St"  # only for people holding a place
STARTS, ENDS = time(11, 0), time(13, 0)  # local, in each city: the morning reminder stays at 08:00


# --- Building the day through the organizer's pages -------------------------------------------


def event_form(city: City, on: date, *, starts=STARTS, ends=ENDS, capacity=None, private=False, **extra):
    """What the event form posts (the host's form; the organizer's adds the host)."""
    return {
        "title": city.title,
        "kind": city.kind,
        "description": "Bring water and a sign. Marshals will be in orange vests.",
        "title_es": "",
        "description_es": "",
        "starts_at": datetime.combine(on, starts).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": datetime.combine(on, ends).strftime("%Y-%m-%dT%H:%M"),
        "zip_code": city.zip_code,
        "venue": f"Downtown {city.name}",
        "address": PRIVATE_ADDRESS if private else f"100 Main St, {city.name}",
        "address_public": "rsvps" if private else "public",
        "capacity": "" if capacity is None else str(capacity),
        "accessibility": "Step-free route from the bus stop.",
        "languages": ["en", "es"],
        "hotline": "",
        "safety_notes": "",
    } | extra


@dataclass
class Day:
    coalition_id: int
    coalition_slug: str
    day_id: int
    slug: str
    on: date
    events: dict[str, int]  # city name -> event id
    hosts: dict[str, str]  # city name -> the host's address, if the organizer gave one


def build_day(app, client, title: str, on: date, cities=CITIES, host_emails=False, **per_city) -> Day:
    """An organizer (`client` stays logged in) writes the day, adds one event per city and publishes.

    With `host_emails` each event gets a host address of its own, which is sent the host link.
    `per_city` maps a city's name to extra event_form() arguments (capacity, private...).
    """
    organizer = make_organizer(app)
    coalition_id, coalition_slug = make_coalition(app, organizer, name=f"{title} coalition")
    log_in(client, organizer)
    base = f"/coalitions/{coalition_slug}/actions"
    response = client.post(
        f"{base}/new",
        data={"title": title, "description": "Six cities, one demand.", "demand": "End 287(g).",
              "title_es": "", "description_es": "", "demand_es": "", "starts_on": on.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    day_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    hosts = {}
    for city in cities:
        hosts[city.name] = new_address(f"host-{city.zip_code}") if host_emails else ""
        data = event_form(city, on, **per_city.get(city.name, {}))
        data |= {"host_organization_id": "0", "host_email": hosts[city.name]}
        response = client.post(f"{base}/{day_id}/events/new", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
    assert client.post(f"{base}/{day_id}/publish").status_code == 302
    with app.app_context():
        events = dict(db.session.execute(select(Event.title, Event.id).where(Event.day_id == day_id)).all())
        slug = db.session.get(DayOfAction, day_id).slug
    ids = {city.name: events[city.title] for city in cities}
    return Day(coalition_id, coalition_slug, day_id, slug, on, ids, hosts)


def rsvp(client, day: Day, city: City, email: str, first_name: str) -> str:
    """RSVP on the public event page; returns the state the thank-you page is sent (going/waitlisted)."""
    response = client.post(
        f"/actions/{day.slug}/events/{day.events[city.name]}/rsvp",
        data={"first_name": first_name, "last_name": "Integración", "email": email, "zip_code": city.zip_code,
              "phone": "215-555-0134"},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    return parse_qs(urlsplit(response.headers["Location"]).query)["state"][0]


def future_day(days_ahead: int) -> date:
    return utcnow().date() + timedelta(days=days_ahead)


# --- Reading the mail ----------------------------------------------------------------------------


def texts(message) -> str:
    """Every text the message carries, decoded: plain, HTML and the calendar file."""
    return "\n".join(
        part.get_content() if part.get_content_maintype() == "text" else ""
        for part in message.walk()
        if not part.is_multipart()
    )


def plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def calendar_file(message):
    """The attached event (the VEVENT of the .ics), or None."""
    files = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    if not files:
        return None
    assert len(files) == 1 and files[0].get_filename() == "event.ics"
    payload = files[0].get_payload(decode=True)
    return next(iter(Calendar.from_ical(payload).walk("VEVENT")))


def mail_counts(inbox, addresses) -> Counter:
    """(recipient, subject) -> how many such emails arrived, for these recipients only."""
    wanted = set(addresses)
    return Counter((m["To"], m["Subject"]) for m in inbox.messages() if m["To"] in wanted)


def one_mail(inbox, address: str, subject: str):
    found = inbox.wait_for(
        lambda messages: [m for m in messages if m["To"] == address and m["Subject"] == subject],
        timeout=MAIL_TIMEOUT,
    )
    assert len(found) == 1, f"{len(found)} emails {subject!r} to {address}"
    return found[0]


def wait_for_counts(inbox, expected: Counter) -> None:
    """Until at least the expected mail has arrived (extra mail is caught by the exact check after)."""
    addresses = {address for address, _ in expected}

    def arrived(_messages):
        got = mail_counts(inbox, addresses)
        return all(got[key] >= number for key, number in expected.items())

    try:
        inbox.wait_for(arrived, timeout=MAIL_TIMEOUT)
    except AssertionError:
        missing = expected - mail_counts(inbox, addresses)
        raise AssertionError(f"still missing: {dict(missing)}") from None


def rsvp_states(app, event_id: int) -> list[str]:
    """The event's RSVP states in the order they were made."""
    with app.app_context():
        return [
            state.value
            for state in db.session.scalars(
                select(Rsvp.state).where(Rsvp.event_id == event_id).order_by(Rsvp.id)
            )
        ]


# --- RSVPs, the waitlist, confirmations and a cancellation --------------------------------------


def test_rsvps_beyond_capacity_are_confirmed_by_mail_and_a_cancellation_by_the_emailed_link_promotes_the_first_waiting(  # noqa: E501
    it_app, celery_worker, smtp_server
):
    organizer_client, public = it_app.test_client(), it_app.test_client()
    mark = outbox_mark(it_app)
    day = build_day(
        it_app,
        organizer_client,
        "Families Belong Together",
        future_day(40),
        Philadelphia={"capacity": 3, "private": True},
    )
    title = PHILADELPHIA.title
    people = [new_address(f"phl{number}") for number in range(5)]
    states = [rsvp(public, day, PHILADELPHIA, email, f"Phl{number}") for number, email in enumerate(people)]
    assert states == ["going"] * 3 + ["waitlisted"] * 2
    assert rsvp_states(it_app, day.events["Philadelphia"]) == states
    elsewhere = {city.name: new_address(f"rsvp-{city.zip_code}") for city in CITIES[1:]}
    for city in CITIES[1:]:
        assert rsvp(public, day, city, elsewhere[city.name], city.name.split()[0]) == "going"

    going_mail = [one_mail(smtp_server, email, f"Your RSVP: {title}") for email in people[:3]]
    waiting_mail = [one_mail(smtp_server, email, f"You are on the waitlist: {title}") for email in people[3:]]
    philadelphia = _event_times(it_app, day.events["Philadelphia"])
    for message in going_mail:  # the private address, in the text and in the attached calendar
        assert PRIVATE_ADDRESS in plain(message)
        entry = calendar_file(message)
        assert entry is not None, "a confirmed place carries the event's .ics"
        assert PRIVATE_ADDRESS in str(entry["location"])
        assert entry.decoded("dtstart") == philadelphia[0].replace(tzinfo=UTC)
        assert entry.decoded("dtend") == philadelphia[1].replace(tzinfo=UTC)
    for message in waiting_mail:  # neither the address nor the file
        assert calendar_file(message) is None
        assert PRIVATE_ADDRESS not in texts(message)
        assert "The exact address is emailed to you if a place frees up." in plain(message)
    assert PRIVATE_ADDRESS not in public.get(f"/actions/{day.slug}/events/{day.events['Philadelphia']}").text
    for city in CITIES[1:]:
        message = one_mail(smtp_server, elsewhere[city.name], f"Your RSVP: {city.title}")
        assert f"100 Main St, {city.name}" in plain(message)  # a public address is in everyone's mail
        assert calendar_file(message) is not None

    # The second person cannot come: the link in her email opens a page with a button.
    cancel_path = link_path(going_mail[1], "/actions/rsvp/")
    page = public.get(cancel_path)
    assert page.status_code == 200
    assert 'type="submit"' in page.text and "Cancel my RSVP" in page.text
    assert rsvp_states(it_app, day.events["Philadelphia"]) == states  # opening the link changed nothing
    page = public.post(cancel_path, data={"submit": "Cancel my RSVP"})
    assert page.status_code == 200 and "Your RSVP is cancelled." in page.text
    assert rsvp_states(it_app, day.events["Philadelphia"]) == [
        "going", "cancelled", "going", "going", "waitlisted",
    ]  # fmt: skip
    promoted = one_mail(smtp_server, people[3], f"A place for you: {title}")
    assert PRIVATE_ADDRESS in plain(promoted)
    assert PRIVATE_ADDRESS in str(calendar_file(promoted)["location"])
    assert public.post(cancel_path, data={"submit": "Cancel my RSVP"}).status_code == 200  # twice
    assert rsvp_states(it_app, day.events["Philadelphia"])[-1] == "waitlisted"  # nobody else moves up

    expected = Counter(
        {(email, f"Your RSVP: {title}"): 1 for email in people[:3]}
        | {(email, f"You are on the waitlist: {title}"): 1 for email in people[3:]}
        | {(people[3], f"A place for you: {title}"): 1}
        | {(elsewhere[city.name], f"Your RSVP: {city.title}"): 1 for city in CITIES[1:]}
    )
    wait_for_counts(smtp_server, expected)
    wait_until_settled(it_app, day.coalition_id, mark)
    everyone = [*people, *elsewhere.values()]
    assert mail_counts(smtp_server, everyone) == expected


def _event_times(app, event_id: int) -> tuple[datetime, datetime]:
    with app.app_context():
        event = db.session.get(Event, event_id)
        return event.starts_at, event.ends_at


# --- A change of time by the host -----------------------------------------------------------------


def test_a_time_change_by_the_host_emails_every_attendee_of_that_event_once(
    it_app, celery_worker, smtp_server
):
    organizer_client, public, host = it_app.test_client(), it_app.test_client(), it_app.test_client()
    mark = outbox_mark(it_app)
    on = future_day(60)
    day = build_day(
        it_app,
        organizer_client,
        "Hands Off Our Neighbors",
        on,
        cities=(PHILADELPHIA, LOS_ANGELES),
        Philadelphia={"capacity": 2, "private": True},
    )
    title = PHILADELPHIA.title
    people = [new_address(f"chg{number}") for number in range(3)]
    states = [rsvp(public, day, PHILADELPHIA, email, f"Chg{number}") for number, email in enumerate(people)]
    assert states == ["going", "going", "waitlisted"]
    bystander = new_address("la-attendee")
    assert rsvp(public, day, LOS_ANGELES, bystander, "Lupe") == "going"

    # The organizers pass the host link on (its email is tested on its own, below).
    admin_page = organizer_client.get(
        f"/coalitions/{day.coalition_slug}/actions/{day.day_id}/events/{day.events['Philadelphia']}"
    ).text
    host_url = re.search(r'id="host-link"[^>]*value="([^"]+)"', admin_page).group(1)
    edit_path = urlsplit(host_url).path + "/edit"
    form_page = host.get(edit_path)
    assert form_page.status_code == 200
    assert f'value="{on.isoformat()}T11:00"' in form_page.text  # the host sees local time

    later = {"starts": time(13, 30), "ends": time(15, 30)}
    changed = event_form(PHILADELPHIA, on, capacity=2, private=True, **later)
    response = host.post(edit_path, data=changed, follow_redirects=True)
    assert response.status_code == 200
    assert "Saved. Attendees are emailed the new time and place." in response.text
    zone = ZoneInfo(PHILADELPHIA.zone)
    new_start = datetime.combine(on, later["starts"], zone).astimezone(UTC)
    assert _event_times(it_app, day.events["Philadelphia"])[0] == new_start.replace(tzinfo=None)

    subject = f"Changed: {title}"
    for email in people[:2]:  # going: the new time in the attached calendar, the address
        message = one_mail(smtp_server, email, subject)
        assert calendar_file(message).decoded("dtstart") == new_start
        assert PRIVATE_ADDRESS in plain(message)
        assert "1:30" in plain(message)  # "1:30 PM", in Philadelphia's time
    waiting = one_mail(smtp_server, people[2], subject)
    assert calendar_file(waiting) is None and PRIVATE_ADDRESS not in texts(waiting)

    # Saving the same time again, or only new words, tells nobody anything.
    again = host.post(edit_path, data=changed, follow_redirects=True)
    assert "Saved." in again.text and "Attendees are emailed" not in again.text
    reworded = changed | {"description": "Bring water, a sign and a friend."}
    assert "Attendees are emailed" not in host.post(edit_path, data=reworded, follow_redirects=True).text

    expected = Counter(
        {(email, f"Your RSVP: {title}"): 1 for email in people[:2]}
        | {(people[2], f"You are on the waitlist: {title}"): 1}
        | {(email, subject): 1 for email in people}
        | {(bystander, f"Your RSVP: {LOS_ANGELES.title}"): 1}
    )
    wait_for_counts(smtp_server, expected)
    wait_until_settled(it_app, day.coalition_id, mark)
    assert mail_counts(smtp_server, [*people, bystander]) == expected


def test_the_host_of_each_new_event_is_emailed_a_host_link_that_opens_the_host_tools(
    it_app, celery_worker, smtp_server
):
    organizer_client, host = it_app.test_client(), it_app.test_client()
    mark = outbox_mark(it_app)
    cities = (PHILADELPHIA, CITIES[3])
    day = build_day(it_app, organizer_client, "Host links", future_day(50), cities=cities, host_emails=True)
    wait_until_settled(it_app, day.coalition_id, mark)
    for city in cities:
        message = one_mail(smtp_server, day.hosts[city.name], f"Your host tools: {city.title}")
        page = host.get(link_path(message, "/actions/host/"))
        assert page.status_code == 200 and city.title in page.text
    expected = Counter({(day.hosts[city.name], f"Your host tools: {city.title}"): 1 for city in cities})
    assert mail_counts(smtp_server, day.hosts.values()) == expected


# --- Reminders at local times, each once ------------------------------------------------------------


def local_to_utc(on: date, at: time, zone: str) -> datetime:
    return datetime.combine(on, at, ZoneInfo(zone)).astimezone(UTC).replace(tzinfo=None)


def run_reminders(app, now: datetime) -> int:
    """What the beat job does at `now`: claim due reminders, commit, hand the notices to the worker."""
    with app.app_context():
        claimed = reminders.send_due_reminders(now)
        db.session.commit()
        dispatch_committed()
        return claimed


REMINDER_SUBJECTS = {"day_before": "Tomorrow: {}", "morning": "Today: {}"}


def test_reminders_go_out_once_at_ten_the_day_before_and_eight_the_same_morning_in_each_citys_time(
    it_app, celery_worker, smtp_server
):
    organizer_client, public = it_app.test_client(), it_app.test_client()
    mark = outbox_mark(it_app)
    on = future_day(20)  # the earliest day of this module: this clock reaches no other test's events
    day = build_day(it_app, organizer_client, "Day Without Deportations", on, Phoenix={"capacity": 1})
    going, waitlisted = {}, {}
    for city in CITIES:
        for number in range(2):
            email = new_address(f"rem-{city.zip_code}-{number}")
            state = rsvp(public, day, city, email, f"Rem{number}")
            (going if state == "going" else waitlisted).setdefault(city.name, []).append(email)
    assert {name: len(emails) for name, emails in going.items()} == {
        city.name: 1 if city.name == "Phoenix" else 2 for city in CITIES
    }
    assert list(waitlisted) == ["Phoenix"]

    with it_app.app_context():
        due = {
            name: db.session.execute(
                select(Event.day_before_due_at, Event.morning_due_at).where(Event.id == event_id)
            ).one()
            for name, event_id in day.events.items()
        }
    for city in CITIES:  # stored in UTC, from each city's own clock
        assert due[city.name] == (
            local_to_utc(on - timedelta(days=1), time(10, 0), city.zone),
            local_to_utc(on, time(8, 0), city.zone),
        ), city.name
    for position in (0, 1):  # the same local time falls three hours later in Los Angeles
        assert due["Los Angeles"][position] - due["Philadelphia"][position] == timedelta(hours=3)

    confirmations = Counter(
        {(email, f"Your RSVP: {city.title}"): 1 for city in CITIES for email in going[city.name]}
        | {(email, f"You are on the waitlist: {city.title}"): 1 for city in CITIES
           for email in waitlisted.get(city.name, [])}
    )  # fmt: skip
    wait_for_counts(smtp_server, confirmations)
    wait_until_settled(it_app, day.coalition_id, mark)
    attendees = [email for emails in (*going.values(), *waitlisted.values()) for email in emails]
    assert mail_counts(smtp_server, attendees) == confirmations

    schedule: dict[datetime, list[tuple[City, str]]] = {}
    for city in CITIES:
        for position, name in enumerate(REMINDER_SUBJECTS):
            schedule.setdefault(due[city.name][position], []).append((city, name))
    titles = {f"Tomorrow: {city.title}" for city in CITIES} | {f"Today: {city.title}" for city in CITIES}
    expected = Counter()
    for moment in sorted(schedule):
        assert run_reminders(it_app, moment - timedelta(seconds=1)) == 0, f"a reminder before {moment}"
        assert run_reminders(it_app, moment) == len(schedule[moment]), moment
        assert run_reminders(it_app, moment) == 0, f"a reminder sent twice at {moment}"
        for city, name in schedule[moment]:
            for email in going[city.name]:
                expected[(email, REMINDER_SUBJECTS[name].format(city.title))] += 1
        wait_for_counts(smtp_server, expected)
        wait_until_settled(it_app, day.coalition_id, mark)
        reminded = Counter(
            {key: n for key, n in mail_counts(smtp_server, attendees).items() if key[1] in titles}
        )
        assert reminded == expected, f"after the reminders due at {moment}"

    # Nothing more, however late the clock runs: the events are over.
    assert run_reminders(it_app, datetime.combine(on + timedelta(days=1), time(12, 0))) == 0
    wait_until_settled(it_app, day.coalition_id, mark)
    assert mail_counts(smtp_server, attendees) == confirmations + expected
    # A reminder reads in the city's own time and carries the calendar file.
    sample = one_mail(smtp_server, going["Los Angeles"][0], f"Today: {LOS_ANGELES.title}")
    assert "11:00" in plain(sample)
    assert any(zone in plain(sample) for zone in ("PDT", "PST")), plain(sample)
    assert calendar_file(sample) is not None
