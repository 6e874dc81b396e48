"""Days of action: events supporters RSVP to, hosts who run them, reminders and calendars."""


def register(app) -> None:
    """What the feature adds to lower features, called once by create_app()."""
    # Imported here, not at the top: the package is imported before the app loads its models.
    from campaign.actions import audience, calendar
    from campaign.notifications import attachments
    from campaign.notifications.audience import register_source

    register_source(audience.RSVPS)
    attachments.register(calendar.ATTACHMENT, calendar.attachment)
