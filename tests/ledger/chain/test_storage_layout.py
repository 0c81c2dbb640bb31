"""Storage slots come from the compiler's storage layout exported with the ABI: a change of the
layout is what proofs then read, a variable the layout lacks is named, and solc's AST ids (which
differ between a cached and a clean build) do not reach the exported files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.storage_layout import StorageField, StorageLayoutMissing, exported_layout
from ledger.errors import LedgerError


def copied_artifacts(tmp_path: Path, name: str, change: Any) -> Artifacts:
    shutil.copy(DEFAULT_ARTIFACTS_DIR / f"{name}.json", tmp_path / f"{name}.json")
    data = json.loads((tmp_path / f"{name}.json").read_text())
    change(data["storageLayout"])
    (tmp_path / f"{name}.json").write_text(json.dumps(data))
    return Artifacts(tmp_path)


def test_the_shipped_artifacts_give_the_slots_proofs_read() -> None:
    artifacts = Artifacts(DEFAULT_ARTIFACTS_DIR)
    assert artifacts.storage_layout("CertificateRegistry").slot("_batches") == 0
    assert artifacts.storage_layout("EvidenceRegistry").slot("_heads") > 0  # after OracleQuorum's own state
    assert artifacts.storage_layout("Consortium").field("MemberRecord", "active") == StorageField(2, 20, 1)


def test_a_moved_variable_is_read_where_the_layout_now_puts_it(tmp_path: Path) -> None:
    def move(layout: dict[str, Any]) -> None:
        layout["variables"]["_heads"]["slot"] = 42

    assert copied_artifacts(tmp_path, "EvidenceRegistry", move).storage_layout("EvidenceRegistry").slot("_heads") == 42


def test_a_variable_the_layout_lacks_is_named(tmp_path: Path) -> None:
    def rename(layout: dict[str, Any]) -> None:
        layout["variables"]["_headWords"] = layout["variables"].pop("_heads")

    artifacts = copied_artifacts(tmp_path, "EvidenceRegistry", rename)
    with pytest.raises(StorageLayoutMissing, match=r"EvidenceRegistry.*'_heads'") as raised:
        artifacts.storage_layout("EvidenceRegistry").slot("_heads")
    assert isinstance(raised.value, LedgerError)
    assert (raised.value.contract, raised.value.name) == ("EvidenceRegistry", "_heads")


def test_a_struct_field_the_layout_lacks_is_named() -> None:
    layout = Artifacts(DEFAULT_ARTIFACTS_DIR).storage_layout("CertificateRegistry")
    with pytest.raises(StorageLayoutMissing, match=r"BatchRecord\.revokedAt"):
        layout.field("BatchRecord", "revokedAt")


def test_a_packed_field_is_read_at_its_offset_and_size() -> None:
    word = (0xABCD << 24) | (0x0102 << 8) | 0x03
    assert StorageField(0, 0, 1).read(word) == 0x03
    assert StorageField(0, 1, 2).read(word) == 0x0102
    assert StorageField(0, 3, 6).read(word) == 0xABCD


def forge_layout(ast_id: int) -> dict[str, Any]:
    """forge's storageLayout of one struct mapping, as solc numbers it in one compilation run."""
    struct = f"t_struct(Record){ast_id}_storage"
    return {
        "storage": [
            {
                "astId": ast_id + 1,
                "label": "_records",
                "offset": 0,
                "slot": "3",
                "type": f"t_mapping(t_bytes32,{struct})",
            }
        ],
        "types": {
            f"t_mapping(t_bytes32,{struct})": {"label": "mapping(bytes32 => struct C.Record)", "numberOfBytes": "32"},
            struct: {
                "label": "struct C.Record",
                "numberOfBytes": "32",
                "members": [
                    {"astId": ast_id + 2, "label": "owner", "offset": 0, "slot": "0", "type": "t_address"},
                    {"astId": ast_id + 3, "label": "at", "offset": 20, "slot": "0", "type": "t_uint48"},
                ],
            },
            "t_address": {"label": "address", "numberOfBytes": "20"},
            "t_uint48": {"label": "uint48", "numberOfBytes": "6"},
            "t_bytes32": {"label": "bytes32", "numberOfBytes": "32"},
        },
    }


def test_the_export_does_not_depend_on_solcs_ast_ids() -> None:
    clean, cached = exported_layout(forge_layout(14890)), exported_layout(forge_layout(14792))
    assert clean == cached
    assert clean["variables"]["_records"] == {"slot": 3, "offset": 0, "type": "mapping(bytes32 => struct C.Record)"}
    assert clean["structs"]["struct C.Record"]["at"] == {"slot": 0, "offset": 20, "bytes": 6}
    assert exported_layout(clean) == clean
