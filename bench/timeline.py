"""What each part of the machine did while bench/signatures.py loaded it: CPU seconds by part for
the per-signature split, and second by second, beside the latency of the requests that arrived
in that second, to tell what puts the slowest requests where they are.

The parts: the web server (gunicorn's process group), this run's PostgreSQL backends and the
server's own background processes (checkpointer, WAL writer...: shared with other databases on
the machine), Redis (shared too), the Celery worker's process group, the SMTP sink, and this
process's sampling. Backends of other databases are other sessions' work and are left out;
whatever else the machine did shows as "anything else on the machine".
"""

import os
import re
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bench.fanout import CpuMeter

# Debian's default with logging_collector off: the server's stderr. Unreadable: no checkpoint times.
POSTGRES_LOGS = Path("/var/log/postgresql")
CHECKPOINT_LINE = re.compile(
    r"^(\S+ \S+) UTC \[\d+\] LOG:  checkpoint (starting: (?P<kind>.*)|complete: .*sync=(?P<sync>[\d.]+) s)"
)
POSTGRES_BACKGROUND = (
    "checkpointer",
    "background writer",
    "walwriter",
    "autovacuum launcher",
    "logical replication launcher",
    "archiver",
)
PRESSURE = Path("/proc/pressure")  # Linux's pressure stall information
WORKER_BUSY_CPU_SECONDS = 0.1  # in one second, a worker doing more than waiting for its next task
CLIENT_LATE_MS = 5.0  # a request the client wrote this late is late on the client's side


class Meter(CpuMeter):
    """bench/fanout.py's meter, told which processes serve the web and which PostgreSQL backends
    are this run's, sampled about once a second into a series (with `counters`, such as the
    emails the sink has received, read at the same moments)."""

    def __init__(
        self,
        web_group: int,
        sink_pid: int | None = None,
        worker_groups: Callable[[], set[int]] = set,
        database: str | None = None,
        counters: Callable[[], dict] = dict,
        embedded: bool = False,
    ):
        """`embedded`: the app runs on SQLite without Redis, so PostgreSQL's and Redis's work on
        this machine is other sessions'."""
        self.web_group, self.database, self.counters = web_group, database, counters
        self.embedded = embedded
        self.postgres_parts: dict[int, str | None] = {}
        self.series: list[tuple[float, dict, dict]] = []  # (time, CPU seconds so far by part, counters)
        super().__init__(sink_pid, worker_groups)
        self.sample()

    def _part(self, pid: int, comm: str, group: int) -> str | None:
        if group == self.web_group:
            return "web"
        if self.embedded and (comm == "postgres" or comm.startswith("redis-server")):
            return None
        if comm == "postgres":
            if pid not in self.postgres_parts:
                self.postgres_parts[pid] = self._postgres_part(pid)
            return self.postgres_parts[pid]
        part = super()._part(pid, comm, group)
        return {"celery workers": "worker", "bench (polling, keep_sending)": "bench sampling"}.get(part, part)

    def _postgres_part(self, pid: int) -> str | None:
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            return None
        # A backend reads "postgres: 15/main: USER DATABASE HOST(PORT) STATE"; the postmaster
        # is the server's binary with its options.
        activity = title.split(": ", 2)[-1]
        if self.database and self.database in activity.split():
            return "postgresql"
        if activity.startswith(POSTGRES_BACKGROUND) or not title.startswith("postgres:"):
            return "postgresql background"
        return None

    def sample(self) -> None:
        super().sample()
        self.series.append((time.time(), self.seconds(), self.counters() | pressure()))


def pressure() -> dict:
    """Microseconds so far during which some task of the machine waited for a CPU, and for I/O
    (a commit's fsync behind a checkpoint's writes, say); nothing where Linux does not tell."""
    waited = {}
    for resource in ("cpu", "io"):
        try:
            first_line = (PRESSURE / resource).read_text().splitlines()[0]
        except OSError:
            continue
        waited[f"{resource}_waiting_us"] = int(first_line.rsplit("total=", 1)[1])
    return waited


