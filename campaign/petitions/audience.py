"""Alerts can go to a petition's confirmed signers (those subscribed, as for every alert);
petitions.register(app) adds the source."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from campaign.extensions import db
from campaign.notifications.audience import AudienceSource
from campaign.petitions.models import Petition, PetitionSignature, PetitionState, SignatureState


def _signers(coalition_id: int, petition_id: int | None) -> Select:
    return select(PetitionSignature.supporter_id).where(
        PetitionSignature.petition_id == petition_id, PetitionSignature.state == SignatureState.CONFIRMED
    )


def _petition_choices(coalition_id: int) -> list[tuple[int, str]]:
    return db.session.execute(
        select(Petition.id, Petition.title)
        .where(Petition.coalition_id == coalition_id, Petition.state != PetitionState.DRAFT)
        .order_by(Petition.created_at.desc())
    ).all()


SIGNERS = AudienceSource("petition", _l("Signers of the petition"), _signers, _petition_choices)
