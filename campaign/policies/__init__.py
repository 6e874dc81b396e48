"""The policy tracker: jurisdictions, their ICE-cooperation policies, pending measures, and the
campaigns that target them."""


def register(app) -> None:
    """What the feature adds to lower features, called once by create_app()."""
    from campaign.policies import hearing_audience  # the models load with the app, not the package

    hearing_audience.register()
