"""A tile-grid map of the states, drawn as SVG from positions shipped here (no map tiles to fetch).

Each state is one equal square, so small states are as visible as large ones; the table beside
the map carries the same figures for screen readers and for copying.
"""

from dataclasses import dataclass
from functools import cache

import us

# (column, row) of each state's square.
GRID = {
    "AK": (0, 0), "ME": (11, 0),
    "VT": (10, 1), "NH": (11, 1),
    "WA": (1, 2), "ID": (2, 2), "MT": (3, 2), "ND": (4, 2), "MN": (5, 2), "IL": (6, 2), "WI": (7, 2),
    "MI": (8, 2), "NY": (9, 2), "RI": (10, 2), "MA": (11, 2),
    "OR": (1, 3), "NV": (2, 3), "WY": (3, 3), "SD": (4, 3), "IA": (5, 3), "IN": (6, 3), "OH": (7, 3),
    "PA": (8, 3), "NJ": (9, 3), "CT": (10, 3),
    "CA": (1, 4), "UT": (2, 4), "CO": (3, 4), "NE": (4, 4), "MO": (5, 4), "KY": (6, 4), "WV": (7, 4),
    "VA": (8, 4), "MD": (9, 4), "DE": (10, 4),
    "AZ": (2, 5), "NM": (3, 5), "KS": (4, 5), "AR": (5, 5), "TN": (6, 5), "NC": (7, 5), "SC": (8, 5),
    "DC": (9, 5),
    "OK": (4, 6), "LA": (5, 6), "MS": (6, 6), "AL": (7, 6), "GA": (8, 6),
    "HI": (0, 7), "TX": (4, 7), "FL": (9, 7), "PR": (11, 7),
}  # fmt: skip
SHADES = ("#f3ece4", "#f0c9b0", "#e09a72", "#c4623a", "#8a2b0e")  # none, then four steps up


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    count: int
    x: int
    y: int
    fill: str
    text: str  # the label colour with enough contrast on `fill`


def tiles(counts: dict[str, int], size: int = 44, gap: int = 4) -> list[Tile]:
    top = max(counts.values(), default=0)
    drawn = []
    for code, (column, row) in GRID.items():
        count = counts.get(code, 0)
        shade = 0 if not count else 1 + min(3, (count * 4 - 1) // top)
        drawn.append(
            Tile(
                code=code,
                name=state_names()[code],
                count=count,
                x=column * (size + gap),
                y=row * (size + gap),
                fill=SHADES[shade],
                text="#ffffff" if shade >= 3 else "#1d1d1b",
            )
        )
    return drawn


@cache
def state_choices() -> tuple[tuple[str, str], ...]:
    """(code, name) of each place a list offers: the states with the District of Columbia among
    them, by name, then the territories (`us` lists DC last, after Guam and the Virgin Islands)."""
    places = sorted(us.states.STATES_AND_TERRITORIES, key=lambda place: (place.is_territory, place.name))
    return tuple((place.abbr, place.name) for place in places)


@cache
def state_names() -> dict[str, str]:
    """Code -> name of every square on the map (states, DC, Puerto Rico), in the order of lists."""
    return {code: name for code, name in state_choices() if code in GRID}
