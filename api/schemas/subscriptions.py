"""Request bodies of the subscription routes (the answers are ledger.webhooks.models)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from api.schemas.common import DURATION_PATTERN, Duration
from ledger.webhooks.store import MAX_GRACE
from ledger.webhooks.targets import MAX_URL, URL_PATTERN
from ledger.webhooks.topics import Topic

# 0 to 30 days: in whole seconds the document states it; an ISO 8601 duration over it is refused
# by the service in words (a pattern cannot bound one)
GRACE_SCHEMA = WithJsonSchema(
    {
        "anyOf": [
            {"type": "string", "pattern": DURATION_PATTERN},
            {"type": "integer", "minimum": 0, "maximum": int(MAX_GRACE.total_seconds())},
        ]
    }
)


class SubscriptionRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"url": "https://hooks.example.org/sanzhi", "topics": ["certificates"]}]},
    )

    url: str = Field(
        max_length=MAX_URL,
        json_schema_extra={"pattern": URL_PATTERN},
        description="Where deliveries are posted: an http or https URL in ASCII (a name in another script in "
        "punycode), without credentials or fragment. In production only public addresses and ports 80, 443 "
        "or 1024 and above",
    )
    topics: list[Topic] = Field(min_length=1, max_length=len(Topic), description="What the subscription follows")


class RotateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"grace": "PT24H"}]})

    grace: Annotated[Duration, GRACE_SCHEMA] = Field(
        default=timedelta(hours=24),
        description="How long the replaced secret still signs beside the new one (ISO 8601 duration or seconds; "
        "0: not at all; at most 30 days)",
    )


class ReplayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"since": "1520"}]})

    since: str = Field(
        min_length=1,
        max_length=160,
        description="A block number, or the event key of one of the subscription's deliveries",
    )
