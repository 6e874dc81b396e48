"""What every start shares: the periodic jobs' lock and the Spanish catalog compiled when stale.
The servers themselves are started in tests/integration/test_starts.py."""

import os
import shutil
import threading
from pathlib import Path

from babel.support import Translations

from campaign import create_app
from campaign.config import TestConfig
from campaign.core.embedded_beat import lock_file, try_lock
from campaign.core.i18n import compiled_catalogs

TRANSLATIONS = Path(__file__).resolve().parents[2] / "campaign" / "translations"
MO = Path("es", "LC_MESSAGES", "messages.mo")


def test_one_holder_of_the_lock_at_a_time_and_the_next_takes_over(tmp_path):
    lock = tmp_path / "instance" / "periodic-jobs.lock"
    holder = try_lock(lock)
    assert holder is not None
    assert lock.read_text() == f"{os.getpid()}\n"
    assert try_lock(lock) is None  # a second open of the file, as another process's, must wait
    os.close(holder)  # the holder exits (or is killed: the kernel closes its files)
    successor = try_lock(lock)
    assert successor is not None
    os.close(successor)


def test_two_sites_sharing_an_instance_folder_each_run_their_own_jobs(tmp_path):
    """Two apps from one installed virtualenv share its instance folder: one lock for both would
    leave the second site's counts still and its reminders unsent, for as long as the first runs."""
    first, second = (
        create_app(
            TestConfig, INSTANCE_PATH=str(tmp_path), SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/{name}.db"
        )
        for name in ("first", "second")
    )
    assert lock_file(first).parent == lock_file(second).parent == tmp_path
    holder = try_lock(lock_file(first))
    other = try_lock(lock_file(second))
    assert holder is not None and other is not None
    os.close(holder)
    os.close(other)


def test_building_the_app_starts_no_jobs(tmp_path):
    """`flask db upgrade`, `flask demo load` and scripts build the app and serve nothing."""
    app = create_app(TestConfig, PERIODIC_JOBS_IN_PROCESS=True, INSTANCE_PATH=str(tmp_path))
    assert app.extensions["embedded_beat"].started is False
    assert "embedded-beat" not in [thread.name for thread in threading.enumerate()]
    with_beat = create_app(TestConfig, PERIODIC_JOBS_IN_PROCESS=True, REDIS_URL="redis://127.0.0.1:1/0")
    assert "embedded_beat" not in with_beat.extensions  # `celery beat` runs them


def spanish(folder: Path) -> str:
    with (folder / MO).open("rb") as handle:
        return Translations(handle).gettext("Log in")


def test_the_catalog_is_compiled_when_missing_or_older_than_its_source(tmp_path):
    source = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, source, ignore=shutil.ignore_patterns("*.mo"))

    assert compiled_catalogs(source, tmp_path / "instance") == source
    assert spanish(source) == "Iniciar sesión"
    compiled_at = (source / MO).stat().st_mtime_ns
    compiled_catalogs(source, tmp_path / "instance")
    assert (source / MO).stat().st_mtime_ns == compiled_at  # current: left alone

    po = source / MO.with_suffix(".po")
    po.write_text(po.read_text().replace('msgstr "Iniciar sesión"', 'msgstr "Entrar"'))
    os.utime(po, ns=(compiled_at + 10**9, compiled_at + 10**9))
    compiled_catalogs(source, tmp_path / "instance")
    assert spanish(source) == "Entrar"


def test_a_package_that_cannot_be_written_to_gets_its_catalog_in_the_instance_folder(tmp_path):
    source = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, source, ignore=shutil.ignore_patterns("*.mo"))
    (source / MO).mkdir()  # where the .mo should go, something no file can replace
    os.utime(source / MO, (0, 0))

    instance = tmp_path / "instance" / "translations"
    assert compiled_catalogs(source, instance) == instance
    assert spanish(instance) == "Iniciar sesión"
    assert sorted(path.name for path in (source / MO).parent.iterdir()) == ["messages.mo", "messages.po"]
