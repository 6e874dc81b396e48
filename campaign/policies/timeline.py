"""The tracker's chart: how many cities and counties limited or refused detainers at each year's end."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import attrgetter

from campaign.policies import services
from campaign.policies.models import PolicyEntry, PolicyKind
from campaign.policies.tracker import LIMITING, LOCAL

# A claim at a date: what one coalition says is in force in one place, or None when nothing is.
LIMITS, OTHER = "limits", "other"


def limiting_by_year(entries: list[PolicyEntry], today: date | None = None) -> list[tuple[int, int]]:
    """(year, cities and counties limiting or refusing detainers at its end), from the year of the
    first dated detainer entry to this one: what `tracker.counts(tracker.standings(entries, day))`
    finds at each year's end, in one pass over the history sorted by date."""
    today = today or date.today()
    years = [e.dated.year for e in entries if e.kind == PolicyKind.DETAINERS and e.dated and e.dated <= today]
    if not years:
        return []
    changes = sorted(_changes(entries), key=lambda change: change[0])  # stable: a place's own order
    claims = defaultdict(dict)  # jurisdiction id -> coalition id -> LIMITS or OTHER
    limiting, series, index = 0, [], 0
    for year in range(min(years), today.year + 1):
        end = min(date(year, 12, 31), today)
        while index < len(changes) and changes[index][0] <= end:
            _day, jurisdiction_id, coalition_id, claim = changes[index]
            limiting -= _limits(claims[jurisdiction_id])
            if claim:
                claims[jurisdiction_id][coalition_id] = claim
            else:
                claims[jurisdiction_id].pop(coalition_id, None)
            limiting += _limits(claims[jurisdiction_id])
            index += 1
        series.append((year, limiting))
    return series


def _limits(claims: dict[int, str]) -> bool:
    """A place limits when every coalition that records it says so (else its records differ)."""
    return bool(claims) and all(claim == LIMITS for claim in claims.values())


def _changes(entries: list[PolicyEntry]):
    """(day, jurisdiction id, coalition id, claim from that day on) for each coalition's local
    detainer records of each place, as `services.current` reads them: the latest dated entry in
    force (an undated one, recorded last, always), none once the latest has ended."""
    local = (e for e in entries if e.kind == PolicyKind.DETAINERS and e.jurisdiction.kind in LOCAL)
    key = attrgetter("jurisdiction_id", "coalition_id")
    for (jurisdiction_id, coalition_id), own in groupby(sorted(local, key=key), key):
        history = services.history(list(own))
        undated = [entry for entry in history if entry.dated is None]
        if undated:  # sorted after every dated entry, it is the latest at any date
            history = [undated[-1]]
        for entry, following in zip(history, [*history[1:], None], strict=True):
            start = entry.dated or date.min
            claim = LIMITS if entry.status in LIMITING else OTHER
            if entry.ended_on and entry.ended_on <= start:
                claim = None
            yield start, jurisdiction_id, coalition_id, claim
            replaced = following.dated if following else None
            if entry.ended_on and entry.ended_on > start and (replaced is None or entry.ended_on < replaced):
                yield entry.ended_on, jurisdiction_id, coalition_id, None


@dataclass
class Bar:
    year: int
    count: int
    x: float
    y: float
    height: float


CHART_WIDTH, CHART_HEIGHT, CHART_BASE = 640, 250, 220


def chart_bars(series: list[tuple[int, int]]) -> list[Bar]:
    """The series as bars in a 640x250 SVG, the tallest reaching near the top."""
    tallest = max((count for _, count in series), default=0) or 1
    width = CHART_WIDTH / max(len(series), 1)
    bars = []
    for index, (year, count) in enumerate(series):
        height = (CHART_BASE - 30) * count / tallest  # room for the count above the tallest
        bars.append(
            Bar(
                year,
                count,
                round(index * width + width * 0.15, 1),
                round(CHART_BASE - height, 1),
                round(height, 1),
            )
        )
    return bars
