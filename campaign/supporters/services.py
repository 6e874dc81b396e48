"""Supporter rules: dedupe by blind index, consent, unsubscribe, export, erasure, counts."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import LargeBinary, Select, delete, func, select, type_coerce, update

from campaign.core import mail, upserts
from campaign.core.crypto import email_blind_index, rotate
from campaign.core.outbox import utcnow
from campaign.extensions import db
from campaign.supporters.models import (
    Consent,
    DataRequest,
    DataRequestKind,
    DataRequestState,
    Subscription,
    Supporter,
    check_language,
    check_zip_code,
)
from campaign.supporters.signals import supporter_erasing, supporter_exporting
from campaign.supporters.tokens import ERASURE_SALT, loads_or_none, serializer


def find_supporter(coalition_id: int, email: str) -> Supporter | None:
    return db.session.scalar(
        select(Supporter).where(
            Supporter.coalition_id == coalition_id, Supporter.email_index == email_blind_index(email)
        )
    )


def upsert_supporter(coalition_id: int, **fields) -> Supporter:
    """The coalition's one record for this person, created or updated with the fields given
    (the keyword arguments of `save_supporter`)."""
    return db.session.get(Supporter, save_supporter(coalition_id, **fields), populate_existing=True)


def save_supporter(
    coalition_id: int,
    *,
    email: str,
    first_name: str,
    language: str,
    zip_code: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
) -> int:
    """Create or update the coalition's record for this person in one statement; returns its id.

    Fields passed as None keep their stored value, so a petition that does not ask for a phone
    number does not wipe the one an RSVP collected (nor a letter's signer, asked for no ZIP code,
    the ZIP code a petition collected). One `INSERT ... ON CONFLICT DO UPDATE` keyed by the blind
    index serves the new and the returning signer alike, and two sign-ups of one person racing
    each other meet in the unique index instead of failing: signing is the hot path.
    """
    given = {
        "email": email.strip(),
        "first_name": first_name.strip(),
        "zip_code": zip_code.strip() if zip_code else None,
        "language": language,
        "last_name": last_name.strip() if last_name else None,
        "phone": phone.strip() if phone else None,
    }
    given = {name: value for name, value in given.items() if value is not None}
    check_zip_code(given.get("zip_code"))
    check_language(language)
    changed = (*sorted(given), "updated_at")

    def build(insert):
        statement = insert(Supporter.__table__)
        return statement.on_conflict_do_update(
            index_elements=["coalition_id", "email_index"],
            set_={name: statement.excluded[name] for name in changed},
        ).returning(Supporter.__table__.c.id)

    params = given | {
        "coalition_id": coalition_id,
        "email_index": email_blind_index(email),
        "updated_at": utcnow(),
    }
    return upserts.run_prepared(build, ("save_supporter", changed), params).scalar_one()


def record_consent(supporter: Supporter, wording: str, language: str, source: str) -> Consent:
    consent = Consent(
        supporter=supporter,
        coalition_id=supporter.coalition_id,
        wording=wording,
        language=language,
        source=source,
    )
    db.session.add(consent)
    supporter.subscription = Subscription.SUBSCRIBED
    db.session.flush()
    return consent


def unsubscribe(supporter: Supporter) -> None:
    """Stop email from this coalition; the consents given are kept, marked withdrawn."""
    supporter.subscription = Subscription.UNSUBSCRIBED
    _withdraw_consents(supporter)
    db.session.flush()


def _withdraw_consents(supporter: Supporter) -> None:
    db.session.execute(
        update(Consent)
        .where(Consent.supporter_id == supporter.id, Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow())
    )


def _supporters_with_index(email_index: str | None) -> list[Supporter]:
    if not email_index:
        return []
    return list(
        db.session.scalars(
            select(Supporter).where(Supporter.email_index == email_index).order_by(Supporter.id)
        )
    )


def export_supporter_data(email: str) -> list[dict]:
    """Everything every coalition holds about this person, one dict per coalition."""
    return export_by_index(email_blind_index(email))


def export_by_index(email_index: str | None) -> list[dict]:
    return [_export_record(supporter) for supporter in _supporters_with_index(email_index)]


def _export_record(supporter: Supporter) -> dict:
    return {
        "coalition": supporter.coalition.name,
        "fields": {
            "email": supporter.email,
            "first_name": supporter.first_name,
            "last_name": supporter.last_name,
            "phone": supporter.phone,
            "zip_code": supporter.zip_code,
            "language": supporter.language,
            "subscription": supporter.subscription.value,
            "created_at": supporter.created_at.isoformat(timespec="seconds"),
            "updated_at": supporter.updated_at.isoformat(timespec="seconds"),
        },
        "consents": [
            {
                "wording": consent.wording,
                "language": consent.language,
                "source": consent.source,
                "given_at": consent.given_at.isoformat(timespec="seconds"),
                "withdrawn_at": consent.withdrawn_at.isoformat(timespec="seconds")
                if consent.withdrawn_at
                else None,
            }
            for consent in supporter.consents
        ],
        # Later features (petitions, RSVPs) describe what they hold about this supporter.
        "activity": [line for _, lines in supporter_exporting.send(supporter) for line in lines or []],
    }


def erase_supporter_data(email: str) -> int:
    """Anonymize this person in every coalition; returns how many records were erased."""
    return erase_by_index(email_blind_index(email))


def erase_by_index(email_index: str | None) -> int:
    supporters = _supporters_with_index(email_index)
    for supporter in supporters:
        supporter_erasing.send(supporter)
        _withdraw_consents(supporter)
        if supporter.email:
            mail.forget_recipient(supporter.email)
        supporter.email = supporter.first_name = supporter.last_name = supporter.phone = None
        supporter.email_index = supporter.zip_code = supporter.preferences_token = None
        supporter.subscription = Subscription.UNSUBSCRIBED
        supporter.erased_at = utcnow()
    db.session.flush()
    return len(supporters)


def open_data_request(kind: DataRequestKind, email: str, language: str) -> DataRequest:
    """Record the request; the outbox task looks the address up and answers by email."""
    data_request = DataRequest(
        kind=kind, email=email.strip(), email_index=email_blind_index(email), language=language
    )
    db.session.add(data_request)
    db.session.flush()
    return data_request


def mark_emailed(data_request: DataRequest, awaiting_confirmation: bool) -> None:
    """The requester has their answer: the address is no longer needed."""
    data_request.email = None
    if awaiting_confirmation:
        data_request.state = DataRequestState.AWAITING_CONFIRMATION
    else:
        _complete(data_request)
    db.session.flush()


def _complete(data_request: DataRequest) -> None:
    data_request.state = DataRequestState.COMPLETED
    data_request.email_index = None
    data_request.completed_at = utcnow()


def expire_data_requests() -> int:
    """Forget the address of requests whose link has expired unanswered; returns how many."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["DATA_REQUEST_MAX_AGE"])
    result = db.session.execute(
        update(DataRequest)
        .where(DataRequest.state != DataRequestState.COMPLETED, DataRequest.requested_at < cutoff)
        .values(state=DataRequestState.COMPLETED, email=None, email_index=None, completed_at=utcnow())
    )
    return result.rowcount


