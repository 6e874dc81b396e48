"""Supporter rules: dedupe by blind index, consent, unsubscribe, export, erasure, counts."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, bindparam, delete, func, select, tuple_, update

from campaign.coalitions.models import Coalition
from campaign.coalitions.teammates import forget_team_invitations
from campaign.core import addresses, mail, upserts
from campaign.core.crypto import decryptor, email_blind_index, new_row_key, seal
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
    new_token,
)
from campaign.supporters.signals import (
    address_erasing,
    address_exporting,
    supporter_erasing,
    supporter_exporting,
    supporter_unsubscribed,
)
from campaign.supporters.tokens import ERASURE_SALT, loads_or_none, serializer


def find_supporter(coalition_id: int, email: str) -> Supporter | None:
    return db.session.scalar(
        select(Supporter).where(
            Supporter.coalition_id == coalition_id,
            Supporter.email_index == email_blind_index(email, coalition_id=coalition_id),
        )
    )


def on_file(coalition_id: int, *columns) -> Select:
    """A select of the coalition's supporters on file (of `columns`, or whole records): not
    erased, and confirmed by the address's owner or brought in by the coalition. A record only
    typed into a public form by whoever knew the address is nobody's business yet."""
    return select(*(columns or (Supporter,))).where(
        Supporter.coalition_id == coalition_id,
        Supporter.erased_at.is_(None),
        Supporter.confirmed_at.is_not(None),
    )


def counted(coalition_id: int) -> Select:
    """A select of the coalition's supporters its figures count: those ever on file, erased
    ones included (they stay counted, as nobody)."""
    return select(Supporter).where(
        Supporter.coalition_id == coalition_id, Supporter.confirmed_at.is_not(None)
    )


def mark_confirmed(supporter: Supporter) -> None:
    """The address's owner has shown their hand (see `Supporter.confirmed_at`)."""
    if supporter.confirmed_at is None:
        supporter.confirmed_at = utcnow()


@dataclass(frozen=True)
class SavedSupporter:
    """The coalition's record for an address, as stored: for an address on file, not what was typed."""

    id: int
    is_new: bool  # created by this call
    first_name: str | None
    last_name: str | None
    subscription: Subscription


def upsert_supporter(coalition_id: int, **fields) -> Supporter:
    """The coalition's one record for this person (the keyword arguments of `save_supporter`)."""
    return db.session.get(Supporter, save_supporter(coalition_id, **fields).id)


def save_supporter(
    coalition_id: int,
    *,
    email: str,
    first_name: str,
    language: str,
    zip_code: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
    confirmed: bool = False,
) -> SavedSupporter:
    """The coalition's record for this person, in one statement: a new address gets a record with
    these fields; an address on file keeps its record exactly as it is.

    Whoever types an address need not own it, so a sign-up never renames, re-languages or
    resubscribes the person on file: what they typed waits with the action and applies when the
    owner confirms from the email (`apply_confirmed`). One `INSERT ... ON CONFLICT DO UPDATE`
    keyed by the blind index serves the new and the returning signer alike; the update sets the
    key to itself, only so that the stored row comes back without a second query, and two
    sign-ups of one person racing each other meet in the unique index instead of failing.

    `confirmed`: a new record is on file at once (the coalition's own import, a person the host
    adds at the door); a record already there is not confirmed by it.
    """
    params, token = supporter_row(
        coalition_id,
        email=email,
        first_name=first_name,
        language=language,
        zip_code=zip_code,
        last_name=last_name,
        phone=phone,
        confirmed=confirmed,
    )
    return saved_supporter(upserts.run_prepared(insert_supporter, "save_supporter", params).one(), token)


def supporter_row(
    coalition_id: int,
    *,
    email: str,
    first_name: str,
    language: str,
    zip_code: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
    confirmed: bool = False,
) -> tuple[dict, str]:
    """The parameters of save_supporter's statement, sealed, and the fresh token that tells
    whether the row it returns was created by it; for a statement that saves more with it
    (petitions/signing.py signs in the same round trip)."""
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
    # A fresh token comes back only from a row this statement created.
    token, row_key = new_token(), new_row_key()
    for name in given.keys() & set(Supporter.sealed_columns):
        given[name] = seal("supporter", name, row_key, given[name])
    params = given | {
        "coalition_id": coalition_id,
        "email_index": email_blind_index(email, coalition_id=coalition_id),
        "preferences_token": token,
        "row_key": row_key,
        "confirmed_at": utcnow() if confirmed else None,
    }
    return params, token


def saved_supporter(row, token: str) -> SavedSupporter:
    """The record as `insert_supporter` returned it (`row`), its names opened."""
    open_name = decryptor()
    return SavedSupporter(
        row.id,
        row.preferences_token == token,
        open_name("supporter", "first_name", row.row_key, row.first_name),
        open_name("supporter", "last_name", row.row_key, row.last_name),
        Subscription(row.subscription),
    )


def insert_supporter(insert, names: tuple[str, ...] = ()):
    """save_supporter's statement; with `names`, its values bound to parameters `supporter_<name>`,
    as a statement that holds it (a CTE) needs, which cannot take them from the parameters."""
    table = Supporter.__table__
    statement = insert(table)
    if names:
        bound = {name: bindparam(f"supporter_{name}", type_=table.c[name].type) for name in names}
        statement = statement.values(bound)
    return statement.on_conflict_do_update(
        index_elements=["coalition_id", "email_index"],
        set_={"email_index": statement.excluded.email_index},
    ).returning(
        table.c.id,
        table.c.preferences_token,
        table.c.row_key,  # the stored row's: a returning signer's names were sealed with it
        table.c.first_name,
        table.c.last_name,
        table.c.subscription,
    )


