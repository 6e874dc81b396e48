"""The one list of periodic jobs that `celery -A worker.celery_app beat` runs."""

BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "campaign.core.tasks.sweep_outbox", "schedule": 15.0},
    # Scheduled alerts go out within this many seconds; dead senders' batches are taken back.
    "keep-sending": {"task": "campaign.notifications.tasks.keep_sending", "schedule": 10.0},
    # Letters close at their sign-on deadline and embargoed letters go public within a minute.
    "keep-letters-on-time": {"task": "campaign.letters.tasks.keep_letters_on_time", "schedule": 30.0},
    # Signers are asked to confirm by batches that sign requests kick; this catches lost kicks.
    "send-confirmations": {"task": "campaign.petitions.tasks.send_confirmations", "schedule": 5.0},
    # New petition confirmations reach the displayed counts within this many seconds.
    "keep-tallies": {"task": "campaign.petitions.tasks.keep_tallies", "schedule": 3.0},
    # Reminders to confirm, expiry of closed petitions' unconfirmed signatures, old IP hashes.
    "tidy-signatures": {"task": "campaign.petitions.tasks.tidy_signatures", "schedule": 3600.0},
    # The exact recount repairs any drift of the running tallies.
    "recount-petitions": {"task": "campaign.petitions.tasks.recount_all", "schedule": 24 * 3600.0},
    # Who signed is forgotten PETITION_SIGNERS_KEPT_DAYS after a petition closes; the counts stay.
    "forget-petition-signers": {"task": "campaign.petitions.tasks.forget_signers", "schedule": 24 * 3600.0},
    # A letter's individual signers, LETTER_SIGNERS_KEPT_DAYS after its delivery (or close).
    "forget-letter-signers": {
        "task": "campaign.letters.tasks.forget_individual_signers",
        "schedule": 24 * 3600.0,
    },
    # Webhook retries whose time has come go within this many seconds, and first attempts whose
    # broker message was lost; deliveries of workers that died mid-request are taken back.
    "deliver-due-webhooks": {"task": "campaign.api.tasks.deliver_due_webhooks", "schedule": 15.0},
    # Webhook deliveries settled WEBHOOK_DELIVERIES_KEPT_DAYS ago leave their endpoint's page.
    "forget-old-webhook-deliveries": {
        "task": "campaign.api.tasks.forget_old_webhook_deliveries",
        "schedule": 24 * 3600.0,
    },
    # Event reminders (the day before, the morning of) go out within a minute of their time.
    "send-event-reminders": {"task": "campaign.actions.tasks.send_reminders", "schedule": 60.0},
    # Who RSVPed to an event is forgotten EVENT_ATTENDEES_KEPT_DAYS after it; the figures stay.
    "forget-event-attendees": {"task": "campaign.actions.tasks.forget_attendees", "schedule": 24 * 3600.0},
    # Team invitations older than INVITATION_MAX_AGE_DAYS, whose links no longer work, are deleted.
    "delete-old-team-invitations": {
        "task": "campaign.coalitions.tasks.delete_old_team_invitations",
        "schedule": 24 * 3600.0,
    },
    # Unanswered erasure links must not keep an address's blind index forever; requests older
    # than DATA_REQUESTS_KEPT_DAYS are deleted.
    "expire-data-requests": {
        "task": "campaign.supporters.tasks.expire_data_requests",
        "schedule": 24 * 3600.0,
    },
    # An upload for import never confirmed is deleted IMPORT_UPLOADS_KEPT_HOURS after it was sent.
    "delete-abandoned-uploads": {
        "task": "campaign.supporters.tasks.delete_abandoned_uploads",
        "schedule": 3600.0,
    },
}
