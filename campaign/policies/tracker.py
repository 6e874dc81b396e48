"""What the public tracker shows of the entries a visitor may see: counts, map, table, timeline."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from campaign.coalitions.models import Coalition
from campaign.extensions import db
from campaign.policies import places, services
from campaign.policies.labels import STATUS_LABELS
from campaign.policies.models import (
    OPEN_STAGES,
    Jurisdiction,
    JurisdictionKind,
    Measure,
    PolicyEntry,
    PolicyKind,
    PolicySourceFile,
    TrackerSettings,
)

# When the coalitions that share their trackers say different things are in force in one place:
# shown as such, so one coalition's record cannot silently repaint another's county.
DIFFER = "differ"
DIFFER_LABEL = _l("Records differ")
LIMITING = ("conditions", "refuses")  # the detainer statuses that count as "limits or refuses"
LOCAL = (JurisdictionKind.COUNTY, JurisdictionKind.CITY)  # where jails answer detainers
LEFT_SECURE_COMMUNITIES = ("suspended", "opted_out")
# The state layer of the map: a state's own law, else its leaving Secure Communities.
STATE_LAYER = {
    "limits": _l("State law limits cooperation"),
    "requires": _l("State law requires cooperation"),
    "sc_left": _l("State left Secure Communities"),
    DIFFER: _l("State records differ"),
}
STATE_LAYER_KINDS = (PolicyKind.STATE_LAW, PolicyKind.SECURE_COMMUNITIES)
KIND_ORDER = list(PolicyKind)
JURISDICTION_KINDS = {
    JurisdictionKind.STATE: _l("State"),
    JurisdictionKind.COUNTY: _l("County"),
    JurisdictionKind.CITY: _l("City"),
}
NO_POLICY = _l("No policy recorded")


@dataclass
class Standing:
    """What is in force for one jurisdiction and kind of policy: each coalition's current entry."""

    jurisdiction: Jurisdiction
    kind: str
    claims: list[PolicyEntry]

    @property
    def status(self) -> str:
        statuses = {claim.status for claim in self.claims}
        return self.claims[0].status if len(statuses) == 1 else DIFFER

    @property
    def since(self) -> date | None:
        dates = [claim.dated for claim in self.claims if claim.dated]
        return max(dates) if dates else None

    @property
    def status_label(self) -> str:
        if self.status == DIFFER:
            return str(DIFFER_LABEL)
        return str(STATUS_LABELS[(PolicyKind(self.kind), self.status)])


def visible(entries: Select) -> list[PolicyEntry]:
    return db.session.scalars(entries.order_by(PolicyEntry.id)).all()


def standings(entries: list[PolicyEntry], today: date | None = None) -> list[Standing]:
    """Every (jurisdiction, kind) some coalition has a current entry for, each coalition's current
    entry found in its own records only (`services.current`)."""
    by_coalition = defaultdict(list)
    for entry in entries:
        by_coalition[entry.coalition_id].append(entry)
    claims = defaultdict(list)
    for coalition_id in sorted(by_coalition):
        for key, entry in services.current(by_coalition[coalition_id], today).items():
            claims[key].append(entry)
    found = [Standing(found[0].jurisdiction, kind, found) for (_, kind), found in claims.items()]
    return sorted(
        found,
        key=lambda s: (
            s.jurisdiction.state,
            s.jurisdiction.name,
            s.jurisdiction.kind,
            KIND_ORDER.index(s.kind),
        ),
    )


def _local_detainers(found: list[Standing]) -> list[Standing]:
    return [s for s in found if s.kind == PolicyKind.DETAINERS and s.jurisdiction.kind in LOCAL]


# -- counts ----------------------------------------------------------------------------------


@dataclass
class Counts:
    limiting: int  # cities and counties whose current detainer policy limits or refuses
    detainers: dict[str, int] = field(default_factory=dict)  # status (or DIFFER) -> places
    agreements_287g: int = 0  # 287(g) agreements in force
    left_secure_communities: int = 0  # places that suspended or opted out of Secure Communities


