"""Jurisdictions, the ICE-cooperation policies a coalition records for them, the measures that
would change them, and the campaigns that target them."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.form_keys import KEY_LENGTH
from campaign.core.outbox import utcnow
from campaign.extensions import db

NAME_MAX = 200
BODY_MAX = 120
SUMMARY_MAX = 600
URL_MAX = 2000
SOURCE_TITLE_MAX = 300
PLACE_MAX = 300
OFFICIALS_MAX = 300


class JurisdictionKind(enum.StrEnum):
    STATE = "state"
    COUNTY = "county"  # consolidated city-counties (Philadelphia, San Francisco) are counties
    CITY = "city"


class Jurisdiction(db.Model):
    """A state, county or city, shared by every coalition because it is a fact, not a record.

    States and counties come from the shipped atlas (`places.py`) and are keyed by their FIPS
    code; a row is made the first time a coalition records something about one. A city is added
    by name, state and county: it carries nothing else, so a city typed by one coalition tells
    another nothing, and it is spelled as the ZIP data spells it where the data knows it
    (`services.city`), so how one coalition typed it changes nothing another shows.
    """

    __tablename__ = "jurisdiction"
    __table_args__ = (
        UniqueConstraint("fips", name="uq_jurisdiction_fips"),
        UniqueConstraint("kind", "county_fips", "folded_name", name="uq_jurisdiction_city"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    fips: Mapped[str | None] = mapped_column(String(7))  # state 2 digits, county 5; a city none
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    folded_name: Mapped[str] = mapped_column(String(NAME_MAX * 3))
    state: Mapped[str] = mapped_column(String(2), index=True)  # postal code: "CA"
    county_fips: Mapped[str | None] = mapped_column(String(5), index=True)  # a county's own; a city's
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PolicyKind(enum.StrEnum):
    DETAINERS = "detainers"
    AGREEMENT_287G = "287g"
    SECURE_COMMUNITIES = "secure_communities"
    STATE_LAW = "state_law"
    RESOLUTION = "resolution"


# The statuses each kind of policy can have, from most to least cooperation with ICE.
STATUSES: dict[PolicyKind, tuple[str, ...]] = {
    PolicyKind.DETAINERS: ("honors_all", "conditions", "refuses"),
    PolicyKind.AGREEMENT_287G: ("jail", "task_force", "warrant_service", "none"),
    PolicyKind.SECURE_COMMUNITIES: ("active", "suspended", "opted_out"),
    PolicyKind.STATE_LAW: ("requires", "limits"),
    PolicyKind.RESOLUTION: ("supports", "opposes"),
}


class DetainerCondition(enum.IntFlag):
    """What a jail that honors holds only on conditions asks for; stored as one integer."""

    JUDICIAL_WARRANT = 1
    SERIOUS_CONVICTION = 2
    LIMIT_48_HOURS = 4
    NO_ICE_INTERVIEWS = 8
    NO_RELEASE_NOTICE = 16


class PolicyEntry(db.Model):
    """One dated change in a jurisdiction's policy, as a coalition recorded it: "2014-05: the
    sheriff announced the county will no longer honor ICE holds". A jurisdiction's history is
    its entries in date order; its current policy of a kind is the latest one not ended.

    Entries are the coalition's own: another coalition's record of the same county is another
    entry, and private entries (`public` false, "until verified") are on no public page.
    """

    __tablename__ = "policy_entry"
    __table_args__ = (UniqueConstraint("coalition_id", "form_key", name="uq_policy_entry_form_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    conditions: Mapped[int] = mapped_column(Integer, default=0)  # DetainerCondition flags
    name: Mapped[str] = mapped_column(String(NAME_MAX), default="")  # "California TRUST Act (AB 4)"
    body: Mapped[str] = mapped_column(String(BODY_MAX), default="")  # "Sheriff", "City Council"
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    adopted_on: Mapped[date | None] = mapped_column(Date)  # a 287(g) agreement's signing
    effective_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)  # a 287(g) agreement's termination
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_es: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    source_title: Mapped[str] = mapped_column(String(SOURCE_TITLE_MAX), default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_on: Mapped[date | None] = mapped_column(Date)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)  # demo data not drawn from its source
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The one-time key of the form that recorded it (core/form_keys.py): sent twice, recorded once.
    form_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    jurisdiction: Mapped[Jurisdiction] = relationship(lazy="joined")

    @property
    def dated(self) -> date | None:
        """When the change happened, for the timeline: it took effect, or else was adopted."""
        return self.effective_on or self.adopted_on


class PolicyRevision(db.Model):
    """Who changed an entry, when, on what source, and what the fields were before and after."""

    __tablename__ = "policy_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("policy_entry.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    source_url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # field -> [before, after]
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PolicySourceFile(db.Model):
    """The PDF an entry cites, kept in the app so the source outlives its web page. The key is
    new at each upload, so its URL can be cached and cannot be guessed before it is public."""

    __tablename__ = "policy_source_file"

    entry_id: Mapped[int] = mapped_column(ForeignKey("policy_entry.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(SOURCE_TITLE_MAX))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MeasureStage(enum.StrEnum):
    INTRODUCED = "introduced"
    COMMITTEE = "committee"
    HEARING = "hearing"
    VOTE = "vote"
    PASSED = "passed"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"


OPEN_STAGES = (MeasureStage.INTRODUCED, MeasureStage.COMMITTEE, MeasureStage.HEARING, MeasureStage.VOTE)
CLOSED_STAGES = (MeasureStage.PASSED, MeasureStage.FAILED, MeasureStage.WITHDRAWN)


class Measure(db.Model):
    """A pending ordinance or resolution a coalition follows, and the next hearing on it. Times
    are UTC; `time_zone` is the jurisdiction's, for showing them."""

    __tablename__ = "policy_measure"
    __table_args__ = (UniqueConstraint("coalition_id", "form_key", name="uq_policy_measure_form_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    title: Mapped[str] = mapped_column(String(NAME_MAX))
    body: Mapped[str] = mapped_column(String(BODY_MAX), default="")  # who votes: "City Council"
    stage: Mapped[str] = mapped_column(String(20), default=MeasureStage.INTRODUCED)
    introduced_on: Mapped[date | None] = mapped_column(Date)
    next_hearing_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    next_hearing_place: Mapped[str] = mapped_column(String(PLACE_MAX), default="")
    time_zone: Mapped[str] = mapped_column(String(40), default="America/New_York")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_es: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    form_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH))  # the form sent twice adds one
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    jurisdiction: Mapped[Jurisdiction] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class MeasureStep(db.Model):
    """One stage a measure reached, on a date, with a note: its history."""

    __tablename__ = "policy_measure_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("policy_measure.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    reached_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(PLACE_MAX), default="")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CampaignKind(enum.StrEnum):
    LETTER = "letter"
    PETITION = "petition"
    ACTION = "action"  # a day of action


