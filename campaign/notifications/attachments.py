"""Files a notice carries (an event's .ics): built at sending time by the feature that asked.

Notifications sits below the features that send notices, so it cannot import them; a feature
registers a builder under a name, and a notice's context names the builder and its arguments
(`{"attachment": {"kind": "event_ics", "event_id": 7}}`: ids, no personal data).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar; method=PUBLISH"
    data: bytes


_BUILDERS: dict[str, Callable[..., Attachment | None]] = {}


def register(kind: str, builder: Callable[..., Attachment | None]) -> None:
    _BUILDERS[kind] = builder


def build(spec: dict | None) -> Attachment | None:
    """The attachment a notice's context asks for; None when there is none (or no longer one)."""
    if not spec:
        return None
    arguments = {name: value for name, value in spec.items() if name != "kind"}
    return _BUILDERS[spec["kind"]](**arguments)
