"""A small world for the public tracker's tests: two coalitions that share their trackers, one
that does not, and public, private and demo entries."""

from dataclasses import dataclass
from datetime import date, datetime

from campaign.coalitions import services as coalitions
from campaign.extensions import db
from campaign.policies import services


@dataclass
class World:
    coalition: object  # shares; its records are the main ones
    rival: object  # shares too, and disagrees about Hennepin County
    silent: object  # keeps its tracker private
    ids: dict  # name -> jurisdiction id


def record(coalition_id: int, place, kind: str, status: str, when: date | None, demo=False, **fields):
    entry = services.record_entry(
        coalition_id,
        place,
        None,
        {"kind": kind, "status": status, "effective_on": when, "public": True, **fields},
    )
    entry.demo = demo  # as the demo data marks its own
    return entry


def build(make_user) -> World:
    owner = make_user("tracker-owner@example.org")
    coalition = coalitions.create_coalition(owner, "Oregon Families Together", "", "")
    rival = coalitions.create_coalition(owner, "Coalition That Disagrees", "", "")
    silent = coalitions.create_coalition(owner, "Quiet Coalition", "", "")
    services.set_tracker_shared(coalition.id, True)
    services.set_tracker_shared(rival.id, True)
    place = services.jurisdiction_for_fips
    clackamas, hennepin, lehigh = place("41005"), place("27053"), place("42077")
    harris, maricopa, california = place("48201"), place("04013"), place("06")
    oakland = services.city("Oakland", "06001")
    record(
        coalition.id,
        clackamas,
        "detainers",
        "refuses",
        date(2014, 4, 11),
        summary_en="The sheriff stopped honoring ICE holds.",
        summary_es="El alguacil dejó de cumplir las órdenes de ICE.",
        source_url="https://example.org/clackamas",
        source_title='=HYPERLINK("http://evil")',
        verified_on=date(2026, 11, 30),
    )
    record(coalition.id, hennepin, "detainers", "refuses", date(2014, 6, 4))
    record(rival.id, hennepin, "detainers", "honors_all", date(2015, 1, 1))
    record(coalition.id, lehigh, "detainers", "conditions", date(2015, 3, 1), conditions=1, demo=True)
    record(coalition.id, harris, "detainers", "honors_all", date(2012, 1, 1))
    record(coalition.id, harris, "287g", "jail", date(2008, 7, 1))
    record(coalition.id, oakland, "detainers", "refuses", date(2013, 5, 1))
    record(coalition.id, california, "state_law", "limits", date(2014, 1, 1), name="TRUST Act")
    # Never public: an entry kept private, and a coalition that does not share.
    services.record_entry(
        coalition.id,
        maricopa,
        None,
        {
            "kind": "detainers",
            "status": "refuses",
            "effective_on": date(2015, 1, 1),
            "public": False,
            "summary_en": "Private draft about Maricopa",
        },
    )
    record(silent.id, place("53033"), "detainers", "refuses", date(2016, 1, 1), summary_en="Quiet record")
    services.create_measure(
        coalition.id,
        lehigh,
        None,
        {
            "title": "Ordinance on ICE access",
            "stage": "hearing",
            "next_hearing_at": datetime(2099, 1, 5, 23, 0),
            "next_hearing_place": "County courthouse",
            "time_zone": "America/New_York",
            "public": True,
        },
    )
    services.create_measure(
        coalition.id,
        lehigh,
        None,
        {
            "title": "Secret draft ordinance",
            "stage": "hearing",
            "next_hearing_at": datetime(2099, 2, 5, 23, 0),
        },
    )
    db.session.commit()
    ids = {
        "clackamas": clackamas.id,
        "hennepin": hennepin.id,
        "lehigh": lehigh.id,
        "harris": harris.id,
        "maricopa": maricopa.id,
        "oakland": oakland.id,
        "california": california.id,
    }
    return World(coalition, rival, silent, ids)
