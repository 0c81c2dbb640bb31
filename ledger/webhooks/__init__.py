"""Webhooks: subscriptions to what concerns an organisation, delivered as Standard Webhooks."""
