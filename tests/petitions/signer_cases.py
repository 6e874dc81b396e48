"""Signing scenarios that SQLite and PostgreSQL must agree on.

`signing.sign` writes past the ORM, and differently per database (`_save_signer`): on
PostgreSQL the supporter's upsert and the signature's insert are one statement, on SQLite two.
Each case here is a plain function, run in an app context on either database: it makes its own
coalitions, petitions and addresses (new ones at each call, since the integration database lives
for the whole session), signs as the sign view does, inside a request, and checks the stored rows
column by column. tests/petitions/test_signer_cases.py runs them on SQLite, and
tests/integration/test_signer_cases.py on PostgreSQL.
"""

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from campaign.coalitions.models import Coalition
from campaign.core.crypto import ROW_KEY_BYTES, email_blind_index
from campaign.core.outbox import OutboxEntry, utcnow
from campaign.extensions import db
from campaign.petitions import services as petitions
from campaign.petitions import signing, tasks
from campaign.petitions.models import Petition, PetitionSignature, SignatureState
from campaign.supporters.models import Subscription, Supporter
from tests.older_formats import unbind_rows

CONSENT = "Send me updates from the coalition by email."
IP_HASH = "c" * 64
# What the offline ZIP data says of the two ZIP codes signed with, written out here so that a
# wrong place is seen.
PLACES = {
    "19104": {"us_state": "PA", "county": "Philadelphia County", "city": "Philadelphia"},
    "90012": {"us_state": "CA", "county": "Los Angeles County", "city": "Los Angeles"},
}
NAME_MAX = 80  # the sign form's Length(max=...) for each name
COMMENT_MAX = 1000


class Recent:
    """Equal to a datetime of the last ten minutes (the rows' clocks are the app's utcnow)."""

    def __eq__(self, other) -> bool:
        return isinstance(other, datetime) and timedelta(0) <= utcnow() - other < timedelta(minutes=10)

    def __repr__(self) -> str:
        return "<a datetime of the last ten minutes>"


class NewToken:
    """Equal to a preferences token as `new_token` makes them."""

    def __eq__(self, other) -> bool:
        return isinstance(other, str) and len(other) == 43

    def __repr__(self) -> str:
        return "<a new preferences token>"


class NewRowKey:
    """Equal to a row key as `new_row_key` makes them."""

    def __eq__(self, other) -> bool:
        return isinstance(other, bytes) and len(other) == ROW_KEY_BYTES

    def __repr__(self) -> str:
        return "<a new row key>"


RECENT, NEW_TOKEN, NEW_ROW_KEY = Recent(), NewToken(), NewRowKey()


# -- the world each case makes -------------------------------------------------------------


def new_coalition() -> Coalition:
    label = secrets.token_hex(4)
    coalition = Coalition(slug=f"signer-cases-{label}", name=f"Signer cases {label}")
    db.session.add(coalition)
    db.session.commit()
    return coalition


def open_petition(coalition: Coalition, title: str = "End ICE holds") -> Petition:
    written = {"title": title, "target": "Mayor", "ask": "Act."}
    petition = petitions.create_petition(coalition.id, None, written)
    petitions.open_petition(petition, utcnow())
    db.session.commit()
    return petition


def new_address() -> str:
    return f"signer-{secrets.token_hex(6)}@example.org"


def typed(email: str, **overrides) -> dict:
    """The sign form's fields, as its view hands them to `signing.sign`."""
    return {
        "first_name": "Ana",
        "last_name": "Reyes",
        "email": email,
        "zip_code": "19104",
        "comment": "",
        "show_name": False,
        "source": "",
    } | overrides


def sign(petition, fields: dict, language="en", consent=CONSENT, quarantine_reason="") -> int:
    with current_app.test_request_context(f"/petitions/{petition.slug}/sign", method="POST"):
        signature_id = signing.sign(petition, fields, language, IP_HASH, consent, quarantine_reason)
        db.session.commit()
    return signature_id


def confirm(signature_id: int) -> None:
    """The signer's click on the page that showed the signature's details."""
    with current_app.test_request_context("/petitions/confirm/x", method="POST"):
        signature = db.session.get(PetitionSignature, signature_id, populate_existing=True)
        shown = signing.shown_digest(signature)
        assert signing.confirm(signature, utcnow(), shown) == signing.Confirmation.CONFIRMED
        db.session.commit()


# -- the stored rows -----------------------------------------------------------------------

