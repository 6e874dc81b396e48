"""Canonical email, blind index, and encryption at rest bound to its place, with key rotation."""

import base64
import re

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select, text

from campaign.coalitions.models import Coalition
from campaign.core import crypto
from campaign.core.crypto import canonical_email, email_blind_index
from campaign.core.mail import StoredMail
from campaign.supporters.models import DataRequest, DataRequestKind, Supporter
from tests.older_formats import fernet_token, unbind_rows, unbound_token


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


# The format's test vector: changing any part of it orphans every stored value.
VECTOR_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()  # a DATA_KEYS entry
VECTOR_NONCE = bytes(range(12))
VECTOR_ROW_KEY = bytes(range(16))
VECTOR = "02fa95899e000102030405060708090a0b6ed75d9451598493eb9576f7679e230b3ece41f2f9c344ac7a9c9a87c38cb2a0"


def test_the_bound_format_is_pinned_by_a_test_vector(app):
    app.config["DATA_KEYS"] = VECTOR_KEY
    keys = crypto._keys()
    token = keys.seal("supporter", "email", VECTOR_ROW_KEY, "rosa@example.org", nonce=VECTOR_NONCE)
    assert token.hex() == VECTOR
    assert (
        crypto.open_sealed("supporter", "email", VECTOR_ROW_KEY, bytes.fromhex(VECTOR)) == "rosa@example.org"
    )


def test_the_test_vector_follows_the_documented_format(app):
    """0x02, the key id (SHA-256 of the AES key, 4 bytes), the nonce, then AES-256-GCM of the
    plaintext with associated data "campaign-desk/v2" NUL table NUL column NUL row key."""
    aes_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"campaign-desk data key: aes-256-gcm"
    ).derive(bytes(range(32)))
    key_id = crypto.hashlib.sha256(aes_key).digest()[:4]
    place = b"campaign-desk/v2\x00supporter\x00email\x00" + VECTOR_ROW_KEY
    sealed = AESGCM(aes_key).encrypt(VECTOR_NONCE, b"rosa@example.org", place)
    assert (b"\x02" + key_id + VECTOR_NONCE + sealed).hex() == VECTOR


@pytest.fixture
def coalition(db):
    coalition = Coalition(slug="tn", name="Tennessee Immigrant and Refugee Rights Coalition")
    db.session.add(coalition)
    db.session.commit()
    return coalition


def add_supporter(db, coalition, email: str, first_name: str) -> int:
    supporter = Supporter(coalition_id=coalition.id, email=email, first_name=first_name, email_index=email)
    db.session.add(supporter)
    db.session.commit()
    return supporter.id


def stored(db, table: str, column: str, row_id: int) -> bytes:
    query = text(f"SELECT {column} FROM {table} WHERE id = :id")  # noqa: S608 - fixed names
    return bytes(db.session.execute(query, {"id": row_id}).scalar())


def overwrite(db, table: str, column: str, row_id: int, value) -> None:
    query = text(f"UPDATE {table} SET {column} = :value WHERE id = :id")  # noqa: S608 - fixed names
    db.session.execute(query, {"value": value, "id": row_id})
    db.session.commit()
    db.session.expire_all()


def test_values_are_stored_sealed_and_read_as_plain_strings(app, db, coalition):
    rosa = add_supporter(db, coalition, "rosa@example.org", "Rosa")
    token = stored(db, "supporter", "email", rosa)
    assert token[:1] == crypto.BOUND and b"rosa" not in token
    db.session.expire_all()
    supporter = db.session.get(Supporter, rosa)
    assert (supporter.email, supporter.first_name, supporter.phone) == ("rosa@example.org", "Rosa", None)
    assert len(supporter.row_key) == crypto.ROW_KEY_BYTES
    # A raw read gets the ciphertext, which the row's key opens.
    row = db.session.execute(select(Supporter.row_key, Supporter.email)).one()
    assert crypto.open_sealed("supporter", "email", row.row_key, row.email) == "rosa@example.org"
    # NULL tests work on the column as stored.
    assert db.session.scalar(select(Supporter.id).where(Supporter.phone.is_(None))) == rosa


