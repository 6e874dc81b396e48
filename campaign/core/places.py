"""US ZIP codes from the offline `zipcodes` data: city, county, state, coordinates, time zone."""

import math
import re
from dataclasses import dataclass
from functools import cache

import zipcodes

EARTH_RADIUS_MILES = 3958.8


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


@cache  # every count of a state-wide audience asks again; the answer never changes
def zips_in_state(state: str) -> tuple[str, ...]:
    """The state's ZIP codes, in order."""
    return tuple(code for code, place in all_places().items() if place.state == state)


def place_of(zip_code: str) -> Place | None:
    """The place of a ZIP code, or of a ZIP+4 ("30093-1234")."""
    places = all_places()
    return places.get(zip_code) or places.get(zip5(zip_code))


ZIP_PLUS_4 = re.compile(r"(\d{5})(?:[- ]?\d{4})?")


def zip5(zip_code: str) -> str:
    """The five-digit ZIP code of a ZIP+4 ("30093-1234", "300931234"), which is what is stored;
    anything else as it is."""
    match = ZIP_PLUS_4.fullmatch(zip_code)
    return match.group(1) if match else zip_code


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))
