"""US ZIP codes from the offline `zipcodes` data: city, county, state, coordinates, time zone."""

from dataclasses import dataclass
from functools import cache

import zipcodes


@dataclass(frozen=True)
class Place:
    zip_code: str
    city: str
    county: str
    state: str
    lat: float
    lon: float
    time_zone: str


@cache
def all_places() -> dict[str, Place]:
    """ZIP -> Place, loaded once per process (about 42,000 entries)."""
    return {
        row["zip_code"]: Place(
            zip_code=row["zip_code"],
            city=row["city"].title(),
            county=row["county"],
            state=row["state"],
            lat=float(row["lat"]),
            lon=float(row["long"]),
            time_zone=row["timezone"],
        )
        for row in zipcodes.list_all()
        if row["lat"] and row["long"]
    }


def place_of(zip_code: str) -> Place | None:
    return all_places().get(zip_code)
