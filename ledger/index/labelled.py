"""Indexed events as people read them: the event's label, its step and reason values as labels
(ledger.labels), and who sent it (ledger.index.names). JSON answers keep the codes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine

from ledger.consortium.names import AccountName
from ledger.index.names import account_names
from ledger.index.presentation import AuditEvent
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


def name_actors(engine: Engine, events: Sequence[AuditEvent]) -> None:
    """Set each event's `actor_name`: who its sender is, as the indexed events say (one query
    for the whole page)."""
    if not events:
        return
    with engine.connect() as connection:
        names = account_names(connection, {event.actor for event in events})
    for event in events:
        event.actor_name = names.get(event.actor)


def account_label(name: AccountName | None, lang: Lang) -> str | None:
    """Who an account is in `lang` (`AccountName.label_in`); None for no name at all."""
    return name.label_in(lang) if name is not None else None