SIGNATURE_COLUMNS = (
    "petition_id",
    "supporter_id",
    "email_index",
    "state",
    "quarantine_reason",
    "pending_first_name",
    "pending_last_name",
    "pending_consent",
    "pending_consent_language",
    "pending_tag_ids",
    "language",
    "zip_code",
    "us_state",
    "county",
    "city",
    "comment",
    "show_name",
    "source",
    "ip_hash",
    "email_domain",
    "api_key_id",
    "counted",
    "repeat_emails",
    "created_at",
    "asked_at",
    "confirmed_at",
)
SUPPORTER_COLUMNS = (
    "coalition_id",
    "email",
    "email_index",
    "first_name",
    "last_name",
    "phone",
    "zip_code",
    "language",
    "subscription",
    "created_at",
    "updated_at",
    "confirmed_at",
    "erased_at",
    "preferences_token",
    "row_key",
)


def stored(model, row_id: int, columns: tuple[str, ...]) -> dict:
    """The row as the database holds it now (sealed columns opened)."""
    row = db.session.get(model, row_id, populate_existing=True)
    assert row is not None, f"no {model.__name__} {row_id}"
    return {name: getattr(row, name) for name in columns}


def stored_signature(signature_id: int) -> dict:
    return stored(PetitionSignature, signature_id, SIGNATURE_COLUMNS)


def stored_supporter(supporter_id: int) -> dict:
    return stored(Supporter, supporter_id, SUPPORTER_COLUMNS)


def as_signed(petition, supporter_id: int, fields: dict, language: str = "en", **differences) -> dict:
    """The signature a sign-up with `fields` stores, waiting for the click; `differences` as said."""
    return {
        "petition_id": petition.id,
        "supporter_id": supporter_id,
        "email_index": email_blind_index(fields["email"], coalition_id=petition.coalition_id),
        "state": SignatureState.UNCONFIRMED,
        "quarantine_reason": "",
        "pending_first_name": None,
        "pending_last_name": None,
        "pending_consent": CONSENT,
        "pending_consent_language": None,
        "pending_tag_ids": None,
        "language": language,
        "zip_code": fields["zip_code"],
        **PLACES[fields["zip_code"]],
        "comment": fields["comment"] or None,
        "show_name": bool(fields["show_name"]),
        "source": fields["source"],
        "ip_hash": IP_HASH,
        "email_domain": "example.org",
        "api_key_id": None,
        "counted": False,
        "repeat_emails": 0,
        "created_at": RECENT,
        "asked_at": None,
        "confirmed_at": None,
    } | differences


def new_record(coalition, fields: dict, language: str = "en", **differences) -> dict:
    """The supporter a new address's sign-up makes: what was typed, unconfirmed, not asked."""
    return {
        "coalition_id": coalition.id,
        "email": fields["email"],
        "email_index": email_blind_index(fields["email"], coalition_id=coalition.id),
        "first_name": fields["first_name"].strip(),
        "last_name": (fields["last_name"] or "").strip() or None,
        "phone": None,
        "zip_code": fields["zip_code"],
        "language": language,
        "subscription": Subscription.NOT_ASKED,
        "created_at": RECENT,
        "updated_at": RECENT,
        "confirmed_at": None,
        "erased_at": None,
        "preferences_token": NEW_TOKEN,
        "row_key": NEW_ROW_KEY,
    } | differences


def clicked(supporter_id: int, record: dict, **applied) -> dict:
    """Check that the owner's click gave the record (`record` before it) what it applies, and
    confirmed it unless it was; return the record as stored now."""
    now = stored_supporter(supporter_id)
    assert now == record | applied | {"updated_at": RECENT, "confirmed_at": record["confirmed_at"] or RECENT}
    return now


def records_of(coalition, email: str) -> int:
    index = email_blind_index(email, coalition_id=coalition.id)
    return db.session.scalar(
        select(func.count()).where(Supporter.coalition_id == coalition.id, Supporter.email_index == index)
    )


def signatures_of(petition, email: str) -> list[int]:
    index = email_blind_index(email, coalition_id=petition.coalition_id)
    return db.session.scalars(
        select(PetitionSignature.id).where(
            PetitionSignature.petition_id == petition.id, PetitionSignature.email_index == index
        )
    ).all()


def signatures_of_coalition(coalition, email: str) -> list[int]:
    index = email_blind_index(email, coalition_id=coalition.id)
    return db.session.scalars(
        select(PetitionSignature.id)
        .join(Petition, Petition.id == PetitionSignature.petition_id)
        .where(Petition.coalition_id == coalition.id, PetitionSignature.email_index == index)
        .order_by(PetitionSignature.id)
    ).all()


