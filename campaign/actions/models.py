"""Days of action, the events under them (hosted by member organizations), and their RSVPs."""

import enum
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.columns import enum_column
from campaign.core.crypto import Sealed, SealedRow
from campaign.core.i18n import in_language
from campaign.core.outbox import utcnow
from campaign.extensions import db


class DayState(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


DAY_STATE_LABELS = {DayState.DRAFT: _l("Draft"), DayState.PUBLISHED: _l("Published")}

# Days after an event ends that its host and RSVP links keep working (for the host's report,
# a late cancellation, the private address looked up once more).
LINKS_WORK_DAYS_AFTER = 30

# Walk-ins are added from this long before the start: the sign-in table is set up and people
# come early (a teach-in's doors open, a march gathers), and a start typed an hour off still
# works. Weeks ahead nobody has walked in: a walk-in then is a mistake, or padding the figures.
DOORS_OPEN_BEFORE = timedelta(hours=2)

# What organizers write on a day of action's form.
DAY_FIELDS = ("title", "title_es", "description", "description_es", "demand", "demand_es")


class DayOfAction(db.Model):
    __tablename__ = "day_of_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_es: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_es: Mapped[str] = mapped_column(Text, default="")
    # What the day delivers or demands, e.g. a report and its recommendations (Markdown).
    demand: Mapped[str] = mapped_column(Text, default="")
    demand_es: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # the same day for a one-day action
    # Whether member organizations and supporters may propose events through the public form.
    proposals_open: Mapped[bool] = mapped_column(default=False)
    state: Mapped[DayState] = mapped_column(enum_column(DayState, 10), default=DayState.DRAFT)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    coalition = relationship("Coalition")

    @property
    def state_label(self) -> str:
        return DAY_STATE_LABELS[self.state]

    @property
    def is_public(self) -> bool:
        return self.state == DayState.PUBLISHED

    def title_in(self, language: str) -> str:
        return in_language(language, self.title, self.title_es)

    def description_in(self, language: str) -> str:
        return in_language(language, self.description, self.description_es)

    def demand_in(self, language: str) -> str:
        return in_language(language, self.demand, self.demand_es)


class EventKind(enum.StrEnum):
    RALLY = "rally"
    MARCH = "march"
    VIGIL = "vigil"
    PRESS_CONFERENCE = "press_conference"
    DELIVERY = "delivery"
    TRAINING = "training"  # a teach-in or a know-your-rights training
    VIRTUAL = "virtual"


EVENT_KIND_LABELS = {
    EventKind.RALLY: _l("Rally"),
    EventKind.MARCH: _l("March"),
    EventKind.VIGIL: _l("Vigil"),
    EventKind.PRESS_CONFERENCE: _l("Press conference"),
    EventKind.DELIVERY: _l("Delivery"),
    EventKind.TRAINING: _l("Teach-in or know-your-rights training"),
    EventKind.VIRTUAL: _l("Virtual event"),
}

# Languages an event is held in (or interpreted into); codes stored comma-separated.
EVENT_LANGUAGES = {
    "en": _l("English"),
    "es": _l("Spanish"),
    "ht": _l("Haitian Creole"),
    "zh": _l("Chinese"),
    "vi": _l("Vietnamese"),
    "ar": _l("Arabic"),
    "pt": _l("Portuguese"),
    "ase": _l("American Sign Language"),
}


class EventState(enum.StrEnum):
    PROPOSED = "proposed"  # waiting for an organizer; not public
    DECLINED = "declined"
    SCHEDULED = "scheduled"  # public, takes RSVPs
    CANCELLED = "cancelled"  # still shown, marked cancelled; takes no RSVPs


# Words of their own, not the letters' and alerts' "Scheduled" and "Cancelled": in Spanish an
# event (masculine) does not take the same form as a letter or an alert (feminine).
EVENT_STATE_LABELS = {
    EventState.PROPOSED: _l("Proposed"),
    EventState.DECLINED: _l("Not approved"),
    EventState.SCHEDULED: _l("Listed"),
    EventState.CANCELLED: _l("Called off"),
}

# What hosts and organizers write on an event's form; its times, place and state change by services.
EVENT_FIELDS = (
    "title",
    "title_es",
    "kind",
    "description",
    "description_es",
    "venue",
    "address",
    "address_public",
    "capacity",
    "accessibility",
    "languages",
    "marshals",
    "legal_observers",
    "hotline",
    "safety_notes",
)


class Event(SealedRow, db.Model):
    """One event of a day of action. Times are UTC; `time_zone` (from the ZIP code) is where they
    are shown. A private address reaches only people whose RSVP holds a place, by email."""

    __tablename__ = "action_event"
    __table_args__ = (Index("ix_action_event_day_state", "day_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("day_of_action.id", ondelete="CASCADE"))
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalition.id", ondelete="CASCADE"), index=True)
    host_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    # The host's name as shown: the organization's, or a supporter's group for their proposal.
    host_name: Mapped[str] = mapped_column(String(200))
    # Where the host link and proposal answers go; a person's address, so encrypted.
    host_email = Sealed()
    # Who proposed it, for the organizers reviewing it: anyone can name a member organization.
    host_contact_name = Sealed()
    host_language: Mapped[str] = mapped_column(String(5), default="en")
    # Part of the host link; a new key makes earlier host links stop working.
    host_key: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    title_es: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, 20))
    description: Mapped[str] = mapped_column(Text, default="")
    description_es: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    time_zone: Mapped[str] = mapped_column(String(40))
    # A private place's name and address both reach only people holding a place: a venue's name
    # ("St. Anne's parish hall") can give the place away as well as its street address.
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")  # or a virtual event's link
    address_public: Mapped[bool] = mapped_column(default=True)
    zip_code: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(80))
    us_state: Mapped[str] = mapped_column(String(2))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    accessibility: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(String(60), default="en")
    marshals: Mapped[bool] = mapped_column(default=False)
    legal_observers: Mapped[bool] = mapped_column(default=False)
    hotline: Mapped[str] = mapped_column(String(20), default="")  # E.164, e.g. +12155550100
    safety_notes: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[EventState] = mapped_column(enum_column(EventState, 10), default=EventState.SCHEDULED)
    # Raised at each change of time, place or state: calendars replace an event whose .ics comes
    # with a higher SEQUENCE.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # When the reminders fall due (UTC, computed from the local time) and when they went out.
    day_before_due_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    morning_due_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    day_before_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    morning_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The host's report after the event.
    turnout: Mapped[int | None] = mapped_column(Integer)
    report_notes: Mapped[str] = mapped_column(Text, default="")
    photos_url: Mapped[str] = mapped_column(String(500), default="")
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The API's modified_date: integrations copy what changed since their last run.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    day: Mapped[DayOfAction] = relationship()
    host_organization = relationship("Organization")

    @property
    def kind_label(self) -> str:
        return EVENT_KIND_LABELS[self.kind]

    @property
    def state_label(self) -> str:
        return EVENT_STATE_LABELS[self.state]

    @property
    def is_scheduled(self) -> bool:
        return self.state == EventState.SCHEDULED

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now

    @property
    def doors_open_at(self) -> datetime:
        return self.starts_at - DOORS_OPEN_BEFORE

    def doors_are_open(self, now: datetime) -> bool:
        return self.doors_open_at <= now

    def links_have_expired(self, now: datetime) -> bool:
        """The host link (the roster) and the attendees' RSVP links show people's details:
        they stop working LINKS_WORK_DAYS_AFTER the event ends."""
        return self.ends_at + timedelta(days=LINKS_WORK_DAYS_AFTER) < now

    def place_for(self, holds_a_place: bool) -> tuple[str, str]:
        """(venue, address) as this reader may see them: both empty when private and not theirs."""
        if self.address_public or holds_a_place:
            return self.venue, self.address
        return "", ""

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code in EVENT_LANGUAGES]

    @property
    def language_labels(self) -> list[str]:
        return [EVENT_LANGUAGES[code] for code in self.language_codes]

    def title_in(self, language: str) -> str:
        return in_language(language, self.title, self.title_es)

    def description_in(self, language: str) -> str:
        return in_language(language, self.description, self.description_es)


