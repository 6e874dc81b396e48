"""Word diff benchmark: how long `core.textdiff.word_diff` takes on letters up to 50,000 characters.

    .venv/bin/python -m bench.letter_diff
    .venv/bin/python -m bench.letter_diff --sizes 10000 50000 --repeat 5

The confirm page a signer opens after a new version shows what changed since they signed (the
page is public: link scanners open it too), and the organizer's review step diffs each edit. Each
case below is a pair of texts of each size; the time is the best of --repeat runs of one diff,
with how many words the diff marks added and removed (a stretch too costly to match word by word
reads as replaced whole, so those counts show where the diff gave up precision for time). No
database needed. It prints a table and writes JSON to bench/results/letter_diff.json.
"""

import argparse
import json
import random
import time
from pathlib import Path

from campaign.core.textdiff import diff_size, word_diff

RESULTS = Path(__file__).resolve().parent / "results"
COMMON = "the of and to a in that is for on we you this with".split()


def words(size: int, vocabulary: list[str], rng: random.Random) -> str:
    out, length = [], 0
    while length < size:
        word = rng.choice(vocabulary)
        out.append(word)
        length += len(word) + 1
    return " ".join(out)[:size]


def paragraphs(text: str, rng: random.Random) -> str:
    """Breaks a run of words into paragraphs of 40 to 120 words."""
    parts, rest = [], text.split(" ")
    while rest:
        take = rng.randrange(40, 120)
        parts.append(" ".join(rest[:take]))
        rest = rest[take:]
    return "\n\n".join(parts)


def cases(size: int, rng: random.Random) -> dict[str, tuple[str, str]]:
    prose_words = [f"w{number}" for number in range(3000)] + COMMON * 50
    letter = paragraphs(words(size, prose_words, rng), rng)
    middle = len(letter) // 2
    places = size // 30
    anchored = " ".join(f"u{number} " + "a " * 50 for number in range(size // 100))
    return {
        "one sentence added": (letter, letter[: size - 40] + " We also ask you to end detainers."),
        "a typo fixed mid-letter": (letter, letter[:middle] + "X" + letter[middle + 1 :]),
        "every line of a list edited": (
            "\n".join(f"Organization {number}, City, State" for number in range(places)),
            "\n".join(f"Organization {number}, Town, ST" for number in range(places)),
        ),
        '"the" made "a" everywhere': (letter, letter.replace(" the ", " a ")),
        "rewritten in the same words": (letter, paragraphs(words(size, prose_words, rng), rng)),
        "common words, unrelated": (words(size, COMMON, rng), words(size, COMMON, rng)),
        '"a a a" against "a b a b"': ("a " * (size // 2), "a b " * (size // 4)),
        "anchors between repeated words": (anchored, anchored.replace("a a a a", "a b a b")),
    }


def timed(before: str, after: str, repeat: int) -> tuple[float, list]:
    best, pieces = float("inf"), []
    for _ in range(repeat):
        started = time.perf_counter()
        pieces = word_diff(before, after)
        best = min(best, time.perf_counter() - started)
    return best, pieces


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 25_000, 50_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    rows = []
    for size in args.sizes:
        for name, (before, after) in cases(size, rng).items():
            seconds, pieces = timed(before, after, args.repeat)
            counted = diff_size(pieces)
            rows.append(
                {
                    "case": name,
                    "chars": size,
                    "words_before": len(before.split()),
                    "words_after": len(after.split()),
                    "seconds": round(seconds, 4),
                    "words_added": counted.added,
                    "words_removed": counted.removed,
                }
            )
    print(f"{'case':34} {'chars':>7} {'seconds':>8} {'+words':>7} {'-words':>7}")
    for row in rows:
        print(
            f"{row['case']:34} {row['chars']:>7,} {row['seconds']:>8.3f}"
            f" {row['words_added']:>7,} {row['words_removed']:>7,}"
        )
    slowest = max(rows, key=lambda row: row["seconds"])
    print(f"\nslowest: {slowest['case']} at {slowest['chars']:,} chars, {slowest['seconds']:.3f} s")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "letter_diff.json").write_text(json.dumps({"settings": vars(args), "rows": rows}, indent=2))
    print(f"JSON: {RESULTS / 'letter_diff.json'}")


if __name__ == "__main__":
    main()