def already_signed_told(signature_id: int) -> list[int]:
    """The "you have already signed" emails queued for the signature: their `repeat` numbers."""
    entries = db.session.scalars(
        select(OutboxEntry)
        .where(
            OutboxEntry.task_name == tasks.tell_already_signed.name,
            OutboxEntry.payload["signature_id"].as_integer() == signature_id,
        )
        .order_by(OutboxEntry.id)
    )
    return [entry.payload["repeat"] for entry in entries]


def signed_first(email: str, language: str = "es", **overrides) -> tuple[Coalition, int, dict]:
    """An address put on file by signing a petition of a new coalition: (the coalition, its
    record's id, the record as stored)."""
    coalition = new_coalition()
    earlier = open_petition(coalition, "Close the Berks center")
    signature_id = sign(earlier, typed(email, **overrides), language)
    supporter_id = stored_signature(signature_id)["supporter_id"]
    return coalition, supporter_id, stored_supporter(supporter_id)


# -- the cases -----------------------------------------------------------------------------


def a_new_address_gets_a_record_with_the_typed_names_and_nothing_pending():
    coalition = new_coalition()
    petition = open_petition(coalition)
    fields = typed(new_address(), comment="Por mi familia", show_name=True, source="juntos")
    signature_id = sign(petition, fields, "es")
    signature = stored_signature(signature_id)
    assert signature == as_signed(petition, signature["supporter_id"], fields, "es")
    assert stored_supporter(signature["supporter_id"]) == new_record(coalition, fields, "es")
    assert signatures_of(petition, fields["email"]) == [signature_id]
    assert records_of(coalition, fields["email"]) == 1
    assert already_signed_told(signature_id) == []


def returning(first_name: str, last_name: str, pending_first, pending_last, on_file: dict | None = None):
    """An address on file (signed another petition of the coalition as "Ana Reyes", or with the
    fields `on_file` gives) signs a new one typing these names: its own signature, with only the
    names that differ from the record's waiting, and the record left exactly as it was."""
    email = new_address()
    coalition, supporter_id, record = signed_first(email, **(on_file or {}))
    petition = open_petition(coalition)
    fields = typed(email, first_name=first_name, last_name=last_name, zip_code="90012", comment="Otra vez")
    signature_id = sign(petition, fields, "en")
    assert stored_signature(signature_id) == as_signed(
        petition, supporter_id, fields, "en", pending_first_name=pending_first, pending_last_name=pending_last
    )
    assert stored_supporter(supporter_id) == record
    assert records_of(coalition, email) == 1
    assert already_signed_told(signature_id) == []


def an_address_on_file_typing_the_names_on_file_leaves_none_pending():
    returning("Ana", "Reyes", None, None)


def names_typed_with_spaces_around_are_the_names_on_file():
    returning("  Ana ", " Reyes  ", None, None)


def a_different_first_name_alone_waits():
    returning("Rosa", "Reyes", "Rosa", None)


def a_first_name_in_other_capitals_is_a_different_first_name():
    returning("ana", "Reyes", "ana", None)


def a_different_last_name_alone_waits():
    returning("Ana", "Díaz", None, "Díaz")


def no_last_name_typed_leaves_the_one_on_file_and_none_waits():
    returning("Ana", "", None, None)


def a_last_name_typed_for_a_record_without_one_waits():
    returning("Ana", "Reyes", None, "Reyes", on_file={"last_name": ""})


def both_names_different_both_wait():
    returning("Rosa", "Díaz", "Rosa", "Díaz")