def test_an_email_copied_to_another_supporters_row_fails_to_decrypt(app, db, coalition):
    rosa = add_supporter(db, coalition, "rosa@example.org", "Rosa")
    mallory = add_supporter(db, coalition, "mallory@example.org", "Mallory")
    overwrite(db, "supporter", "email", mallory, stored(db, "supporter", "email", rosa))
    with pytest.raises(ValueError, match=r"supporter\.email cannot be decrypted.*copied from another row"):
        _ = db.session.get(Supporter, mallory).email


def test_a_row_key_copied_with_the_email_breaks_the_rest_of_the_target_row(app, db, coalition):
    rosa = add_supporter(db, coalition, "rosa@example.org", "Rosa")
    mallory = add_supporter(db, coalition, "mallory@example.org", "Mallory")
    overwrite(db, "supporter", "email", mallory, stored(db, "supporter", "email", rosa))
    overwrite(db, "supporter", "row_key", mallory, stored(db, "supporter", "row_key", rosa))
    with pytest.raises(ValueError, match=r"supporter\.first_name cannot be decrypted"):
        _ = db.session.get(Supporter, mallory).first_name


def test_an_email_copied_to_the_first_name_of_the_same_row_fails_to_decrypt(app, db, coalition):
    rosa = add_supporter(db, coalition, "rosa@example.org", "Rosa")
    overwrite(db, "supporter", "first_name", rosa, stored(db, "supporter", "email", rosa))
    supporter = db.session.get(Supporter, rosa)
    assert supporter.email == "rosa@example.org"
    with pytest.raises(ValueError, match=r"supporter\.first_name cannot be decrypted"):
        _ = supporter.first_name


def test_an_email_copied_to_another_table_with_its_row_key_fails_to_decrypt(app, db, coalition):
    rosa = add_supporter(db, coalition, "rosa@example.org", "Rosa")
    request = DataRequest(kind=DataRequestKind.COPY, email="someone@example.org")
    db.session.add(request)
    db.session.commit()
    overwrite(db, "data_request", "email", request.id, stored(db, "supporter", "email", rosa))
    overwrite(db, "data_request", "row_key", request.id, stored(db, "supporter", "row_key", rosa))
    with pytest.raises(ValueError, match=r"data_request\.email cannot be decrypted"):
        _ = db.session.get(DataRequest, request.id).email


def test_an_unbound_value_copied_into_a_row_that_has_a_key_fails_to_decrypt(app, db, coalition):
    """Values of the older formats name no place; they read only in a row not yet given a key."""
    rosa = add_supporter(db, coalition, "rosa@example.org", "Rosa")
    overwrite(db, "supporter", "email", rosa, unbound_token("mallory@example.org"))
    with pytest.raises(ValueError, match=r"supporter\.email cannot be decrypted"):
        _ = db.session.get(Supporter, rosa).email


@pytest.mark.parametrize("older_token", [unbound_token, fernet_token])
def test_values_of_the_older_formats_still_read_and_a_write_binds_the_whole_row(
    app, db, coalition, older_token
):
    rosa = add_supporter(db, coalition, "rosa@example.org", "Rosa")
    unbind_rows(db, Supporter, older_token)
    supporter = db.session.get(Supporter, rosa)
    assert supporter.row_key is None
    assert (supporter.email, supporter.first_name) == ("rosa@example.org", "Rosa")

    supporter.phone = "615-555-0142"
    db.session.commit()
    assert stored(db, "supporter", "email", rosa)[:1] == crypto.BOUND  # resealed with the new key
    db.session.expire_all()
    supporter = db.session.get(Supporter, rosa)
    assert supporter.row_key is not None
    assert (supporter.email, supporter.first_name, supporter.phone) == (
        "rosa@example.org",
        "Rosa",
        "615-555-0142",
    )


def test_writing_the_same_value_again_writes_nothing(app, db, coalition):
    rosa = db.session.get(Supporter, add_supporter(db, coalition, "rosa@example.org", "Rosa"))
    rosa.first_name = "Rosa"
    assert not db.session.dirty


def test_a_value_that_no_longer_decrypts_can_still_be_erased(app, db, coalition):
    rosa = add_supporter(db, coalition, "rosa@example.org", "Rosa")
    overwrite(db, "supporter", "first_name", rosa, stored(db, "supporter", "email", rosa))
    db.session.get(Supporter, rosa).first_name = None
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Supporter, rosa).first_name is None


