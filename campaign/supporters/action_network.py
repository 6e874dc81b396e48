"""The one table between our supporter fields and Action Network's CSV headers, both ways."""

import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Column:
    field: str  # ours: a Supporter attribute, or a place column of an export
    header: str  # Action Network's, as its exports and uploads name it
    label: object  # shown in the import's column selects
    aliases: tuple[str, ...] = ()  # other spellings spreadsheets use, matched on import
    exported: Callable[[str], str] | None = None  # our cell as Action Network's, if it differs


def _subscription_status(ours: str) -> str:
    """Action Network has two statuses where we have three: a person never asked (our
    "not_asked") gave no consent, so goes there unsubscribed, as its 100% opt-in rule wants."""
    return "subscribed" if ours == "subscribed" else "unsubscribed"


# Action Network's people report headers. Import reads the supporter fields; export writes every
# column its rows hold (a petition signer has a city and a state, a supporter has neither).
COLUMNS = (
    Column("first_name", "first_name", _l("First name"), ("first name", "given_name", "nombre")),
    Column("last_name", "last_name", _l("Last name"), ("last name", "family_name", "apellido")),
    Column("email", "email", _l("Email"), ("email address", "email_address", "correo")),
    Column("zip_code", "zip_code", _l("ZIP code"), ("zip", "zip code", "zipcode", "postal_code")),
    Column("phone", "can2_phone", _l("Phone"), ("phone", "phone number", "mobile", "teléfono")),
    Column("language", "language", _l("Language"), ("idioma", "languages_spoken")),
    Column(
        "subscription",
        "can2_subscription_status",
        _l("Subscription status"),
        ("status",),
        exported=_subscription_status,
    ),
    Column("city", "can2_user_city", _l("City"), ()),
    Column("state", "can2_state_abbreviated", _l("State"), ()),
    Column("county", "can2_county", _l("County"), ()),
)
BY_FIELD = {column.field: column for column in COLUMNS}
IMPORTED_FIELDS = ("first_name", "last_name", "email", "zip_code", "phone", "language", "subscription")

# can2_subscription_status values that mean: do not email this person. Only "subscribed" means
# the opposite; anything else (a blank cell, "no", "pending", a typo) is no consent either.
NOT_SUBSCRIBED = frozenset({"unsubscribed", "bouncing", "bounced", "spam complaint"})


def headers(fields: tuple[str, ...]) -> tuple[str, ...]:
    """Action Network's header for each of our fields, in that order."""
    return tuple(BY_FIELD[field].header for field in fields)


def asked_for(args: Mapping[str, str]) -> bool:
    """Whether a download's query (`?columns=action_network`) asks for Action Network's columns."""
    return args.get("columns") == "action_network"


@dataclass(frozen=True)
class Sheet:
    """The columns of an export of people: ours (`columns`, the order of each row's cells), and
    the fields among them that Action Network takes (`action_network`, two or more fields of
    COLUMNS), which the same rows give under its headers, so that a member organization can
    upload the file there."""

    columns: tuple[str, ...]
    action_network: tuple[str, ...]

    def header(self, for_action_network: bool) -> tuple[str, ...]:
        return headers(self.action_network) if for_action_network else self.columns

    def rows(self, rows: Iterable[tuple], for_action_network: bool) -> Iterable[tuple]:
        return self._as_action_network(rows) if for_action_network else rows

    def file_name(self, stem: str, for_action_network: bool) -> str:
        return f"{stem}-action-network.csv" if for_action_network else f"{stem}.csv"

    def logged_as(self, what: str, for_action_network: bool) -> str:
        """The export log's name for the download: which sheet of which people."""
        return f"{what}:action_network" if for_action_network else what

    def _as_action_network(self, rows: Iterable[tuple]) -> Iterator[tuple]:
        # itemgetter picks the cells in C: an export may be a million rows.
        pick = operator.itemgetter(*(self.columns.index(field) for field in self.action_network))
        converted = [
            (place, BY_FIELD[field].exported)
            for place, field in enumerate(self.action_network)
            if BY_FIELD[field].exported
        ]
        for row in rows:
            cells = pick(row)
            if converted:
                cells = list(cells)
                for place, convert in converted:
                    cells[place] = convert(cells[place])
            yield cells


def _normal(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split())


_KNOWN = {
    _normal(spelling): column.field
    for column in COLUMNS
    if column.field in IMPORTED_FIELDS
    for spelling in (column.header, column.field, *column.aliases)
}


def guess_field(header: str) -> str:
    """The field a column of an uploaded file most likely holds, or "" (left unmapped)."""
    return _KNOWN.get(_normal(header), "")


def subscription_status(value: str) -> str | None:
    """An Action Network subscription status as ours: "subscribed" only for its own word,
    "unsubscribed" for the words that mean not to email, None for anything else (unknown, and
    no consent either)."""
    value = _normal(value)
    if value == "subscribed":
        return "subscribed"
    return "unsubscribed" if value in NOT_SUBSCRIBED else None
