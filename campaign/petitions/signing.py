"""Signing: one row per request, no counter touched, the confirmation email sent in batches."""

import enum
from datetime import datetime

from sqlalchemy import bindparam, case, cast, func, literal, null, select, update

from campaign.core import upserts
from campaign.core.crypto import decryptor, new_row_key, seal
from campaign.core.forms import digest_of
from campaign.core.outbox import enqueue, kick_after_commit, utcnow
from campaign.core.places import place_of
from campaign.core.repeats import count_repeat_email
from campaign.extensions import db
from campaign.petitions import tasks
from campaign.petitions.models import SOURCE_MAX_LENGTH, Petition, PetitionSignature, SignatureState
from campaign.petitions.retention import unlinked
from campaign.petitions.services import SignTarget
from campaign.petitions.signals import signature_confirmed
from campaign.supporters.models import Subscription
from campaign.supporters.services import (
    SavedSupporter,
    apply_confirmed,
    insert_supporter,
    record_consent,
    saved_supporter,
    supporter_row,
)
from campaign.supporters.signals import supporter_erasing, supporter_exporting
from campaign.tags import services as tags

# Under load, new signers' confirmation emails are claimed in batches at most this long after
# they sign (one task per batch instead of a task and a broker message per signature). Each
# claim sends one message per petition: the longer the wait, the more signers share a message
# (its task, its claim, its render) in a surge, and the sooner the worker is through.
CONFIRMATION_WAIT_SECONDS = 5.0
SIGNATURES = PetitionSignature.__tablename__
# What a click saves, all shown on the confirm page (its form sends back their digest_of()).
CLICK_SAVES = (
    "pending_first_name",
    "pending_last_name",
    "pending_consent",
    "zip_code",
    "language",
    "comment",
    "show_name",
)


class PetitionClosed(Exception):
    """The petition takes no signatures (a draft, or closed)."""


class Confirmation(enum.StrEnum):
    CONFIRMED = "confirmed"
    ALREADY = "already"  # clicked before
    CLOSED = "closed"  # the petition closed before the click: the link no longer works
    CHANGED = "changed"  # someone signed again with the address after the page was read: nothing saved


def sign(
    petition: Petition | SignTarget,
    fields: dict,
    language: str,
    ip_hash: str | None,
    consent_wording: str | None,
    quarantine_reason: str = "",
    api_key_id: int | None = None,
) -> int:
    """The signature's id, the earlier one if this address had signed: the page says the same
    either way, and an email tells the address's owner. `api_key_id`: the key of the system
    that sent it (`record`), kept with a new signature."""
    if not petition.is_open:
        raise PetitionClosed
    first_name, last_name = fields["first_name"].strip(), (fields.get("last_name") or "").strip() or None
    supporter_params, token = supporter_row(
        petition.coalition_id,
        email=fields["email"],
        first_name=first_name,
        last_name=last_name,
        zip_code=fields["zip_code"],
        language=language,
    )
    place = place_of(fields["zip_code"])
    row_key = new_row_key()
    signature = {
        "petition_id": petition.id,
        "email_index": supporter_params["email_index"],
        "zip_code": fields["zip_code"],
        **_place_columns(place),
        "comment": seal(SIGNATURES, "comment", row_key, fields.get("comment") or None),
        "show_name": bool(fields.get("show_name")),
        "source": fields.get("source", "")[:SOURCE_MAX_LENGTH],
        "state": SignatureState.QUARANTINED if quarantine_reason else SignatureState.UNCONFIRMED,
        "quarantine_reason": quarantine_reason,
        "ip_hash": ip_hash,
        "email_domain": fields["email"].rpartition("@")[2].strip().lower()[:120],
        "language": language,
        # Kept only for an address on file whose record differs (`_typed_names_wait`).
        "pending_first_name": seal(SIGNATURES, "pending_first_name", row_key, first_name),
        "pending_last_name": seal(SIGNATURES, "pending_last_name", row_key, last_name),
        "row_key": row_key,
        "pending_consent": consent_wording,
        "api_key_id": api_key_id,
        "created_at": utcnow(),
    }
    supporter, inserted = _save_signer(supporter_params, token, signature)
    # Only a returning address's differing names wait here: a new record holds them already.
    pending_first_name = first_name if first_name != supporter.first_name else None
    pending_last_name = last_name if last_name != supporter.last_name else None
    if inserted is not None:
        if not supporter.is_new and (pending_first_name is None or pending_last_name is None):
            _typed_names_wait(inserted, pending_first_name, pending_last_name, row_key)
        kick_after_commit(tasks.SEND_CONFIRMATIONS, within=CONFIRMATION_WAIT_SECONDS)
        return inserted
    latest = {
        "pending_first_name": pending_first_name,
        "pending_last_name": pending_last_name,
        "pending_consent": consent_wording,
        "pending_consent_language": None,  # the words of this sign-up are in its language
        "zip_code": fields["zip_code"],
        **_place_columns(place),
        "language": language,
        "comment": fields.get("comment") or None,
        "show_name": bool(fields.get("show_name")),
    }
    return _signed_before(petition, supporter_params["email_index"], latest)


