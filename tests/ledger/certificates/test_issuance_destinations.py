"""Issuance by destination: one run of batches per importing country, the chain recording each
batch's destination; documents for the issuer's own country refused by name before anything is
anchored, those for a country outside the consortium issued with a warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.certificates.destined_batches import OwnDestination
from ledger.certificates.issuance import issue_files
from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.certificates.registry import CertificateRegistryBinding, IssuedBatch
from ledger.certificates.verification import verify_trusting
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
    # a rerun over the same input issues nothing twice: it names the batches issued already
    again = run(chain, files, out)
    assert [(b.root, b.already_anchored) for b in again] == [(b.root, True) for b in batches]
    assert [b.block_number for b in again] == [b.block_number for b in batches]
    # the same documents into another directory are numbers issued before
    with pytest.raises(InvalidInput, match="CN has already issued certificate numbers CN2026DEST000000"):
        run(chain, files, tmp_path / "elsewhere")


def test_a_document_for_a_country_outside_the_consortium_is_issued_with_a_warning(chain: Chain, tmp_path: Path) -> None:
    files = write_documents(tmp_path / "in", ["SG", "MY", "SG", "MY"])
    out = tmp_path / "out"
    registry = CertificateRegistryBinding(chain.client("cn-issuer"))
    result = issue_files(
        registry=registry,
        doc_type="certificate-of-origin",
        files=files,
        out_dir=out,
        numbers=IssuedNumbers(numbers_path(chain.data_dir)),
        batch_size=2,
        workers=1,
    )
    [warning] = result.warnings
    assert warning.startswith("co-01.json, co-03.json name(s) importing country MY, which is not an active member")
    assert "no member records its utilization" in warning
    assert [(b.destination, b.count) for b in result.batches] == [("SG", 2), ("MY", 2)]
    my_root = result.batches[1].root
    assert registry.batch_destination(my_root, "certificate-of-origin") == "MY"
    [verified] = verify_trusting(client=chain.client(), certificates=[read_wrapped(out / "co-01.json")], trust=None)
    assert verified.valid, verified.fragments
    assert verified.destined_outside
    utilization = {f.name.value: f.reason for f in verified.fragments}["UTILIZATION"]
    assert utilization == "destined to MY, a country outside the consortium: no member records its utilization"
    [to_sg] = verify_trusting(client=chain.client(), certificates=[read_wrapped(out / "co-00.json")], trust=None)
    assert not to_sg.destined_outside


def test_a_country_code_that_is_no_country_is_refused(chain: Chain, tmp_path: Path) -> None:
    files = write_documents(tmp_path / "in", ["SG", "XX"])
    with pytest.raises(InvalidInput, match="'XX' is not an ISO 3166-1 alpha-2 country code"):
        run(chain, files, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_document_for_the_issuers_own_country_is_refused(chain: Chain, tmp_path: Path) -> None:
    files = write_documents(tmp_path / "in", ["SG", "CN"])
    with pytest.raises(OwnDestination, match=r"co-01\.json .*importing country CN, the issuer's own member"):
        run(chain, files, tmp_path / "out")


def test_an_unknown_destination_of_an_unissued_batch_is_none(chain: Chain) -> None:
    registry = CertificateRegistryBinding(chain.client())
    assert registry.batch_destination("0x" + "ab" * 32, "certificate-of-origin") is None
