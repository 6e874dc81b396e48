"""The states and counties of the US from the shipped atlas, matched by name and by ZIP code.

The county list is the one the map draws: `static/vendor/us-atlas/counties-albers-10m.json`
(the npm `us-atlas` package, Census cartographic boundaries), so every county the tracker
names has a shape and every shape has a FIPS code. Names there are bare ("Richmond"), and a
state may have two places of one name (Richmond County and the independent city of Richmond,
Virginia): matching a typed name gives every candidate and the caller asks when there are two.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import us
from flask import current_app

from campaign.core.places import all_places, zip5

ATLAS = Path("vendor") / "us-atlas"
# The county-level units that are cities, not counties (FIPS county code 500 and up in
# Virginia; Baltimore, St. Louis and Carson City elsewhere).
INDEPENDENT_CITY_STATES = {"51"}
INDEPENDENT_CITIES = {"24510", "29510", "32510"}
# Cities and counties that are one government: named as the city.
CONSOLIDATED = {"06075", "08031", "11001", "42101", "02020", "47037", "21067", "18097"}
# What follows a county's name in lists (zipcodes writes "Los Angeles County", "Orleans Parish").
SUFFIXES = re.compile(r"\s+(county|parish|borough|census area|municipality|city and borough|municipio|city)$")


@dataclass(frozen=True)
class County:
    fips: str
    name: str  # as the atlas has it: "Los Angeles"
    state: str  # postal code: "CA"

    @property
    def is_city(self) -> bool:
        return self.fips in INDEPENDENT_CITIES or (
            self.fips[:2] in INDEPENDENT_CITY_STATES and int(self.fips[2:]) >= 500
        )


def fold(name: str) -> str:
    """The form names are compared in: "St. Louis" is "saint louis", "Doña Ana" is "dona ana"."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    bare = re.sub(r"[.'’,]", "", bare).replace("-", " ")
    bare = re.sub(r"^(st|ste)\s", "saint ", " ".join(bare.split()))
    return bare[:600]


def _atlas(name: str) -> dict:
    return json.loads((Path(current_app.static_folder) / ATLAS / name).read_text(encoding="utf-8"))


@cache
def _state_of_fips() -> dict[str, str]:
    return {state.fips: state.abbr for state in us.states.STATES_AND_TERRITORIES if state.fips}


@cache
def states() -> dict[str, str]:
    """Postal code -> name of each state and DC, which the atlas draws."""
    codes = _state_of_fips()
    return {
        codes[shape["id"]]: shape["properties"]["name"]
        for shape in _atlas("states-albers-10m.json")["objects"]["states"]["geometries"]
    }


def states_by_name() -> list[tuple[str, str]]:
    """(postal code, name) of each state, by name, as lists and pickers offer them."""
    return sorted(states().items(), key=lambda item: item[1])


def state_code(fips: str) -> str | None:
    """The postal code of a state's FIPS code ("06" -> "CA")."""
    return _state_of_fips().get(fips)


def state_fips(code: str) -> str | None:
    state = us.states.lookup(code) if code else None
    return state.fips if state else None


@cache
def counties() -> dict[str, County]:
    """FIPS -> County, about 3,140 of them, read once per process."""
    codes = _state_of_fips()
    return {
        shape["id"]: County(shape["id"], shape["properties"]["name"], codes[shape["id"][:2]])
        for shape in _atlas("counties-albers-10m.json")["objects"]["counties"]["geometries"]
    }


@cache
def _counties_by_name() -> dict[tuple[str, str], tuple[County, ...]]:
    found: dict[tuple[str, str], list[County]] = {}
    for county in counties().values():
        found.setdefault((county.state, fold(county.name)), []).append(county)
    return {key: tuple(sorted(group, key=lambda county: county.fips)) for key, group in found.items()}


def counties_named(name: str, state: str) -> tuple[County, ...]:
    """The counties a typed name can mean in a state: none, one, or (for "Richmond", Virginia)
    several. "Richmond city" and "Richmond County" each name one."""
    folded = fold(name)
    suffix = SUFFIXES.search(folded)
    if not suffix:
        exact = _counties_by_name().get((state, folded), ())
        return exact
    bare = folded[: suffix.start()]
    candidates = _counties_by_name().get((state, bare), ()) or _counties_by_name().get((state, folded), ())
    if len(candidates) > 1:  # the suffix says which: a city, or a county
        wanted_city = suffix.group(1) == "city"
        candidates = tuple(county for county in candidates if county.is_city == wanted_city) or candidates
    return candidates


@cache
def _county_of_zip() -> dict[str, str]:
    """ZIP -> county FIPS, for the ZIP codes whose county name matches the atlas alone."""
    found = {}
    for code, place in all_places().items():
        candidates = counties_named(place.county, place.state) if place.county else ()
        if len(candidates) == 1:
            found[code] = candidates[0].fips
    return found


def county_of_zip(zip_code: str) -> str | None:
    return _county_of_zip().get(zip5(zip_code or ""))


@cache
def zips_in_county(fips: str) -> tuple[str, ...]:
    return tuple(sorted(code for code, county in _county_of_zip().items() if county == fips))


@dataclass(frozen=True)
class City:
    name: str  # as the ZIP data spells it: "Oakland"
    zips: tuple[str, ...]


@cache
def _cities() -> dict[tuple[str, str], City]:
    """(state, folded name) -> the city the ZIP data knows by that name, built once per process."""
    found: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for code, place in sorted(all_places().items()):
        found.setdefault((place.state, fold(place.city)), (place.city, []))[1].append(code)
    return {key: City(name, tuple(zips)) for key, (name, zips) in found.items()}


def city_named(name: str, state: str) -> City | None:
    """The city of the ZIP data a typed name means ("O.A.K.L.A.N.D" and "ＯＡＫＬＡＮＤ" are Oakland)."""
    return _cities().get((state, fold(name)))


def zips_in_city(name: str, state: str) -> tuple[str, ...]:
    """The ZIP codes the offline data gives for a city by name ("Oakland", "CA")."""
    known = city_named(name, state)
    return known.zips if known else ()
