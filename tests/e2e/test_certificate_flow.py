"""The flow sanzhi exists for, through the library: CN issues, SG verifies, uses, CN revokes."""

from __future__ import annotations

from ledger.certificates.quantities import parse_quantity
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.trust import resolve_anchor
from ledger.certificates.verification import FragmentStatus, Verification, verify_certificates
from ledger.certificates.wrapped import WrappedCertificate
from ledger.documents.samples import generate_samples
from tests.support import Chain


def verify(chain: Chain, certificates: list[WrappedCertificate]) -> list[Verification]:
    client = chain.client()
    return verify_certificates(client=client, certificates=certificates, anchor=resolve_anchor(client, None))


def statuses(chain: Chain, certificate: WrappedCertificate) -> dict[str, FragmentStatus]:
    [result] = verify(chain, [certificate])
    return {f.name.value: f.status for f in result.fragments}


def test_cn_issues_sg_verifies_utilizes_cn_revokes(chain: Chain) -> None:
    cn_issuer = CertificateRegistryBinding(chain.client("cn-issuer"))
    documents = generate_samples("certificate-of-origin", 4, seed=11, origin="CN", destination="SG")
    batches = cn_issuer.wrap(documents)
    cn_issuer.anchor(batches)
    certificate = batches[0].certificates[0]

    # SG customs has nothing but the file, a node and the consortium it trusts.
    assert set(statuses(chain, certificate).values()) == {FragmentStatus.VALID}
    sg_customs = CertificateRegistryBinding(chain.client("sg-customs"))
    total = certificate.proof.quantity
    record = sg_customs.utilize(certificate, declaration="SG-IMP-2026-000123", quantity="1")
    assert parse_quantity(record.remaining.value) == total - 1000
    [after] = verify(chain, [certificate])
    utilization = next(f for f in after.fragments if f.name.value == "UTILIZATION")
    assert utilization.status is FragmentStatus.VALID
    assert "remaining" in utilization.reason

    cn_issuer.revoke(certificate, "fraud")
    revoked = statuses(chain, certificate)
    assert revoked["ISSUANCE"] is FragmentStatus.INVALID
    assert revoked["INTEGRITY"] is FragmentStatus.VALID
    # The rest of the batch is untouched.
    others = verify(chain, batches[0].certificates[1:])
    assert all(result.valid for result in others)
