"""The one email path to supporters: messages, deliveries, alerts, suppression and unsubscribe."""
