"""Every page exists in Spanish: the catalog is complete and matches the source strings."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "campaign" / "translations" / "es" / "LC_MESSAGES" / "messages.po"


def test_spanish_catalog_translates_every_source_string(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "--no-location",
            *("-k", "_l", "-k", "lazy_ngettext:1,2", "-k", "lazy_pgettext:1c,2"),  # README's keywords
            "-F",
            str(ROOT / "campaign" / "translations" / "babel.cfg"),
            "-o",
            str(template),
            str(ROOT),
        ],
        check=True,
        cwd=ROOT,
    )
    with template.open("rb") as handle:
        source_ids = {message.id for message in read_po(handle) if message.id}
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    translated = {message.id for message in catalog if message.id and message.string and not message.fuzzy}
    missing = sorted(str(i) for i in source_ids - translated)
    assert not missing, f"{len(missing)} strings have no Spanish translation, e.g. {missing[:5]}"


def test_every_spanish_translation_keeps_the_placeholders_of_its_english():
    """A translation that renames or drops a placeholder (`%(nombre)s` for `%(name)s`) makes its
    Spanish page fail when it is rendered: Babel's own checks find it before a visitor does."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    problems = [f"{message.id!r}: {errors}" for message, errors in catalog.check()]
    assert not problems, problems[:5]
