"""The demo seed of `sanzhi up`: once per chain, completed (not doubled) after an interruption,
again on a reset chain."""

from __future__ import annotations

from pathlib import Path

from demo.seed import ALERT_SCOPE, OPERATORS, TRADER_PARTY, UCR, SeedRecord, marker_path, seed_demo
from ledger.aeo import AeoRegistryBinding, MraBinding, recognized
from ledger.alerts import AlertRegistryBinding
from ledger.assessment.framework import load_framework
from ledger.assessment.registry import AssessmentRegistryBinding
from ledger.assessment.samples import sample_answers, seed_samples
from ledger.assessment.service import submit_assessment
from ledger.certificates.state import certificate_record
from ledger.certificates.wrapped import read_wrapped
from ledger.evidence.service import audit_consignment
from ledger.model_files import read_model, write_model
from ledger.store.blobs import BlobStore
from tests.support import Chain


def status(chain: Chain, path: str) -> str:
    wrapped = read_wrapped(Path(path))
    record = certificate_record(
        client=chain.client(), root=wrapped.proof.root, cert_type=wrapped.type, leaf="0x" + wrapped.leaf.hex()
    )
    return record.status


def test_seeds_certificates_aeos_an_mra_and_a_consignment(chain: Chain, tmp_path: Path) -> None:
    said: list[str] = []
    outcome = seed_demo(client_for=chain.client, data_dir=tmp_path, say=said.append)
    record = outcome.record
    assert outcome.seeded
    assert len(record.certificates) == 5
    assert len(set(record.numbers)) == 5
    assert [status(chain, p) for p in record.certificates] == ["valid"] * 4 + ["revoked"]
    assert record.revoked == record.certificates[-1]
    for member, operator, tier in OPERATORS:
        found = AeoRegistryBinding(chain.client()).certification(operator=operator, certified_by=member)
        assert found.status == "active"
        assert found.current is not None
        assert found.current.tier_name == tier
    [mra] = [m for m in MraBinding(chain.client()).list_mras(member="CN") if m.partner == "SG"]
    assert mra.in_force
    cn_operator = OPERATORS[0][1]
    assert recognized(client=chain.client(), operator=cn_operator, certified_by="CN", recognised_by="SG").recognized
    entries, report = audit_consignment(client=chain.client(), ucr=UCR)
    assert len(entries) == 2
    assert report.intact
    assert read_model(marker_path(tmp_path), SeedRecord, "seed") == record
    assert any("MRA" in line for line in said)
    # one trade party throughout: exporter of every certificate, a CN AEO, the consignor
    assert TRADER_PARTY[1] == cn_operator
    assert {read_wrapped(Path(p)).data["exporter"]["identifier"] for p in record.certificates} == {cn_operator}
    assert entries[0].submitter == chain.client(TRADER_PARTY[0]).address
    # SG customs' risk alert, in force now
    alerts = AlertRegistryBinding(chain.client()).in_force()
    assert [(a.id, a.member, a.scope) for a in alerts] == [(record.alert, "SG", ALERT_SCOPE)]
    # the assessment chart's samples: CN twice (a history to draw), SG once
    histories = AssessmentRegistryBinding(chain.client()).histories(["CN", "SG"])
    assert {m: len(h) for m, h in histories.items()} == {"CN": 2, "SG": 1}


def test_self_assessments_cut_short_are_completed(chain: Chain, tmp_path: Path) -> None:
    """Killed after CN's first submission: the next seed adds CN's second and SG's, nothing twice."""
    admin = chain.client("cn-admin")
    assert admin.account is not None
    blobs = BlobStore.configured(chain.settings)
    framework = load_framework()
    submit_assessment(client=admin, account=admin.account, answers=sample_answers("CN", 0, framework),
                      framework=framework, blobs=blobs)  # fmt: skip
    assert seed_samples(client_for=chain.client, blobs=blobs) == ["CN", "SG"]
    histories = AssessmentRegistryBinding(chain.client()).histories(["CN", "SG"])
    assert {m: len(h) for m, h in histories.items()} == {"CN": 2, "SG": 1}
    assert seed_samples(client_for=chain.client, blobs=blobs) == []


def test_a_second_run_on_the_same_chain_seeds_nothing(chain: Chain, tmp_path: Path) -> None:
    first = seed_demo(client_for=chain.client, data_dir=tmp_path).record
    block = chain.client().block_number()
    again = seed_demo(client_for=chain.client, data_dir=tmp_path)
    assert not again.seeded
    assert again.record == first
    assert chain.client().block_number() == block


def test_an_interrupted_seed_is_completed_without_a_second_transaction(chain: Chain, tmp_path: Path) -> None:
    """Everything was recorded but the marker was not written (killed at the last moment)."""
    first = seed_demo(client_for=chain.client, data_dir=tmp_path).record
    marker_path(tmp_path).unlink()
    block = chain.client().block_number()
    again = seed_demo(client_for=chain.client, data_dir=tmp_path)
    assert again.seeded
    assert again.record.numbers == first.numbers
    assert again.record.alert == first.alert
    assert again.record.certificates == first.certificates
    assert chain.client().block_number() == block
    entries, _ = audit_consignment(client=chain.client(), ucr=UCR)
    assert len(entries) == 2


def test_a_marker_of_another_chain_means_seeding_this_one(chain: Chain, tmp_path: Path) -> None:
    first = seed_demo(client_for=chain.client, data_dir=tmp_path).record
    stale = first.model_copy(
        update={"chain": first.chain.model_copy(update={"deployment_block_hash": "0x" + "ab" * 32})}
    )
    write_model(marker_path(tmp_path), stale)
    again = seed_demo(client_for=chain.client, data_dir=tmp_path)
    assert again.seeded
    assert again.record.chain == first.chain
