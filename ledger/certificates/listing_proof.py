"""The consortium's listing of a registry, read slot by slot from the Consortium's storage
(whose layout is in ledger.certificates.layout, with the rest of what bundles prove).

Bundles (of certificates and of evidence) carry a storage proof of these slots at their
block, so an offline verifier learns from the trusted consortium itself whether (and when) it
listed the bundle's registry: the kind and the intervals in which it was the active version.
"""

from __future__ import annotations

from collections.abc import Callable

from eth_utils.address import to_checksum_address

from ledger.certificates import layout
from ledger.chain.client import LedgerClient
from ledger.chain.reads import storage_at
from ledger.consortium.registries import Interval, RegistryListing, kind_text
from ledger.errors import ProofInvalid, TransactionFailed

MAX_LISTING_INTERVALS = 256  # activations of one registry: each a vote of the members
Reader = Callable[[int, str], int]  # slot, what it holds -> value


def read_listing(registry: str, consortium: Reader) -> RegistryListing:
    """Consortium.registryListing(registry) from its storage: the kind (None: not listed) and,
    when listed, the intervals in which it was the active version."""
    address = to_checksum_address(registry)
    kind = consortium(layout.listed_kind_slot(address), "the consortium's listing of the registry")
    kind_name = kind_text(kind.to_bytes(32, "big")) or None
    intervals: list[Interval] = []
    if kind:
        count = consortium(layout.registry_intervals_length_slot(address), "the registry's active intervals")
        if count > MAX_LISTING_INTERVALS:
            raise ProofInvalid("consortium proof", f"{count} active intervals, more than any bundle holds")
        for index in range(count):
            word = consortium(layout.registry_interval_slot(address, index), f"active interval {index}")
            since, until = layout.interval_of(word)
            intervals.append(Interval(since=since, until=until or None))
    return RegistryListing(address=address, kind=kind_name, version=0, intervals=intervals)


def storage_reader(client: LedgerClient, address: str, block_hash: str, slots: list[int]) -> Reader:
    """A Reader of `address`'s storage at `block_hash` that notes each slot it reads in `slots`
    (the slots a bundle then proves)."""

    def read(slot: int, what: str) -> int:
        try:
            value = storage_at(client, address, slot, block_hash)
        except TransactionFailed as exc:
            raise TransactionFailed(f"cannot read {what}: {exc.message}") from None
        if slot not in slots:
            slots.append(slot)
        return value

    return read


def proven_reader(step: str, values: dict[int, int], subject: str) -> Reader:
    """A Reader of proven slot values; a slot the proof lacks makes the bundle invalid."""

    def read(slot: int, what: str) -> int:
        if slot not in values:
            raise ProofInvalid(step, f"it does not prove {what} of {subject} (slot {hex(slot)})")
        return values[slot]

    return read
