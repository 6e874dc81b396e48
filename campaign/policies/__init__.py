"""The policy tracker: jurisdictions, their ICE-cooperation policies, pending measures, and the
campaigns that target them."""


def register(app) -> None:
    """What the feature adds to lower features, called once by create_app()."""
