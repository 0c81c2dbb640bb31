"""Certificate proof bundles: the storage layout against the contracts' views, a round trip with
no network, and every kind of tampering refused in one line."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from ledger.certificates import layout
from ledger.certificates.bundle import CertificateBundle, make_bundle, read_bundle, verify_bundle
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.wrapped import WrappedCertificate, from_hex
from ledger.chain.contract import ContractBinding
from ledger.consortium.binding import ConsortiumBinding
from ledger.devnet.consortium import dev_address
from ledger.documents.samples import generate_samples
from ledger.errors import ProofInvalid
from ledger.ids import ISSUER_ROLE
from tests.support import Chain, rpc

# A bundle is proven at a block and dated by it: headers of the node's fork, the chain's clock
# moved by hand while the Besu-like node mines a block every second.
pytestmark = pytest.mark.besu

CO = "certificate-of-origin"


def issue(chain: Chain, count: int = 3, seed: int = 71) -> list[WrappedCertificate]:
    issuer = CertificateRegistryBinding(chain.client("cn-issuer"))
    documents = generate_samples(CO, count, seed=seed, origin="CN", destination="SG")
    [batch] = issuer.wrap(documents)
    issuer.anchor([batch])
    return batch.certificates


def registry_address(chain: Chain) -> str:
    return chain.client().address_of("CertificateRegistry")


def consortium_address(chain: Chain) -> str:
    return chain.client().address_of("Consortium")


def trusted(chain: Chain, bundle: CertificateBundle) -> str:
    """The block hash the auditor trusts, got apart from the bundle."""
    number = int(bundle.registry_proof.header.number, 16)
    return "0x" + bytes(chain.client().w3.eth.get_block(number)["hash"]).hex()


def check(chain: Chain, bundle: CertificateBundle, block_hash: str | None = None) -> Any:
    return verify_bundle(
        bundle, trusted_block_hash=block_hash or trusted(chain, bundle), trusted_consortium=consortium_address(chain)
    )


def fragment(result: Any, name: str) -> tuple[str, str]:
    found = next(f for f in result.verification.fragments if f.name.value == name)
    return found.status.value, found.reason


def edited(bundle: CertificateBundle, change: Any) -> CertificateBundle:
    data = json.loads(bundle.model_dump_json(by_alias=True))
    change(data)
    return read_bundle(json.dumps(data), source="edited")


# ---------------------------------------------------------------- the layout


def test_every_derived_slot_matches_the_contracts_views_at_the_same_block(chain: Chain) -> None:
    certificates = issue(chain, 4)
    issuer = CertificateRegistryBinding(chain.client("cn-issuer"))
    CertificateRegistryBinding(chain.client("sg-customs")).utilize(certificates[0], declaration="L-1", quantity="1")
    issuer.revoke(certificates[1], "fraud")
    issuer.supersede(certificates[2], certificates[3])
    # an earlier accreditation period: withdrawn and granted again
    admin = ConsortiumBinding(chain.client("cn-admin"))
    rpc(chain.rpc_url, "evm_increaseTime", [3600])
    admin.withdraw(dev_address("cn-issuer"), "issuer", CO)
    rpc(chain.rpc_url, "evm_increaseTime", [3600])
    admin.accredit(dev_address("cn-issuer"), "issuer", CO, name="宁波市贸促会 CCPIT Ningbo")

    client = chain.client()
    w3 = client.w3
    registry = ContractBinding(client, "CertificateRegistry")
    consortium = ContractBinding(client, "Consortium")
    block = client.block_number()

    def word(address: str, slot: int) -> int:
        return int.from_bytes(w3.eth.get_storage_at(address, slot, block_identifier=block), "big")

    for certificate in certificates:
        root, cert_type = from_hex(certificate.proof.root), from_hex(certificate.proof.cert_type)
        leaf = certificate.leaf
        number_hash = from_hex(certificate.proof.number_hash)
        batch = layout.BatchRecord.of(word(registry.address, layout.batch_slot(root, cert_type)))
        assert (batch.issuer, batch.issued_at, batch.expires_at) == tuple(
            v.lower() if isinstance(v, str) else v for v in registry.call("batch", root, cert_type, block=block)
        )
        view = registry.call("certificateState", root, cert_type, leaf, number_hash, block=block)
        record = layout.CertificateRecord.of(word(registry.address, layout.certificate_slot(root, cert_type, leaf)))
        assert (record.status, record.reason, record.changed_at) == (view[8], view[9], view[10])
        first, second = layout.successor_slots(root, cert_type, leaf)
        assert (word(registry.address, first), word(registry.address, second)) == (
            int.from_bytes(view[12], "big"),
            int.from_bytes(view[13], "big"),
        )
        key = registry.call("numberKey", root, cert_type, number_hash, block=block)
        assert key == layout.number_key(view[2], cert_type, number_hash)
        drawn = layout.drawn(word(registry.address, layout.number_slot(key)))
        assert drawn == registry.call("utilized", key, block=block) == view[11]

    # the issuer's accreditation record, its term's member, the member's record, earlier periods
    issuer_address, cert_type = dev_address("cn-issuer"), from_hex(certificates[0].proof.cert_type)
    key = layout.accreditation_key(issuer_address, ISSUER_ROLE, cert_type)
    grant = layout.Grant.of(word(consortium.address, layout.grant_slot(key)))
    member_id, since, until = consortium.call("accreditation", issuer_address, ISSUER_ROLE, cert_type, block=block)
    assert (grant.since, grant.until) == (since, until)
    assert since > 0
    assert word(consortium.address, layout.term_member_slot(grant.term)) == int.from_bytes(member_id, "big")
    flags, term_word = layout.member_slots(member_id)
    member = consortium.call("member", member_id, block=block)
    assert layout.member_active(word(consortium.address, flags)) == member[3]
    assert layout.member_left_at(word(consortium.address, term_word)) == member[5]
    assert word(consortium.address, layout.former_periods_length_slot(key)) == 1
    period = layout.Period.of(word(consortium.address, layout.former_period_slot(key, 0)))
    assert 0 < period.since < period.until < since
    for at, expected in ((period.since, True), (period.until, False), (since, True), (period.since - 1, False)):
        assert consortium.call("wasAccredited", issuer_address, ISSUER_ROLE, cert_type, at, block=block) is expected

    # the consortium's listing of the registry: its kind and the interval it is active in
    listing = consortium.call("registryListing", registry.address, block=block)
    assert word(consortium.address, layout.listed_kind_slot(registry.address)) == int.from_bytes(listing[0], "big")
    assert word(consortium.address, layout.registry_intervals_length_slot(registry.address)) == len(listing[2]) == 1
    interval = word(consortium.address, layout.registry_interval_slot(registry.address, 0))
    assert (interval & layout.U64, interval >> 64) == tuple(listing[2][0])

    # and the bundle's verdict agrees with `cert verify`'s view at that block
    for certificate, status in zip(certificates, ("VALID", "INVALID", "INVALID", "VALID"), strict=True):
        result = check(chain, make_bundle(client=client, certificate=certificate, block=block))
        assert fragment(result, "ISSUANCE")[0] == status
        assert fragment(result, "ISSUER")[0] == "VALID"
    superseded = check(chain, make_bundle(client=client, certificate=certificates[2]))
    assert "superseded" in fragment(superseded, "ISSUANCE")[1]


# ---------------------------------------------------------------- round trips


def test_a_bundle_verifies_with_no_network(chain: Chain) -> None:
    certificate = issue(chain)[0]
    CertificateRegistryBinding(chain.client("sg-customs")).utilize(certificate, declaration="R-1", quantity="2.5")
    bundle = make_bundle(client=chain.client(), certificate=certificate)
    text, block_hash, consortium = (
        bundle.model_dump_json(by_alias=True),
        trusted(chain, bundle),
        consortium_address(chain),
    )

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", lambda *_: pytest.fail("verification touched the network"))
        result = verify_bundle(
            read_bundle(text, source="b"), trusted_block_hash=block_hash, trusted_consortium=consortium
        )

    assert result.valid, result.verification.fragments
    assert [f.name.value for f in result.verification.fragments] == [
        "INTEGRITY",
        "ISSUANCE",
        "ISSUER",
        "EXPIRY",
        "UTILIZATION",
    ]
    assert "accredited by CN" in fragment(result, "ISSUER")[1]
    assert "remaining" in fragment(result, "UTILIZATION")[1]
    assert len(bundle.consortium_proof.account.storage_proof) >= 4


def test_a_revoked_certificates_bundle_says_revoked(chain: Chain) -> None:
    certificate = issue(chain)[0]
    CertificateRegistryBinding(chain.client("cn-issuer")).revoke(certificate, "fraud")
    result = check(chain, make_bundle(client=chain.client(), certificate=certificate))
    assert not result.valid
    status, reason = fragment(result, "ISSUANCE")
    assert status == "INVALID"
    assert reason.startswith("revoked (fraud)")


def test_a_withdrawn_issuer_still_vouches_for_what_it_issued_before(chain: Chain) -> None:
    certificate = issue(chain)[0]
    rpc(chain.rpc_url, "evm_increaseTime", [60])  # withdrawn at the issue time, it was not accredited then
    ConsortiumBinding(chain.client("cn-admin")).withdraw(dev_address("cn-issuer"), "issuer", CO)
    result = check(chain, make_bundle(client=chain.client(), certificate=certificate))
    assert result.valid
    assert "(accreditation since withdrawn)" in fragment(result, "ISSUER")[1]


# ---------------------------------------------------------------- tampering


def _set_data(data: dict[str, Any]) -> None:
    data["certificate"]["data"]["certificate_number"] += "X"


def _set_node(data: dict[str, Any]) -> None:
    nodes = data["registry_proof"]["account"]["storageProof"][0]["proof"]
    nodes[-1] = nodes[-1][:-2] + ("00" if nodes[-1][-2:] != "00" else "01")


def _set_value(data: dict[str, Any]) -> None:
    entry = data["registry_proof"]["account"]["storageProof"][1]
    entry["value"] = hex(int(entry["value"], 16) ^ 2)


def _set_header(data: dict[str, Any]) -> None:
    header = data["consortium_proof"]["header"]
    header["timestamp"] = hex(int(header["timestamp"], 16) + 86400)


def _drop_slot(data: dict[str, Any]) -> None:
    data["consortium_proof"]["account"]["storageProof"].pop()


def _set_consortium(data: dict[str, Any]) -> None:
    data["consortium"] = data["registry"]


@pytest.mark.parametrize(
    ("change", "step", "words"),
    [
        (_set_data, "certificate", "data was altered"),
        (_set_node, "storage proof of slot", "does not lead"),
        (_set_value, "storage proof of slot", "the bundle says"),
        (_set_header, "header", "not the trusted block hash"),
        (_drop_slot, "consortium proof", "does not prove"),
        (_set_consortium, "consortium", "not the trusted"),
    ],
    ids=["data", "node", "value", "header", "missing-slot", "consortium"],
)
def test_tampering_is_refused_in_one_line(chain: Chain, change: Any, step: str, words: str) -> None:
    certificate = issue(chain)[0]
    CertificateRegistryBinding(chain.client("sg-customs")).utilize(certificate, declaration="T-1", quantity="1")
    bundle = make_bundle(client=chain.client(), certificate=certificate)
    block_hash = trusted(chain, bundle)
    assert check(chain, bundle, block_hash).valid
    with pytest.raises(ProofInvalid) as refused:
        check(chain, edited(bundle, change), block_hash)
    assert refused.value.step.startswith(step), refused.value.message
    assert words in refused.value.message
    assert "\n" not in refused.value.message


def test_another_certificates_bundle_block_or_registry_is_refused(chain: Chain) -> None:
    first, second = issue(chain)[:2]
    CertificateRegistryBinding(chain.client("sg-customs")).utilize(first, declaration="A-1", quantity="1")
    bundle = make_bundle(client=chain.client(), certificate=first)
    block_hash = trusted(chain, bundle)
    swapped = bundle.model_copy(update={"certificate": second})
    with pytest.raises(ProofInvalid, match="does not prove the certificate record of this certificate"):
        check(chain, swapped, block_hash)
    chain.client().w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    later = "0x" + bytes(chain.client().w3.eth.get_block("latest")["hash"]).hex()
    with pytest.raises(ProofInvalid, match="not the trusted block hash"):
        check(chain, bundle, later)
    with pytest.raises(ProofInvalid, match="not the trusted"):
        verify_bundle(bundle, trusted_block_hash=block_hash, trusted_consortium=registry_address(chain))
    with pytest.raises(ProofInvalid, match="not the trusted"):
        verify_bundle(
            bundle,
            trusted_block_hash=block_hash,
            trusted_consortium=consortium_address(chain),
            trusted_registry=consortium_address(chain),
        )
