"""Links of one's own in a notice sent to many (each signer's confirm link): built at sending time.

One message can then carry a batch of signers, each getting their own link the way they get
their own greeting. Notifications sits below the features that send such notices, so it cannot
import them; a feature registers a builder under a name, and a notice's context names the
builder and its arguments (`{"personal_link": {"kind": "petition_confirm", "petition_id": 7}}`:
ids, no personal data).
"""

from collections.abc import Callable

# builder(supporter_ids, **arguments) -> {supporter_id: url}; a supporter left out gets no email.
_BUILDERS: dict[str, Callable[..., dict[int, str]]] = {}


def register(kind: str, builder: Callable[..., dict[int, str]]) -> None:
    _BUILDERS[kind] = builder


def links_for(spec: dict | None, supporter_ids: list[int]) -> dict[int, str]:
    """Each supporter's link, as the notice's context asks; empty when it asks for none."""
    if not spec:
        return {}
    arguments = {name: value for name, value in spec.items() if name != "kind"}
    return _BUILDERS[spec["kind"]](supporter_ids, **arguments)
