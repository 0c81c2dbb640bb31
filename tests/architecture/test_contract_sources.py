"""The contracts read as Solidity: no inline assembly without its measured gas saving beside it, and
every role id declared once (contracts/src/Roles.sol).

Read as text with comments and strings removed, so a word in a comment does not count and a
block cannot hide behind one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ledger.ids import ROLES as OFF_CHAIN_ROLES
from tests.support import ROOT

SOURCES = sorted((ROOT / "contracts" / "src").rglob("*.sol"))
ROLES = ROOT / "contracts" / "src" / "Roles.sol"
_COMMENTS_AND_STRINGS = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"', re.S)
_ASSEMBLY = re.compile(r"\bassembly\b")
_ROLE_ID = re.compile(r'keccak256\(\s*"[A-Z_]+_ROLE"\s*\)')
# the comment an assembly block needs on one of the three lines above it: the saving a gas test
# measured, e.g. "// assembly: 12% less gas per issue (CertificateRegistryGas.t.sol)"
_GAS_FIGURE = re.compile(r"//.*\b\d+(?:\.\d+)?\s*% less gas\b")


def code_of(source: str) -> str:
    """`source` with comments blanked and strings emptied (line numbers kept)."""

    def blank(match: re.Match[str]) -> str:
        text = match.group(0)
        return '""' if text.startswith('"') else re.sub(r"[^\n]", " ", text)

    return _COMMENTS_AND_STRINGS.sub(blank, source)


def unjustified_assembly(source: str) -> list[int]:
    """Lines of inline assembly blocks without a gas figure in a comment just above them."""
    lines = source.splitlines()
    found = []
    for number, line in enumerate(code_of(source).splitlines(), start=1):
        if _ASSEMBLY.search(line) and not any(
            _GAS_FIGURE.search(above) for above in lines[max(0, number - 4) : number - 1]
        ):
            found.append(number)
    return found


def test_the_scans_find_what_they_look_for() -> None:
    sample = """
    // no assembly here, and keccak256("ISSUER_ROLE") in a comment does not count
    function f() { assembly ("memory-safe") { sstore(0, 1) } }
    // assembly: 14% less gas per utilize (CertificateRegistryGas.t.sol)
    function g() { assembly { mstore(0, 1) } }
    bytes32 constant R = keccak256("TRADE_ROLE");
    """
    assert unjustified_assembly(sample) == [3]
    assert len(_ROLE_ID.findall(code_of(sample))) == 0  # strings are emptied: role ids are read raw below
    assert len(_ROLE_ID.findall(sample)) == 2


def test_the_sources_are_read() -> None:
    assert len(SOURCES) > 8
    assert ROLES in SOURCES


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_assembly_without_its_gas_figure(path: Path) -> None:
    assert unjustified_assembly(path.read_text()) == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_role_ids_are_declared_in_roles_only(path: Path) -> None:
    source = path.read_text()
    uncommented = _COMMENTS_AND_STRINGS.sub(lambda m: m.group(0) if m.group(0).startswith('"') else " ", source)
    declared = _ROLE_ID.findall(uncommented)
    if path == ROLES:
        assert len(declared) == len(OFF_CHAIN_ROLES)  # each role ledger/ids.py knows, once
    else:
        assert declared == []
