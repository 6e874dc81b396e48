"""Demo policy entries drawn from the seed articles, a pending Philadelphia measure and the
petition aimed at it; what the articles do not say is marked `demo`."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select

from campaign.coalitions.models import Coalition
from campaign.extensions import db
from campaign.petitions.models import Petition
from campaign.policies import places, services, targets
from campaign.policies.models import CampaignKind, DetainerCondition, MeasureStage, PolicyEntry, PolicyKind

NATIONAL = "End 287(g) Coalition (demo)"
PHILADELPHIA = "Philadelphia Family Unity Network"

# The seed articles (shared/seeds/): only the UWD press release gives its address.
LA_OUT = "“ICE Out of LA” Coalition Reacts to Obama Decision to Postpone Administrative Relief"
LA_RESOLUTION = "Los Angeles Resolution Calls for SCOMM OPT OUT (NDLON)"
TRUTHOUT = "Cities Fight Obama’s Deportation Machine (Truthout)"

# (state, county, city or None) -> a state has no county; the fields of its entry.
ENTRIES = [
    (
        ("CA", "Los Angeles", "Los Angeles"),
        dict(
            kind=PolicyKind.RESOLUTION,
            status="opposes",
            body="City Council",
            name="Resolution against Secure Communities",
            summary_en="The City Council passed a resolution opposing Secure Communities and calling for "
            "the ability to opt out of it.",
            summary_es="El Concejo Municipal aprobó una resolución contra Comunidades Seguras que pide "
            "poder salirse del programa.",
            source_title=LA_RESOLUTION,
        ),
    ),
    (
        ("CA", "Alameda", "Oakland"),
        dict(
            kind=PolicyKind.RESOLUTION,
            status="opposes",
            body="City Council",
            name="Resolution against Secure Communities",
            summary_en="The City Council was scheduled to pass a resolution like Los Angeles’s.",
            summary_es="El Concejo Municipal iba a aprobar una resolución como la de Los Ángeles.",
            source_title=LA_RESOLUTION,
        ),
    ),
    (
        ("CA", "Alameda", "Oakland"),
        dict(
            kind=PolicyKind.RESOLUTION,
            status="opposes",
            body="City Council",
            name="Support for the California TRUST Act",
            summary_en="The City Council voted to support the California TRUST Act, which limits the "
            "state’s participation in Secure Communities.",
            summary_es="El Concejo Municipal votó a favor de la Ley TRUST de California, que limita la "
            "participación del estado en Comunidades Seguras.",
            source_title="Pressure Grows on President to End Rogue ICE Deportation Program (NDLON)",
        ),
    ),
    (
        ("CA", None, None),
        dict(
            kind=PolicyKind.STATE_LAW,
            status="limits",
            body="State legislature",
            name="California TRUST Act",
            summary_en="The TRUST Act passed: “just the floor and not the ceiling”, a watered-down "
            "version of the bill first envisioned.",
            summary_es="Se aprobó la Ley TRUST: “el piso y no el techo”, una versión recortada del "
            "proyecto original.",
            source_title=LA_OUT,
        ),
    ),
    (
        ("IL", None, None),
        dict(
            kind=PolicyKind.SECURE_COMMUNITIES,
            status="suspended",
            body="Governor",
            summary_en="Governor Quinn suspended the program and cancelled the state’s agreement with ICE.",
            summary_es="El gobernador Quinn suspendió el programa y canceló el acuerdo del estado con ICE.",
            source_title=LA_RESOLUTION,
        ),
    ),
    (
        ("NY", None, None),
        dict(
            kind=PolicyKind.SECURE_COMMUNITIES,
            status="suspended",
            body="Governor",
            summary_en="Governor Cuomo suspended the program and cancelled the state’s agreement with ICE.",
            summary_es="El gobernador Cuomo suspendió el programa y canceló el acuerdo del estado con ICE.",
            source_title=LA_RESOLUTION,
        ),
    ),
    (
        ("MA", None, None),
        dict(
            kind=PolicyKind.SECURE_COMMUNITIES,
            status="opted_out",
            body="Governor",
            summary_en="Governor Patrick announced the state would not sign on to the program.",
            summary_es="El gobernador Patrick anunció que el estado no se sumaría al programa.",
            source_title=LA_RESOLUTION,
        ),
    ),
    (
        ("OR", "Clackamas", None),
        dict(
            kind=PolicyKind.DETAINERS,
            status="refuses",
            body="Sheriff",
            effective_on=date(2014, 4, 1),
            summary_en="April 2014: a federal magistrate judge ruled that the county violated a Portland "
            "woman’s Fourth Amendment rights by holding her for ICE; it no longer honors ICE holds.",
            summary_es="Abril de 2014: un juez federal falló que el condado violó los derechos de una "
            "mujer de Portland al retenerla para ICE; ya no atiende las retenciones de ICE.",
            source_title=TRUTHOUT,
        ),
    ),
    (
        ("CA", "San Diego", None),
        dict(
            kind=PolicyKind.DETAINERS,
            status="refuses",
            body="Sheriff",
            effective_on=date(2014, 5, 1),
            name="Sheriff Bill Gore’s announcement",
            summary_en="May 2014: Sheriff Bill Gore announced the county will no longer hold people for "
            "ICE once they are cleared for release, after the Oregon ruling.",
            summary_es="Mayo de 2014: el sheriff Bill Gore anunció que el condado ya no retendrá a nadie "
            "para ICE una vez que deba ser liberado, tras el fallo de Oregón.",
            source_title=TRUTHOUT,
        ),
    ),
    (
        ("MN", "Hennepin", None),
        dict(
            kind=PolicyKind.DETAINERS,
            status="refuses",
            body="Sheriff",
            summary_en="The sheriff announced the county, home to Minnesota’s largest jail, will no "
            "longer honor ICE holds.",
            summary_es="El sheriff anunció que el condado, con la cárcel más grande de Minnesota, ya no "
            "atenderá las retenciones de ICE.",
            source_title=TRUTHOUT,
        ),
    ),
    (
        ("PA", "Lehigh", None),
        dict(
            kind=PolicyKind.DETAINERS,
            status="conditions",
            conditions=DetainerCondition.JUDICIAL_WARRANT,
            body="County",
            demo=True,
            summary_en="Ernesto Galarza, a US citizen, was held three days in Lehigh County Prison on an "
            "ICE detainer; in March 2014 the Third Circuit ruled he may sue the county, since detainers "
            "are not mandatory. The policy shown is demo data: the article does not say it.",
            summary_es="Ernesto Galarza, ciudadano estadounidense, pasó tres días en la prisión del "
            "condado por una retención de ICE; en marzo de 2014 el Tercer Circuito falló que puede "
            "demandar al condado. La política indicada es de demostración: el artículo no la menciona.",
            source_title=TRUTHOUT,
        ),
    ),
]

# Counties the articles count without naming ("more than two dozen" in Oregon, "several" in
# Washington): demo entries.
UNNAMED = {
    "OR": ("Multnomah", "Washington", "Marion", "Lane", "Jackson"),
    "WA": ("King", "Thurston", "Snohomish"),
}
UNNAMED_SUMMARY = {
    "OR": ("One of the more than two dozen Oregon counties that stopped honoring ICE holds after the "
           "Clackamas ruling (the article names none: demo entry).",
           "Uno de los más de veinte condados de Oregón que dejaron de atender las retenciones de ICE "
           "tras el fallo de Clackamas (el artículo no los nombra: dato de demostración)."),
    "WA": ("One of several Washington counties that declared they will not comply with some or all "
           "ICE holds (the article names none: demo entry).",
           "Uno de varios condados de Washington que declararon que no atenderán algunas o todas las "
           "retenciones de ICE (el artículo no los nombra: dato de demostración)."),
}  # fmt: skip

PHILADELPHIA_ENTRY = dict(
    kind=PolicyKind.DETAINERS, status="conditions", conditions=DetainerCondition.JUDICIAL_WARRANT,
    body="Mayor", name="Executive order of Mayor Nutter", effective_on=date(2014, 4, 1),
    summary_en="April 2014, after the Philadelphia Family Unity Network’s campaign: detainers are honored "
    "only with a judicial warrant, which in practice ends immigration holds.",
    summary_es="Abril de 2014, tras la campaña de la Red de Unidad Familiar de Filadelfia: las "
    "retenciones solo se atienden con orden judicial, lo que en la práctica las termina.",
    source_title=TRUTHOUT,
)  # fmt: skip

MEASURE = dict(
    title="Ordinance ending ICE access to city jails and records (demo)",
    body="City Council", stage=MeasureStage.HEARING,
    next_hearing_place="City Council Chambers, Room 400, City Hall (demo)",
    time_zone="America/New_York", public=True, demo=True,
    summary_en="Demo data: a pending ordinance the coalition is pushing to write the executive "
    "order into law.",
    summary_es="Datos de demostración: una ordenanza pendiente que la coalición impulsa para hacer "
    "ley la orden ejecutiva.",
)  # fmt: skip


def load(organizer_id: int, now: datetime) -> None:
    """The entries, the measure and the petition's target, once: a coalition that has entries
    already is left as it is."""
    national = db.session.scalar(select(Coalition).where(Coalition.name == NATIONAL))
    local = db.session.scalar(select(Coalition).where(Coalition.name == PHILADELPHIA))
    if national is None or local is None or _has_entries(national.id):
        return
    for place, fields in ENTRIES:
        _record(national.id, _jurisdiction(*place), organizer_id, fields, now.date())
    for state, names in UNNAMED.items():
        summary_en, summary_es = UNNAMED_SUMMARY[state]
        for name in names:
            fields = dict(kind=PolicyKind.DETAINERS, status="refuses", body="Sheriff", demo=True,
                          summary_en=summary_en, summary_es=summary_es, source_title=TRUTHOUT)  # fmt: skip
            _record(national.id, _jurisdiction(state, name, None), organizer_id, fields, now.date())
    philadelphia = _jurisdiction("PA", "Philadelphia", None)
    _record(local.id, philadelphia, organizer_id, PHILADELPHIA_ENTRY, now.date())
    _measure_and_target(local.id, philadelphia, organizer_id, now)
    services.set_tracker_shared(national.id, True)
    services.set_tracker_shared(local.id, True)


def _has_entries(coalition_id: int) -> bool:
    return db.session.scalar(select(exists().where(PolicyEntry.coalition_id == coalition_id)))


def _jurisdiction(state: str, county: str | None, city: str | None):
    if county is None:
        return services.jurisdiction_for_fips(places.state_fips(state))
    (found,) = places.counties_named(county, state)
    return services.city(city, found.fips) if city else services.jurisdiction_for_fips(found.fips)


def _record(coalition_id: int, jurisdiction, organizer_id: int, fields: dict, today: date) -> None:
    shown = {"public": True, "verified_on": today, "source_url": ""} | fields
    entry = services.record_entry(coalition_id, jurisdiction, organizer_id, shown)
    entry.demo = bool(fields.get("demo"))  # not a field organizers write, so set here


def _measure_and_target(coalition_id: int, philadelphia, organizer_id: int, now: datetime) -> None:
    """The pending ordinance, its hearing 10 days from loading at 2 pm in Philadelphia, and the
    demo petition aimed at it."""
    hearing_day = now.date() + timedelta(days=10)
    local = datetime.combine(hearing_day, time(14), ZoneInfo(MEASURE["time_zone"]))
    fields = MEASURE | {
        "introduced_on": now.date() - timedelta(days=30),
        "next_hearing_at": local.astimezone(UTC).replace(tzinfo=None),
    }
    measure = services.create_measure(coalition_id, philadelphia, organizer_id, fields)
    petition = db.session.scalar(
        select(Petition).where(Petition.coalition_id == coalition_id, Petition.is_demo.is_(True))
    )
    if petition is not None:
        officials = "Mayor Michael Nutter, the City Council"
        targets.aim(petition, CampaignKind.PETITION, philadelphia, officials, measure.id, organizer_id)
