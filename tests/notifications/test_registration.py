"""Each feature adds its audience sources, personal links and attachments from its own
register(app), when create_app() runs (so Celery workers, which build the app, get them too),
and not as a side effect of importing one of its modules."""

from campaign import create_app
from campaign.config import TestConfig
from campaign.notifications import attachments, audience, personal_links


def test_create_app_registers_what_every_feature_adds(monkeypatch):
    # Every module is imported already: only create_app() can fill the registries again.
    monkeypatch.setattr(
        audience, "SOURCES", {key: audience.SOURCES[key] for key in ("subscribers", "members")}
    )
    monkeypatch.setattr(personal_links, "_BUILDERS", {})
    monkeypatch.setattr(attachments, "_BUILDERS", {})
    create_app(TestConfig)
    assert list(audience.SOURCES) == [
        "subscribers",
        "members",
        "tag",
        "letter",
        "petition",
        "action",
        "jurisdiction",
    ]
    assert set(personal_links._BUILDERS) == {"petition_confirm"}  # noqa: SLF001
    assert set(attachments._BUILDERS) == {"event_ics"}  # noqa: SLF001
