"""What one cell of a policy CSV says: which field a header names, a policy's wording, a date, a URL."""

import re
from datetime import date
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from campaign.policies.forms import FIRST_YEAR, latest_date
from campaign.policies.models import URL_MAX, DetainerCondition, PolicyKind
from campaign.policies.places import fold

# The fields a column can hold, in the order the selects offer them.
FIELDS = {
    "jurisdiction": _l("Jurisdiction"),
    "state": _l("State"),
    "level": _l("Type (county, city, state)"),
    "policy": _l("Policy"),
    "conditions": _l("Conditions"),
    "date": _l("Date"),
    "source": _l("Source URL"),
    "notes": _l("Notes"),
}
# Words a header holds, in English and Spanish, folded (no accents, lower case); first match wins,
# so "county" is the jurisdiction unless the header also says "type".
HEADER_WORDS = (
    ("level", ("type", "level", "tipo", "nivel")),
    ("state", ("state", "estado", "st")),
    (
        "jurisdiction",
        ("jurisdiction", "jurisdiccion", "county", "condado", "city", "ciudad", "name", "nombre"),
    ),
    ("conditions", ("conditions", "condiciones", "requirements", "requisitos")),
    ("policy", ("policy", "politica", "status", "estatus", "detainer", "detainers")),
    ("date", ("date", "fecha", "adopted", "effective", "adoptada", "vigente", "year", "ano")),
    ("source", ("source", "url", "link", "fuente", "enlace")),
    ("notes", ("notes", "note", "summary", "notas", "resumen", "description", "descripcion")),
)


def guess_field(header: str) -> str:
    """The field a header names ("Jurisdicción" is the jurisdiction), or "" when none is clear."""
    words = set(re.findall(r"[a-z]+", fold(header)))
    for field, names in HEADER_WORDS:
        if words & set(names):
            return field
    return ""


def guess_mapping(headers: list[str]) -> list[str]:
    """A field per column, each field taken by the first column that names it."""
    taken, mapping = set(), []
    for header in headers:
        field = guess_field(header)
        mapping.append("" if field in taken else field)
        taken.add(field)
    return mapping


LEVEL_WORDS = {
    "county": ("county", "condado", "parish", "parroquia", "borough"),
    "city": ("city", "ciudad", "town", "municipality", "municipio", "pueblo"),
    "state": ("state", "estado"),
}


def level_of(text: str) -> str:
    """ "county", "city", "state", or "" for a blank or unknown type (guessed from the name)."""
    words = set(re.findall(r"[a-z]+", fold(text)))
    return next((level for level, names in LEVEL_WORDS.items() if words & set(names)), "")


# A policy's wording, folded, tried in order: the first pattern found gives kind and status.
# Refusals are tried before "honors", since "does not honor" holds the word "honor".
WORDING = (
    (
        r"287\s*\(?g\)?.*(terminat|ended|none|no agreement|sin acuerdo|termin)",
        PolicyKind.AGREEMENT_287G,
        "none",
    ),
    (r"287\s*\(?g\)?.*(task force|fuerza)", PolicyKind.AGREEMENT_287G, "task_force"),
    (r"287\s*\(?g\)?.*(warrant service|wso)", PolicyKind.AGREEMENT_287G, "warrant_service"),
    (r"287\s*\(?g\)?", PolicyKind.AGREEMENT_287G, "jail"),
    (
        r"(secure communities|comunidades seguras|\bpep\b).*(opt|exclu)",
        PolicyKind.SECURE_COMMUNITIES,
        "opted_out",
    ),
    (r"(secure communities|comunidades seguras|\bpep\b).*suspen", PolicyKind.SECURE_COMMUNITIES, "suspended"),
    (r"(secure communities|comunidades seguras|\bpep\b)", PolicyKind.SECURE_COMMUNITIES, "active"),
    (
        r"trust act|ley trust|state law|ley estatal|executive order|orden ejecutiva",
        PolicyKind.STATE_LAW,
        "limits",
    ),
    (r"resolu.*(oppos|against|en contra|contra)", PolicyKind.RESOLUTION, "opposes"),
    (r"resolu.*(support|a favor|apoy)", PolicyKind.RESOLUTION, "supports"),
    (
        r"refus|rechaz|no detainers|no honor|not honor|does not|doesnt|declin|won ?t|will not|"
        r"no honra|no cumple|no acepta|no respeta|stopped|dejo de|no longer|ya no",
        PolicyKind.DETAINERS,
        "refuses",
    ),
    (
        r"warrant|orden judicial|limit|condition|condicion|only|solo|unless|salvo|restrict",
        PolicyKind.DETAINERS,
        "conditions",
    ),
    (
        r"honor|honra|cumple|acepta|complies|comply|respeta|all detainers|todas",
        PolicyKind.DETAINERS,
        "honors_all",
    ),
)
CONDITION_WORDS = (
    (
        r"judicial warrant|orden judicial|warrant|signed by a judge|firmada por un juez",
        DetainerCondition.JUDICIAL_WARRANT,
    ),
    (r"convict|conviction|condena|felony|delito grave|serious", DetainerCondition.SERIOUS_CONVICTION),
    (r"\b48\b", DetainerCondition.LIMIT_48_HOURS),
    (r"interview|entrevista", DetainerCondition.NO_ICE_INTERVIEWS),
    (r"release|notif|liberacion|excarcelacion", DetainerCondition.NO_RELEASE_NOTICE),
)


