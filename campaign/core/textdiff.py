"""Word-level differences between two texts, marked up for pages, HTML mail and plain-text mail."""

import difflib
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

SAME, INSERTED, DELETED = "same", "ins", "del"
FOLDED = "fold"  # unchanged paragraphs left out of what is shown; its text is how many
_WORDS = re.compile(r"\S+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Unchanged paragraphs are shown only when fewer than this many lie together: a typo fixed in a
# three-page letter shows its own paragraph, not the three pages.
FOLD_FROM = 2

# A diff as stored in a notice's JSON context: [[kind, text], ...].
Pieces = list[list[str]]


def word_diff(before: str, after: str) -> Pieces:
    """`after` as pieces kept, inserted or deleted since `before`, word by word. Only words are
    compared: the spaces and line breaks shown are the new text's, so the kept and inserted
    pieces put together are `after` itself, and a changed phrase reads as one deletion and one
    insertion rather than alternating with the spaces between its words."""
    before, after = before or "", after or ""
    old, new = list(_WORDS.finditer(before)), list(_WORDS.finditer(after))
    pieces: Pieces = []
    _append(pieces, SAME, after[: new[0].start()] if new else after)
    matcher = difflib.SequenceMatcher(None, [m[0] for m in old], [m[0] for m in new], autojunk=False)
    for tag, old_from, old_to, new_from, new_to in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            # A deletion keeps the break that followed it (a removed paragraph); one replaced
            # stands a space apart from its replacement.
            gap = " " if tag == "replace" else before[old[old_to - 1].end() : _start(old, old_to, before)]
            _append(pieces, DELETED, before[old[old_from].start() : old[old_to - 1].end()] + gap)
        if new_from < new_to:
            words_end = new[new_to - 1].end()
            _append(pieces, SAME if tag == "equal" else INSERTED, after[new[new_from].start() : words_end])
            _append(pieces, SAME, after[words_end : _start(new, new_to, after)])
    return pieces


def _start(words: list[re.Match], index: int, text: str) -> int:
    return words[index].start() if index < len(words) else len(text)


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


def folded(pieces: Pieces) -> Pieces:
    """The pieces with long unchanged stretches left out: the paragraph around each change is
    kept (the one before or after it when the change is a whole paragraph), and a FOLDED piece
    says how many whole paragraphs were skipped."""
    shown: Pieces = []
    last = len(pieces) - 1
    for index, (kind, text) in enumerate(pieces):
        breaks = list(_PARAGRAPH_BREAK.finditer(text)) if kind == SAME else []
        head = _kept_head(text, breaks) if index > 0 else 0
        tail = _kept_tail(text, breaks) if index < last else 0
        hidden = len(breaks) + 1 - head - tail
        if kind != SAME or hidden < FOLD_FROM:
            shown.append([kind, text])
            continue
        if head:
            shown.append([SAME, text[: breaks[head - 1].end()]])
        shown.append([FOLDED, str(hidden)])
        if tail:
            shown.append([SAME, text[breaks[-tail].start() :]])
    return shown


def _kept_head(text: str, breaks: list[re.Match]) -> int:
    """Paragraphs kept after a change: the rest of its own, or the next if it ended one."""
    return 2 if breaks and not text[: breaks[0].start()].strip() else 1


def _kept_tail(text: str, breaks: list[re.Match]) -> int:
    """Paragraphs kept before a change: the start of its own, or the one before if it starts one."""
    return 2 if breaks and not text[breaks[-1].end() :].strip() else 1


def _folded_words(count: str) -> str:
    return ngettext("%(num)d unchanged paragraph", "%(num)d unchanged paragraphs", int(count))


def diff_html(pieces: Pieces) -> Markup:
    """<ins>/<del> with words a screen reader says ("inserted:", "deleted:"), not colour alone.
    Every piece is escaped: the texts are organizers' and may hold anything."""
    labels = {INSERTED: _("inserted:"), DELETED: _("deleted:")}
    out = []
    for kind, text in folded(pieces):
        if kind == SAME:
            out.append(escape(text))
        elif kind == FOLDED:
            out.append(Markup('<span class="diff-fold">[… {} …]</span>').format(_folded_words(text)))
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
    return "".join(
        f"[… {_folded_words(text)} …]" if kind == FOLDED else marks[kind].format(text)
        for kind, text in folded(pieces)
    )
