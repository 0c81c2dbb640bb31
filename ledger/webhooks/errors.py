"""What subscriptions to topics refuse, one class per failure."""

from __future__ import annotations

from collections.abc import Iterable

from ledger.errors import ConfigurationError, InvalidInput, LedgerError


class TopicNotAllowed(LedgerError):
    """A key asked for a topic its role (or its party) may not receive."""

    code = "topic-not-allowed"

    def __init__(self, topic: str, role: str, allowed: Iterable[str]) -> None:
        self.topic = topic
        self.role = role
        self.allowed = sorted(allowed)
        may = ", ".join(self.allowed) if self.allowed else "no topic"
        super().__init__(f"a {role} key may not subscribe to {topic}; it may have: {may}")


class InvalidTarget(InvalidInput):
    """A webhook URL sanzhi will not post to: not http(s), credentials in it, a refused port, or
    (in production) an address inside the network."""

    code = "invalid-webhook-url"

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        super().__init__(f"{url[:200]!r}: {reason}", path="url")


class SubscriptionNotFound(LedgerError):
    """No subscription with that id, or not one the caller may see."""

    code = "subscription-not-found"

    def __init__(self, subscription_id: str) -> None:
        self.subscription_id = subscription_id
        super().__init__(f"subscription {subscription_id[:60]} not found")


class SubscriptionRemoved(LedgerError):
    """A change asked of a subscription that was removed."""

    code = "subscription-removed"

    def __init__(self, subscription_id: str, when: str) -> None:
        self.subscription_id = subscription_id
        super().__init__(f"subscription {subscription_id} was removed at {when}")


class SubscriptionLimit(LedgerError):
    """A key (or the member's trader keys together) with as many live subscriptions as it may have."""

    code = "subscription-limit"

    def __init__(self, whose: str, limit: int) -> None:
        self.limit = limit
        super().__init__(f"{whose}: {limit} live subscriptions already, the most allowed; remove one first")


class NotYourSubscription(LedgerError):
    """A key of the organisation that may see a subscription but not change it."""

    code = "forbidden"

    def __init__(self, subscription_id: str, role: str) -> None:
        super().__init__(
            f"subscription {subscription_id} was made by a {role} key: only such a key or an admin key changes it"
        )


class WebhookKeyMissing(ConfigurationError):
    """No key to encrypt webhook secrets with, where one must be given (production)."""

    code = "webhook-key-missing"

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"SANZHI_WEBHOOK_KEY {reason}: in production give 32 random bytes in base64 "
            "(e.g. `openssl rand -base64 32`); the key encrypts the webhook signing secrets at rest"
        )
