"""The campaigns that name a jurisdiction as their target, with their figures and their wins."""

from dataclasses import dataclass

from flask import url_for
from flask_babel import format_date, format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from campaign.actions import services as action_services
from campaign.actions.models import DayOfAction, DayState, RsvpState
from campaign.extensions import db
from campaign.letters.models import Letter, LetterState, Signature, SignerKind
from campaign.letters.signatories import current_approved
from campaign.petitions.models import Petition, PetitionState
from campaign.policies import services
from campaign.policies.models import (
    CampaignKind,
    CampaignTarget,
    Jurisdiction,
    Measure,
    MeasureStage,
    MeasureStep,
    PolicyEntry,
    TrackerSettings,
)

MODELS = {CampaignKind.LETTER: Letter, CampaignKind.PETITION: Petition, CampaignKind.ACTION: DayOfAction}
PUBLIC_ENDPOINTS = {
    CampaignKind.LETTER: "letters.public_letter",
    CampaignKind.PETITION: "petitions.public_petition",
    CampaignKind.ACTION: "actions.public_day",
}


class ForeignMeasure(ValueError):
    """The measure is not one of the campaign's coalition."""


@dataclass(frozen=True)
class CampaignAbout:
    """A public campaign aimed at a jurisdiction, as its page lists it."""

    title: str
    url: str
    kind: str
    figures: str
    won: str | None


@dataclass(frozen=True)
class Aim:
    """One line of a campaign page's "Aimed at" block."""

    label: str
    officials: str
    url: str | None  # the jurisdiction's public page, when it has public entries


@dataclass(frozen=True)
class Block:
    aims: list[Aim]
    wins: list[str]
    edit_url: str | None  # the organizer's target page, on organizer pages


# -- the organizer's targets -------------------------------------------------------------


def targets_of(kind: str, campaign_id: int) -> list[CampaignTarget]:
    return db.session.scalars(
        select(CampaignTarget)
        .where(CampaignTarget.campaign_kind == kind, CampaignTarget.campaign_id == campaign_id)
        .order_by(CampaignTarget.id)
    ).all()


def aim(
    campaign, kind: str, jurisdiction: Jurisdiction, officials: str, measure_id: int | None, account_id: int
) -> CampaignTarget:
    """Aim the campaign at a jurisdiction; aimed at it already, its officials and measure change
    instead (the same form sent twice adds one target)."""
    if measure_id is not None:
        measure = db.session.get(Measure, measure_id)
        if measure is None or measure.coalition_id != campaign.coalition_id:
            raise ForeignMeasure(measure_id)
    target = db.session.scalar(
        select(CampaignTarget).where(
            CampaignTarget.campaign_kind == kind,
            CampaignTarget.campaign_id == campaign.id,
            CampaignTarget.jurisdiction_id == jurisdiction.id,
        )
    )
    if target is None:
        target = CampaignTarget(
            coalition_id=campaign.coalition_id, campaign_kind=kind, campaign_id=campaign.id,
            jurisdiction_id=jurisdiction.id, created_by=account_id,
        )  # fmt: skip
        db.session.add(target)
    target.officials, target.measure_id = officials, measure_id
    db.session.flush()
    return target


def drop(target: CampaignTarget) -> None:
    db.session.delete(target)
    db.session.flush()


def measures_of(coalition_id: int) -> list[Measure]:
    return db.session.scalars(
        select(Measure).where(Measure.coalition_id == coalition_id).order_by(Measure.title)
    ).all()


def measures_linked(aimed: list[CampaignTarget]) -> dict[int, Measure]:
    ids = {target.measure_id for target in aimed if target.measure_id}
    return {measure.id: measure for measure in db.session.scalars(select(Measure).where(Measure.id.in_(ids)))}


# -- wins ----------------------------------------------------------------------------------


def passed_on(measure: Measure):
    """The day the measure passed, while its stage is "passed"; None once moved back."""
    if measure.stage != MeasureStage.PASSED:
        return None
    return db.session.scalar(
        select(func.max(MeasureStep.reached_on)).where(
            MeasureStep.measure_id == measure.id, MeasureStep.stage == MeasureStage.PASSED
        )
    )


def won_line(measure: Measure) -> str | None:
    day = passed_on(measure)
    if day is None:
        return None
    return _("Won: %(measure)s passed on %(date)s", measure=measure.title, date=format_date(day, "long"))


def _shown_measure(measure_id: int | None, public_only: bool) -> Measure | None:
    """The linked measure, when the page may name it: a public page only a public measure of a
    coalition sharing its tracker."""
    measure = db.session.get(Measure, measure_id) if measure_id else None
    if measure is None or not public_only:
        return measure
    return measure if measure.public and services.tracker_shared(measure.coalition_id) else None


