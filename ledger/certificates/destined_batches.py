"""Batches by destination: every certificate of a batch goes to one importing country (the chain
records it with the root), so an issuance over documents for several countries makes one run of
batches per country, each of at most the batch size. A country outside the consortium is issued
to with a warning: no member's customs records its utilization."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ledger.errors import InvalidInput
from ledger.hashing.merkle import MerkleTree


@dataclass(frozen=True, slots=True)
class DestinedPlan:
    """The trees of an issuance, each with its destination, and the tree of each input leaf."""

    trees: list[MerkleTree]
    destinations: list[str]  # per tree
    tree_of: list[int]  # per input leaf, in input order


def plan_destined(leaves: Sequence[bytes], destinations: Sequence[str], batch_size: int) -> DestinedPlan:
    """One tree per `batch_size` leaves of one destination; destinations in the order of their
    first document, leaves in input order within each (a rerun plans the same batches)."""
    if batch_size < 1:
        raise InvalidInput("batch size must be at least 1", path="batch_size")
    groups: dict[str, list[int]] = {}
    for position, destination in enumerate(destinations):
        groups.setdefault(destination, []).append(position)
    trees: list[MerkleTree] = []
    tree_destinations: list[str] = []
    tree_of = [0] * len(leaves)
    for destination, positions in groups.items():
        for start in range(0, len(positions), batch_size):
            chunk = positions[start : start + batch_size]
            for position in chunk:
                tree_of[position] = len(trees)
            trees.append(MerkleTree.build([leaves[p] for p in chunk]))
            tree_destinations.append(destination)
    return DestinedPlan(trees=trees, destinations=tree_destinations, tree_of=tree_of)


def leaf_places(
    trees: Mapping[int, MerkleTree], tree_of: Sequence[int], leaves: Sequence[bytes]
) -> list[tuple[str, list[str]]]:
    """Each leaf's root and Merkle path as hex, `tree_of[i]` naming the tree of `leaves[i]` (a
    process writing part of the leaves gets only the trees its part needs)."""
    hexed: dict[int, list[str]] = {}
    places = []
    for which, leaf in zip(tree_of, leaves, strict=True):
        if which not in hexed:
            hexed[which] = ["0x" + node.hex() for node in trees[which].nodes]
        nodes = hexed[which]
        places.append((nodes[0], [nodes[i] for i in trees[which].proof_positions(leaf)]))
    return places


def outside_consortium_warning(destination: str, documents: Sequence[str]) -> str:
    """What an issuer is told of documents destined to a country outside the consortium."""
    return (
        f"{_some(documents)} name(s) importing country {destination}, which is not an active member of the "
        "consortium: issued, but no member records its utilization (its customs cannot draw on it on the ledger)"
    )


class OwnDestination(InvalidInput):
    """Documents name the issuing member's own country as the importing country."""

    code = "own-destination"

    def __init__(self, destination: str, documents: Sequence[str]) -> None:
        self.destination = destination
        self.documents = list(documents)
        super().__init__(
            f"{_some(documents)} name(s) importing country {destination}, the issuer's own member: a certificate "
            "goes to another member's customs",
            path="importing_country",
        )


class MixedDestinations(InvalidInput):
    """A batch whose certificates name different importing members (the chain records one)."""

    def __init__(self, root: str, destinations: Sequence[str]) -> None:
        super().__init__(
            f"batch {root} holds certificates for {', '.join(sorted(set(destinations)))}; a batch goes to one "
            "importing member",
            path="documents",
        )


def check_destinations(*, issuer_member: str, active_members: set[str], destinations: Mapping[str, str]) -> list[str]:
    """Refuse documents (name -> importing member) destined to the issuer's own member, naming
    them, before anything is anchored; the warnings for those destined outside the consortium
    (a valid country code, as the document model checked, that is no active member)."""
    by_destination: dict[str, list[str]] = {}
    for name, destination in destinations.items():
        by_destination.setdefault(destination, []).append(name)
    warnings = []
    for destination in sorted(by_destination):
        names = sorted(by_destination[destination])
        if destination == issuer_member:
            raise OwnDestination(destination, names)
        if destination not in active_members:
            warnings.append(outside_consortium_warning(destination, names))
    return warnings


def _some(values: Sequence[str], shown: int = 5) -> str:
    more = f" and {len(values) - shown} more" if len(values) > shown else ""
    return ", ".join(values[:shown]) + more
