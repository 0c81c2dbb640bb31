"""The revert-status table names every custom error of the compiled contracts, and nothing else."""

from __future__ import annotations

import json

from api.errors import problem_for
from api.revert_statuses import REVERT_STATUS, revert_status
from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR
from ledger.errors import ContractRevert, ReadFailed, UndecodableData


def _declared_errors() -> set[str]:
    found = set()
    for path in DEFAULT_ARTIFACTS_DIR.glob("*.json"):
        found |= {i["name"] for i in json.loads(path.read_text())["abi"] if i.get("type") == "error"}
    return found


def test_every_contract_error_has_a_status() -> None:
    declared = _declared_errors()
    assert len(declared) > 50  # the scan reads the real artifacts
    assert sorted(declared - REVERT_STATUS.keys()) == []


def test_the_table_names_no_error_the_contracts_do_not_declare() -> None:
    assert sorted(REVERT_STATUS.keys() - _declared_errors()) == []


def test_statuses_are_the_four_meanings() -> None:
    assert {status for status, _ in REVERT_STATUS.values()} == {403, 404, 409, 422}
    # a state transition whose name says "Invalid" is a refusal in the record's state, not bad input
    assert revert_status("AeoRegistryInvalidTransition")[0] == 409
    assert revert_status("CertificateRegistryInvalidProof")[0] == 422
    # decided by meaning, not by name: a zero hash or a page over its cap is bad input, an oracle
    # or issuer the consortium has not accredited is not permitted
    assert revert_status("EvidenceRegistryZeroEventHash")[0] == 422
    assert revert_status("StatisticsRegistryPageTooLarge")[0] == 422
    assert revert_status("StatisticsRegistryNotOracle")[0] == 403
    assert revert_status("DocumentRegistryNotAccredited")[0] == 403


def test_a_failed_read_is_a_bad_gateway_not_a_failed_transaction() -> None:
    read = problem_for(ReadFailed("Consortium.threshold", "header not found"))
    assert (read.status, read.code, read.title) == (502, "read-failed", "Chain read failed")
    undecodable = problem_for(UndecodableData("what threshold returned", "3 bytes"))
    assert (undecodable.status, undecodable.code) == (502, "undecodable-data")
    refusal = problem_for(ContractRevert.for_error("ConsortiumUnknownMember")("ConsortiumUnknownMember", {}))
    assert refusal.status == 404