def wait_sampling(process, meter: Meter | None) -> float:
    """Wait for a child process, sampling `meter` each second meanwhile; returns the child's CPU
    seconds (from wait4: once waited for, a process has no /proc entry to read them from)."""
    next_sample = time.monotonic() + 1
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            if meter:
                meter.sample()
            return usage.ru_utime + usage.ru_stime
        if meter and time.monotonic() >= next_sample:
            meter.sample()
            next_sample += 1
        time.sleep(0.05)


def cpu_steps(series: list) -> list[dict]:
    """Each part's CPU seconds from one sample to the next: about a second apart, more when this
    process waited for a CPU (`seconds` says)."""
    return [
        {"seconds": round(after[0] - before[0], 2)}
        | {part: round(used - before[1].get(part, 0), 2) for part, used in after[1].items() if part != "idle"}
        for before, after in zip(series, series[1:], strict=False)
    ]


def checkpoints(since: float, until: float) -> list[tuple[float, float]] | None:
    """When PostgreSQL's checkpoints were heavy during the interval (s from `since`), from its
    log; None if the log cannot be read. An immediate checkpoint (CREATE or DROP DATABASE, as
    other sessions' tests do) writes everything at once: all of it counts. A spread one (on time,
    or after max_wal_size of WAL) trickles its writes over minutes: only its closing fsyncs
    count."""
    logs = sorted(POSTGRES_LOGS.glob("postgresql-*-main.log"))
    if not logs:
        return None
    try:
        lines = logs[-1].read_text(errors="replace").splitlines()
    except OSError:
        return None
    found, started, immediate = [], None, False
    for line in lines:
        match = CHECKPOINT_LINE.match(line)
        if not match:
            continue
        moment = datetime.fromisoformat(match.group(1) + "+00:00").timestamp()
        if match.group("kind") is not None:
            started, immediate = moment, "immediate" in match.group("kind")
        elif started is not None:
            heavy_from = started if immediate else moment - max(float(match.group("sync")), 0.5)
            if moment >= since and heavy_from <= until:
                found.append((round(heavy_from - since, 3), round(moment - since, 3)))
            started = None
    if started is not None and immediate and started <= until:
        found.append((round(started - since, 3), round(until - since, 3)))  # still writing
    return found


def at(series: list, moment: float, field: int) -> dict:
    """The series' cumulative figures at `moment`, linear between the samples around it."""
    before = max((entry for entry in series if entry[0] <= moment), default=series[0], key=lambda e: e[0])
    after = min((entry for entry in series if entry[0] >= moment), default=series[-1], key=lambda e: e[0])
    span = after[0] - before[0]
    share = (moment - before[0]) / span if span > 0 else 0.0
    return {
        key: before[field].get(key, 0) + share * (after[field].get(key, 0) - before[field].get(key, 0))
        for key in after[field]
    }


