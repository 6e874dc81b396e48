"""iCalendar files the app publishes: one header for every feed, and the domain of event UIDs."""

from flask import current_app
from icalendar import Calendar

from campaign.core.text import one_line


def published_calendar(product: str, name: str) -> Calendar:
    """An empty feed named `name` ("Days of action", "Policy hearings" is the `product`)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//Campaign desk//{product}//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))  # an X- property is not escaped: one line
    return calendar


def uid_domain() -> str:
    """The host part of PUBLIC_URL, which makes an event's UID unique beyond this app."""
    return current_app.config["PUBLIC_URL"].split("//")[-1].split("/")[0]
