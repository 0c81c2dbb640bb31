"""The JSON body delivered for one event under one topic: what happened, where on the chain,
its arguments in the units people use, and a link to the object in the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from ledger.index.audit import ISSUED
from ledger.index.models import ChainEvent
from ledger.index.presentation import checksummed, details
from ledger.webhooks.audience import Topic

_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def event_type(topic: Topic, event: str) -> str:
    """`certificates` + `CertificateRevoked` -> `certificates.certificate-revoked`."""
    return f"{topic.value}.{_WORD.sub('-', event).lower()}"


def _hex(value: bytes | None) -> str | None:
    return None if value is None else "0x" + bytes(value).hex()


def _path(event: ChainEvent, topic: Topic, data: dict[str, Any]) -> str | None:
    """The API path that shows the event's object, where there is one."""
    root, leaf = _hex(event.cert_root), _hex(event.cert_leaf)
    if topic in (Topic.CERTIFICATES, Topic.DESTINED) and root is not None:
        cert_type = data.get("certType")
        if leaf is not None and isinstance(cert_type, str) and not cert_type.startswith("0x"):
            return "/certificates/status?" + urlencode({"root": root, "leaf": leaf, "type": cert_type})
        if topic is Topic.DESTINED:
            return "/certificates/destined"
        return "/audit/certificates/history?" + urlencode({"root": root})
    if topic is Topic.CONSIGNMENTS and event.consignment is not None:
        return f"/me/consignments/{_hex(event.consignment)}/timeline"
    if topic is Topic.AEO and event.operator is not None and event.organisation:
        return "/aeo/certifications?" + urlencode(
            {"operator": _hex(event.operator), "certified_by": event.organisation}
        )
    if topic is Topic.MRAS and event.organisation:
        return "/mras?" + urlencode({"member": event.organisation})
    if topic is Topic.ALERTS and isinstance(data.get("alertId"), int):
        return f"/alerts/{data['alertId']}"
    return None


def delivery_body(event: ChainEvent, topic: Topic, *, base_url: str | None) -> dict[str, Any]:
    """The body of the webhook for `event` under `topic` (JSON-serialisable, the same every time
    it is made: a redelivery carries the same body)."""
    data = details(event.args)
    if event.event == ISSUED and event.partner and "destination" not in data:
        # the batch's one event: what the registry's CertificatesDestined says, the index keeps here
        data["destination"] = event.partner
    path = _path(event, topic, data)
    link = base_url.rstrip("/") + path if base_url and path else None
    time = datetime.fromtimestamp(event.block_time, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "type": event_type(topic, event.event),
        "event": event.event,
        "topic": topic.value,
        "chain_id": event.chain_id,
        "contract": event.contract,
        "contract_address": checksummed(_hex(event.contract_address) or ""),
        "block": {"number": event.block_number, "hash": _hex(event.block_hash), "time": time},
        "transaction": _hex(event.tx_hash),
        "log_index": event.log_index,
        "organisation": event.organisation,
        "data": data,
        "link": link,
    }
