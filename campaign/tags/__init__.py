"""Tags: organizers' own labels on a coalition's supporters, to find them and to alert them."""


def register(app) -> None:
    """What the feature adds to lower features, called once by create_app()."""
    # Imported here, not at the top: the package is imported before the app loads its models.
    from campaign.notifications.audience import register_source
    from campaign.supporters.signals import supporters_listing
    from campaign.tags import audience, supporters_page

    register_source(audience.TAGGED_SOURCE)
    supporters_listing.connect(supporters_page.tags_on_the_list)
