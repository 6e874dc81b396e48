"""Webhooks: endpoints a coalition keeps, and the events sent to them signed, through the outbox."""