def test_a_tampered_value_is_refused(app, db, coalition):
    rosa = add_supporter(db, coalition, "rosa@example.org", "Rosa")
    token = bytearray(stored(db, "supporter", "email", rosa))
    token[-1] ^= 1
    overwrite(db, "supporter", "email", rosa, bytes(token))
    with pytest.raises(ValueError, match="DATA_KEYS"):
        _ = db.session.get(Supporter, rosa).email


def sealed_cases(keys, row_key: bytes, other_row: bytes) -> dict:
    """(row key, token) of every kind of value a supporter's email column may hold."""
    bound = keys.seal("supporter", "email", row_key, "rosa@example.org")
    tampered = bytearray(bound)
    tampered[-1] ^= 1
    return {
        "bound": (row_key, bound),
        "empty": (row_key, None),
        "accents": (row_key, keys.seal("supporter", "email", row_key, "begoña.núñez@example.org")),
        "unbound, in a row without a key": (None, unbound_token("rosa@example.org")),
        "fernet, in a row without a key": (None, fernet_token("rosa@example.org")),
        "copied from another row": (other_row, bound),
        "copied from another column": (row_key, keys.seal("supporter", "first_name", row_key, "Rosa")),
        "bound, in a row without a key": (None, bound),
        "unbound, in a row with a key": (row_key, unbound_token("rosa@example.org")),
        "tampered": (row_key, bytes(tampered)),
        "under a key no longer configured": (row_key, crypto.BOUND + b"\0\0\0\0" + bound[5:]),
    }


def assert_opened_as_open_sealed_does(cases: dict) -> None:
    open_email = crypto.column_decryptor("supporter", "email")
    for name, (row_key, token) in cases.items():
        try:
            expected = crypto.open_sealed("supporter", "email", row_key, token)
        except ValueError as error:
            with pytest.raises(ValueError, match=re.escape(str(error))):
                open_email(row_key, token)
        else:
            assert open_email(row_key, token) == expected, name


def test_a_columns_decryptor_opens_and_refuses_what_open_sealed_does(app):
    """The export's short way (`column_decryptor`) against the long one, value for value: with
    one key, then during a rotation (a new key first, values under the old one not resealed yet)."""
    row_key, other_row = crypto.new_row_key(), crypto.new_row_key()
    under_old = sealed_cases(crypto._keys(), row_key, other_row)
    assert_opened_as_open_sealed_does(under_old)
    assert crypto.column_decryptor("supporter", "email")(*under_old["bound"]) == "rosa@example.org"

    app.config["DATA_KEYS"] = f"{Fernet.generate_key().decode()},{app.config['DATA_KEYS']}"
    under_new = sealed_cases(crypto._keys(), row_key, other_row)
    assert under_new["bound"][1][1:5] != under_old["bound"][1][1:5]
    assert_opened_as_open_sealed_does(
        under_new | {f"{name}, old key": case for name, case in under_old.items()}
    )
    assert crypto.column_decryptor("supporter", "email")(*under_old["bound"]) == "rosa@example.org"


