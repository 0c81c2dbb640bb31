"""Certificate trust holes, through the library on the session chain."""

from __future__ import annotations

import pytest

from ledger.certificates import verification
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.trust import TrustAnchor, resolve_anchor
from ledger.certificates.verification import FragmentStatus, Verification, verify_certificates
from ledger.certificates.wrapped import WrappedCertificate, assemble_batches
from ledger.devnet.consortium import dev_address
from ledger.documents import to_json_data
from ledger.documents.samples import generate_samples
from ledger.errors import ContractRevert, InvalidInput
from ledger.hashing.salted import salt_document
from ledger.ids import member_id_bytes
from tests.support import Chain


def anchor(chain: Chain) -> TrustAnchor:
    found = resolve_anchor(chain.client(), None)
    assert found is not None
    return found


def verify(
    chain: Chain, certificates: list[WrappedCertificate], trust: TrustAnchor | None = None
) -> list[Verification]:
    return verify_certificates(client=chain.client(), certificates=certificates, anchor=trust or anchor(chain))


def fragment(result: Verification, name: str) -> tuple[FragmentStatus, str]:
    found = next(f for f in result.fragments if f.name.value == name)
    return found.status, found.reason


def test_two_copies_of_one_number_share_one_quantity(chain: Chain) -> None:
    issuer = CertificateRegistryBinding(chain.client("cn-issuer"))
    [document] = generate_samples("certificate-of-origin", 1, seed=5, origin="CN", destination="SG")
    # The library path has no local record of numbers: the same document wrapped twice gives
    # two leaves (other salts) carrying one number, both anchored.
    copies = [issuer.wrap([document])[0], issuer.wrap([document])[0]]
    for batch in copies:
        issuer.anchor([batch])
    first, second = (batch.certificates[0] for batch in copies)
    assert first.leaf != second.leaf
    quantity = first.proof.quantity
    customs = CertificateRegistryBinding(chain.client("sg-customs"))
    whole = str(quantity / 1000)
    customs.utilize(first, declaration="SG-1", quantity=whole)
    with pytest.raises(ContractRevert.for_error("CertificateRegistryQuantityExceeded")) as refused:
        customs.utilize(second, declaration="SG-2", quantity="0.001")
    assert "remaining 0" in refused.value.message
    status, reason = fragment(verify(chain, [second])[0], "UTILIZATION")
    assert status is FragmentStatus.INVALID
    assert "fully utilized" in reason


def test_a_visible_issuing_country_must_be_the_issuing_member(chain: Chain) -> None:
    # An issuer that skips the library's check and anchors a Thai certificate as CN's
    issuer = CertificateRegistryBinding(chain.client("cn-issuer"))
    [thai] = generate_samples("certificate-of-origin", 1, seed=6, origin="TH", destination="SG")
    salted = salt_document(thai.doc_type, to_json_data(thai))
    [batch] = assemble_batches(
        [salted],
        [thai.utilization_quantity],
        issuer=issuer.issuer_identity(),
        registry=issuer.contract.address,
        chain_id=chain.client().chain_id,
        batch_size=10,
    )
    issuer.anchor([batch])
    [result] = verify(chain, batch.certificates)
    status, reason = fragment(result, "ISSUER")
    assert status is FragmentStatus.INVALID
    assert "issuing_authority.country is TH, but the issuer is accredited by CN" in reason
    assert not result.valid


def test_a_look_alike_registry_is_not_trusted(chain: Chain) -> None:
    # Anyone can deploy the same contracts with a consortium of their own and issue there.
    forger = chain.client("exporter")
    founder = dev_address("exporter")
    consortium, _ = forger.deploy("Consortium", [[member_id_bytes("CN")], ["Fake customs"], [founder], 1])
    registry, _ = forger.deploy("CertificateRegistry", [consortium])
    [document] = generate_samples("certificate-of-origin", 1, seed=7, origin="CN", destination="SG")
    salted = salt_document(document.doc_type, to_json_data(document))
    genuine = CertificateRegistryBinding(chain.client("cn-issuer"))
    [batch] = assemble_batches(
        [salted],
        [document.utilization_quantity],
        issuer=genuine.issuer_identity(),
        registry=registry,
        chain_id=forger.chain_id,
        batch_size=10,
    )
    [result] = verify(chain, batch.certificates)
    status, reason = fragment(result, "ISSUER")
    assert status is FragmentStatus.INVALID
    assert "is not a CertificateRegistry the trusted consortium" in reason
    assert not result.valid