def counts(found: list[Standing]) -> Counts:
    detainers = _local_detainers(found)
    by_status = defaultdict(int)
    for standing in detainers:
        by_status[standing.status] += 1
    return Counts(
        limiting=sum(1 for s in detainers if all(claim.status in LIMITING for claim in s.claims)),
        detainers={status: by_status[status] for status in (*STATUS_ORDER, DIFFER) if by_status[status]},
        agreements_287g=sum(
            1 for s in found if s.kind == PolicyKind.AGREEMENT_287G and s.status not in ("none", DIFFER)
        ),
        left_secure_communities=sum(
            1
            for s in found
            if s.kind == PolicyKind.SECURE_COMMUNITIES and s.status in LEFT_SECURE_COMMUNITIES
        ),
    )


STATUS_ORDER = ("refuses", "conditions", "honors_all")  # the legend's and the counts' order


# -- the map ---------------------------------------------------------------------------------


def map_data(found: list[Standing], page_of) -> dict:
    """{"counties": {fips: status}, "states": {fips: layer}, "links": {fips: page}}: the same in
    every language (the page names the statuses), so caches may share it."""
    counties = {
        s.jurisdiction.fips: s.status
        for s in _local_detainers(found)
        if s.jurisdiction.kind == JurisdictionKind.COUNTY
    }
    states = {fips: layer for fips, layer in state_layers(found).items() if layer}
    painted = counties.keys() | states.keys()
    by_fips = {s.jurisdiction.fips: s.jurisdiction.id for s in found if s.jurisdiction.fips in painted}
    return {
        "counties": dict(sorted(counties.items())),
        "states": dict(sorted(states.items())),
        "links": {fips: page_of(jurisdiction_id) for fips, jurisdiction_id in sorted(by_fips.items())},
    }


def state_layers(found: list[Standing]) -> dict[str, str | None]:
    """State FIPS -> its layer, for every state with a state law or Secure Communities record.
    Each coalition's layer comes from its own records only (its state law, else its leaving
    Secure Communities); when the coalitions' layers differ, or they disagree within one kind,
    the state's records differ: one coalition's state law never silently repaints another's."""
    by_coalition = defaultdict(dict)  # fips -> coalition id -> {kind: status}
    disputed = set()
    for standing in found:
        if standing.jurisdiction.kind != JurisdictionKind.STATE or standing.kind not in STATE_LAYER_KINDS:
            continue
        fips = standing.jurisdiction.fips
        if standing.status == DIFFER:
            disputed.add(fips)
        for claim in standing.claims:
            by_coalition[fips].setdefault(claim.coalition_id, {})[standing.kind] = claim.status
    layers = {}
    for fips, coalitions in by_coalition.items():
        painted = {_coalition_layer(statuses) for statuses in coalitions.values()} - {None}
        if fips in disputed or len(painted) > 1:
            layers[fips] = DIFFER
        else:
            layers[fips] = painted.pop() if painted else None
    return layers


def _coalition_layer(statuses: dict[str, str]) -> str | None:
    if PolicyKind.STATE_LAW in statuses:
        return statuses[PolicyKind.STATE_LAW]
    return "sc_left" if statuses.get(PolicyKind.SECURE_COMMUNITIES) in LEFT_SECURE_COMMUNITIES else None


def legend() -> list[tuple[str, str]]:
    """(pattern key, label) of each county status, the disagreement, and the state layer."""
    counties = [(status, STATUS_LABELS[(PolicyKind.DETAINERS, status)]) for status in STATUS_ORDER]
    states = [(f"state-{key}", label) for key, label in STATE_LAYER.items()]
    return [*counties, (DIFFER, DIFFER_LABEL), *states]


def map_labels() -> dict[str, str]:
    """What the map's titles call each fill, in the page's language."""
    return {key: str(label) for key, label in legend()} | {"none": str(NO_POLICY)}


# -- the table -------------------------------------------------------------------------------

PER_PAGE = 50
FILTER_MAX = 40  # longer than any choice: ignored without being read further


@dataclass
class Filters:
    state: str | None = None
    status: str | None = None  # "detainers:refuses", or DIFFER
    kind: str | None = None  # the jurisdiction's: state, county, city
    since: date | None = None
    until: date | None = None
    page: int = 1
    ignored: list[str] = field(default_factory=list)  # the query's names whose values were not used

    def query(self) -> dict:
        """The filters as the query of a link to another page of the table."""
        values = {"state": self.state, "status": self.status, "type": self.kind}
        values |= {"from": self.since and self.since.isoformat(), "to": self.until and self.until.isoformat()}
        return {name: value for name, value in values.items() if value}


