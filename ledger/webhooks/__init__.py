"""Webhooks: what concerns an organisation's key (topics), and the bodies delivered for it."""