class RsvpState(enum.StrEnum):
    GOING = "going"
    WAITLISTED = "waitlisted"  # promoted in order (by id) when a place frees
    CANCELLED = "cancelled"
    # Came without RSVPing, added by the host at the door: attended, took no place, gets no
    # email about the event.
    WALK_IN = "walk_in"


RSVP_STATE_LABELS = {
    RsvpState.GOING: _l("Going"),
    RsvpState.WAITLISTED: _l("Waitlist"),
    RsvpState.CANCELLED: _l("Cancelled"),
    RsvpState.WALK_IN: _l("Walk-in"),
}

# A walk-in's row has no address to index: its key is this prefix and the nonce of the form
# that added it, so that the same form sent twice (a double tap) adds one person.
WALK_IN_KEY = "walk-in:"


class Rsvp(SealedRow, db.Model):
    """One person's RSVP to one event (by the email's blind index), or a walk-in the host added
    at the door (keyed by WALK_IN_KEY and the form's nonce; linked to a supporter only when they
    gave an email and agreed to news).

    The name and phone typed with it are kept on it, for the host's roster: an RSVP changes no
    record on file, and a host who RSVPs with someone else's address must not read what the
    coalition stores about that person."""

    __tablename__ = "action_rsvp"
    __table_args__ = (
        UniqueConstraint("event_id", "email_index"),
        Index("ix_action_rsvp_event_state", "event_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("action_event.id", ondelete="CASCADE"))
    supporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("supporter.id", ondelete="SET NULL"), index=True
    )
    email_index: Mapped[str] = mapped_column(String(64))
    state: Mapped[RsvpState] = mapped_column(enum_column(RsvpState, 10))
    language: Mapped[str] = mapped_column(String(5), default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    # "You have already RSVPed" emails for repeat sign-ups, at most three.
    repeat_emails: Mapped[int] = mapped_column(Integer, default=0)
    first_name = Sealed()
    last_name = Sealed()
    phone = Sealed()
    zip_code: Mapped[str | None] = mapped_column(String(5))  # a walk-in's, if they gave it
    # The API's referrer_data.source: the link or list an RSVP recorded through the API came from.
    source: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    supporter = relationship("Supporter")

    @property
    def state_label(self) -> str:
        return RSVP_STATE_LABELS[self.state]

    @property
    def holds_a_place(self) -> bool:
        return self.state == RsvpState.GOING

    @property
    def is_walk_in(self) -> bool:
        return self.state == RsvpState.WALK_IN