def test_large_sets_are_read_in_several_requests(chain: Chain, monkeypatch: pytest.MonkeyPatch) -> None:
    issuer = CertificateRegistryBinding(chain.client("cn-issuer"))
    documents = generate_samples("certificate-of-origin", 60, seed=8, origin="CN", destination="SG")
    [batch] = issuer.wrap(documents)
    issuer.anchor([batch])
    monkeypatch.setattr(verification, "QUERY_CHUNK", 5)  # 12 status calls ...
    monkeypatch.setattr(verification, "CALLS_PER_REQUEST", 4)  # ... and the code check, 4 per request
    client = chain.client()
    trust = resolve_anchor(client, None)
    before = client.raw_requests
    results = verify_certificates(client=client, certificates=batch.certificates, anchor=trust)
    assert all(r.valid for r in results)
    assert client.raw_requests - before == 4


def test_a_number_spelled_differently_is_the_same_number(chain: Chain) -> None:
    issuer = CertificateRegistryBinding(chain.client("cn-issuer"))
    [document] = generate_samples("certificate-of-origin", 1, seed=9, origin="CN", destination="SG")
    number = str(to_json_data(document)["certificate_number"])
    respelled = type(document).model_validate(
        {
            **to_json_data(document),
            "certificate_number": "/".join(number.lower()[i : i + 4] for i in range(0, len(number), 4)) + ".",
        }
    )
    first, second = issuer.wrap([document])[0], issuer.wrap([respelled])[0]
    assert first.certificates[0].proof.number_hash == second.certificates[0].proof.number_hash
    for batch in (first, second):
        issuer.anchor([batch])
    customs = CertificateRegistryBinding(chain.client("sg-customs"))
    customs.utilize(
        first.certificates[0], declaration="SG-IMP 7", quantity=str(first.certificates[0].proof.quantity / 1000)
    )
    with pytest.raises(ContractRevert.for_error("CertificateRegistryQuantityExceeded")):
        customs.utilize(second.certificates[0], declaration="SG-IMP 8", quantity="0.001")
    # a declaration spelled differently is the same declaration
    with pytest.raises(ContractRevert.for_error("CertificateRegistryDeclarationRecorded")):
        customs.utilize(first.certificates[0], declaration="sg-imp7", quantity="0.001")


def test_a_revoked_batch_gets_no_second_life_in_an_unlisted_copy(chain: Chain) -> None:
    # The accredited issuer deploys a genuine CertificateRegistry bound to the real consortium
    # and tries to anchor there the root of a batch whose certificate its member revoked.
    issuer = CertificateRegistryBinding(chain.client("cn-issuer"))
    documents = generate_samples("certificate-of-origin", 2, seed=19, origin="CN", destination="SG")
    [batch] = issuer.wrap(documents)
    issuer.anchor([batch])
    revoked = batch.certificates[0]
    issuer.revoke(revoked, "fraud")
    consortium = chain.client().address_of("Consortium")
    copy_address, _ = chain.client("cn-issuer").deploy("CertificateRegistry", [consortium])
    copy = CertificateRegistryBinding(chain.client("cn-issuer"), address=copy_address)
    with pytest.raises(ContractRevert, match="RegistryNotActive"):
        copy.anchor_roots([batch.root], "certificate-of-origin", [len(batch.certificates)], destinations=["SG"])

    # with only its proof.registry edited, the revoked certificate points at the copy
    edited = revoked.model_copy(update={"proof": revoked.proof.model_copy(update={"registry": copy_address})})
    [result] = verify(chain, [edited])
    assert not result.valid
    assert fragment(result, "ISSUER") == (
        FragmentStatus.INVALID,
        f"registry {copy_address} is not a CertificateRegistry the trusted consortium {consortium} lists",
    )
    assert fragment(result, "ISSUANCE")[0] is FragmentStatus.SKIPPED
    with pytest.raises(InvalidInput, match="does not list"):
        resolve_anchor(chain.client(), copy_address)
    # the genuine registry still says revoked
    [original] = verify(chain, [revoked])
    assert fragment(original, "ISSUANCE")[0] is FragmentStatus.INVALID
