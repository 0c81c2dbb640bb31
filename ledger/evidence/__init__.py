"""Evidence chains per consignment: EPCIS 2.0 events, their hashes, the customs vocabulary."""

from ledger.evidence.consignment import canonical_ucr, consignment_id
from ledger.evidence.epcis import (
    BTT_CERTIFICATE,
    BTT_DECLARATION,
    BTT_INVOICE,
    SANZHI_CONTEXT,
    EpcisEvent,
    classify,
    epcis_document,
    new_event,
    parse_epcis,
)
from ledger.evidence.event_hash import EventHash, event_hash, pre_hash
from ledger.evidence.vocabulary import CUSTOMS_DECISIONS, CUSTOMS_NAMESPACE, EventType, Step, step_of

__all__ = [
    "BTT_CERTIFICATE",
    "BTT_DECLARATION",
    "BTT_INVOICE",
    "CUSTOMS_DECISIONS",
    "CUSTOMS_NAMESPACE",
    "SANZHI_CONTEXT",
    "EpcisEvent",
    "EventHash",
    "EventType",
    "Step",
    "canonical_ucr",
    "classify",
    "consignment_id",
    "epcis_document",
    "event_hash",
    "new_event",
    "parse_epcis",
    "pre_hash",
    "step_of",
]