def signing_the_same_petition_again_keeps_one_signature_with_the_latest_details_until_confirmed():
    coalition = new_coalition()
    petition = open_petition(coalition)
    email = new_address()
    first = typed(email, source="juntos")
    signature_id = sign(petition, first, "en")
    supporter_id = stored_signature(signature_id)["supporter_id"]
    record = stored_supporter(supporter_id)
    assert record == new_record(coalition, first, "en")

    # Unconfirmed: the latest sign-up's details replace the earlier ones (not its source, IP or
    # quarantine), and the address's owner is told.
    again = typed(email, first_name="Rosa", zip_code="90012", comment="Otra vez", show_name=True, source="x")
    assert sign(petition, again, "es", consent=None, quarantine_reason="rate") == signature_id
    replaced = as_signed(
        petition,
        supporter_id,
        again,
        "es",
        source="juntos",
        pending_first_name="Rosa",
        pending_consent=None,
        repeat_emails=1,
    )
    assert stored_signature(signature_id) == replaced
    assert stored_supporter(supporter_id) == record
    assert already_signed_told(signature_id) == [1]

    # Back to the names on file: nothing waits any more.
    latest = typed(email, source="y")
    assert sign(petition, latest, "en") == signature_id
    assert stored_signature(signature_id) == as_signed(petition, supporter_id, first, "en", repeat_emails=2)
    assert already_signed_told(signature_id) == [1, 2]

    again_names = typed(email, first_name="Rosa", last_name="Díaz", zip_code="90012")
    assert sign(petition, again_names, "es") == signature_id
    confirm(signature_id)
    confirmed = as_signed(
        petition,
        supporter_id,
        again_names,
        "es",
        source="juntos",
        state=SignatureState.CONFIRMED,
        pending_consent=None,
        repeat_emails=3,
        confirmed_at=RECENT,
    )
    assert stored_signature(signature_id) == confirmed
    applied = {"first_name": "Rosa", "last_name": "Díaz", "zip_code": "90012", "language": "es"}
    on_file = clicked(supporter_id, record, **applied, subscription=Subscription.SUBSCRIBED)

    # Confirmed: its details stay as confirmed, and the owner was told three times, no more.
    for name in ("Mallory", "Eve"):
        stranger = typed(email, first_name=name, last_name="Stone", comment="Not me", show_name=True)
        assert sign(petition, stranger, "en") == signature_id
    assert stored_signature(signature_id) == confirmed
    assert stored_supporter(supporter_id) == on_file
    assert already_signed_told(signature_id) == [1, 2, 3]
    assert signatures_of(petition, email) == [signature_id]
    assert records_of(coalition, email) == 1


def another_coalitions_petition_makes_that_coalition_a_record_of_its_own():
    email = new_address()
    coalition, supporter_id, record = signed_first(email)
    other = new_coalition()
    petition = open_petition(other)
    fields = typed(email, first_name="Rosa", last_name="Díaz", zip_code="90012")
    signature = stored_signature(sign(petition, fields, "en"))
    assert signature["supporter_id"] != supporter_id
    assert signature == as_signed(petition, signature["supporter_id"], fields, "en")
    assert stored_supporter(signature["supporter_id"]) == new_record(other, fields, "en")
    assert stored_supporter(supporter_id) == record
    assert (records_of(coalition, email), records_of(other, email)) == (1, 1)


def a_quarantined_sign_up_is_stored_quarantined_with_its_reason():
    coalition = new_coalition()
    petition = open_petition(coalition)
    fields = typed(new_address())
    signature = stored_signature(sign(petition, fields, "en", quarantine_reason="rate"))
    held = {"state": SignatureState.QUARANTINED, "quarantine_reason": "rate"}
    assert signature == as_signed(petition, signature["supporter_id"], fields, "en", **held)
    assert stored_supporter(signature["supporter_id"]) == new_record(coalition, fields, "en")


def a_quarantined_returning_signer_with_other_names_waits_quarantined():
    email = new_address()
    coalition, supporter_id, record = signed_first(email)
    petition = open_petition(coalition)
    fields = typed(email, first_name="Rosa")
    signature_id = sign(petition, fields, "en", quarantine_reason="rate")
    held = {"state": SignatureState.QUARANTINED, "quarantine_reason": "rate", "pending_first_name": "Rosa"}
    assert stored_signature(signature_id) == as_signed(petition, supporter_id, fields, "en", **held)
    assert stored_supporter(supporter_id) == record


def a_record_from_before_row_keys_is_read_as_it_was_written():
    """A record an older version wrote (no row key, values unbound) is compared by its names too."""
    email = new_address()
    coalition, supporter_id, _ = signed_first(email)
    unbind_rows(db, Supporter, where=Supporter.id == supporter_id)
    record = stored_supporter(supporter_id)
    assert (record["row_key"], record["first_name"], record["last_name"]) == (None, "Ana", "Reyes")
    for first_name, pending_first in (("Ana", None), ("Rosa", "Rosa")):
        petition = open_petition(coalition)
        fields = typed(email, first_name=first_name)
        signature_id = sign(petition, fields, "en")
        expected = as_signed(petition, supporter_id, fields, "en", pending_first_name=pending_first)
        assert stored_signature(signature_id) == expected
    assert stored_supporter(supporter_id) == record