def per_second(requests: list, started_at: float, series: list, checkpoint_spans) -> list[dict]:
    """Second by second of a fixed-rate run: the latency of the requests that arrived in it, how
    late this client's schedule handed them over at worst, each part's CPU seconds and the emails
    the sink received in it, how much of it some task waited for a CPU or for I/O, and whether a
    checkpoint was writing hard (`checkpoints`)."""
    seconds = []
    for second in range(int(max(request[0] for request in requests)) + 1):
        arrived = sorted(request[3] * 1000 for request in requests if int(request[0]) == second)
        late = max((request[1] * 1000 for request in requests if int(request[0]) == second), default=0)
        begin, end = started_at + second, started_at + second + 1
        cpu_before, cpu_after = at(series, begin, 1), at(series, end, 1)
        counted_before, counted_after = at(series, begin, 2), at(series, end, 2)
        counted = {name: value - counted_before.get(name, 0) for name, value in counted_after.items()}

        seconds.append(
            {
                "second": second,
                "requests": len(arrived),
                "p50_ms": round(arrived[len(arrived) // 2], 1) if arrived else None,
                "max_ms": round(arrived[-1], 1) if arrived else None,
                "client_late_max_ms": round(late, 1),
                "cpu_seconds": {
                    part: round(cpu_after[part] - cpu_before.get(part, 0), 2)
                    for part in cpu_after
                    if part != "idle"
                },
                "emails": round(counted.get("emails", 0)),
                # Shares of the second during which some task waited for a CPU, for I/O.
                "cpu_waiting": round(counted.get("cpu_waiting_us", 0) / 1e6, 2),
                "io_waiting": round(counted.get("io_waiting_us", 0) / 1e6, 2),
                "checkpoint": any(
                    start < second + 1 and stop > second for start, stop in checkpoint_spans or ()
                ),
            }
        )
    return seconds


def tail_causes(
    requests: list, seconds: list[dict], threshold_s: float, served: dict, collections: list
) -> dict:
    """For the requests at or above `threshold_s` (the run's p99) and for all of them: the share
    that arrived in a second when the worker was busy, when a checkpoint ran, and that the client's
    own schedule handed over late; and how much of their seconds some task waited for a CPU, for
    I/O (means). A cause shows as a share much larger in the tail than overall.
    With `served` (request number -> ms inside gunicorn, pid: its access log), the median time
    inside gunicorn and before it (in the listen queue or behind another request of the same
    process), the share of the one process that served most of them, and the share during which
    that process ran a full garbage collection (`collections`: pid, start, seconds)."""
    by_second = {entry["second"]: entry for entry in seconds}

    def collected_during(request) -> bool:
        pid = served[request[5]][1]
        return any(
            pid == collector and start < request[0] + request[3] and start + length > request[0]
            for collector, start, length in collections
        )

    def shares(chosen: list) -> dict:
        def mean(values) -> float:
            values = list(values)
            return round(sum(values) / max(len(values), 1), 2)

        def share(test) -> float:
            return round(sum(1 for request in chosen if test(request)) / max(len(chosen), 1), 2)

        inside = sorted(served[r[5]][0] for r in chosen if r[5] in served)
        before = sorted(r[3] * 1000 - served[r[5]][0] for r in chosen if r[5] in served)
        processes = Counter(served[r[5]][1] for r in chosen if r[5] in served)
        return {
            "requests": len(chosen),
            **(
                {
                    "median_inside_gunicorn_ms": round(inside[len(inside) // 2], 1),
                    "median_before_gunicorn_ms": round(before[len(before) // 2], 1),
                    "busiest_process_share": round(processes.most_common(1)[0][1] / len(inside), 2),
                    "full_collection": share(lambda r: r[5] in served and collected_during(r)),
                }
                if inside
                else {}
            ),
            "worker_busy": share(
                lambda r: by_second[int(r[0])]["cpu_seconds"].get("worker", 0) >= WORKER_BUSY_CPU_SECONDS
            ),
            "checkpoint": share(lambda r: by_second[int(r[0])]["checkpoint"]),
            "client_late": share(lambda r: r[1] * 1000 >= CLIENT_LATE_MS),
            "cpu_waiting": mean(by_second[int(r[0])]["cpu_waiting"] for r in chosen),
            "io_waiting": mean(by_second[int(r[0])]["io_waiting"] for r in chosen),
        }

    return {"tail": shares([r for r in requests if r[3] >= threshold_s]), "all": shares(requests)}


def by_worker_activity(seconds: list[dict]) -> dict:
    """The seconds of a run when the worker was busy, and when it was not: how many, the median
    of their p50s and their worst request. The worker starts on a load's confirmations only
    after its first kick (5 s), so a run has both."""

    def summary(chosen: list[dict]) -> dict | None:
        chosen = [entry for entry in chosen if entry["requests"]]
        if not chosen:
            return None
        medians = sorted(entry["p50_ms"] for entry in chosen)
        return {
            "seconds": len(chosen),
            "median_p50_ms": medians[len(medians) // 2],
            "max_ms": max(entry["max_ms"] for entry in chosen),
        }

    def busy(entry: dict) -> bool:
        return entry["cpu_seconds"].get("worker", 0) >= WORKER_BUSY_CPU_SECONDS

    return {
        "worker_busy": summary([entry for entry in seconds if busy(entry)]),
        "worker_idle": summary([entry for entry in seconds if not busy(entry)]),
    }
