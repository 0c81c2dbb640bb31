"""The Standard Webhooks headers of a delivery, signed with the `standardwebhooks` library."""

from __future__ import annotations

from datetime import UTC, datetime

from standardwebhooks import Webhook


def webhook_headers(*, webhook_id: str, timestamp: int, body: str, secrets: list[str]) -> dict[str, str]:
    """`webhook-id`, `webhook-timestamp` and `webhook-signature`: one `v1,` signature per
    secret, space-separated (a rotated secret signs beside the new one during its grace)."""
    at = datetime.fromtimestamp(timestamp, tz=UTC)
    signatures = " ".join(Webhook(secret).sign(webhook_id, at, body) for secret in secrets)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signatures,
        "content-type": "application/json",
    }
