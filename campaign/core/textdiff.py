"""Word-level differences between two texts, marked up for pages, HTML mail and plain-text mail."""

import difflib
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

SAME, INSERTED, DELETED = "same", "ins", "del"
# Words and the spaces between them, so the pieces put back together are the text itself.
_TOKENS = re.compile(r"\s+|[^\s]+")

# A diff as stored in a notice's JSON context: [[kind, text], ...].
Pieces = list[list[str]]


def word_diff(before: str, after: str) -> Pieces:
    """`after` as pieces kept, inserted or deleted since `before`, word by word."""
    old, new = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    pieces: Pieces = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, old_from, old_to, new_from, new_to in matcher.get_opcodes():
        if tag == "equal":
            _append(pieces, SAME, "".join(old[old_from:old_to]))
            continue
        _append(pieces, DELETED, "".join(old[old_from:old_to]))
        _append(pieces, INSERTED, "".join(new[new_from:new_to]))
    return pieces


def _append(pieces: Pieces, kind: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1][0] == kind:
        pieces[-1][1] += text
    else:
        pieces.append([kind, text])


@dataclass(frozen=True)
class DiffSize:
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def diff_size(pieces: Pieces) -> DiffSize:
    """Words inserted and deleted (spaces alone do not count as a word)."""

    def words(kind: str) -> int:
        return sum(len(text.split()) for piece_kind, text in pieces if piece_kind == kind)

    return DiffSize(words(INSERTED), words(DELETED))


def diff_html(pieces: Pieces) -> Markup:
    """<ins>/<del> with words a screen reader says ("inserted:", "deleted:"), not colour alone.
    Every piece is escaped: the texts are organizers' and may hold anything."""
    labels = {INSERTED: _("inserted:"), DELETED: _("deleted:")}
    out = []
    for kind, text in pieces:
        if kind == SAME:
            out.append(escape(text))
        else:
            out.append(
                Markup('<{0}><span class="visually-hidden">{1} </span>{2}</{0}>').format(
                    kind, labels[kind], text
                )
            )
    return Markup('<div class="text-diff">{}</div>').format(Markup("").join(out))


def diff_text(pieces: Pieces) -> str:
    """For plain-text mail: [+inserted+] and [-deleted-]."""
    marks = {SAME: "{}", INSERTED: "[+{}+]", DELETED: "[-{}-]"}
    return "".join(marks[kind].format(text) for kind, text in pieces)
