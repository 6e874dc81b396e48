"""Word-level differences between two texts, marked up for pages, HTML mail and plain-text mail."""

import bisect
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
    for tag, old_from, old_to, new_from, new_to in _opcodes([m[0] for m in old], [m[0] for m in new]):
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


# How the words are matched. difflib alone takes minutes on a long letter whose words repeat (a
# list of 1,700 places, each line edited), and the confirm page is public. So: the common start
# and end are kept; words found once on each side anchor the rest (as in "patience diff"), in
# order; difflib matches only the stretches between anchors, while small; a stretch with no anchor
# and too big for difflib reads as replaced whole. Every step is counted against a budget, so a
# diff of any two texts takes a bounded time (bench/letter_diff.py measures it).
#
# difflib's matching of n words against m costs up to about n·m·min(n, m) steps when words repeat
# (~50 ns each here); one stretch may take this many, and one diff this many in all:
DIFFLIB_STRETCH_STEPS = 250_000
DIFFLIB_DIFF_STEPS = 2_000_000
# Looking for anchors reads each word of a stretch once, again in each stretch between anchors:
ANCHOR_DIFF_STEPS = 1_000_000

Opcode = tuple[str, int, int, int, int]


def _opcodes(old: list[str], new: list[str]) -> list[Opcode]:
    """Like difflib.SequenceMatcher.get_opcodes, for the words of both texts."""
    opcodes: list[Opcode] = []
    old_at = new_at = 0
    for old_match, new_match, size in [*_WordMatcher(old, new).matching_blocks(), (len(old), len(new), 0)]:
        deleted, inserted = old_at < old_match, new_at < new_match
        if deleted or inserted:
            tag = "replace" if deleted and inserted else "delete" if deleted else "insert"
            opcodes.append((tag, old_at, old_match, new_at, new_match))
        if size:
            opcodes.append(("equal", old_match, old_match + size, new_match, new_match + size))
        old_at, new_at = old_match + size, new_match + size
    return opcodes


class _WordMatcher:
    def __init__(self, old: list[str], new: list[str]):
        self.old, self.new = old, new
        self.difflib_steps, self.anchor_steps = DIFFLIB_DIFF_STEPS, ANCHOR_DIFF_STEPS
        self.matches: list[tuple[int, int, int]] = []

    def matching_blocks(self) -> list[tuple[int, int, int]]:
        """(old index, new index, length) of each run of words kept, in order, runs joined."""
        stretches = [(0, len(self.old), 0, len(self.new))]
        while stretches:
            stretches.extend(self._match(*stretches.pop()))
        joined: list[list[int]] = []
        for old_at, new_at, size in sorted(self.matches):
            if joined and joined[-1][0] + joined[-1][2] == old_at and joined[-1][1] + joined[-1][2] == new_at:
                joined[-1][2] += size
            else:
                joined.append([old_at, new_at, size])
        return [(old_at, new_at, size) for old_at, new_at, size in joined]

    def _match(self, old_lo: int, old_hi: int, new_lo: int, new_hi: int) -> list[tuple[int, int, int, int]]:
        """Record the matches found in one stretch; return the stretches left to match."""
        old, new = self.old, self.new
        size = 0
        while old_lo + size < old_hi and new_lo + size < new_hi and old[old_lo + size] == new[new_lo + size]:
            size += 1
        self._keep(old_lo, new_lo, size)
        old_lo, new_lo = old_lo + size, new_lo + size
        size = 0
        while (
            old_lo < old_hi - size
            and new_lo < new_hi - size
            and old[old_hi - size - 1] == new[new_hi - size - 1]
        ):
            size += 1
        old_hi, new_hi = old_hi - size, new_hi - size
        self._keep(old_hi, new_hi, size)
        n, m = old_hi - old_lo, new_hi - new_lo
        if not n or not m:
            return []
        steps = n * m * min(n, m)
        if steps <= min(DIFFLIB_STRETCH_STEPS, self.difflib_steps):
            self.difflib_steps -= steps
            matcher = difflib.SequenceMatcher(None, old[old_lo:old_hi], new[new_lo:new_hi], autojunk=False)
            for old_at, new_at, size in matcher.get_matching_blocks():
                self._keep(old_lo + old_at, new_lo + new_at, size)
            return []
        anchors = self._anchors(old_lo, old_hi, new_lo, new_hi)
        between = []
        for old_at, new_at in [*anchors, (old_hi, new_hi)] if anchors else []:
            between.append((old_lo, old_at, new_lo, new_at))
            self._keep(old_at, new_at, 1 if old_at < old_hi else 0)
            old_lo, new_lo = old_at + 1, new_at + 1
        return between

    def _anchors(self, old_lo: int, old_hi: int, new_lo: int, new_hi: int) -> list[tuple[int, int]]:
        """The longest run, in order on both sides, of words found once in each side's stretch."""
        self.anchor_steps -= (old_hi - old_lo) + (new_hi - new_lo)
        if self.anchor_steps < 0:
            return []
        once_in_old = _found_once(self.old, old_lo, old_hi)
        once_in_new = _found_once(self.new, new_lo, new_hi)
        pairs = [(old_at, once_in_new[word]) for word, old_at in once_in_old.items() if word in once_in_new]
        pairs.sort()
        # Longest increasing run of new positions (patience sorting): tops[k] ends a run of k + 1.
        tops: list[int] = []
        top_pairs: list[int] = []
        previous: list[int | None] = []
        for index, (_old_at, new_at) in enumerate(pairs):
            place = bisect.bisect_left(tops, new_at)
            previous.append(top_pairs[place - 1] if place else None)
            if place == len(tops):
                tops.append(new_at)
                top_pairs.append(index)
            else:
                tops[place], top_pairs[place] = new_at, index
        run = []
        index = top_pairs[-1] if top_pairs else None
        while index is not None:
            run.append(pairs[index])
            index = previous[index]
        return run[::-1]

    def _keep(self, old_at: int, new_at: int, size: int) -> None:
        if size:
            self.matches.append((old_at, new_at, size))


def _found_once(words: list[str], low: int, high: int) -> dict[str, int]:
    """Each word found exactly once between `low` and `high`, with its index."""
    seen: dict[str, int] = {}
    repeated = set()
    for index in range(low, high):
        word = words[index]
        if word in seen:
            repeated.add(word)
        else:
            seen[word] = index
    return {word: index for word, index in seen.items() if word not in repeated}


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
