"""The storage layout of a compiled contract: the slots and packed fields storage proofs read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.errors import ConfigurationError


class StorageLayoutMissing(ConfigurationError):
    """The compiled contract's storage layout lacks a variable or struct field that proofs read."""

    def __init__(self, contract: str, name: str) -> None:
        self.contract = contract
        self.name = name
        super().__init__(
            f"the compiled {contract} has no storage entry {name!r} in its storage layout: "
            "the contract changed (update what reads it) or its artifact predates storage layouts (run `make build`)"
        )


@dataclass(frozen=True)
class StorageField:
    """Where a value lives: its slot (from its variable's or struct's first), byte offset, size."""

    slot: int
    offset: int
    size: int

    def read(self, word: int) -> int:
        """This field's value in `word`, the storage word at its slot."""
        return (word >> (8 * self.offset)) & ((1 << (8 * self.size)) - 1)


def exported_layout(layout: dict[str, Any]) -> dict[str, Any]:
    """forge's (solc's) storageLayout without its AST ids, which depend on the compilation run:
    each state variable by name (slot, byte offset, type label) and each stored struct by label
    (its members' slots, offsets and sizes). An already exported layout is returned as it is."""
    if "variables" in layout:
        return layout
    types = layout.get("types") or {}
    variables = {
        v["label"]: {"slot": int(v["slot"]), "offset": v["offset"], "type": types[v["type"]]["label"]}
        for v in layout.get("storage", [])
    }
    structs = {
        t["label"]: {
            m["label"]: {"slot": int(m["slot"]), "offset": m["offset"], "bytes": int(types[m["type"]]["numberOfBytes"])}
            for m in t["members"]
        }
        for t in types.values()
        if "members" in t
    }
    return {"variables": variables, "structs": dict(sorted(structs.items()))}


@dataclass(frozen=True)
class StorageLayout:
    """One contract's exported storage layout."""

    contract: str
    variables: dict[str, dict[str, Any]]
    structs: dict[str, dict[str, dict[str, int]]]

    @classmethod
    def of(cls, contract: str, layout: dict[str, Any]) -> StorageLayout:
        exported = exported_layout(layout)
        return cls(contract, exported.get("variables", {}), exported.get("structs", {}))

    def slot(self, variable: str) -> int:
        """The slot of state variable `variable` (a mapping's or array's base slot)."""
        entry = self.variables.get(variable)
        if entry is None:
            raise StorageLayoutMissing(self.contract, variable)
        return int(entry["slot"])

    def field(self, struct: str, member: str) -> StorageField:
        """Member `member` of struct `struct` (e.g. "BatchRecord", or "IConsortium.Interval")."""
        members = self.structs.get(f"struct {self.contract}.{struct}") or self.structs.get(f"struct {struct}")
        entry = members.get(member) if members else None
        if entry is None:
            raise StorageLayoutMissing(self.contract, f"{struct}.{member}")
        return StorageField(int(entry["slot"]), int(entry["offset"]), int(entry["bytes"]))
