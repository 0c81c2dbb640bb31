"""Export a wrapped certificate as a W3C Verifiable Credential (Data Model 2.0), and back.

The credential carries the same data, salts, obfuscated hashes and Merkle proof as the wrapped
file, in a proof of type `SanzhiMerkleProof2026`; importing it gives back the identical
wrapped certificate, so verification accepts either form.
"""

from __future__ import annotations

import re
from typing import Any

from ledger.certificates.wrapped import WRAPPED_VERSION, WrappedCertificate, parse_wrapped
from ledger.errors import InvalidInput
from ledger.ids import CertificateType

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
PROOF_TYPE = "SanzhiMerkleProof2026"
_CREDENTIAL_TYPES: dict[str, str] = {
    CertificateType.CERTIFICATE_OF_ORIGIN: "CertificateOfOriginCredential",
    CertificateType.PHYTOSANITARY_CERTIFICATE: "PhytosanitaryCertificateCredential",
}
_DID_PKH = re.compile(r"^did:pkh:eip155:(?P<chain>[0-9]+):(?P<address>0x[0-9a-fA-F]{40})$")


def to_credential(wrapped: WrappedCertificate) -> dict[str, Any]:
    """The wrapped certificate as a VC 2.0 JSON object."""
    proof = wrapped.proof
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": f"urn:sanzhi:{wrapped.type}:{proof.chain_id}:{proof.root}:{wrapped.document_hash}",
        "type": ["VerifiableCredential", _CREDENTIAL_TYPES.get(wrapped.type, "SanzhiCredential")],
        "issuer": {
            "id": f"did:pkh:eip155:{proof.chain_id}:{wrapped.issuer.address}",
            "name": wrapped.issuer.name,
            "memberId": wrapped.issuer.member_id,
        },
        "credentialSubject": {"documentType": wrapped.type, "document": wrapped.data},
        "proof": {
            "type": PROOF_TYPE,
            "proofPurpose": "assertionMethod",
            "verificationMethod": f"eip155:{proof.chain_id}:{proof.registry}",
            "wrappedVersion": wrapped.version,
            "documentHash": wrapped.document_hash,
            "salts": wrapped.salts,
            "obfuscated": wrapped.obfuscated,
            "hidden": wrapped.hidden,
            "merkleRoot": proof.root,
            "merklePath": proof.path,
            "quantity": str(proof.quantity),
            "numberHash": proof.number_hash,
            "importingMember": proof.importing_member,
            "registry": proof.registry,
            "chainId": proof.chain_id,
            "certType": proof.cert_type,
        },
    }
    for key, field in (("validFrom", "issue_date"), ("validUntil", "expiry_date")):
        value = wrapped.data.get(field)
        if isinstance(value, str):
            credential[key] = f"{value}T00:00:00Z"
    return credential


def from_credential(credential: Any) -> WrappedCertificate:
    """The wrapped certificate inside a credential made by `to_credential`."""
    if not isinstance(credential, dict):
        raise InvalidInput("a credential is a JSON object")
    context = credential.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_V2_CONTEXT:
        raise InvalidInput(f"first @context must be {VC_V2_CONTEXT}", path="@context")
    proof = _object(credential, "proof")
    if proof.get("type") != PROOF_TYPE:
        raise InvalidInput(f"proof type must be {PROOF_TYPE}", path="proof.type")
    issuer = _object(credential, "issuer")
    match = _DID_PKH.match(str(issuer.get("id", "")))
    if match is None:
        raise InvalidInput("issuer id must be did:pkh:eip155:<chain>:<address>", path="issuer.id")
    if str(proof.get("chainId")) != match["chain"]:
        raise InvalidInput("issuer chain differs from proof.chainId", path="issuer.id")
    subject = _object(credential, "credentialSubject")
    quantity = proof.get("quantity")
    return parse_wrapped(
        {
            "version": proof.get("wrappedVersion", WRAPPED_VERSION),
            "type": subject.get("documentType"),
            "data": subject.get("document"),
            "salts": proof.get("salts"),
            "obfuscated": proof.get("obfuscated", []),
            "hidden": proof.get("hidden", []),
            "document_hash": proof.get("documentHash"),
            "proof": {
                "root": proof.get("merkleRoot"),
                "path": proof.get("merklePath"),
                "quantity": int(quantity) if isinstance(quantity, str) and quantity.isdigit() else quantity,
                "number_hash": proof.get("numberHash"),
                "importing_member": proof.get("importingMember"),
                "registry": proof.get("registry"),
                "chain_id": proof.get("chainId"),
                "cert_type": proof.get("certType"),
            },
            "issuer": {
                "address": match["address"],
                "member_id": issuer.get("memberId"),
                "name": issuer.get("name"),
            },
        }
    )


def _object(credential: dict[str, Any], key: str) -> dict[str, Any]:
    value = credential.get(key)
    if not isinstance(value, dict):
        raise InvalidInput("must be a JSON object", path=key)
    return value