def _wins(targets: list[CampaignTarget], public_only: bool) -> list[str]:
    measures = {target.measure_id for target in targets if target.measure_id}
    lines = (won_line(m) for m in filter(None, (_shown_measure(i, public_only) for i in sorted(measures))))
    return [line for line in lines if line]


# -- the block on campaign pages -------------------------------------------------------------


def _with_public_entries(jurisdiction_ids: set[int]) -> set[int]:
    """Of these jurisdictions, those with public entries: one query for the whole block."""
    shown = services.public_entries().where(PolicyEntry.jurisdiction_id.in_(jurisdiction_ids)).subquery()
    return set(db.session.scalars(select(shown.c.jurisdiction_id).distinct()))


def jurisdiction_url(jurisdiction_id: int) -> str:
    return url_for("policies.jurisdiction", jurisdiction_id=jurisdiction_id)


def block_for(kind: str, campaign_id: int, slug: str | None = None) -> Block | None:
    """What a campaign page shows of its targets (the Jinja global `campaign_targets`): with the
    coalition's `slug` on its organizer page, which links to the target page and names any
    linked measure; without, on its public page, which names only public measures."""
    targets = targets_of(kind, campaign_id)
    edit_url = url_for("policies.targets", slug=slug, kind=kind, campaign_id=campaign_id) if slug else None
    if not targets and not edit_url:
        return None
    linked = _with_public_entries({target.jurisdiction_id for target in targets}) if targets else set()
    aims = [
        Aim(
            services.label(target.jurisdiction),
            target.officials,
            jurisdiction_url(target.jurisdiction_id) if target.jurisdiction_id in linked else None,
        )
        for target in targets
    ]
    return Block(aims, _wins(targets, public_only=slug is None), edit_url)


# -- a jurisdiction's campaigns ------------------------------------------------------------


def _is_public(kind: str, campaign) -> bool:
    if kind == CampaignKind.LETTER:
        return campaign.state != LetterState.DRAFT and campaign.is_public
    if kind == CampaignKind.PETITION:
        return campaign.state in (PetitionState.OPEN, PetitionState.CLOSED)
    return campaign.state == DayState.PUBLISHED


def figures(kind: str, campaign) -> str:
    """ "63 organizations signed", "1,204 signatures", "5 events · 212 RSVPs"."""
    if kind == CampaignKind.LETTER:
        signed = db.session.scalar(
            select(func.count()).select_from(
                current_approved()
                .where(Signature.letter_id == campaign.id, Signature.kind == SignerKind.ORGANIZATION)
                .subquery()
            )
        )
        return ngettext(
            "%(count)s organization signed",
            "%(count)s organizations signed",
            signed,
            count=format_decimal(signed),
        )
    if kind == CampaignKind.PETITION:
        total = campaign.total
        return ngettext("%(count)s signature", "%(count)s signatures", total, count=format_decimal(total))
    events = [event for event in action_services.events_of(campaign) if event.is_scheduled]
    counts, _checked_in = action_services.rsvp_figures([event.id for event in events])
    going = sum(by_state.get(RsvpState.GOING, 0) for by_state in counts.values())
    return " · ".join(
        (
            ngettext("%(count)s event", "%(count)s events", len(events), count=format_decimal(len(events))),
            ngettext("%(count)s RSVP", "%(count)s RSVPs", going, count=format_decimal(going)),
        )
    )


def _sharing():
    return select(TrackerSettings.coalition_id).where(TrackerSettings.shared.is_(True))


def campaigns_about(jurisdiction_id: int, coalition_ids: list[int] | None) -> list[CampaignAbout]:
    """The public letters, petitions and days of action aimed at a jurisdiction; of the
    coalitions given (the public tracker passes only those that share it), or of every
    coalition that shares its tracker when None. Drafts never."""
    query = select(CampaignTarget).where(CampaignTarget.jurisdiction_id == jurisdiction_id)
    if coalition_ids is None:
        query = query.where(CampaignTarget.coalition_id.in_(_sharing()))
    else:
        query = query.where(CampaignTarget.coalition_id.in_(coalition_ids))
    language = str(get_locale() or "en")
    found = []
    for target in db.session.scalars(query.order_by(CampaignTarget.id)):
        kind = CampaignKind(target.campaign_kind)
        campaign = db.session.get(MODELS[kind], target.campaign_id)
        if campaign is None or campaign.coalition_id != target.coalition_id or not _is_public(kind, campaign):
            continue
        measure = _shown_measure(target.measure_id, public_only=True)
        found.append(
            CampaignAbout(
                title=campaign.title_in(language),
                url=url_for(PUBLIC_ENDPOINTS[kind], slug=campaign.slug),
                kind=kind.value,
                figures=figures(kind, campaign),
                won=won_line(measure) if measure else None,
            )
        )
    return found
