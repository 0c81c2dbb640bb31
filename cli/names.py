"""How the command line shows a named address or member beside its id (names are resolved by
ledger.consortium.names; this only lays them out)."""

from __future__ import annotations


def shown_account(address: str | None, label: str | None) -> str:
    """`0xabc… (Ningbo Chamber of Commerce, accredited by CN)`, or the bare address."""
    if not address:
        return "-"
    return f"{address} ({label})" if label else address


def shown_member(member_id: str | None, name: str | None) -> str:
    """`CN (General Administration of Customs of China)`, or the bare id."""
    if not member_id:
        return "-"
    return f"{member_id} ({name})" if name else member_id
