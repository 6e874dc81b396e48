"""Each feature adds its audience sources, personal links and attachments from its own
register(app), when create_app() runs (so Celery workers, which build the app, get them too),
and not as a side effect of importing one of its modules."""

from campaign import create_app
from campaign.config import TestConfig
from campaign.notifications import attachments, audience, personal_links
from campaign.supporters.signals import supporters_listing
from campaign.tags import supporters_page


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


def test_a_second_app_adds_nothing_twice():
    """Tests and Celery build many apps in one process: each adds to the same module-level
    registries and signal, by key or receiver, so the supporters page is filtered by tags once."""
    create_app(TestConfig)
    before = list(audience.SOURCES), dict(personal_links._BUILDERS), dict(attachments._BUILDERS)  # noqa: SLF001
    create_app(TestConfig)
    after = list(audience.SOURCES), dict(personal_links._BUILDERS), dict(attachments._BUILDERS)  # noqa: SLF001
    assert after == before
    receivers = [ref() for ref in supporters_listing.receivers.values()]  # weak references
    assert receivers.count(supporters_page.tags_on_the_list) == 1
