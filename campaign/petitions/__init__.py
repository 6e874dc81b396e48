"""Petitions: supporters sign and confirm, organizers deliver the count."""


def register(app) -> None:
    """What the feature adds to lower features, called once by create_app()."""
    # Imported here, not at the top: the package is imported before the app loads its models.
    from campaign.notifications import personal_links
    from campaign.notifications.audience import register_source
    from campaign.petitions import audience, notices

    register_source(audience.SIGNERS)
    personal_links.register(notices.CONFIRM_LINK, notices.confirm_links)
