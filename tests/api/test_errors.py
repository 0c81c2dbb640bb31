"""The one mapping from errors to problem+json: status and stable code per class."""

from __future__ import annotations

import pytest

from api.errors import (
    AuthenticationFailed,
    Conflict,
    IndexUnavailable,
    NotFound,
    PermissionDenied,
    RateLimited,
    problem_for,
    revert_status,
)
from ledger.alerts import AlertNotFound, NotAlertOwner
from ledger.errors import (
    ConfigurationError,
    ContractRevert,
    InvalidDocument,
    InvalidInput,
    InvalidJson,
    KeyUnavailable,
    LedgerError,
    NodeNotRunning,
    NotDeployed,
    ProofInvalid,
    SourceUnavailable,
    TransactionFailed,
    WrongChain,
)


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (InvalidInput("bad", path="x"), 422, "invalid-input"),
        (InvalidJson("request body", "duplicate key"), 422, "invalid-json"),
        (InvalidDocument([("a.b", "missing")]), 422, "invalid-document"),
        (ProofInvalid("header", "wrong hash"), 422, "proof-invalid"),
        (AuthenticationFailed("unknown API key"), 401, "unauthenticated"),
        (PermissionDenied("not yours"), 403, "forbidden"),
        (NotFound("issuance x"), 404, "not-found"),
        (NotAlertOwner(3, "CN", "SG"), 403, "alert-not-owner"),
        (AlertNotFound(3), 404, "alert-not-found"),
        (Conflict("revoked already"), 409, "conflict"),
        (RateLimited("address 1.2.3.4", 3), 429, "rate-limited"),
        (TransactionFailed("status 0"), 502, "transaction-failed"),
        (SourceUnavailable("x.csv", "gone"), 502, "source-unavailable"),
        (KeyUnavailable("no key"), 503, "key-unavailable"),
        (NodeNotRunning("http://127.0.0.1:1"), 503, "node-not-running"),
        (WrongChain(1, 2), 503, "wrong-chain"),
        (NotDeployed(31337), 503, "not-deployed"),
        (IndexUnavailable(), 503, "index-unavailable"),
        (ConfigurationError("profile of SG"), 500, "configuration"),
        (LedgerError("anything else"), 500, "ledger-error"),
    ],
)
def test_each_error_class_has_its_status_and_stable_code(error: LedgerError, status: int, code: str) -> None:
    problem = problem_for(error)
    assert (problem.status, problem.code) == (status, code)
    assert problem.type.endswith("/" + code)


def test_an_internal_error_does_not_leak_its_message() -> None:
    problem = problem_for(ConfigurationError("keystore /secret/path is unreadable"))
    assert "/secret/path" not in problem.detail


def test_an_input_error_names_the_field() -> None:
    assert problem_for(InvalidInput("not a quantity", path="quantity")).path == "quantity"


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("CertificateRegistryNotBatchIssuer", 403),
        ("CertificateRegistryNotImportingCustoms", 403),
        ("ConsortiumAccountOfOtherMember", 403),
        ("AeoRegistryNotCustoms", 403),
        ("CertificateRegistryNotIssued", 404),
        ("AeoRegistryNoMraProposal", 404),
        ("CertificateRegistryInvalidProof", 422),
        ("AeoRegistryInvalidTier", 422),
        ("CertificateRegistryInvalidStatus", 409),
        ("AeoRegistryInvalidTransition", 409),
        ("CertificateRegistryQuantityExceeded", 409),
        ("CertificateRegistryDeclarationRecorded", 409),
        ("EvidenceRegistryNotAParty", 403),
        ("EvidenceRegistryNotConsignmentManager", 403),
        ("EvidenceRegistryWrongOpener", 403),
        ("EvidenceRegistryNotASide", 403),
        ("EvidenceRegistryAlreadyOpened", 409),
        ("EvidenceRegistryAlreadyDecided", 409),
        ("EvidenceRegistryNotOpened", 409),
        ("EvidenceRegistryNotEffectiveDecision", 409),
        ("EvidenceRegistryInvalidParty", 422),
    ],
)
def test_contract_refusals_map_by_what_they_mean(name: str, status: int) -> None:
    assert revert_status(name)[0] == status
    error = ContractRevert.for_error(name)(name, {"root": b"\x01" * 32})
    problem = problem_for(error)
    assert (problem.status, problem.code, problem.revert) == (status, "contract-revert", name)


def test_a_long_pattern_is_not_quoted_back_and_a_short_one_is() -> None:
    from api.errors import QUOTED_PATTERN_LENGTH, _message

    pattern = "^(?:A|B)" * QUOTED_PATTERN_LENGTH
    long = {"type": "string_pattern_mismatch", "loc": ("query", "destination"), "input": "ZZ",
            "msg": "String should match pattern '...'", "ctx": {"pattern": pattern}}  # fmt: skip
    short = {**long, "ctx": {"pattern": "^[A-Z]{2}$"}}
    assert "OpenAPI document" in _message(long)
    assert "pattern '" not in _message(long)
    assert _message(short) == "String should match pattern '...'"
