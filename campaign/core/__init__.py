"""Shared, feature-agnostic parts: crypto, outbox, mail transport, network, pages, errors."""
