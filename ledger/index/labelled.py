"""Indexed events in the reader's language: the event's label, and its step and reason values
as labels (ledger.labels). JSON answers keep the codes; people's views use these."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledger.labels import Lang, Vocabulary, label

_VALUE_VOCABULARIES = {"step": Vocabulary.STEP, "reason": Vocabulary.REASON}


def event_label(event: str, lang: Lang) -> str:
    """`CertificateRevoked` -> "Certificate revoked" / "证书撤销"."""
    return label(Vocabulary.EVENT, event, lang)


def labelled_details(details: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    """The event's details with step and reason codes as labels (other values as they are)."""
    return {
        name: label(_VALUE_VOCABULARIES[name], value, lang) if name in _VALUE_VOCABULARIES else value
        for name, value in details.items()
    }
