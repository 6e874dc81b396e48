"""The policy tracker: jurisdictions, their ICE-cooperation policies, pending measures, and the
campaigns that target them."""

from campaign.policies.services import tracker_shared


def register(app) -> None:
    """What the feature adds to lower features, called once by create_app()."""
    # The coalition's public page links its tracker while it shares it.
    app.add_template_global(tracker_shared, "policy_tracker_shared")
