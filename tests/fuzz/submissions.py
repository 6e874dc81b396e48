"""Generated submissions: a form's fields filled as a person would, with a few hostile values.

Each submission starts from values that pass (the page's own, or ones seen on another form for
a field of that name), then corrupts a few fields, leaves some out or sends them twice, and
encodes the whole body as a form, multipart, JSON, plain text or garbage. Every hostile value
carries a label ("NUL", "CR/LF", "10,000 chars", ...) so a failure says what caused it.
"""

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from tests.fuzz.site import Field, Form

Value = str | bytes  # bytes: sent as they are, e.g. invalid UTF-8

# What a person types, by input type, for fields no page filled in.
TYPED = {
    "email": ["ana@example.org", "fuzz@example.org", "Erika.Almiron+fuzz@Juntos.example"],
    "password": ["correct horse battery staple"],
    "date": ["2030-05-29", "2024-03-01"],  # the day of action's, and one past (a delivery)
    "datetime-local": ["2030-05-29T10:00", "2030-05-29T18:30"],
    "number": ["1", "10", "250"],
    "tel": ["215-555-0100", "+1 (213) 555-0199"],
    "url": ["https://example.org/photos"],
    "textarea": ["Bring signs.\r\nMeet at the steps.", "Families belong together."],
    "text": ["Ana Reyes", "Juntos"],
}
# Words of field names whose values must look like these to pass (typed by name, not by type).
BY_NAME = {
    "zip": ["19104", "90012", "30093"],
    "state": ["CA", "PA"],
    "year": ["1990"],
    "city": ["Fresno"],
    "names": ["Ana Reyes, 19104\r\nLuis Soto, 90012"],  # paper signatures: a name and a ZIP per line
}

# (label, piece): mixed into a value that passes, or sent instead of it.
PIECES = [
    ("NUL", "\x00"),
    ("CR/LF", "\r\n"),
    ("LF", "\n"),
    ("CR", "\r"),
    ("control character", "\x1b[31m\x07\x08"),
    ("DEL/C1 control", "\x7f\x85\x9b"),
    ("line separator", "\u2028\u2029"),
    ("bidi override", "\u202e"),
    ("lone surrogate", "\ud800"),
    ("lone surrogate", "\udfff"),
    ("noncharacter", "\ufffe\uffff"),
    ("BOM/zero width", "\ufeff\u200b"),
    ("markup", "<script>alert(1)</script>"),
    ("formula", '=HYPERLINK("http://evil.example","x")'),
    ("template", "{{ 7*7 }}{% raw %}"),
    ("format string", "%s%n%(x)s{0}"),
    ("SQL", "' OR 1=1; --"),
    ("emoji", "👩🏽‍🌾🇺🇸"),
    ("combining", "e\u0301\u0301\u0301"),
]
WHOLE = [
    ("empty", ""),
    ("blank", "   \t "),
    ("number-like", "-1"),
    ("number-like", "0"),
    ("number-like", "1e309"),
    ("number-like", "NaN"),
    ("number-like", "99999999999999999999999"),
    ("number-like", "١٢٣"),
    ("number-like", "1_000"),
    ("date-like", "2030-02-30"),
    ("date-like", "9999-12-31T23:59"),
    ("date-like", "0001-01-01"),
    ("date-like", "2030-05-29T25:61"),
    ("ZIP+4", "30093-1234"),
    ("ZIP-like", "00000"),
    ("IDN address", "josé@example.org"),
    ("IDN address", "maria@correo-exämple.org"),
    ("odd address", '"a b"@example.org'),
    ("odd address", "x@[127.0.0.1]"),
    ("odd address", "a@b"),
    ("odd address", "ana@example.org\r\nBcc: all@example.org"),
    ("JSON-like", '{"a": [1]}'),
    ("URL", "javascript:alert(1)"),
    ("URL", "https://example.org/" + "a" * 2000),
]
# Long values: 10,000 characters (the size) of each kind, and one megabyte (a `source`
# of any length was copied into a Location header).
LONG = [
    (f"{size:,} x {char!r}", char * size)
    for char in ("a", "é", "\x00", "\n", "𝔘", "<")
    for size in (256, 10_000)
]
LONG.append(("1,000,000 chars", "a" * 1_000_000))
QUERY_NAMES = ["next", "source", "show", "state", "q", "email", "kind", "lang"]
RANDOM_TEXT, RANDOM_BYTES = object(), object()  # made up by each submission's own Random
ALPHABET = "aZ09 _-.,;:'\"<>&%+=@/\\\t\n\r\x00\x01\x7féñ€𝔘\u200b\u202e\ud800\ufffd"
LANGUAGES = ["es", "en-US,en;q=0.5", "*", "zz", "es;q=abc", "\x00", "es-" + "x" * 300]


