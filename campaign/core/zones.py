"""The US time zones organizers plan in, and times stored in UTC shown back in one of them (or
in any IANA zone a place's ZIP codes give)."""

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date, format_datetime, format_interval, format_time, get_timezone_name
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

TIME_ZONES = [
    SelectChoice("America/New_York", _l("Eastern time")),
    SelectChoice("America/Chicago", _l("Central time")),
    SelectChoice("America/Denver", _l("Mountain time")),
    SelectChoice("America/Phoenix", _l("Arizona time")),
    SelectChoice("America/Los_Angeles", _l("Pacific time")),
    SelectChoice("America/Anchorage", _l("Alaska time")),
    SelectChoice("Pacific/Honolulu", _l("Hawaii time")),
    SelectChoice("America/Puerto_Rico", _l("Puerto Rico time")),
]

DEFAULT_TIME_ZONE = "America/New_York"
TIME_ZONE_LABELS = {choice.value: choice.label for choice in TIME_ZONES}
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_info(zone: str | None) -> ZoneInfo:
    """Any IANA zone, not only the forms' choices (a jurisdiction's ZIP codes give
    America/Detroit or America/Boise); Eastern for a name IANA does not know."""
    return ZoneInfo(zone if zone in _known_zones() else DEFAULT_TIME_ZONE)


def zone_label(zone: str | None) -> str:
    """ "Pacific time" for the forms' choices; for any other zone its name in the reader's
    language ("Eastern Time" for America/Detroit, "hora oriental" in Spanish)."""
    key = zone_info(zone).key
    if key in TIME_ZONE_LABELS:
        return str(TIME_ZONE_LABELS[key])
    return get_timezone_name(ZoneInfo(key), "long", zone_variant="generic", locale=get_locale())


def local_time(item, moment: datetime) -> str:
    """A UTC time of `item` shown in `item.time_zone`, the zone it was planned in (else Eastern)."""
    zone = zone_info(item.time_zone)
    local = format_datetime(moment.replace(tzinfo=UTC), "short", tzinfo=zone, locale=get_locale())
    return f"{local} ({zone_label(zone.key)})"


def to_utc(local: datetime | None, zone: str) -> datetime | None:
    """A wall-clock time typed in `zone` (Eastern if IANA knows no such zone), as the naive UTC
    time the database keeps; None for a field left empty. Every form refuses a date after 2199
    (core/text.py), far from the end of Python's datetime, where this would overflow."""
    if local is None:
        return None
    return local.replace(tzinfo=zone_info(zone)).astimezone(UTC).replace(tzinfo=None)


def changed_to_the_past(field, zone: str) -> bool:
    """A date-time form field the user set to a moment already gone. A time left as it was saved
    passes, so an old deadline does not block editing the rest of the form."""
    if not field.data or field.data == field.object_data:
        return False
    return to_utc(field.data, zone) <= datetime.now(UTC).replace(tzinfo=None)


def to_local(moment: datetime | None, zone: str) -> datetime | None:
    """The naive wall-clock time in `zone` of a stored UTC time (to fill a form back in)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(zone_info(zone)).replace(tzinfo=None)


def in_zone(moment: datetime | str, zone: str) -> datetime:
    """A stored UTC time (or its ISO text, as emails' contexts keep it), aware, where `zone` is."""
    utc = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return utc.replace(tzinfo=UTC).astimezone(zone_info(zone))


def moment_in_zone(moment: datetime | str, zone: str) -> str:
    """ "Tuesday, March 9, 2027, 6:00 PM PST": a UTC time shown in `zone`, in the reader's language."""
    local = in_zone(moment, zone)
    locale = get_locale()
    day, time = format_date(local, "full", locale=locale), format_time(local, "short", locale=locale)
    return f"{day}, {time} {_zone_name(local, locale)}"


def span_in_zone(starts: datetime | str, ends: datetime | str, zone: str) -> str:
    """The span "Saturday, May 29, 2027, 10:00 AM – 12:00 PM EDT": UTC times (or their ISO text, as emails'
    contexts keep them) shown where the event happens, in the reader's language."""
    tz = zone_info(zone)
    start, end = in_zone(starts, zone), in_zone(ends, zone)
    locale = get_locale()
    day = format_date(start, "full", locale=locale)
    first = format_time(start, "short", tzinfo=tz, locale=locale)
    last = f"{format_time(end, 'short', tzinfo=tz, locale=locale)} {_zone_name(end, locale)}"
    if end.date() != start.date():
        last = format_date(end, "full", locale=locale) + ", " + last
    return f"{day}, {first} – {last}"


def _zone_name(moment: datetime, locale) -> str:
    """ "CDT" where the language has short names for US zones, else e.g. "hora de verano central"."""
    short = get_timezone_name(moment, "short", locale=locale)
    return (
        short
        if short[:1].isalpha() and not short.startswith("GMT")
        else get_timezone_name(moment, "long", locale=locale)
    )


def date_range(first: date, last: date) -> str:
    """ "Saturday, May 29, 2027", or "May 29 – 30, 2027" for days in a row, in the reader's language."""
    locale = get_locale()
    if first == last:
        return format_date(first, "full", locale=locale)
    return format_interval(first, last, "yMMMMd", locale=locale)