def rotate(app) -> str:
    result = app.test_cli_runner().invoke(args=["crypto", "rotate", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    return result.output


def test_crypto_rotate_binds_old_values_to_their_rows_in_batches_and_twice_is_harmless(app, db, coalition):
    ids = [add_supporter(db, coalition, f"person{n}@example.org", f"Person {n}") for n in range(5)]
    mail = StoredMail(recipient_hint="p***@example.org", subject="Confirmación", raw="body")
    db.session.add(mail)
    db.session.commit()
    unbind_rows(db, Supporter, unbound_token)
    overwrite(db, "supporter", "first_name", ids[0], fernet_token("Person 0"))
    unbind_rows(db, StoredMail, fernet_token)

    output = rotate(app)
    assert "supporter: 5 rows re-encrypted" in output
    assert "stored_mail: 1 rows re-encrypted" in output
    assert "data_request: 0 rows re-encrypted" in output
    for supporter_id in ids:
        assert stored(db, "supporter", "email", supporter_id)[:1] == crypto.BOUND
        assert stored(db, "supporter", "first_name", supporter_id)[:1] == crypto.BOUND
    db.session.expire_all()
    people = db.session.scalars(select(Supporter).order_by(Supporter.id)).all()
    assert [(person.email, person.first_name) for person in people] == [
        (f"person{n}@example.org", f"Person {n}") for n in range(5)
    ]
    assert None not in {person.row_key for person in people}
    assert db.session.get(StoredMail, mail.id).subject == "Confirmación"

    before = {supporter_id: stored(db, "supporter", "email", supporter_id) for supporter_id in ids}
    again = rotate(app)
    assert "supporter: 0 rows re-encrypted" in again and "stored_mail: 0 rows re-encrypted" in again
    assert {supporter_id: stored(db, "supporter", "email", supporter_id) for supporter_id in ids} == before


def test_key_rotation_new_key_first(app, db, coalition):
    old_key = app.config["DATA_KEYS"]
    rosa = add_supporter(db, coalition, "rosa@example.org", "Rosa")
    new_key = Fernet.generate_key().decode()

    app.config["DATA_KEYS"] = f"{new_key},{old_key}"
    db.session.expire_all()
    assert db.session.get(Supporter, rosa).email == "rosa@example.org"
    newer = add_supporter(db, coalition, "ana@example.org", "Ana")
    assert "supporter: 1 rows re-encrypted" in rotate(app)  # Ana's row is under the new key already

    app.config["DATA_KEYS"] = new_key  # the old key is retired
    db.session.expire_all()
    assert db.session.get(Supporter, rosa).email == "rosa@example.org"
    assert db.session.get(Supporter, newer).email == "ana@example.org"

    app.config["DATA_KEYS"] = old_key  # data written under the new key is unreadable with the old alone
    db.session.expire_all()
    with pytest.raises(ValueError, match="DATA_KEYS"):
        _ = db.session.get(Supporter, newer).email


def test_a_value_the_app_writes_while_rotate_runs_leaves_no_column_under_the_retired_key(
    app, db, coalition, monkeypatch
):
    """The app changes one column of a row between rotate's read and its write: rotate must not
    count that row as done while its other columns are still under the old key."""
    old_key = app.config["DATA_KEYS"]
    rosa = add_supporter(db, coalition, "rosa@example.org", "Rosa")
    app.config["DATA_KEYS"] = f"{Fernet.generate_key().decode()},{old_key}"
    resealed_row = crypto._resealed_row

    def the_app_writes_meanwhile(keys, table, row, tokens):
        change = resealed_row(keys, table, row, tokens)
        if row.id == rosa and table == "supporter":
            monkeypatch.setattr(crypto, "_resealed_row", resealed_row)
            supporter = db.session.get(Supporter, rosa)
            supporter.phone = "+12155550123"  # sealed under the new key, as the app writes it
            db.session.flush()
        return change

    monkeypatch.setattr(crypto, "_resealed_row", the_app_writes_meanwhile)
    rotate(app)
    app.config["DATA_KEYS"] = app.config["DATA_KEYS"].split(",")[0]  # the old key is retired
    db.session.expire_all()
    supporter = db.session.get(Supporter, rosa)
    assert (supporter.email, supporter.first_name, supporter.phone) == (
        "rosa@example.org",
        "Rosa",
        "+12155550123",
    )


def test_a_row_no_key_opens_is_reported_and_does_not_stop_the_rotation(app, db, coalition):
    ids = [add_supporter(db, coalition, f"person{n}@example.org", f"Person {n}") for n in range(3)]
    unbind_rows(db, Supporter, unbound_token)
    overwrite(db, "supporter", "email", ids[1], Fernet(Fernet.generate_key()).encrypt(b"lost@example.org"))
    result = app.test_cli_runner().invoke(args=["crypto", "rotate", "--batch-size", "2"])
    assert result.exit_code == 1
    assert "supporter: 2 rows re-encrypted" in result.output
    assert f"supporter: no key in DATA_KEYS opens rows {ids[1]}; left as they are" in result.output
    assert stored(db, "supporter", "email", ids[2])[:1] == crypto.BOUND