def _save_signer(supporter: dict, token: str, signature: dict) -> tuple[SavedSupporter, int | None]:
    """The signer's record (save_supporter's rules) and the new signature's id, None if the address
    had signed. The signature is inserted with the typed names pending, none for a new record.

    On PostgreSQL both go in one statement, a round trip per signature instead of two: the
    signature's insert takes the record's id from the upsert's RETURNING in a data-modifying
    CTE. SQLite has no such CTE, and runs the two statements.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        params = {f"supporter_{name}": value for name, value in supporter.items()}
        params |= {f"signature_{name}": value for name, value in signature.items()}
        names = (tuple(supporter), tuple(signature))  # the supporter's vary with what was typed
        row = upserts.run_prepared(lambda insert: _sign_together(insert, *names), names, params).one()
        return saved_supporter(row, token), row.signature_id
    saved = saved_supporter(upserts.run_prepared(insert_supporter, "save_supporter", supporter).one(), token)
    if saved.is_new:
        signature = signature | {"pending_first_name": None, "pending_last_name": None}
    params = signature | {"supporter_id": saved.id}
    return saved, upserts.run_prepared(_insert_signature, "insert_signature", params).scalar()


def _sign_together(insert, supporter_names: tuple[str, ...], names: tuple[str, ...]):
    saved = insert_supporter(insert, supporter_names).cte("saved")
    table = PetitionSignature.__table__
    created = saved.c.preferences_token == bindparam("supporter_preferences_token")
    values = {name: bindparam(f"signature_{name}", type_=table.c[name].type) for name in names}
    values["supporter_id"] = saved.c.id
    for name in ("pending_first_name", "pending_last_name"):
        values[name] = cast(case((created, null()), else_=values[name]), table.c[name].type)
    # An INSERT from a SELECT in a CTE gets none of the columns' Python-side defaults.
    for column in table.c:
        if column.name not in values and column.default is not None and column.default.is_scalar:
            values[column.name] = literal(column.default.arg, column.type)
    signed = (
        insert(table)
        .from_select(list(values), select(*values.values()).select_from(saved))
        .on_conflict_do_nothing(index_elements=["petition_id", "email_index"])
        .returning(table.c.id)
        .cte("signed")
    )
    return select(*saved.c, select(signed.c.id).scalar_subquery().label("signature_id"))


def _typed_names_wait(signature_id: int, first_name: str | None, last_name: str | None, row_key) -> None:
    """A returning signer typed the names on file: none waits (as `sign` inserted, only what differs)."""
    table = PetitionSignature.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == signature_id)
        .values(
            pending_first_name=seal(SIGNATURES, "pending_first_name", row_key, first_name),
            pending_last_name=seal(SIGNATURES, "pending_last_name", row_key, last_name),
        )
    )


def _place_columns(place) -> dict:
    return {
        "us_state": place.state if place else "",
        "county": place.county if place else "",
        "city": place.city if place else "",
    }


def _insert_signature(insert):
    table = PetitionSignature.__table__
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["petition_id", "email_index"])
        .returning(table.c.id)
    )


def _signed_before(petition: Petition | SignTarget, email_index: str, latest: dict) -> int:
    """Tell the address's owner (not the person at the keyboard) that it had signed, three times at most.

    Until the owner confirms, the latest sign-up's details (`latest`) replace the earlier ones:
    the confirm page shows them, so what the click saves is what was typed last. Latest wins
    because the earlier sign-up is no more trustworthy than this one (either may be a stranger's),
    and only "latest" lets the owner fix a stranger's name by signing again; if the stranger came
    last, the owner reads the stranger's name on the confirm page before confirming. A confirmed
    signature keeps its details.
    """
    existing, row_key = db.session.execute(
        select(PetitionSignature.id, PetitionSignature.row_key).where(
            PetitionSignature.petition_id == petition.id, PetitionSignature.email_index == email_index
        )
    ).one()
    if row_key is not None:  # a row from before values were bound to rows just keeps its details
        sealed = {
            name: seal(SIGNATURES, name, row_key, latest[name]) for name in PetitionSignature.sealed_columns
        }
        table = PetitionSignature.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == existing, table.c.confirmed_at.is_(None))
            .values(**(latest | sealed))
        )
    told = count_repeat_email(PetitionSignature, existing)
    if told is not None:
        enqueue(tasks.tell_already_signed, signature_id=existing, repeat=told)
    return existing


def shown_digest(signature: PetitionSignature) -> str:
    return digest_of({name: getattr(signature, name) for name in CLICK_SAVES})


def confirm(signature: PetitionSignature, now: datetime, shown: str) -> Confirmation:
    """The signer's click (a POST) on a page that showed the details with digest `shown`. A
    quarantined signature records it and stays quarantined."""
    # Locked: a sign-up with the address racing the click either came first, and is seen here,
    # or waits, and finds the signature confirmed.
    db.session.refresh(signature, with_for_update=True)
    if signature.confirmed_at is None and shown != shown_digest(signature):
        return Confirmation.CHANGED
    if signature.confirmed_at is not None:
        return Confirmation.ALREADY
    if not signature.petition.is_open:  # a quarantined one too: approving it must not add it late
        return Confirmation.CLOSED
    if not _mark_confirmed(signature, now):
        return Confirmation.ALREADY
    _apply_what_was_typed(signature, f"petition:{signature.petition_id}")
    return Confirmation.CONFIRMED


def _mark_confirmed(signature: PetitionSignature, now: datetime, **values) -> bool:
    """Confirm the signature (the tally counts it then) unless it was; whether this call did."""
    values["confirmed_at"] = now
    if signature.state == SignatureState.UNCONFIRMED:
        values["state"] = SignatureState.CONFIRMED
    result = db.session.execute(
        update(PetitionSignature)
        .where(PetitionSignature.id == signature.id, PetitionSignature.confirmed_at.is_(None))
        .values(**values)
    )
    db.session.refresh(signature)
    # By the signer's click or a trusted source; a quarantined one is told once released.
    if result.rowcount and signature.state == SignatureState.CONFIRMED:
        signature_confirmed.send(signature)
    return bool(result.rowcount)


def _apply_what_was_typed(signature: PetitionSignature, source: str) -> None:
    """The address is proven: its record takes the details and consent signed with, and the tags
    an API call asked for."""
    typed = {
        "first_name": signature.pending_first_name,
        "last_name": signature.pending_last_name,
        "zip_code": signature.zip_code,
        "language": signature.language,
    }
    apply_confirmed(
        signature.supporter, typed, signature.pending_consent, source, signature.pending_consent_language
    )
    _settle_pending(signature)


def _settle_pending(signature: PetitionSignature) -> None:
    """Nothing waits on a confirmed signature: the tags asked for go on its person."""
    _tag_signer(signature, signature.pending_tag_ids or [])
    signature.pending_first_name = signature.pending_last_name = signature.pending_consent = None
    signature.pending_consent_language = signature.pending_tag_ids = None
    db.session.flush()


def _tag_signer(signature: PetitionSignature, tag_ids) -> None:
    """The coalition's tags of these ids (one deleted since is skipped) on the signer, if on file."""
    if signature.supporter_id is None:
        return
    for tag_id in tag_ids:
        found = tags.tag_in(signature.petition.coalition_id, tag_id)
        if found is not None:
            tags.tag([signature.supporter_id], found)


def record(
    petition: Petition,
    fields: dict,
    language: str,
    consent: tuple[str, str] | None,
    api_key_id: int,
    tag_ids,
    held: bool = False,
) -> None:
    """A signature another system sends with an API key (the API's record signature helper),
    signed by the public form's rules (`sign`): it waits for the signer's click in the email,
    and so do the details typed for an address on file, the consent (its wording and language)
    and the tags asked for.

    Someone who unsubscribed stays unsubscribed: a consent sent for them is dropped, since only
    their own tick of the box on our form resubscribes them. With the petition's trusted source
    on, the sending system's word stands for the click (`vouch`), unless the signature is
    `held` for it (the address's owner asked to be erased: only their own click brings them back)."""
    wording, consent_language = consent or (None, None)
    signature_id = sign(petition, fields, language, None, wording, api_key_id=api_key_id)
    # Fresh from the database: `sign` wrote past the ORM.
    signature = db.session.get(PetitionSignature, signature_id, populate_existing=True)
    if signature.confirmed_at is not None:  # signed and confirmed before: only the tags are new
        _tag_signer(signature, tag_ids)
        return
    supporter = signature.supporter
    if supporter is not None and supporter.subscription == Subscription.UNSUBSCRIBED:
        signature.pending_consent = None
    if signature.pending_consent and consent_language != signature.language:
        signature.pending_consent_language = consent_language
    signature.pending_tag_ids = sorted(set(signature.pending_tag_ids or []) | set(tag_ids)) or None
    db.session.flush()
    if petition.trusted_source and not held:
        vouch(signature, utcnow(), f"petition:{petition.id}:api-key:{api_key_id}")


def vouch(signature: PetitionSignature, now: datetime, source: str) -> None:
    """The coalition trusts its keys for this petition: the signature counts without the email,
    and its person is on file. A new record, or one nobody had confirmed, takes what was sent;
    the record of someone already on file stays as its owner left it (only their click changes
    it), and gets the consent sent, if any, and the tags. A held-back signature stays held."""
    if signature.state != SignatureState.UNCONFIRMED:
        return
    if not _mark_confirmed(signature, now, asked_at=func.coalesce(PetitionSignature.asked_at, now)):
        return
    supporter = signature.supporter
    if supporter is None or supporter.confirmed_at is None:
        _apply_what_was_typed(signature, source)
        return
    if signature.pending_consent and not supporter.is_erased:
        language = signature.pending_consent_language or signature.language
        record_consent(supporter, signature.pending_consent, language, source)
    _settle_pending(signature)


@supporter_erasing.connect
def forget_signer(supporter) -> None:
    """An erased person's comment, public name and hashes leave the petitions; the signature
    still counts, as a number that names nobody (its place and source stay, for the tallies)."""
    db.session.execute(
        update(PetitionSignature)
        .where(PetitionSignature.supporter_id == supporter.id)
        .values(unlinked("erased:"))
    )


@supporter_exporting.connect
def describe_signatures(supporter) -> list[str]:
    rows = db.session.execute(
        select(
            PetitionSignature.created_at, Petition.title, PetitionSignature.row_key, PetitionSignature.comment
        )
        .join(Petition, Petition.id == PetitionSignature.petition_id)
        .where(PetitionSignature.supporter_id == supporter.id)
        .order_by(PetitionSignature.created_at)
    )
    open_comment = decryptor()
    described = []
    for signed_at, title, row_key, sealed_comment in rows:
        comment = open_comment(SIGNATURES, "comment", row_key, sealed_comment)
        described.append(f"{signed_at:%Y-%m-%d} · petition · {title}" + (f" · {comment}" if comment else ""))
    return described
