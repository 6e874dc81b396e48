"""Images organizers upload: checked, shrunk and re-encoded before they are stored.

Re-encoding drops every byte of metadata a camera wrote, GPS position included: a photo of a
rally must not tell where the person who took it lives. It also means we never serve a file
exactly as someone uploaded it.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1200  # wide enough for a phone at 3x and for link previews
# Decoding a 10,000 x 10,000 image takes ~400 MB; refuse larger ones before decoding.
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 82


class ImageRejected(ValueError):
    """The upload is not an image we take; the message says why, for the organizer."""


@dataclass(frozen=True)
class PreparedImage:
    data: bytes
    width: int
    height: int  # the data is always a JPEG


def prepare(stream, too_big: str, not_an_image: str) -> PreparedImage:
    """A JPEG at most MAX_SIDE wide and high, upright, without metadata. The two messages are
    the caller's (translated) words for the two ways an upload fails."""
    raw = stream.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ImageRejected(too_big)
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format not in ACCEPTED_FORMATS or image.width * image.height > MAX_PIXELS:
                raise ImageRejected(not_an_image)
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as error:
        raise ImageRejected(not_an_image) from error
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return PreparedImage(out.getvalue(), upright.width, upright.height)
