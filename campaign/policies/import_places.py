"""Which places a typed name can mean: a state, a county by its FIPS code, or a city by its
county (through the ZIP codes of the offline data), each named by a key the preview's selects
carry: "state:06", "county:06001", "city:06001:Oakland"."""

import difflib

import us
from flask_babel import gettext as _

from campaign.policies import places, services
from campaign.policies.models import Jurisdiction, JurisdictionKind


def state_code(text: str) -> str | None:
    """The postal code of a state or DC typed as "CA", "California" or "06"."""
    found = us.states.lookup(text.strip()) if 0 < len(text.strip()) <= 30 else None
    return found.abbr if found and found.abbr in places.states() else None


def keys_named(name: str, state: str, level: str) -> list[str]:
    """The keys of every place the name can mean: "state:06", "county:06001",
    "city:06001:Oakland" (a city by its county). Without a type, a county's name means the
    county: detainer lists are lists of jails, which counties run, and the ZIP data gives many
    a county's seat or town its county's name."""
    if level == "state" or not name or places.fold(name) == places.fold(places.states()[state]):
        return [f"state:{places.state_fips(state)}"]
    if level == "city":  # Virginia's independent cities, Baltimore, St. Louis; else by ZIP code
        counties = [county for county in places.counties_named(f"{name} city", state) if county.is_city]
        return [f"county:{county.fips}" for county in counties] or _city_keys(name, state)
    counties = places.counties_named(name, state)
    suffix = places.SUFFIXES.search(places.fold(name))  # "Alameda County"; "Kansas City" is a city
    if counties or level == "county" or (suffix and suffix.group(1) != "city"):
        return [f"county:{county.fips}" for county in counties]
    return _city_keys(name, state)


def _city_keys(name: str, state: str) -> list[str]:
    """A city in each county its ZIP codes lie in; where a county is the city (San Francisco,
    whose airport's ZIP code lies in San Mateo County), that county alone."""
    counties = [places.counties()[fips] for fips in _counties_of_city(name, state)]
    one_government = [county for county in counties if county.is_city or county.fips in places.CONSOLIDATED]
    if one_government:
        return [f"county:{county.fips}" for county in one_government]
    return [f"city:{county.fips}:{' '.join(name.split())}" for county in counties]


def _counties_of_city(name: str, state: str) -> tuple[str, ...]:
    """The counties a city's ZIP codes lie in."""
    return tuple(sorted({places.county_of_zip(code) for code in places.zips_in_city(name, state)} - {None}))


def unknown_place(name: str, state: str) -> str:
    named = {
        places.fold(county.name): county for county in places.counties().values() if county.state == state
    }
    close = difflib.get_close_matches(places.fold(name), named, n=3, cutoff=0.75)
    if close:
        return _(
            "No county or city named “%(name)s” in %(state)s. Did you mean %(close)s?",
            name=name,
            state=state,
            close=_(" or ").join(label(f"county:{named[folded].fips}") for folded in close),
        )
    return _("No county or city named “%(name)s” in %(state)s: check the spelling.", name=name, state=state)


def label(key: str) -> str:
    """How the preview names a place's key, in the reader's language."""
    kind, fips, *city_name = key.split(":", 2)
    if kind == "state":
        code = us.states.lookup(fips)
        return places.states().get(code.abbr, fips) if code else fips
    county = places.counties().get(fips)
    if county is None:
        return key
    if kind == "county":
        return services.county_label(county)
    city_row = Jurisdiction(kind=JurisdictionKind.CITY, name=city_name[0], state=county.state)
    return _("%(city)s (in %(county)s)", city=services.label(city_row), county=services.county_label(county))


def key_of(jurisdiction: Jurisdiction) -> str:
    if jurisdiction.kind == JurisdictionKind.CITY:
        return f"city:{jurisdiction.county_fips}:{jurisdiction.folded_name}"
    return f"{jurisdiction.kind}:{jurisdiction.fips}"


def identity(key: str) -> str:
    """A place's key as _key writes it: a city by its folded name, as services.city finds it."""
    kind, fips, *city_name = key.split(":", 2)
    return f"city:{fips}:{places.fold(city_name[0])}" if kind == "city" else key


def jurisdiction(key: str) -> Jurisdiction:
    kind, fips, *city_name = key.split(":", 2)
    return services.city(city_name[0], fips) if kind == "city" else services.jurisdiction_for_fips(fips)
