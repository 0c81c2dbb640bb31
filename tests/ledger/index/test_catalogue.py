"""Decoding logs into rows: known events, logs this build does not know, the query columns, and
CSV cells a spreadsheet would run."""

from __future__ import annotations

import csv
import io

from eth_abi.abi import encode as abi_encode
from sqlalchemy import Engine

from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.index.audit import AuditFilter
from ledger.index.catalogue import UNKNOWN_EVENT, EventCatalogue, query_columns
from ledger.index.export import export_csv
from ledger.index.state import insert_events

ARTIFACTS = Artifacts(DEFAULT_ARTIFACTS_DIR)
REGISTRY = "0x" + "22" * 20


def catalogue() -> EventCatalogue:
    return EventCatalogue(ARTIFACTS, {"CertificateRegistry": REGISTRY})


def revoked_log(**changes: object) -> dict[str, object]:
    topic = ARTIFACTS.codec("CertificateRegistry").event_topic("CertificateRevoked")
    log: dict[str, object] = {
        "address": REGISTRY,
        "topics": ["0x" + topic.hex(), "0x" + "01" * 32, "0x" + "02" * 32, "0x" + "00" * 12 + "33" * 20],
        "data": "0x" + abi_encode(["bytes32", "uint16"], [b"\x04" * 32, 1]).hex(),
    }
    log.update(changes)
    return log


def test_a_known_event_is_decoded_with_its_query_columns() -> None:
    decoded = catalogue().decode(revoked_log())
    assert (decoded.contract, decoded.event) == ("CertificateRegistry", "CertificateRevoked")
    assert decoded.args["reason"] == 1
    columns = query_columns(decoded.args)
    assert columns == {"cert_root": b"\x01" * 32, "cert_leaf": b"\x02" * 32}  # its member comes from the batch


def test_a_log_this_build_does_not_know_is_kept_raw() -> None:
    unknown = catalogue().decode(revoked_log(topics=["0x" + "ee" * 32]))
    assert unknown.event == UNKNOWN_EVENT
    assert unknown.args["topics"] == [b"\xee" * 32]
    malformed = catalogue().decode(revoked_log(data="0x1234"))  # the data is not what the ABI says
    assert malformed.event == UNKNOWN_EVENT
    assert malformed.args["data"] == b"\x12\x34"


def test_member_ids_accounts_and_operators_become_columns() -> None:
    columns = query_columns(
        {
            "member": b"SG".ljust(32, b"\0"),
            "partner": b"CN".ljust(32, b"\0"),
            "account": "0x" + "ab" * 20,
            "operator": b"\x05" * 32,
        }
    )
    assert columns == {
        "organisation": "SG",
        "partner": "CN",
        "account": b"\xab" * 20,
        "operator": b"\x05" * 32,
    }


def test_csv_cells_a_spreadsheet_would_run_are_defused(index_db: Engine) -> None:
    row = {
        "chain_id": 31337,
        "block_number": 7,
        "block_hash": b"\x01" * 32,
        "block_time": 1_767_225_600,
        "tx_hash": b"\x02" * 32,
        "log_index": 0,
        "contract": "Consortium",
        "contract_address": b"\x03" * 20,
        "event": "MemberAdded",
        "args": {
            "memberId": "0x" + b"=1+1".ljust(32, b"\0").hex(),
            "name": '=HYPERLINK("http://x")',
            "admin": "0x" + "04" * 20,
        },
        "actor": b"\x04" * 20,
        "signers": None,
        "organisation": "=1+1",
        **dict.fromkeys(
            ("partner", "cert_root", "cert_leaf", "number_key", "successor_leaf", "operator", "account", "role"),
        ),
        "scope": None,
        "consignment": None,
    }
    with index_db.begin() as connection:
        insert_events(connection, [row])
    out = io.StringIO()
    assert export_csv(engine=index_db, filters=AuditFilter(), out=out) == 1
    [exported] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert exported["organisation"] == "'=1+1"
    assert exported["details"].startswith("{")  # the name is inside JSON, never a cell of its own
    assert exported["actor_name"].startswith("'=HYPERLINK")  # the sender's name, defused too
