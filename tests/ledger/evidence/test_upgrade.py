"""EvidenceRegistry upgraded by vote on the test's own snapshot of the session chain: a
consignment stays on the version where it was opened (appends, decisions, timeline, bundles),
new ones open on the new version, and a bundle is trusted because the consortium lists its
registry, not because the verifier names it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ledger.chain.deployments import load_deployment
from ledger.evidence import BTT_DECLARATION, EventType, Step, epcis_document, new_event
from ledger.evidence import bundle as bundles
from ledger.evidence.consignment import consignment_id
from ledger.evidence.registry import EvidenceRegistryBinding
from tests.support import CliRunner, opened, upgrade_by_vote

KIND = "EvidenceRegistry"
BEFORE = "6CN9144010012345678-SG-000081"
AFTER = "6CN9144010012345678-SG-000082"
SSCC = "urn:epc:id:sscc:0614141.1234567812"
T = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)
DECLARED = [(BTT_DECLARATION, "urn:sanzhi:declaration:CN:2026-0081")]


def write(path: Path, *events: object) -> Path:
    path.write_text(json.dumps(epcis_document(list(events), created=T)))  # type: ignore[arg-type]
    return path


def head_on(cli: CliRunner, registry: str, ucr: str) -> int:
    """The consignment's chain length on one version, read alone."""
    return EvidenceRegistryBinding(cli.chain.client(), registry).heads([consignment_id(ucr)])[0].seq


def bundled(cli: CliRunner, ucr: str, out: Path) -> str:
    made = cli("evidence", "bundle", ucr, "--out", str(out), "--json")
    assert made.exit_code == 0, made.stderr
    return str(json.loads(made.stdout)["block_hash"])


def test_a_consignment_stays_on_the_version_where_it_was_opened(cli: CliRunner, tmp_path: Path) -> None:
    v1 = cli.chain.client().address_of(KIND)
    opened(cli.chain, BEFORE)
    v2 = upgrade_by_vote(cli, KIND)

    loaded = write(tmp_path / "loaded.json", new_event(EventType.OBJECT, Step.LOADING, T, epcs=[SSCC]))
    assert cli("evidence", "append", str(loaded), "--ucr", BEFORE, "--as", "cn-trader").exit_code == 0
    released = new_event(EventType.OBJECT, Step.RELEASE, T + dt.timedelta(hours=1), epcs=[SSCC],
                         biz_transactions=DECLARED)  # fmt: skip
    decided = cli("evidence", "decide", str(write(tmp_path / "r.json", released)), "--ucr", BEFORE, "--as", "cn-oracle")
    assert decided.exit_code == 0, decided.stderr
    assert (head_on(cli, v1, BEFORE), head_on(cli, v2, BEFORE)) == (2, 0)
    timeline = json.loads(cli("evidence", "timeline", BEFORE, "--json").stdout)
    assert ([e["step"] for e in timeline["entries"]], timeline["intact"]) == (["loading", "release"], True)

    # a new consignment opens on v2, and its entries go there
    opened(cli.chain, AFTER)
    assert cli("evidence", "append", str(loaded), "--ucr", AFTER, "--as", "cn-trader").exit_code == 0
    assert (head_on(cli, v1, AFTER), head_on(cli, v2, AFTER)) == (0, 1)

    # bundles of both verify against the consortium the verifier trusts, whichever version holds them
    for ucr, holder in ((BEFORE, v1), (AFTER, v2)):
        path = tmp_path / f"{ucr}.bundle.json"
        block = bundled(cli, ucr, path)
        assert json.loads(path.read_text())["registry"] == holder
        checked = cli("evidence", "verify-bundle", str(path), "--trusted-block", block, "--json")
        assert checked.exit_code == 0, checked.stdout + checked.stderr


def test_a_bundle_of_a_registry_the_consortium_does_not_list_is_invalid(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = cli.chain
    admin = chain.client("cn-admin")
    lookalike, _ = admin.deploy(KIND, [admin.address_of("Consortium")])
    holding = EvidenceRegistryBinding.holding
    monkeypatch.setattr(
        EvidenceRegistryBinding, "holding", classmethod(lambda cls, client, consignment: cls(client, lookalike))
    )
    path = tmp_path / "lookalike.bundle.json"
    block = bundled(cli, BEFORE, path)
    monkeypatch.setattr(EvidenceRegistryBinding, "holding", holding)
    refused = cli("evidence", "verify-bundle", str(path), "--trusted-block", block)
    assert refused.exit_code == 1
    assert f"registry {lookalike} is not trusted: the consortium does not list it" in refused.stdout


def test_a_bundle_made_before_listings_is_checked_against_the_registry_named(cli: CliRunner, tmp_path: Path) -> None:
    chain = cli.chain
    opened(chain, BEFORE)
    loaded = write(tmp_path / "loaded.json", new_event(EventType.OBJECT, Step.LOADING, T, epcs=[SSCC]))
    assert cli("evidence", "append", str(loaded), "--ucr", BEFORE, "--as", "cn-trader").exit_code == 0
    path = tmp_path / "old.bundle.json"
    block = bundled(cli, BEFORE, path)
    made = bundles.read_bundle(path.read_bytes(), source=str(path))
    old = made.model_copy(update={"format": "sanzhi-evidence-bundle/2", "listing_proof": None})
    path.write_text(old.model_dump_json())
    record = load_deployment(chain.settings.resolved_deployments_dir, chain.client().chain_id)
    assert record is not None
    undecided = cli("evidence", "verify-bundle", str(path), "--trusted-block", block)
    assert undecided.exit_code == 1
    assert "does not prove that the consortium lists registry" in undecided.stdout
    named = ("--chain-id", str(record.chain_id), "--consortium", record.contracts["Consortium"].address,
             "--registry", made.registry)  # fmt: skip
    assert cli("evidence", "verify-bundle", str(path), "--trusted-block", block, *named).exit_code == 0
