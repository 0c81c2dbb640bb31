"""Issuance by destination: one run of batches per importing member, the chain recording each
batch's destination; documents for a non-member or for the issuer's own country refused by name
before anything is anchored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.certificates.destined_batches import DestinationNotMember, OwnDestination
from ledger.certificates.issuance import issue_files
from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.certificates.registry import CertificateRegistryBinding, IssuedBatch
from ledger.certificates.wrapped import read_wrapped
from ledger.consortium.binding import ConsortiumBinding
from ledger.devnet.consortium import dev_address
from ledger.errors import InvalidInput
from tests.support import Chain, co_data


def admit_thailand(chain: Chain) -> None:
    cn = ConsortiumBinding(chain.client("cn-admin"))
    proposed = cn.propose_add_member("TH", "Thai Customs", dev_address("th-admin"))
    ConsortiumBinding(chain.client("sg-admin")).approve(proposed.proposal_id)


def write_documents(directory: Path, destinations: list[str]) -> list[Path]:
    """One certificate of origin per destination, `co-00.json`, ..., in order."""
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for n, destination in enumerate(destinations):
        data = co_data(certificate_number=f"CN2026DEST{n:06d}", destination_country=destination)
        data["importer"]["address"]["country"] = destination
        path = directory / f"co-{n:02d}.json"
        path.write_text(json.dumps(data, ensure_ascii=False))
        files.append(path)
    return files


def run(chain: Chain, files: list[Path], out: Path, batch_size: int = 2) -> list[IssuedBatch]:
    registry = CertificateRegistryBinding(chain.client("cn-issuer"))
    return issue_files(
        registry=registry,
        doc_type="certificate-of-origin",
        files=files,
        out_dir=out,
        numbers=IssuedNumbers(numbers_path(chain.data_dir)),
        batch_size=batch_size,
        workers=1,
    ).batches


def test_one_run_of_batches_per_destination(chain: Chain, tmp_path: Path) -> None:
    admit_thailand(chain)
    files = write_documents(tmp_path / "in", ["SG", "TH", "SG", "TH", "SG"])
    out = tmp_path / "out"
    batches = run(chain, files, out)
    registry = CertificateRegistryBinding(chain.client())
    # SG's three in batches of two and one, then TH's two: no batch mixes destinations
    assert [(b.destination, b.count) for b in batches] == [("SG", 2), ("SG", 1), ("TH", 2)]
    for batch in batches:
        root = batch.root
        assert registry.batch_destination(root, "certificate-of-origin") == batch.destination
    wrapped = {path.name: read_wrapped(out / path.name) for path in files}
    roots = {b.root: b.destination for b in batches}
    for name, certificate in wrapped.items():
        assert certificate.proof.importing_member == roots[certificate.proof.root], name
    # a rerun over the same input issues nothing twice
    with pytest.raises(InvalidInput, match="CN has already issued certificate numbers CN2026DEST000000"):
        run(chain, files, out)


def test_a_document_for_a_non_member_is_refused_by_name(chain: Chain, tmp_path: Path) -> None:
    files = write_documents(tmp_path / "in", ["SG", "MY", "SG", "MY"])
    out = tmp_path / "out"
    with pytest.raises(DestinationNotMember) as refused:
        run(chain, files, out)
    assert refused.value.documents == ["co-01.json", "co-03.json"]
    assert "importing country MY, which is not an active member" in refused.value.message
    assert not out.exists() or not any(out.iterdir())  # nothing staged, nothing anchored


def test_a_document_for_the_issuers_own_country_is_refused(chain: Chain, tmp_path: Path) -> None:
    files = write_documents(tmp_path / "in", ["SG", "CN"])
    with pytest.raises(OwnDestination, match=r"co-01\.json .*importing country CN, the issuer's own member"):
        run(chain, files, tmp_path / "out")


def test_an_unknown_destination_of_an_unissued_batch_is_none(chain: Chain) -> None:
    registry = CertificateRegistryBinding(chain.client())
    assert registry.batch_destination("0x" + "ab" * 32, "certificate-of-origin") is None