def forget_old_data_requests(now: datetime, kept_days: int) -> int:
    """Delete the records of requests made more than `kept_days` ago; returns how many. What a
    completed one still held (its kind, language and dates) says that someone asked, and when."""
    result = db.session.execute(
        delete(DataRequest).where(DataRequest.requested_at < now - timedelta(days=kept_days))
    )
    return result.rowcount


def erasure_token(data_request: DataRequest) -> str:
    return serializer(ERASURE_SALT).dumps({"request": data_request.id})


def erasure_request_for_token(token: str) -> DataRequest | None:
    data = loads_or_none(ERASURE_SALT, token, max_age=current_app.config["DATA_REQUEST_MAX_AGE"])
    if data is None:
        return None
    data_request = db.session.get(DataRequest, data.get("request"))
    if data_request is None or data_request.kind != DataRequestKind.ERASURE:
        return None
    return data_request


def confirm_erasure(data_request: DataRequest) -> int:
    """Erase what the confirmed request points at; a second confirmation erases nothing more."""
    if data_request.state != DataRequestState.AWAITING_CONFIRMATION:
        return 0
    erased = erase_by_index(data_request.email_index)
    _complete(data_request)
    db.session.flush()
    return erased


@dataclass
class SupporterCounts:
    total: int
    subscribed: int
    erased: int
    by_language: list[tuple[str, int]]
    top_zip_prefixes: list[tuple[str, int]]


def supporter_counts(supporters: Select) -> SupporterCounts:
    """Totals for the supporters `supporters` selects (already scoped to one coalition)."""
    rows = supporters.subquery()

    def count(*conditions) -> int:
        return db.session.scalar(select(func.count()).select_from(rows).where(*conditions))

    prefix = func.substr(rows.c.zip_code, 1, 3)
    return SupporterCounts(
        total=count(),
        subscribed=count(rows.c.subscription == Subscription.SUBSCRIBED.value),
        erased=count(rows.c.erased_at.is_not(None)),
        by_language=_grouped(select(rows.c.language, func.count()).group_by(rows.c.language)),
        top_zip_prefixes=_grouped(
            select(prefix, func.count())
            .where(rows.c.zip_code.is_not(None))
            .group_by(prefix)
            .order_by(func.count().desc(), prefix)
            .limit(10)
        ),
    )


def _grouped(query: Select) -> list[tuple[str, int]]:
    return [(key, number) for key, number in db.session.execute(query)]


# The encrypted columns, for key rotation.
ENCRYPTED_COLUMNS = ((Supporter, ("email", "first_name", "last_name", "phone")), (DataRequest, ("email",)))


def reencrypt_all() -> int:
    """Rewrite every encrypted value under the first DATA_KEYS key; returns rows rewritten.

    Run after putting a new key first in DATA_KEYS; afterwards the old key can be removed. The
    ciphertext is rotated as bytes, so plaintext never passes through Python objects.
    """
    rewritten = 0
    for model, names in ENCRYPTED_COLUMNS:
        table = model.__table__
        raw = [type_coerce(table.c[name], LargeBinary).label(name) for name in names]
        for row in db.session.execute(select(table.c.id, *raw)).mappings().all():
            tokens = {name: rotate(bytes(row[name])) for name in names if row[name] is not None}
            if tokens:
                values = {name: type_coerce(token, LargeBinary) for name, token in tokens.items()}
                db.session.execute(update(table).where(table.c.id == row["id"]).values(**values))
                rewritten += 1
    db.session.flush()
    return rewritten