def apply_confirmed(
    supporter: Supporter | None,
    typed: dict,
    consent_wording: str | None,
    source: str,
    consent_language: str | None = None,
) -> None:
    """The address's owner confirmed an action from the email: what was typed with it replaces
    the stored details (None keeps a value), and the consent ticked with it is recorded now, in
    its own language if given (an API call's), else the action's. An erased person stays erased."""
    if supporter is None or supporter.is_erased:
        return
    mark_confirmed(supporter)
    for name, value in typed.items():
        if value is not None:
            setattr(supporter, name, value)
    if consent_wording:
        record_consent(supporter, consent_wording, consent_language or typed["language"], source)
    db.session.flush()


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
    was_subscribed = supporter.subscription == Subscription.SUBSCRIBED
    supporter.subscription = Subscription.UNSUBSCRIBED
    _withdraw_consents(supporter)
    db.session.flush()
    if was_subscribed:
        supporter_unsubscribed.send(supporter)


def unsubscribe_all(supporter_ids: list[int]) -> None:
    """`unsubscribe` for many supporters in two statements (an import's batch)."""
    db.session.execute(
        update(Supporter)
        .where(Supporter.id.in_(supporter_ids))
        .values(subscription=Subscription.UNSUBSCRIBED)
    )
    db.session.execute(
        update(Consent)
        .where(Consent.supporter_id.in_(supporter_ids), Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow())
    )


def _withdraw_consents(supporter: Supporter) -> None:
    db.session.execute(
        update(Consent)
        .where(Consent.supporter_id == supporter.id, Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow())
    )


def supporters_for_email(email: str | None) -> list[Supporter]:
    """This person's record in every coalition, found by each coalition's own blind index."""
    if not email:
        return []
    pairs = [
        (coalition_id, email_blind_index(spelling, coalition_id=coalition_id))
        for coalition_id in db.session.scalars(select(Coalition.id))
        for spelling in addresses.spellings(email)
    ]
    if not pairs:
        return []
    return list(
        db.session.scalars(
            select(Supporter)
            .where(tuple_(Supporter.coalition_id, Supporter.email_index).in_(pairs))
            .order_by(Supporter.id)
        )
    )


def export_supporter_data(email: str | None) -> list[dict]:
    """Everything every coalition holds about this person, one dict per coalition (and per
    coalition whose events they host)."""
    records = [_export_record(supporter) for supporter in supporters_for_email(email)]
    if email:
        records += [record for _, held in address_exporting.send(email) for record in held or []]
    return records


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


def erase_supporter_data(email: str | None) -> int:
    """Anonymize this person in every coalition; returns how many records were erased."""
    supporters = supporters_for_email(email)
    for supporter in supporters:
        supporter_erasing.send(supporter)
        _withdraw_consents(supporter)
        supporter.email = supporter.first_name = supporter.last_name = supporter.phone = None
        supporter.email_index = supporter.zip_code = supporter.preferences_token = None
        supporter.subscription = Subscription.UNSUBSCRIBED
        supporter.erased_at = utcnow()
    erased = len(supporters)
    for spelling in addresses.spellings(email) if email else ():
        mail.forget_recipient(spelling)  # every copy to the address, with or without a supporter record
        forget_team_invitations(spelling)
        erased += sum(count or 0 for _, count in address_erasing.send(spelling))
    db.session.flush()
    return erased


def open_data_request(
    kind: DataRequestKind, email: str, language: str, requester_ip_hash: str
) -> DataRequest:
    """Record the request; the outbox task looks the address up and answers by email."""
    data_request = DataRequest(
        kind=kind, email=email.strip(), language=language, requester_ip_hash=requester_ip_hash
    )
    db.session.add(data_request)
    db.session.flush()
    return data_request


def mark_emailed(data_request: DataRequest, awaiting_confirmation: bool) -> None:
    """The requester has their answer: the address is no longer needed, unless an erasure
    waits for its confirmation (it finds the person's records by it then).

    The email is out before the task commits, so its erasure link can be confirmed first: only
    a request still pending is changed, never one that confirmation has completed."""
    if awaiting_confirmation:
        values = {"state": DataRequestState.AWAITING_CONFIRMATION}
    else:
        values = {"state": DataRequestState.COMPLETED, "email": None, "completed_at": utcnow()}
    values["requester_ip_hash"] = None  # counted for the email cap; not needed any more
    db.session.execute(
        update(DataRequest)
        .where(DataRequest.id == data_request.id, DataRequest.state == DataRequestState.PENDING)
        .values(**values)
    )


def _complete(data_request: DataRequest) -> None:
    data_request.state = DataRequestState.COMPLETED
    data_request.email = data_request.requester_ip_hash = None
    data_request.completed_at = utcnow()


def expire_data_requests() -> int:
    """Forget the address of requests whose link has expired unanswered; returns how many."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["DATA_REQUEST_MAX_AGE"])
    result = db.session.execute(
        update(DataRequest)
        .where(DataRequest.state != DataRequestState.COMPLETED, DataRequest.requested_at < cutoff)
        .values(state=DataRequestState.COMPLETED, email=None, requester_ip_hash=None, completed_at=utcnow())
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
    """Erase what the confirmed request points at; a second confirmation erases nothing more.

    A pending request counts too: its link was emailed only to the address, and a quick click
    can come before the task that sent it has marked it awaiting."""
    if data_request.state == DataRequestState.COMPLETED:
        return 0
    erased = erase_supporter_data(data_request.email)
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
