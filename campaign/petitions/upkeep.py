"""Signature upkeep on a schedule: one reminder to confirm, expiry, forgetting IP hashes and old
strikes' lists, milestones."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import delete, or_, select, update

from campaign.coalitions.organizer_mail import email_organizer
from campaign.coalitions.services import organizers
from campaign.core.urls import external_url
from campaign.extensions import db
from campaign.petitions import notices
from campaign.petitions.clusters import UNDO_STRIKE_WINDOW
from campaign.petitions.models import (
    ClusterStrike,
    Petition,
    PetitionSignature,
    PetitionState,
    SignatureState,
    StruckSignature,
)

REMIND_AFTER = timedelta(hours=24)
FORGET_IP_AFTER = timedelta(days=30)
REMINDERS_PER_RUN = 2000
# The counts organizers hear of (and the desk shows passed), besides each petition's own goal.
MILESTONES = tuple(10**power for power in range(2, 10))


def send_reminders(now: datetime) -> int:
    """One reminder, a day after signing, to signers of open petitions who have not confirmed.

    Claimed like new signers are (`reminded_at`, SKIP LOCKED), and marked in the transaction that
    queues the reminders, so no signer is reminded twice and two runs take disjoint batches.
    """
    open_petitions = select(Petition.id).where(Petition.state == PetitionState.OPEN)
    due = db.session.execute(
        select(PetitionSignature.id, PetitionSignature.petition_id, PetitionSignature.supporter_id)
        .where(
            PetitionSignature.petition_id.in_(open_petitions),
            PetitionSignature.state == SignatureState.UNCONFIRMED,
            PetitionSignature.reminded_at.is_(None),
            PetitionSignature.created_at <= now - REMIND_AFTER,
        )
        .limit(REMINDERS_PER_RUN)
        .with_for_update(skip_locked=True)
    ).all()
    if due:
        ids = [signature.id for signature in due]
        db.session.execute(
            update(PetitionSignature).where(PetitionSignature.id.in_(ids)).values(reminded_at=now)
        )
        notices.remind_to_confirm(due)
    return len(due)


def expire_unconfirmed(now: datetime) -> int:
    """A closed petition's unconfirmed signatures never counted; they are deleted, not kept. The
    quarantined ones stay for the organizers, without the details that waited for a click."""
    closed = select(Petition.id).where(Petition.state == PetitionState.CLOSED)
    result = db.session.execute(
        delete(PetitionSignature).where(
            PetitionSignature.petition_id.in_(closed), PetitionSignature.state == SignatureState.UNCONFIRMED
        )
    )
    db.session.execute(
        update(PetitionSignature)
        .where(
            PetitionSignature.petition_id.in_(closed),
            PetitionSignature.confirmed_at.is_(None),
            or_(
                PetitionSignature.pending_first_name.is_not(None),
                PetitionSignature.pending_last_name.is_not(None),
                PetitionSignature.pending_consent.is_not(None),
            ),
        )
        .values(
            pending_first_name=None,
            pending_last_name=None,
            pending_consent=None,
            pending_consent_language=None,
        )
    )
    return result.rowcount


def forget_ip_hashes(now: datetime) -> int:
    result = db.session.execute(
        update(PetitionSignature)
        .where(PetitionSignature.ip_hash.is_not(None), PetitionSignature.created_at < now - FORGET_IP_AFTER)
        .values(ip_hash=None)
    )
    return result.rowcount


def forget_old_strikes(now: datetime) -> int:
    """A strike past its undo window no longer needs its list of signatures; the strike itself
    stays, saying who struck how many and when."""
    too_old = select(ClusterStrike.id).where(ClusterStrike.struck_at <= now - UNDO_STRIKE_WINDOW)
    return db.session.execute(delete(StruckSignature).where(StruckSignature.strike_id.in_(too_old))).rowcount


def milestone_reached(count: int, goal: int) -> int:
    """The highest of 100, 1,000, 10,000, ... and the goal that `count` has reached (0 if none)."""
    steps = [*MILESTONES, goal]
    return max((step for step in steps if step <= count), default=0)


def milestone_to_tell(petition_id: int) -> int:
    """The milestone the organizers should now hear of, claimed so it is told once (0: none)."""
    petition = db.session.get(Petition, petition_id)
    reached = milestone_reached(petition.total, petition.goal)
    if petition.milestone_told > reached:
        # The total went back down past a milestone told: a typo of 1,000 for 100 corrected, a
        # batch deleted, a cluster struck out. The milestone told comes down to the one the
        # total has reached, so that the 1,000 the petition really reaches is told when it comes.
        db.session.execute(
            update(Petition)
            .where(Petition.id == petition_id, Petition.milestone_told > reached)
            .values(milestone_told=reached)
        )
        return 0
    claimed = db.session.execute(
        update(Petition)
        .where(Petition.id == petition_id, Petition.milestone_told < reached)
        .values(milestone_told=reached)
    ).rowcount
    return reached if claimed else 0


def email_milestone(petition: Petition, reached: int) -> None:
    """To each organizer of the coalition, in their own language."""
    is_goal = reached == petition.goal
    subject = (
        _l("Goal reached: %(title)s", title=petition.title)
        if is_goal
        else lazy_ngettext(
            "%(count)s signature: %(title)s",
            "%(count)s signatures: %(title)s",
            reached,
            count=f"{reached:,}",
            title=petition.title,
        )
    )
    link = external_url("petitions.petition", slug=petition.coalition.slug, petition_id=petition.id)
    for organizer in organizers(petition.coalition_id):
        email_organizer(
            organizer.id,
            petition.coalition,
            "petitions/emails/milestone",
            subject,
            petition=petition,
            reached=reached,
            is_goal=is_goal,
            link=link,
        )