@dataclass
class Submission:
    """One request, and what was unusual about it (for the report)."""

    url: str
    content_type: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # field (or "body", "query") -> label


def passing(form_field: Field, seen: dict[str, list[str]]) -> list[str]:
    """Other values a person would send: the choices offered, else values seen for the name on
    another page, else typed by the input's name or type."""
    if form_field.kind in ("select", "radio", "checkbox"):
        return [value for value in form_field.values if value] or [""]  # "Choose…" is not a choice
    if form_field.kind in ("submit", "hidden"):
        return form_field.values or [""]
    offered = [value for value in form_field.values if value.strip()]
    offered += [value for value in seen.get(form_field.name, []) if value not in offered]
    words = form_field.name.split("_")
    by_name = next((values for word, values in BY_NAME.items() if word in words), None)
    return offered or by_name or TYPED.get(form_field.kind, TYPED["text"])


def _unchanged_or_typed(plain: random.Random, form_field: Field, others: list[str]) -> list[str]:
    """What a person sends for a field they do not spoil: mostly what the page had (a box left
    as it was, an edit page's saved title, an optional field left empty), else another value
    that passes; a required field left empty on the page is filled in."""
    if form_field.kind == "submit":
        return [plain.choice(form_field.values)] if plain.random() < 0.5 else []
    if form_field.kind == "checkbox":  # left as it was, or ticked by the person (as an "I agree")
        if plain.random() < 0.5 and not form_field.required:
            return form_field.sent
        return [value for value in form_field.values if plain.random() < 0.7]
    kept = form_field.sent[:1]
    if any(value.strip() for value in kept):
        return kept if plain.random() < 0.85 else [plain.choice(others)]
    # Empty on the page: required ones are filled in; optional ones too, often (an address is
    # required unless the event is virtual, which the page does not mark).
    return [plain.choice(others)] if form_field.required or plain.random() < 0.5 else kept


def _made_up(plain: random.Random, piece) -> Value:
    """The piece itself, or random text or bytes made up for this submission."""
    if piece is RANDOM_TEXT:
        return "".join(plain.choices(ALPHABET, k=plain.randint(1, 40)))
    if piece is RANDOM_BYTES:
        return b"\xff" + plain.randbytes(plain.randint(1, 12))
    return piece