def padded(text: str, length: int) -> str:
    """`text` repeated up to `length` characters, with no space at either end (sign strips names)."""
    return (text * (length // len(text) + 1))[:length].strip().ljust(length, "x")


# Accents, a combining accent, ñ, emoji (one with joiners), right-to-left letters with their
# marks, quotes, a backslash, and what a driver or SQLAlchemy could take for a parameter.
HOSTILE_FIRST = padded("Ñandú José 🌵👩\u200d👩\u200d👧 שָׁלוֹם\u200f ", NAME_MAX)
HOSTILE_LAST = padded('O\'Brien-Muñoz "e\u0301" \\ %(supporter_first_name)s :name %s ', NAME_MAX)
HOSTILE_COMMENT = padded("¡Sí, se puede! 🌵\nLínea\ttab '; DROP TABLE supporter; -- %% ", COMMENT_MAX)


def hostile_but_valid_text_round_trips_exactly():
    assert (len(HOSTILE_FIRST), len(HOSTILE_LAST), len(HOSTILE_COMMENT)) == (NAME_MAX, NAME_MAX, COMMENT_MAX)
    coalition = new_coalition()
    petition = open_petition(coalition)
    fields = typed(new_address(), first_name=HOSTILE_FIRST, last_name=HOSTILE_LAST, comment=HOSTILE_COMMENT)
    signature = stored_signature(sign(petition, fields, "es"))
    assert signature == as_signed(petition, signature["supporter_id"], fields, "es")
    assert stored_supporter(signature["supporter_id"]) == new_record(coalition, fields, "es")

    # The same names typed for an address on file wait on the signature, as typed.
    email = new_address()
    coalition, supporter_id, record = signed_first(email)
    petition = open_petition(coalition)
    fields = typed(email, first_name=HOSTILE_FIRST, last_name=HOSTILE_LAST, comment=HOSTILE_COMMENT)
    signature_id = sign(petition, fields, "en")
    pending = {"pending_first_name": HOSTILE_FIRST, "pending_last_name": HOSTILE_LAST}
    assert stored_signature(signature_id) == as_signed(petition, supporter_id, fields, "en", **pending)
    assert stored_supporter(supporter_id) == record


def confirming_a_returning_signers_signature_applies_the_names_that_waited():
    email = new_address()
    coalition, supporter_id, record = signed_first(email, language="es")
    first_signature = signatures_of_coalition(coalition, email)[0]
    confirm(first_signature)  # the owner confirmed once: the record is on file
    record = clicked(supporter_id, record, subscription=Subscription.SUBSCRIBED)

    # A first name alone waited: the last name on file stays.
    petition = open_petition(coalition)
    fields = typed(email, first_name="Rosa", last_name="", zip_code="90012")
    signature_id = sign(petition, fields, "en", consent=None)
    assert stored_signature(signature_id) == as_signed(
        petition, supporter_id, fields, "en", pending_first_name="Rosa", pending_consent=None
    )
    assert stored_supporter(supporter_id) == record
    confirm(signature_id)
    record = clicked(supporter_id, record, first_name="Rosa", zip_code="90012", language="en")
    assert stored_signature(signature_id) == as_signed(
        petition,
        supporter_id,
        fields,
        "en",
        state=SignatureState.CONFIRMED,
        pending_consent=None,
        confirmed_at=RECENT,
    )

    # Both names waited.
    petition = open_petition(coalition, "Stop the raids")
    fields = typed(email, first_name="Lupe", last_name="Díaz", zip_code="19104")
    signature_id = sign(petition, fields, "es")
    pending = {"pending_first_name": "Lupe", "pending_last_name": "Díaz"}
    assert stored_signature(signature_id) == as_signed(petition, supporter_id, fields, "es", **pending)
    assert stored_supporter(supporter_id) == record
    confirm(signature_id)
    clicked(supporter_id, record, first_name="Lupe", last_name="Díaz", zip_code="19104", language="es")
    confirmed = {"state": SignatureState.CONFIRMED, "pending_consent": None, "confirmed_at": RECENT}
    assert stored_signature(signature_id) == as_signed(petition, supporter_id, fields, "es", **confirmed)


CASES = (
    a_new_address_gets_a_record_with_the_typed_names_and_nothing_pending,
    an_address_on_file_typing_the_names_on_file_leaves_none_pending,
    names_typed_with_spaces_around_are_the_names_on_file,
    a_different_first_name_alone_waits,
    a_first_name_in_other_capitals_is_a_different_first_name,
    a_different_last_name_alone_waits,
    no_last_name_typed_leaves_the_one_on_file_and_none_waits,
    a_last_name_typed_for_a_record_without_one_waits,
    both_names_different_both_wait,
    signing_the_same_petition_again_keeps_one_signature_with_the_latest_details_until_confirmed,
    another_coalitions_petition_makes_that_coalition_a_record_of_its_own,
    a_quarantined_sign_up_is_stored_quarantined_with_its_reason,
    a_quarantined_returning_signer_with_other_names_waits_quarantined,
    a_record_from_before_row_keys_is_read_as_it_was_written,
    hostile_but_valid_text_round_trips_exactly,
    confirming_a_returning_signers_signature_applies_the_names_that_waited,
)
