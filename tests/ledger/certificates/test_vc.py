"""W3C Verifiable Credential export and import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.certificates.vc import PROOF_TYPE, VC_V2_CONTEXT, from_credential, to_credential
from ledger.certificates.wrapped import (
    WrappedCertificate,
    check_integrity,
    hide,
    read_wrapped,
    wrap_documents,
)
from ledger.errors import InvalidInput
from tests.support import (
    CHAIN_ID,
    ISSUER,
    ISSUER_ADDRESS,
    REGISTRY_ADDRESS,
    certificate_of_origin,
)


def _wrapped() -> WrappedCertificate:
    return wrap_documents(
        [certificate_of_origin()],
        issuer=ISSUER,
        registry=REGISTRY_ADDRESS,
        chain_id=CHAIN_ID,
        batch_size=10,
    )[0].certificates[0]


def test_credential_has_vc2_shape_and_round_trips() -> None:
    wrapped = hide(_wrapped(), ["importer"])
    credential = to_credential(wrapped)
    assert credential["@context"] == [VC_V2_CONTEXT]
    assert credential["type"][0] == "VerifiableCredential"
    assert credential["issuer"]["id"] == f"did:pkh:eip155:{CHAIN_ID}:{ISSUER_ADDRESS}"
    assert credential["validFrom"] == "2026-01-03T00:00:00Z"
    assert credential["validUntil"] == "2027-01-03T00:00:00Z"
    assert credential["proof"]["type"] == PROOF_TYPE
    assert credential["credentialSubject"]["document"] == wrapped.data
    back = from_credential(json.loads(json.dumps(credential)))
    assert back == wrapped
    assert check_integrity(back).valid


def test_read_wrapped_accepts_a_credential_file(tmp_path: Path) -> None:
    wrapped = _wrapped()
    path = tmp_path / "co.vc.json"
    path.write_text(json.dumps(to_credential(wrapped), ensure_ascii=False), encoding="utf-8")
    assert read_wrapped(path) == wrapped


def test_tampered_credential_fails_integrity() -> None:
    credential = to_credential(_wrapped())
    credential["credentialSubject"]["document"]["destination_country"] = "SG"
    assert not check_integrity(from_credential(credential)).valid


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda c: c.update({"@context": ["https://example.org"]}), "@context"),
        (lambda c: c["proof"].update({"type": "Ed25519Signature2020"}), "proof.type"),
        (lambda c: c["issuer"].update({"id": "did:web:example.org"}), "issuer.id"),
        (lambda c: c["proof"].update({"chainId": 1}), "issuer.id"),
    ],
)
def test_foreign_credentials_are_invalid_input(mutate, path) -> None:  # type: ignore[no-untyped-def]
    credential = to_credential(_wrapped())
    mutate(credential)
    with pytest.raises(InvalidInput) as caught:
        from_credential(credential)
    assert caught.value.path == path
