"""The beat schedule run in a thread of the web process, for the embedded default.

Without Redis there is no worker and no `celery beat`, yet scheduled alerts must still go out
and the outbox must still be swept. `flask serve` starts this thread; production runs beat.
"""

import logging
import threading
import time

from flask import Flask

log = logging.getLogger(__name__)


def start(app: Flask, schedule: dict, tick: float = 1.0) -> threading.Thread:
    thread = threading.Thread(target=_run, args=(app, schedule, tick), name="embedded-beat", daemon=True)
    thread.start()
    return thread


def _run(app: Flask, schedule: dict, tick: float) -> None:
    last_run: dict[str, float] = {}
    while True:
        now = time.monotonic()
        for name, entry in schedule.items():
            if now - last_run.get(name, float("-inf")) >= entry["schedule"]:
                last_run[name] = now
                _run_task(app, entry["task"])
        time.sleep(tick)


def _run_task(app: Flask, task_name: str) -> None:
    with app.app_context():
        try:
            app.extensions["celery"].tasks[task_name].apply(throw=True)
        except Exception:
            log.exception("periodic job %s failed; it runs again at its next turn", task_name)