def policy_of(wording: str, conditions: str) -> tuple[PolicyKind, str, int] | None:
    """Kind, status and condition flags a row's wording means: "Refuses detainers" is
    (detainers, refuses, 0); "Judicial warrant required" is (detainers, conditions, warrant).
    None when the wording says nothing we know."""
    folded = fold(wording)
    flags = conditions_of(f"{wording} {conditions}")
    for pattern, kind, status in WORDING:
        if re.search(pattern, folded):
            if kind == PolicyKind.DETAINERS and status == "honors_all" and conditions_of(conditions):
                status = "conditions"  # "Honors" with conditions listed beside it
            return kind, status, flags if status == "conditions" else 0
    return None


def conditions_of(text: str) -> int:
    folded = fold(text)
    flags = 0
    for pattern, flag in CONDITION_WORDS:
        if re.search(pattern, folded):
            flags |= flag
    return int(flags)


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "enero", "ene"),
            ("february", "feb", "febrero"),
            ("march", "mar", "marzo"),
            ("april", "apr", "abril", "abr"),
            ("may", "mayo"),
            ("june", "jun", "junio"),
            ("july", "jul", "julio"),
            ("august", "aug", "agosto", "ago"),
            ("september", "sep", "sept", "septiembre", "setiembre"),
            ("october", "oct", "octubre"),
            ("november", "nov", "noviembre"),
            ("december", "dec", "diciembre", "dic"),
        ),
        start=1,
    )
    for name in names
}


class BadDate(ValueError):
    """Not a date in a form we read."""


class DateOutOfRange(BadDate):
    """A date, outside what the entry form takes: from 1900 to a few years ahead."""


def date_of(text: str) -> date | None:
    """2014-05-01, 5/1/2014 (US order), "May 2014" or "mayo de 2014" (the 1st), 2014 (January
    1st): lists give a month or a year when that is all that is known. None for a blank cell."""
    text = text.strip()
    if not text:
        return None
    try:
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            year, month, day = map(int, match.groups())
        elif match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
            month, day, year = map(int, match.groups())
        elif match := re.fullmatch(r"([a-z]+)\.?,?\s+(?:de\s+|of\s+)?(\d{4})", fold(text)):
            month, day, year = MONTHS.get(match.group(1), 0), 1, int(match.group(2))
        elif re.fullmatch(r"\d{4}", text):
            year, month, day = int(text), 1, 1
        else:
            raise BadDate(text)
        found = date(year, month, day)
    except ValueError as error:  # month 13, February 30th
        raise BadDate(text) from error
    if not date(FIRST_YEAR, 1, 1) <= found <= latest_date():
        raise DateOutOfRange(text)
    return found


def url_of(text: str) -> str | None:
    """The cell as a source link, "" for a blank one; None unless it is an http(s) address."""
    text = text.strip()
    if not text:
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:  # an unbalanced IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or len(text) > URL_MAX:
        return None
    if any(char.isspace() for char in text):
        return None
    return text