class CampaignTarget(db.Model):
    """A letter, petition or day of action names a jurisdiction it aims at, the officials it
    addresses there, and optionally the measure it is trying to win."""

    __tablename__ = "policy_campaign_target"
    __table_args__ = (
        UniqueConstraint("campaign_kind", "campaign_id", "jurisdiction_id", name="uq_campaign_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    campaign_kind: Mapped[str] = mapped_column(String(20))
    campaign_id: Mapped[int] = mapped_column(Integer, index=True)
    officials: Mapped[str] = mapped_column(
        String(OFFICIALS_MAX), default=""
    )  # "the sheriff, the county board"
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("policy_measure.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    jurisdiction: Mapped[Jurisdiction] = relationship(lazy="joined")


class TrackerSettings(db.Model):
    """Whether a coalition shares its tracker at /c/<slug>/policies and in the site-wide one."""

    __tablename__ = "policy_tracker_settings"

    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalition.id", ondelete="CASCADE"), primary_key=True
    )
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class PolicyImport(db.Model):
    """A CSV of policies an organizer uploaded: its sealed file (kept as supporter imports keep
    theirs, supporters/import_files.py), how its columns are read and which place each
    ambiguous row means, and once applied, what it added. Applied once: `applied_at` is set by a
    conditional update."""

    __tablename__ = "policy_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(120))
    stored_name: Mapped[str] = mapped_column(String(80))
    encoding: Mapped[str] = mapped_column(String(20))
    headers: Mapped[list] = mapped_column(JSON, default=list)
    mapping: Mapped[list] = mapped_column(JSON, default=list)  # the field each column holds, or ""
    picks: Mapped[dict] = mapped_column(JSON, default=dict)  # row number -> the place chosen
    applied_at: Mapped[datetime | None] = mapped_column(DateTime)
    added: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
