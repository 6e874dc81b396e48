"""The items of the "Needs you" list, and what each reader of their causes is given."""

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import format_timedelta
from sqlalchemy import case, func

from campaign.coalitions.models import Coalition, Role


@dataclass(frozen=True)
class Need:
    kind: str
    coalition: Coalition
    role: Role
    at: datetime  # when it came up: the list is newest first
    text: str
    url: str  # the page where it is done
    action: str  # the button's words, for organizers and up
    note: str = ""

    @property
    def can_act(self) -> bool:
        return self.role >= Role.ORGANIZER


@dataclass
class Scope:
    """The coalitions asked about, with the account's role in each, at one moment."""

    coalitions: dict[int, tuple[Coalition, Role]]
    now: datetime

    @property
    def ids(self) -> list[int]:
        return list(self.coalitions)

    def need(self, kind, coalition_id, at, text, endpoint, action, note="", **values) -> Need:
        coalition, role = self.coalitions[coalition_id]
        url = url_for(endpoint, slug=coalition.slug, **values)
        return Need(kind, coalition, role, at, text, url, action, note)

    def from_now(self, moment: datetime) -> str:
        return from_now(moment, self.now)


def from_now(moment: datetime, now: datetime) -> str:
    """ "in 5 hours", "3 days ago", "dentro de 2 días" """
    return format_timedelta(moment - now, granularity="minute", add_direction=True)


def count_where(condition):
    return func.sum(case((condition, 1), else_=0))