def _mixed(piece: Value, where: str, value: str) -> Value:
    if isinstance(piece, bytes):
        return piece + value.encode()
    return {"before": piece + value, "after": value + piece, "instead": piece}.get(
        where, value[: len(value) // 2] + piece + value[len(value) // 2 :]
    )


# (label, piece or value, where): a piece is put before, after, in the middle of or instead of
# a value that passes; a whole value ("instead") replaces it.
SPOILERS = [
    (label, piece, where) for label, piece in PIECES for where in ("before", "after", "middle", "instead")
]
SPOILERS += [(label, value, "instead") for label, value in WHOLE + LONG]
SPOILERS += [("random text", RANDOM_TEXT, "instead"), ("invalid UTF-8", RANDOM_BYTES, "instead")]
# Mostly one field spoiled: a single spoiled field among values that pass is what reaches the
# database; a quarter of the submissions spoil two or three.
ONE_SPOILING = 0.75
EXTRA_NAMES = ["csrf_token", "unknown", "", "a[b]", "\x00", "x" * 300, "é"]


def generated(form: Form, seen: dict[str, list[str]], seed: int) -> Iterator[Submission]:
    """Submissions without end, the same ones for the same seed: what is done to up to three
    fields is drawn from SPOILERS, and the many plain choices (which fields they go to, each
    untouched field's value, the encoding) from a `Random` seeded by one draw. Plain draws, not
    Hypothesis: its engine cost 3 ms per submission, a third of what the request took, and
    nothing here needs what it adds (no shrinking: failures are collected with their causes)."""
    valid = {name: passing(form.fields[name], seen) for name in sorted(form.fields)}
    draw = random.Random(seed)
    while True:
        count = 1 if draw.random() < ONE_SPOILING else draw.randint(2, 3)
        yield _submission(form, valid, draw.getrandbits(32), draw.choices(SPOILERS, k=count))


# What every field gets once, alone, in an otherwise valid form (a random draw may miss a field
# of twenty): the classes, by the kind of input.
EACH_TEXT = [
    ("NUL", "\x00", "middle"),
    ("LF", "\n", "middle"),
    ("lone surrogate", "\ud800", "after"),
    ("10,000 x 'a'", "a" * 10_000, "instead"),
]
EACH_CHOICE = [("not a choice", "\r", "instead"), ("empty choice", "", "instead")]


def one_by_one(form: Form, seen: dict[str, list[str]]) -> list[Submission]:
    """Every field spoiled alone with each class that fits it, the rest as the page had it."""
    valid = {name: passing(form.fields[name], seen) for name in sorted(form.fields)}
    found = []
    for name, each in sorted(form.fields.items()):
        if each.kind in ("submit", "file", "checkbox"):
            continue
        for spoiler in EACH_CHOICE if each.kind in ("select", "radio") else EACH_TEXT:
            found.append(_submission(form, valid, len(found), [spoiler], alone=name))
    return found


def _submission(
    form: Form, valid: dict[str, list[str]], seed: int, spoilings: list, alone=None
) -> Submission:
    """`alone`: spoil only this field, with the first spoiling, in an otherwise plain form post."""
    plain = random.Random(seed)
    names = list(valid)
    # Now and then every field at once; else one spoiling per field drawn, the rest as typed.
    if alone:
        targets = {alone: spoilings[0]}
    elif names and plain.random() < 0.05:
        targets = {name: plain.choice(spoilings) for name in names}
    else:
        targets = dict(zip(plain.sample(names, min(len(names), len(spoilings))), spoilings, strict=False))
    pairs: list[tuple[str, Value]] = []
    labels: dict[str, str] = {}
    for name in names:
        typed = plain.choice(valid[name])
        if form.fields[name].kind == "file" and name not in targets:
            continue  # no file chosen: a spoiled one is sent as a file's content
        if name not in targets:
            pairs += [(name, value) for value in _unchanged_or_typed(plain, form.fields[name], valid[name])]
            continue
        label, piece, where = targets[name]
        value = _mixed(_made_up(plain, piece), where, typed)
        presence = 1.0 if alone else plain.random()
        if presence < 0.15:
            label, value = "missing", None
        elif presence < 0.3:
            label = f"{label}, sent twice"
            pairs.append((name, typed))
        labels[name] = label
        if value is not None:
            pairs.append((name, value))
    url = plain.choice(form.urls)
    headers = {}
    if not alone:
        url = _spoil_around(
            plain, form, pairs, labels, spoilings[len(targets) :] or spoilings[-1:], url, headers
        )
    encoding = _as_form if alone else plain.choice(ENCODINGS)
    files = {name for name, each in form.fields.items() if each.kind == "file"}
    content_type, body = encoding(pairs, form.multipart or plain.random() < 0.2, files)
    if encoding is not _as_form:
        labels["body"] = encoding.__doc__
    return Submission(url, content_type, body, headers, labels)


def _spoil_around(plain, form: Form, pairs: list, labels: dict, extras: list, url: str, headers: dict) -> str:
    """Now and then a field the form does not have, a query string, an odd Accept-Language."""
    if not form.fields or plain.random() < 0.15:  # a button's form has nothing else to spoil
        extra = plain.choice(EXTRA_NAMES)
        label, piece, _ = plain.choice(extras)
        pairs.append((extra, _made_up(plain, piece)))
        labels[f"extra field {extra[:20]!r}"] = label
    if plain.random() < 0.15:
        name = plain.choice(QUERY_NAMES + sorted(form.fields))
        label, piece, _ = plain.choice(extras)
        url += f"?{urlencoded([(name, _made_up(plain, piece))]).decode()}"
        labels[f"query {name}"] = label
    if plain.random() < 0.1:
        headers["Accept-Language"] = plain.choice(LANGUAGES)
        labels["Accept-Language"] = repr(headers["Accept-Language"][:20])
    return url


def _bytes(value: Value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def urlencoded(pairs) -> bytes:
    return "&".join(f"{quote_plus(_bytes(k))}={quote_plus(_bytes(v))}" for k, v in pairs).encode()


BOUNDARY = "----fuzzBoundary7MA4YWxkTrZu0gW"


def _multipart(pairs, files=()) -> bytes:
    parts = []
    for name, value in pairs:
        disposition = b'Content-Disposition: form-data; name="' + _bytes(name) + b'"'
        if name in files:
            disposition += b'; filename="x.png"\r\nContent-Type: image/png'
        parts.append(
            b"--" + BOUNDARY.encode() + b"\r\n" + disposition + b"\r\n\r\n" + _bytes(value) + b"\r\n"
        )
    return b"".join(parts) + b"--" + BOUNDARY.encode() + b"--\r\n"


def _as_form(pairs, multipart: bool, files: set[str]):
    """form"""
    if multipart:
        return f"multipart/form-data; boundary={BOUNDARY}", _multipart(pairs, files)
    return "application/x-www-form-urlencoded", urlencoded(pairs)


def _as_json(pairs, multipart: bool, files: set[str]):
    """JSON body"""
    values = {_bytes(k).decode("utf-8", "replace"): _bytes(v).decode("utf-8", "replace") for k, v in pairs}
    return "application/json", json.dumps(values).encode()


def _as_text(pairs, multipart: bool, files: set[str]):
    """text/plain body"""
    return "text/plain", b"\r\n".join(_bytes(k) + b"=" + _bytes(v) for k, v in pairs)


def _no_type(pairs, multipart: bool, files: set[str]):
    """body without a content type"""
    return None, urlencoded(pairs)


def _wrong_charset(pairs, multipart: bool, files: set[str]):
    """form declared as UTF-16"""
    return "application/x-www-form-urlencoded; charset=utf-16", urlencoded(pairs)


def _no_boundary(pairs, multipart: bool, files: set[str]):
    """multipart without its boundary"""
    return "multipart/form-data", _multipart(pairs, files)


def _cut_multipart(pairs, multipart: bool, files: set[str]):
    """multipart cut short"""
    body = _multipart(pairs, files)
    return f"multipart/form-data; boundary={BOUNDARY}", body[: len(body) // 2]


def _garbage(pairs, multipart: bool, files: set[str]):
    """garbage body"""
    return "application/x-www-form-urlencoded", b"%%%\xff\xfe&=&%zz=%0" + urlencoded(pairs)[:50]


# Mostly real forms: the validators are what is fuzzed; the rest checks the parsing around them.
ENCODINGS = [_as_form] * 12 + [
    _as_json,
    _as_text,
    _no_type,
    _wrong_charset,
    _no_boundary,
    _cut_multipart,
    _garbage,
]
