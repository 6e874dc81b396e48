"""Canonical email, blind index and encryption at rest with key rotation."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from campaign.core import crypto
from campaign.core.crypto import canonical_email, email_blind_index
from campaign.core.mail import StoredMail


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("Rosa.Maria+petition@Gmail.com", "rosamaria@gmail.com"),
        ("r.o.s.a@googlemail.com", "rosa@gmail.com"),
        ("  ROSA@gmail.com ", "rosa@gmail.com"),
        ("Rosa.Maria+petition@example.org", "rosa.maria+petition@example.org"),
        ("ana.lopez@Riseup.net", "ana.lopez@riseup.net"),
    ],
)
def test_canonical_email(address, canonical):
    assert canonical_email(address) == canonical


def index(address: str) -> str:
    return email_blind_index(address, coalition_id=1)


def test_blind_index_folds_gmail_variants_only(app):
    assert index("rosa.maria+x@gmail.com") == index("RosaMaria@googlemail.com")
    assert index("rosa.maria@example.org") != index("rosamaria@example.org")
    assert index("rosa+a@example.org") != index("rosa@example.org")
    assert "rosa" not in index("rosa@example.org")


def test_blind_index_depends_on_the_key(app):
    before = index("rosa@example.org")
    app.config["BLIND_INDEX_KEY"] = "another key"
    assert index("rosa@example.org") != before


def test_one_address_in_two_coalitions_cannot_be_joined_by_its_blind_index(app):
    assert index("rosa@example.org") != email_blind_index("rosa@example.org", coalition_id=2)
    # Nor matched against the single-key index used before coalitions had their own keys.
    assert index("rosa@example.org") != crypto.keyed_hash("rosa@example.org")


def test_blind_index_format_is_pinned(app):
    app.config["BLIND_INDEX_KEY"] = "test vector key"
    # HMAC-SHA256(HMAC-SHA256(key, "coalition:7"), canonical address): changing it orphans every index.
    assert email_blind_index("Rosa@Example.org", coalition_id=7) == (
        "13e7ac3125719267eef573fcf41c214d6d29fdf2651334023cae42aa03561055"
    )


def _store(db, subject: str) -> int:
    mail = StoredMail(recipient_hint="r***@example.org", subject=subject, raw="body")
    db.session.add(mail)
    db.session.commit()
    mail_id = mail.id
    db.session.expunge_all()
    return mail_id


def _ciphertext(db, mail_id: int, column: str = "subject") -> bytes:
    query = text(f"SELECT {column} FROM stored_mail WHERE id = :id")  # noqa: S608 - fixed names
    return bytes(db.session.execute(query, {"id": mail_id}).scalar())


def _rotate_row(db, mail_id: int) -> None:
    """What a key-rotation job does: re-encrypt every encrypted column under the first key."""
    values = {column: crypto.rotate(_ciphertext(db, mail_id, column)) for column in ("subject", "raw")}
    db.session.execute(
        text("UPDATE stored_mail SET subject = :subject, raw = :raw WHERE id = :id"),
        {**values, "id": mail_id},
    )
    db.session.commit()


def test_encrypted_text_round_trip(app, db):
    mail_id = _store(db, "Confirmación para Rosa")
    assert b"Rosa" not in _ciphertext(db, mail_id)
    assert db.session.get(StoredMail, mail_id).subject == "Confirmación para Rosa"
    assert db.session.scalar(select(StoredMail.subject)) == "Confirmación para Rosa"


def test_key_rotation_new_key_first(app, db):
    old_key = app.config["DATA_KEYS"]
    mail_id = _store(db, "written under the old key")
    new_key = Fernet.generate_key().decode()

    app.config["DATA_KEYS"] = f"{new_key},{old_key}"
    assert db.session.get(StoredMail, mail_id).subject == "written under the old key"
    db.session.expunge_all()
    _rotate_row(db, mail_id)
    newer_id = _store(db, "written under the new key")

    app.config["DATA_KEYS"] = new_key  # the old key is retired
    assert db.session.get(StoredMail, mail_id).subject == "written under the old key"
    assert db.session.get(StoredMail, newer_id).subject == "written under the new key"

    db.session.expunge_all()
    app.config["DATA_KEYS"] = old_key  # data written under the new key is unreadable with the old alone
    with pytest.raises(ValueError, match="DATA_KEYS"):
        db.session.get(StoredMail, newer_id)


def test_values_written_as_fernet_tokens_still_decrypt_and_rotate_to_the_current_format(app, db):
    """Data written before the AES-GCM format keeps working until a rotation rewrites it."""
    key = app.config["DATA_KEYS"].split(",")[0]
    legacy = Fernet(key).encrypt("Rosa Martínez".encode())
    assert crypto.decrypt(legacy) == "Rosa Martínez"
    rotated = crypto.rotate(legacy)
    assert rotated[:1] == crypto.VERSION
    assert crypto.decrypt(rotated) == "Rosa Martínez"


def test_a_tampered_value_is_refused(app):
    token = bytearray(crypto.encrypt("rosa@example.org"))
    token[-1] ^= 1
    with pytest.raises(ValueError, match="DATA_KEYS"):
        crypto.decrypt(bytes(token))
