"""The beat schedule run in a thread of one web process per instance folder, when there is no Redis.

Without Redis there is no worker and no `celery beat`, yet counts must move, reminders and
scheduled alerts go out and the outbox be swept, however the app is served: `flask serve`,
`flask run`, gunicorn with several workers. Every process starts the thread with the first
request it serves, so commands (`flask db upgrade`), the reloader's parent process and scripts
that only build the app, none of which serve, never run jobs. Only the process holding the lock
file runs them; the others try again every second and one takes over when the holder exits or
dies (the kernel releases a dead process's lock).
"""

import fcntl
import hashlib
import logging
import os
import threading
import time
from pathlib import Path

from flask import Flask

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0


def lock_file(app: Flask) -> Path:
    """The lock of this app's database, in its instance folder; it holds the pid of the process
    running the jobs. Named after the database: two sites sharing an instance folder (two apps
    from one installed virtualenv) each run their own jobs."""
    database = hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:12]
    return Path(app.instance_path) / f"periodic-jobs-{database}.lock"


def install(app: Flask) -> None:
    """Start the thread with the first request, unless beat runs the jobs (REDIS_URL) or the
    config leaves them to whoever builds the app (tests)."""
    if app.config.get("REDIS_URL") or not app.config["PERIODIC_JOBS_IN_PROCESS"]:
        return
    beat = EmbeddedBeat(app)
    app.extensions["embedded_beat"] = beat
    app.before_request(beat.start)


def start_now(app: Flask) -> None:
    """For a server that knows it is one (`flask serve`): no need to wait for a first visitor."""
    if "embedded_beat" in app.extensions:
        app.extensions["embedded_beat"].start()


class EmbeddedBeat:
    def __init__(self, app: Flask):
        self.app = app
        self.started = False
        self._starting = threading.Lock()

    def start(self) -> None:
        if self.started:  # every request after the first: one attribute read
            return
        with self._starting:
            if self.started:
                return
            self.started = True
        threading.Thread(target=self._run, name="embedded-beat", daemon=True).start()

    def _run(self) -> None:
        from worker.schedule import BEAT_SCHEDULE

        # The descriptor stays open, and locked, for as long as this process lives.
        take_lock_when_free(lock_file(self.app))
        log.info("periodic jobs run in this process (pid %d)", os.getpid())
        run_schedule(self.app, BEAT_SCHEDULE)


def try_lock(path: Path) -> int | None:
    """The lock file's descriptor, locked and holding our pid; None while another holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def take_lock_when_free(path: Path) -> int:
    while (fd := try_lock(path)) is None:
        time.sleep(TICK_SECONDS)
    return fd


def run_schedule(app: Flask, schedule: dict) -> None:
    """Each job at once, then every `schedule` seconds, forever."""
    last_run: dict[str, float] = {}
    while True:
        now = time.monotonic()
        for name, entry in schedule.items():
            if now - last_run.get(name, float("-inf")) >= entry["schedule"]:
                last_run[name] = now
                _run_task(app, entry["task"])
        time.sleep(TICK_SECONDS)


def _run_task(app: Flask, task_name: str) -> None:
    with app.app_context():
        try:
            app.extensions["celery"].tasks[task_name].apply(throw=True)
        except Exception:
            log.exception("periodic job %s failed; it runs again at its next turn", task_name)
