"""What the fuzz found: answers per endpoint, and each distinct failure with what caused it."""

import logging
import re
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tests.fuzz.submissions import Submission

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
APP_CODE = str(Path(__file__).resolve().parents[2] / "campaign")


def describe_error(error: BaseException) -> str:
    """The traceback's last line and the app's deepest frame: what a failure is known by."""
    last = traceback.format_exception_only(type(error), error)[-1].split("\n[SQL:")[0].strip()
    last = last.encode("unicode_escape").decode()[:200]  # a NUL or CR in the message, shown
    frames = [
        frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.startswith(APP_CODE)
    ]
    where = (
        f" (at {Path(frames[-1].filename).relative_to(APP_CODE).as_posix()}:{frames[-1].lineno})"
        if frames
        else ""
    )
    return last + where


@dataclass
class Failure:
    what: str
    submissions: list[Submission] = field(default_factory=list)

    def cause(self) -> str:
        """The unusual inputs every failing submission shared, else the most frequent ones."""
        if not self.submissions:
            return "on reading what the forms stored"
        seen = [set(each.labels.items()) for each in self.submissions]
        common = set.intersection(*seen) if seen else set()
        if common:
            return "every time: " + "; ".join(f"{name}: {label}" for name, label in sorted(common))
        counts = Counter(item for labels in seen for item in labels).most_common(3)
        return "most often: " + "; ".join(f"{name}: {label} ({n}x)" for (name, label), n in counts)


class ErrorLog(logging.Handler):
    """Errors any code logs, and the app's own warnings (a task that failed in-process)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.name.startswith("campaign"):
            # Ids and task ids differ each time; the failure is the same.
            message = re.sub(r"[0-9]+", "N", UUID.sub("…", record.getMessage()))
            self.records.append(f"logged {record.levelname}: {message[:200]}")

    def take(self) -> list[str]:
        taken, self.records = self.records, []
        return taken


class Findings:
    def __init__(self):
        self.answers: dict[str, Counter] = defaultdict(Counter)
        self.failures: dict[tuple[str, str], Failure] = {}
        self.invalid_rows: dict[str, list[str]] = defaultdict(list)  # form -> what the database held after it
        self.seconds: dict[str, float] = {}
        self.submitted: Counter = Counter()  # generated submissions per form (not the follow-up)

    def record(self, endpoint: str, status: int, problems: list[str], submission: Submission | None) -> None:
        self.answers[endpoint][status] += 1
        self.submitted[endpoint] += submission is not None
        for problem in problems:
            failure = self.failures.setdefault((endpoint, problem), Failure(problem))
            if submission is not None:
                failure.submissions.append(submission)

    def stored(self, endpoint: str, problem: str) -> None:
        self.invalid_rows[endpoint].append(problem)

    def took(self, endpoint: str, seconds: float) -> None:
        self.seconds[endpoint] = seconds

    def report(self) -> str:
        lines = [f"{len(self.failures)} distinct failures"]
        for (endpoint, what), failure in sorted(self.failures.items()):
            lines.append(f"- {endpoint}: {what} [{len(failure.submissions) or 1}x; {failure.cause()}]")
        return "\n".join(lines)

    def stored_report(self) -> str:
        lines = [f"invalid values stored by {len(self.invalid_rows)} forms"]
        for endpoint, problems in sorted(self.invalid_rows.items()):
            lines += [f"- {endpoint}: {problem}" for problem in problems]
        return "\n".join(lines)

    def table(self) -> str:
        """Requests per endpoint (the fuzz's, then the follow-up's), their answers and the time."""
        rows = [f"{'endpoint':42} {'requests':>8} {'seconds':>7} {'req/s':>6}  answers"]
        for endpoint, answers in sorted(self.answers.items()):
            sent, seconds = sum(answers.values()), self.seconds.get(endpoint, 0.0)
            statuses = " ".join(f"{status}:{count}" for status, count in sorted(answers.items()))
            rate = sent / seconds if seconds else 0
            rows.append(f"{endpoint:42} {sent:8} {seconds:7.2f} {rate:6.0f}  {statuses}")
        total, seconds = sum(sum(a.values()) for a in self.answers.values()), sum(self.seconds.values())
        rows.append(f"{'all':42} {total:8} {seconds:7.2f} {total / seconds if seconds else 0:6.0f}")
        return "\n".join(rows)
