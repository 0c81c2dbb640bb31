"""`sanzhi evidence open|add-party|remove-party|void|consignment`, large and empty inputs, and
what `verify-bundle` trusts, on the session chain."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ledger.evidence import EventType, Step, epcis_document, new_event
from tests.support import Chain, CliRunner, assert_clean_error

UCR = "6CN9144010012345678-SG-000088"
SSCC = "urn:epc:id:sscc:0614141.1234567888"
T = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)


def events_file(path: Path, count: int, start: int = 0) -> Path:
    events = [
        new_event(EventType.OBJECT, Step.LOADING, T + dt.timedelta(minutes=n), epcs=[SSCC])
        for n in range(start, start + count)
    ]
    document = epcis_document(events, created=T) if events else {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
        "schemaVersion": "2.0", "creationDate": T.isoformat(), "epcisBody": {"eventList": []},
    }  # fmt: skip
    path.write_text(json.dumps(document))
    return path


def test_open_name_parties_and_void(cli: CliRunner, chain: Chain, tmp_path: Path) -> None:
    one, two = events_file(tmp_path / "one.json", 1), events_file(tmp_path / "two.json", 1, start=1)
    sg_trader = chain.client("sg-trader").address
    assert_clean_error(cli("evidence", "open", UCR, "--destination", "SG", "--party", "sg-trader:shipowner",
                           "--as", "cn-trader"), "unknown party role 'shipowner'")  # fmt: skip
    assert_clean_error(cli("evidence", "open", UCR, "--destination", "SG", "--as", "sg-trader"),
                       "EvidenceRegistryWrongOpener")  # fmt: skip
    opened = cli("evidence", "open", UCR, "--destination", "SG", "--party", "sg-trader:consignee", "--as", "cn-trader",
                 "--json")  # fmt: skip
    assert opened.exit_code == 0, opened.stderr
    assert json.loads(opened.stdout)["record"]["origin"] == "CN"
    shown = json.loads(cli("evidence", "consignment", UCR, "--json").stdout)
    assert shown["parties"] == {chain.client("cn-trader").address: "opener", sg_trader: "consignee"}
    assert shown["names"][sg_trader] == "Lion City Logistics Pte Ltd, accredited by SG"
    table = cli("evidence", "consignment", UCR).stdout
    opener = chain.client("cn-trader").address
    assert f"opened by {opener} (宁波远洋贸易 Ningbo Ocean Trading Co., accredited by CN)" in table
    assert "Lion City Logistics Pte Ltd, accredited by SG" in table  # the consignee's row
    assert cli("evidence", "append", str(one), "--ucr", UCR, "--as", "sg-trader").exit_code == 0

    assert cli("evidence", "remove-party", UCR, "sg-trader", "--as", "sg-customs").exit_code == 0
    assert_clean_error(cli("evidence", "append", str(two), "--ucr", UCR, "--as", "sg-trader"),
                       "EvidenceRegistryNotAParty")  # fmt: skip
    assert_clean_error(cli("evidence", "append", str(one), "--ucr", UCR, "--as", "cn-trader"),
                       "is already recorded as entry 1")  # fmt: skip
    assert cli("evidence", "add-party", UCR, sg_trader, "--role", "carrier", "--as", "cn-trader").exit_code == 0

    assert_clean_error(cli("evidence", "void", UCR, "--reason", "wrong-party", "--as", "sg-customs"),
                       "EvidenceRegistryNotConsignmentManager")  # fmt: skip
    assert cli("evidence", "void", UCR, "--reason", "wrong-party", "--as", "cn-customs").exit_code == 0
    text = cli("evidence", "consignment", UCR).stdout
    assert "opening 1 (voided)" in text
    assert "voided" in text
    assert "reason=wrong-party" in text
    assert "by " + chain.client("cn-customs").address + " (宁波海关 Ningbo Customs, accredited by CN)" in text
    assert_clean_error(cli("evidence", "append", str(two), "--ucr", UCR, "--as", "cn-trader"), "voided")


def test_large_files_are_split_and_an_empty_list_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("evidence", "open", UCR, "--destination", "SG", "--as", "cn-trader").exit_code == 0
    many = cli("evidence", "append", str(events_file(tmp_path / "many.json", 300)), "--ucr", UCR, "--as", "cn-trader",
               "--json")  # fmt: skip
    assert many.exit_code == 0, many.stderr
    body = json.loads(many.stdout)
    assert (body["entries"], len(body["tx_hashes"])) == (300, 2)
    assert_clean_error(cli("evidence", "append", str(events_file(tmp_path / "none.json", 0)), "--ucr", UCR,
                           "--as", "cn-trader"), "no events to record")  # fmt: skip


def test_verify_bundle_trusts_its_record_or_what_it_is_told(cli: CliRunner, chain: Chain, tmp_path: Path) -> None:
    assert cli("evidence", "open", UCR, "--destination", "SG", "--as", "cn-trader").exit_code == 0
    assert cli("evidence", "append", str(events_file(tmp_path / "e.json", 2)), "--ucr", UCR, "--as", "cn-trader")
    bundle = tmp_path / "bundle.json"
    made = json.loads(cli("evidence", "bundle", UCR, "--out", str(bundle), "--json").stdout)
    block = made["block_hash"]
    client = chain.client()
    chain_id, consortium = str(client.chain_id), client.address_of("Consortium")
    registry = client.address_of("EvidenceRegistry")
    assert cli("evidence", "verify-bundle", str(bundle), "--trusted-block", block).exit_code == 0
    named = ("--chain-id", chain_id, "--consortium", consortium)
    assert cli("evidence", "verify-bundle", str(bundle), "--trusted-block", block, *named).exit_code == 0

    relabelled = tmp_path / "relabelled.json"
    relabelled.write_text(json.dumps({**json.loads(bundle.read_text()), "chain_id": 1}))
    # a registry alone is no trust: which chain?
    alone = cli("evidence", "verify-bundle", str(relabelled), "--trusted-block", block, "--registry", registry)
    assert alone.exit_code == 2
    assert "needs --chain-id and --consortium" in alone.stdout
    # no record of the chain the bundle names, and nothing named: undecided
    unknown = cli("evidence", "verify-bundle", str(relabelled), "--trusted-block", block)
    assert unknown.exit_code == 2
    assert "no deployment record of chain 1" in unknown.stdout
    # told what to trust: the relabelled bundle is not of that chain
    mismatch = cli("evidence", "verify-bundle", str(relabelled), "--trusted-block", block, *named, "--json")
    assert mismatch.exit_code == 1
    assert json.loads(mismatch.stdout)["step"] == "chain"
    other = cli("evidence", "verify-bundle", str(bundle), "--trusted-block", block, "--chain-id", chain_id,
                "--consortium", registry, "--registry", registry)  # fmt: skip
    assert other.exit_code == 1
    assert other.stdout.startswith("INVALID: consortium: the bundle is of consortium")
