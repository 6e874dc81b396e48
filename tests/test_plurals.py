"""Plurals go through ngettext: no "1 sign-ons updated", no "organization(s)".

Every translatable string of the Python and the templates is read as Babel extracts it for the
catalog; a string given to ngettext comes out as its two forms and is right by construction. A
one-form string is wrong when a count stands before a word, since that word (or, in Spanish, the
verb) changes with the count. Template text outside gettext is read for the same mistake.
"""

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = DEFAULT_KEYWORDS | {
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}

# A count: an integer placeholder, or a number formatted beforehand (`count=reached|number`).
COUNT = r"%\((?:\w+)\)d|%\((?:count|num|number|total|\w+_count)\)s"
COUNT_BEFORE_WORD = re.compile(rf"(?P<before>.{{0,24}})(?P<count>{COUNT}) (?P<word>[A-Za-z][\w’'-]*)")
# Words that do not agree with the number before them: "Version %(number)d of %(date)s",
# "between %(min)d and %(max)d", "%(ready)d of %(total)d lines", "including %(num)s on paper".
NOT_COUNTED = {"of", "on", "and", "or", "to", "in", "at", "by", "per", "from"}
# The upper end of a range is plural in both languages, whatever it is ("between 1 and 2 characters").
RANGE_END = re.compile(rf"between (?:{COUNT}) and $")
HANDMADE = re.compile(r"\w\(s\)|\(es\)")  # "organization(s)", "place(es)"
# Template text outside gettext: a count printed before a word, "{{ total }} signatures".
TEMPLATE_COUNT = re.compile(r"\{\{[^}]*\b(?:count|num|total|number|length|size)\b[^}]*\}\}[ \t]+[A-Za-z]")


def _messages():
    with (ROOT / "campaign" / "translations" / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    for filename, line, message, *_ in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        yield f"{filename}:{line}", message


def handmade_plurals(message: str) -> list[str]:
    """What in a one-form message needs ngettext ("%(count)d reminders"); empty when nothing does."""
    found = [m.group(0) for m in HANDMADE.finditer(message)]
    for match in COUNT_BEFORE_WORD.finditer(message):
        if match.group("word").lower() not in NOT_COUNTED and not RANGE_END.search(match.group("before")):
            found.append(f"{match.group('count')} {match.group('word')}")
    return found


def test_the_check_catches_hand_made_plurals_and_passes_correct_strings():
    assert handmade_plurals("%(count)d sign-ons updated; each signer is told by email.")
    assert handmade_plurals("Send now to %(num)d people")
    assert handmade_plurals("“%(title)s” has passed %(count)s signatures.")
    assert handmade_plurals("Choose the organization(s) that sign.")
    assert handmade_plurals("%(asked)d member contacts asked; %(before)d already asked or signed.")
    assert not handmade_plurals("Version %(number)d of %(date)s")
    assert not handmade_plurals("Use between %(min)d and %(max)d characters.")
    assert not handmade_plurals("%(name)s is already a member.")
    assert not handmade_plurals("including %(num)s on paper")


def test_no_translatable_string_makes_its_own_plural():
    found = []
    for where, message in _messages():
        if isinstance(message, tuple):
            continue  # ngettext's singular and plural (or pgettext's context and text)
        found += [f"{where}: {mistake!r} in {message[:70]!r}" for mistake in handmade_plurals(message)]
    assert not found, "use ngettext for:\n" + "\n".join(found)


def test_no_template_prints_a_count_before_a_word_outside_ngettext():
    found = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix not in (".html", ".txt", ".svg"):
            continue
        text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)  # comments may say anything
        found += [
            f"{path.relative_to(ROOT)}: {match.group(0)!r}"
            for match in [
                *TEMPLATE_COUNT.finditer(text),
                *HANDMADE.finditer(re.sub(r"\{[{%].*?[}%]\}", "", text)),
            ]
        ]
    assert not found, "use ngettext for:\n" + "\n".join(found)
