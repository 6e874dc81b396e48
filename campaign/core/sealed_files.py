"""Files encrypted at rest with the data keys, written and read as streams, a chunk at a time.

The STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár), as in Tink's AES-GCM-HKDF
streaming AEAD. A header holds the format, the data key's id (core/crypto.py, DATA_KEYS) and a
random salt; HKDF turns that key and salt into a key for this file alone, so its chunks can take
their numbers as nonces without any risk of reuse. Each chunk of up to 64 KiB is sealed with
AES-256-GCM: the nonce is its number (11 bytes) and a flag set on the last chunk only; the
associated data is the header and the file's place (its name). So a chunk changed, moved,
dropped or repeated, a file cut after any chunk or extended, a header changed, or a file copied
under another name, fails to open. Both ends hold a chunk or two in memory, never the file.

Such files live hours (an upload waiting to be imported), so `flask crypto rotate` leaves them:
keep a retired key in DATA_KEYS for a day after rotating, until what was sealed under it is gone.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from os import urandom
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from campaign.core.crypto import KEY_ID_BYTES, data_key

FORMAT = b"CDSF\x01"
SALT_BYTES = 16
CHUNK = 64 * 1024
_SEALED_CHUNK = CHUNK + 16  # and GCM's tag
_HEADER_BYTES = len(FORMAT) + KEY_ID_BYTES + SALT_BYTES
_INFO = b"campaign-desk sealed file: aes-256-gcm"


def _file_cipher(material: bytes, salt: bytes) -> AESGCM:
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO).derive(material))


def _nonce(number: int, last: bool) -> bytes:
    return number.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class _SealingWriter:
    """Seals what is written as it comes. The chunk in hand is sealed once more follows, or by
    `finish`, which marks it the last (an empty file still has one: empty, and last)."""

    def __init__(self, out: BinaryIO, place: bytes):
        key_id, material = data_key()
        salt = urandom(SALT_BYTES)
        header = FORMAT + key_id + salt
        self._cipher, self._associated = _file_cipher(material, salt), header + place
        self._out, self._pending, self._number = out, bytearray(), 0
        out.write(header)

    def write(self, data: bytes) -> int:
        self._pending += data
        while len(self._pending) > CHUNK:
            self._seal(bytes(self._pending[:CHUNK]), last=False)
            del self._pending[:CHUNK]
        return len(data)

    def finish(self) -> None:
        self._seal(bytes(self._pending), last=True)
        self._pending.clear()

    def _seal(self, chunk: bytes, last: bool) -> None:
        self._out.write(self._cipher.encrypt(_nonce(self._number, last), chunk, self._associated))
        self._number += 1


@contextmanager
def writer(path: Path, place: str) -> Iterator[_SealingWriter]:
    """Write `path` sealed under the first data key for `place`; the file is removed if the
    block raises, so no half-written file stays."""
    try:
        with path.open("wb") as out:
            sealing = _SealingWriter(out, place.encode())
            yield sealing
            sealing.finish()
    except BaseException:
        path.unlink(missing_ok=True)
        raise


class _OpenedFile(io.RawIOBase):
    """The plaintext of a sealed file, opened a chunk at a time; ValueError if it does not open."""

    def __init__(self, source: BinaryIO, place: bytes):
        super().__init__()
        header = source.read(_HEADER_BYTES)
        key = data_key(header[len(FORMAT) : len(FORMAT) + KEY_ID_BYTES])
        if len(header) != _HEADER_BYTES or not header.startswith(FORMAT) or key is None:
            raise ValueError("not a sealed file, or the configured DATA_KEYS lack its key")
        self._cipher = _file_cipher(key[1], header[-SALT_BYTES:])
        self._associated = header + place
        self._source, self._number, self._last_opened = source, 0, False
        self._next = source.read(_SEALED_CHUNK)
        self._plain, self._offset = b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._offset == len(self._plain) and not self._last_opened:
            self._open_next()
        count = min(len(buffer), len(self._plain) - self._offset)
        buffer[:count] = self._plain[self._offset : self._offset + count]
        self._offset += count
        return count

    def _open_next(self) -> None:
        # One chunk read ahead: the last chunk is the one nothing follows.
        record, self._next = self._next, self._source.read(_SEALED_CHUNK)
        self._last_opened = not self._next
        try:
            self._plain = self._cipher.decrypt(
                _nonce(self._number, self._last_opened), record, self._associated
            )
        except InvalidTag as error:
            raise ValueError(
                f"chunk {self._number} of a sealed file does not open: changed or cut"
            ) from error
        self._offset, self._number = 0, self._number + 1

    def close(self) -> None:
        self._source.close()
        super().close()


def reader(path: Path, place: str) -> io.BufferedReader:
    """The plaintext of a file written by `writer` for the same `place`, as a binary stream."""
    source = path.open("rb")
    try:
        return io.BufferedReader(_OpenedFile(source, place.encode()), buffer_size=CHUNK)
    except BaseException:
        source.close()
        raise
