"""Files sealed a chunk at a time: they open only whole, unchanged, in their place, with a key held."""

import io
import os

import pytest
from cryptography.fernet import Fernet

from campaign.core import sealed_files
from campaign.core.sealed_files import CHUNK

HEADER = len(sealed_files.FORMAT) + 4 + sealed_files.SALT_BYTES
SEALED = CHUNK + 16


def seal(path, data: bytes, place="imports/1-a.csv", pieces=7000) -> bytes:
    with sealed_files.writer(path, place) as out:
        for start in range(0, len(data), pieces):  # written in pieces that cross chunk ends
            out.write(data[start : start + pieces])
    return path.read_bytes()


def opened(path, place="imports/1-a.csv") -> bytes:
    with sealed_files.reader(path, place) as source:
        return source.read()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5])
def test_round_trip_of_any_size(app, tmp_path, size):
    data = os.urandom(size)
    sealed = seal(tmp_path / "f", data)
    chunks = max(1, -(-size // CHUNK))
    assert len(sealed) == HEADER + size + 16 * chunks
    assert opened(tmp_path / "f") == data


def test_the_bytes_on_disk_hold_no_plaintext_and_two_seals_differ(app, tmp_path):
    data = b"email,first_name\nmaria@example.org,Mar\xc3\xada\n" * 5000
    first, second = seal(tmp_path / "a", data), seal(tmp_path / "b", data)
    assert b"maria@example.org" not in first and b"example" not in first
    assert first[HEADER:] != second[HEADER:]  # a random salt: a key of its own per file


def test_read_as_a_stream_a_line_at_a_time(app, tmp_path):
    lines = [f"row {n}, person{n}@example.org\n".encode() for n in range(20_000)]
    seal(tmp_path / "f", b"".join(lines))
    with sealed_files.reader(tmp_path / "f", "imports/1-a.csv") as source:
        text = io.TextIOWrapper(source, encoding="utf-8", newline="")
        assert sum(1 for _ in text) == 20_000


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


def test_any_change_cut_reorder_or_move_fails_to_open(app, tmp_path):
    sealed = seal(tmp_path / "f", os.urandom(3 * CHUNK + 100))
    first, second = sealed[HEADER : HEADER + SEALED], sealed[HEADER + SEALED : HEADER + 2 * SEALED]
    damaged = {
        "a bit of the body": flip(sealed, HEADER + 5),
        "a bit of the salt": flip(sealed, HEADER - 1),
        "cut after a chunk": sealed[: HEADER + 2 * SEALED],
        "the last chunk dropped": sealed[: HEADER + 3 * SEALED],
        "cut mid-chunk": sealed[:-7],
        "header only": sealed[:HEADER],
        "two chunks swapped": sealed[:HEADER] + second + first + sealed[HEADER + 2 * SEALED :],
        "a byte appended": sealed + b"\x00",
        "a chunk repeated": sealed[: HEADER + SEALED] + first + sealed[HEADER + SEALED :],
        "not sealed at all": b"email\nmaria@example.org\n",
    }
    for what, data in damaged.items():
        (tmp_path / "g").write_bytes(data)
        with pytest.raises(ValueError):
            opened(tmp_path / "g")
            pytest.fail(what)
    with pytest.raises(ValueError):
        opened(tmp_path / "f", place="imports/2-b.csv")  # another coalition's name


def test_opens_after_rotation_while_the_old_key_is_kept_and_not_after(app, tmp_path, monkeypatch):
    old = app.config["DATA_KEYS"]
    seal(tmp_path / "f", b"email\nana@example.org\n")
    monkeypatch.setitem(app.config, "DATA_KEYS", f"{Fernet.generate_key().decode()},{old}")
    assert opened(tmp_path / "f") == b"email\nana@example.org\n"
    monkeypatch.setitem(app.config, "DATA_KEYS", Fernet.generate_key().decode())
    with pytest.raises(ValueError):
        opened(tmp_path / "f")


def test_a_failed_write_leaves_no_file(app, tmp_path):
    with pytest.raises(RuntimeError), sealed_files.writer(tmp_path / "f", "imports/1-a.csv") as out:
        out.write(b"email\nana@example.org\n")
        raise RuntimeError("the upload was refused")
    assert not (tmp_path / "f").exists()
