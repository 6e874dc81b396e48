"""The policy tracker: jurisdictions, their ICE-cooperation policies, pending measures, and the
campaigns that target them."""


def register(app) -> None:
    """What the feature adds to lower features, called once by create_app()."""
    # Imported here, not at the top: the package is imported before the app loads its models.
    from campaign.notifications.audience import register_source
    from campaign.policies import hearing_audience, services, targets

    register_source(hearing_audience.SOURCE)
    # Letters, petitions and days of action show their targets without importing this feature:
    # their pages include policies/_campaign_targets.html when this global is defined.
    app.jinja_env.globals["campaign_targets"] = targets.block_for
    # The coalition's public page links its tracker while it shares it.
    app.add_template_global(services.tracker_shared, "policy_tracker_shared")
