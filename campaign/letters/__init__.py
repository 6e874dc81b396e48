"""Sign-on letters: organizations and people sign, organizers vet and deliver."""


def register(app) -> None:
    """What the feature adds to lower features, called once by create_app()."""
    # Imported here, not at the top: the package is imported before the app loads its models.
    from campaign.letters import signatories
    from campaign.notifications.audience import register_source

    register_source(signatories.SIGNERS)