def status_choices() -> list[tuple[str, str]]:
    choices = [(f"{kind}:{status}", label) for (kind, status), label in STATUS_LABELS.items()]
    return [*choices, (DIFFER, DIFFER_LABEL)]


def read_filters(args) -> Filters:
    """The table's filters from a GET query; a value that is not one of the choices is ignored
    and named in `ignored`, whatever bytes it holds."""
    filters = Filters()
    choices = {
        "state": set(places.states()),
        "status": {value for value, _label in status_choices()},
        "type": {kind.value for kind in JurisdictionKind},
    }
    attributes = {"state": "state", "status": "status", "type": "kind"}
    for name, allowed in choices.items():
        value = (args.get(name) or "")[: FILTER_MAX + 1]
        if value and value in allowed:
            setattr(filters, attributes[name], value)
        elif value:
            filters.ignored.append(name)
    for name, attribute in (("from", "since"), ("to", "until")):
        value = args.get(name) or ""
        try:
            setattr(filters, attribute, date.fromisoformat(value) if 0 < len(value) <= 10 else None)
        except ValueError:
            filters.ignored.append(name)
        if len(value) > 10:
            filters.ignored.append(name)
    page = args.get("page") or "1"
    filters.page = int(page) if page.isdigit() and len(page) < 6 and int(page) > 0 else 1
    return filters


def table_rows(found: list[Standing], filters: Filters) -> list[Standing]:
    def kept(s: Standing) -> bool:
        status = DIFFER if s.status == DIFFER else f"{s.kind}:{s.status}"
        return (
            (not filters.state or s.jurisdiction.state == filters.state)
            and (not filters.kind or s.jurisdiction.kind == filters.kind)
            and (not filters.status or status == filters.status)
            and (not filters.since or (s.since is not None and s.since >= filters.since))
            and (not filters.until or (s.since is not None and s.since <= filters.until))
        )

    return [standing for standing in found if kept(standing)]


def page_of_rows(rows: list[Standing], page: int) -> tuple[list[Standing], int, int]:
    """The rows of one page, the page number (the last when asked for one past it) and how many."""
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(page, pages)
    return rows[(page - 1) * PER_PAGE : page * PER_PAGE], page, pages


# -- names -----------------------------------------------------------------------------------


def coalition_names(ids) -> dict[int, str]:
    rows = db.session.execute(select(Coalition.id, Coalition.name).where(Coalition.id.in_(set(ids))))
    return dict(rows.all())


def sharing_coalitions() -> list[int]:
    return list(
        db.session.scalars(select(TrackerSettings.coalition_id).where(TrackerSettings.shared.is_(True)))
    )


# -- a jurisdiction's page -------------------------------------------------------------------


@dataclass
class JurisdictionPage:
    jurisdiction: Jurisdiction
    current: list[Standing]
    history: list[PolicyEntry]
    measures: list[Measure]
    source_files: dict[int, str]  # entry id -> key of its PDF
    coalitions: dict[int, str]  # id -> name, of the coalitions whose entries are shown
    last_verified: date | None


def jurisdiction_page(entries: Select, measures: Select, jurisdiction_id: int) -> JurisdictionPage | None:
    """What the public may see of one jurisdiction; None when that is nothing."""
    shown = visible(entries.where(PolicyEntry.jurisdiction_id == jurisdiction_id))
    pending = db.session.scalars(
        measures.where(Measure.jurisdiction_id == jurisdiction_id, Measure.stage.in_(OPEN_STAGES)).order_by(
            Measure.next_hearing_at.is_(None), Measure.next_hearing_at, Measure.id
        )
    ).all()
    if not shown and not pending:
        return None
    files = db.session.execute(
        select(PolicySourceFile.entry_id, PolicySourceFile.key).where(
            PolicySourceFile.entry_id.in_([entry.id for entry in shown])
        )
    )
    verified = [entry.verified_on for entry in shown if entry.verified_on]
    return JurisdictionPage(
        jurisdiction=db.session.get(Jurisdiction, jurisdiction_id),
        current=standings(shown),
        history=services.history(shown),
        measures=list(pending),
        source_files=dict(files.all()),
        coalitions=coalition_names(
            {entry.coalition_id for entry in shown} | {m.coalition_id for m in pending}
        ),
        last_verified=max(verified) if verified else None,
    )
