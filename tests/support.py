"""Helpers shared by the tests: the session chain's handle, the CLI runner, sample documents,
AEO feed helpers. Fixtures live in conftest.py; everything a test imports comes from here."""

from __future__ import annotations

import copy
import json
import shutil
import socket
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from cli.main import run
from ledger.aeo import AeoRegistryBinding
from ledger.certificates.wrapped import IssuerIdentity
from ledger.chain.client import LedgerClient
from ledger.connect import build_client
from ledger.devnet.node import NodeProfile
from ledger.documents import Document, parse_document
from ledger.network.besu_config import render_toml
from ledger.network.check import check_network
from ledger.network.generate import init_network
from ledger.network.models import NetworkPlan
from ledger.network.report import NetworkReport
from ledger.settings import LedgerSettings
from oracles.aeo_feed import AeoFeed, FeedOptions, outbox_path
from oracles.outbox import Outbox

ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------- chain and CLI


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rpc(url: str, method: str, params: list[object] | None = None) -> object:
    response = requests.post(
        url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}, timeout=10
    )
    body = response.json()
    assert "error" not in body, body
    return body["result"]


@dataclass
class Chain:
    """The session node and the settings that reach it."""

    data_dir: Path
    rpc_url: str
    profile: NodeProfile

    @property
    def settings(self) -> LedgerSettings:
        return LedgerSettings(data_dir=self.data_dir, rpc_url=self.rpc_url)

    def client(self, profile: str | None = None) -> LedgerClient:
        return build_client(self.settings, profile)


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


class CliRunner:
    """Runs `sanzhi` in-process against the session chain."""

    def __init__(self, chain: Chain, capsys: pytest.CaptureFixture[str]) -> None:
        self.chain = chain
        self.capsys = capsys

    def __call__(self, *args: str) -> CliResult:
        self.capsys.readouterr()
        code = run(["--data-dir", str(self.chain.data_dir), "--rpc-url", self.chain.rpc_url, *args])
        out, err = self.capsys.readouterr()
        return CliResult(code, out, err)


# ---------------------------------------------------------------- CLI helpers


def assert_clean_error(result: CliResult, *fragments: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> CliResult:
    capsys.readouterr()
    code = run(list(args))
    out, err = capsys.readouterr()
    return CliResult(code, out, err)


def issue(cli: CliRunner, samples: Path, out: Path, *extra: str) -> list[Path]:
    result = cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(out), "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return sorted(out.glob("*.json"))


def fragments(result: CliResult) -> dict[str, tuple[str, str]]:
    body = json.loads(result.stdout)
    return {f["name"]: (f["status"], f["reason"]) for f in body["fragments"]}


def chain_now(cli: CliRunner) -> int:
    return int(cli.chain.client().w3.eth.get_block("latest")["timestamp"])


def advance_time(cli: CliRunner, seconds: int) -> None:
    rpc(cli.chain.rpc_url, "evm_increaseTime", [seconds])
    rpc(cli.chain.rpc_url, "evm_mine")


# ---------------------------------------------------------------- documents

ISSUER_ADDRESS = "0x" + "11" * 20
REGISTRY_ADDRESS = "0x" + "22" * 20
CHAIN_ID = 31337

CO_DATA: dict[str, Any] = {
    "certificate_number": "CN2026RCEP00000001",
    "trade_agreement": "RCEP",
    "exporter": {
        "name": "广东华美进出口有限公司",
        "identifier": "CN9144010012345678",
        "address": {"line": "天河区华夏路8号", "city": "广州", "postcode": "510623", "country": "CN"},
    },
    "importer": {
        "name": "บริษัท สยามอะกริฟู้ด จำกัด",
        "address": {"line": "99 ถนนสุขุมวิท", "city": "กรุงเทพมหานคร", "country": "TH"},
    },
    "producer": {
        "name": "شركة الخليج للتجارة",
        "address": {"line": "شارع الشيخ زايد", "city": "دبي", "country": "AE"},
    },
    "origin_country": "CN",
    "destination_country": "TH",
    "transport": {
        "mode_code": 1,
        "conveyance_name": "COSCO SHIPPING ARIES",
        "conveyance_reference": "024E",
        "loading_location": "CNCAN",
        "discharge_location": "THBKK",
    },
    "items": [
        {
            "hs_code": "090111",
            "description": 'Coffee beans "grade A" / 咖啡豆\n',
            "quantity": "12.50",
            "unit_code": "KGM",
            "origin_criterion": "WO",
        },
        {
            "hs_code": "0901210000",
            "description": "Roasted coffee",
            "quantity": "0.125",
            "unit_code": "KGM",
            "origin_criterion": "RVC40",
        },
    ],
    "invoice": {"number": "INV-001", "date": "2026-01-02"},
    "issuing_authority": {"name": "中华人民共和国海关总署", "country": "CN"},
    "issue_date": "2026-01-03",
    "expiry_date": "2027-01-03",
}


def co_data(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(CO_DATA)
    data.update(changes)
    return data


def certificate_of_origin(**changes: Any) -> Document:
    return parse_document("certificate-of-origin", co_data(**changes))


def fixed_salts(n: int) -> bytes:
    """Deterministic 'random' bytes for known-answer vectors."""
    return bytes(i % 251 for i in range(n))


ISSUER = IssuerIdentity(address=ISSUER_ADDRESS, member_id="CN", name="海关总署 GACC")

# ---------------------------------------------------------------- AEO feeds

EXAMPLES = ROOT / "oracles" / "examples"

OPS = [
    "USCI:91310000MA1FL8XQ30",
    "USCI:91440300MA5DC6QX8B",
    "USCI:91330200MA2GQ1LK4E",
    "USCI:91120116MA06J4RT7N",
    "USCI:91350200MA31U8KX2C",
]
# what the chain holds after feeding oracles/examples/aeo-cn.csv: status, tier, changes
EXPECTED = {
    OPS[0]: ("active", "advanced", 1),
    OPS[1]: ("active", "advanced", 1),
    OPS[2]: ("active", "general", 1),
    OPS[3]: ("suspended", "advanced", 2),
    OPS[4]: ("active", "general", 1),
}


def make_feed(chain: Chain, profile: str = "cn-oracle", **options: float) -> AeoFeed:
    outbox = Outbox(outbox_path(chain.settings))
    return AeoFeed(client=chain.client(profile), outbox=outbox, options=FeedOptions(**options))  # type: ignore[arg-type]


def set_quorum(chain: Chain, quorum: int, member: str = "cn") -> None:
    client = chain.client(f"{member}-admin")
    client.transact(client.contract("AeoRegistry").functions.setOracleQuorum(quorum))


def chain_view(chain: Chain, operators: list[str], member: str = "CN") -> dict[str, tuple[str, str, int]]:
    """operator -> (status, tier, number of changes) as the chain has it."""
    binding = AeoRegistryBinding(chain.client())
    view = {}
    for op in operators:
        c = binding.certification(operator=op, certified_by=member)
        view[op] = (c.status, c.state.tier_name if c.state else "-", c.changes)
    return view


def write_source(path: Path, count: int) -> list[str]:
    """A CSV export of `count` operators, every seventh suspended."""
    ops = [f"USCI:Q{i:05d}" for i in range(count)]
    rows = [f"{op},advanced,2025-01-01,,{'suspended' if i % 7 == 0 else 'active'},fraud" for i, op in enumerate(ops)]
    path.write_text("operator_id,tier,valid_from,valid_until,status,reason\n" + "\n".join(rows) + "\n")
    return ops


def recorded_view(chain: Chain, operators: list[str], member: str = "CN") -> dict[str, tuple[str, str, int]]:
    """Like chain_view, by the last recorded change whatever its effective time (chain_view is
    the state in effect at the wall-clock time now; a test that moves the chain's clock ahead
    records changes effective after that)."""
    binding = AeoRegistryBinding(chain.client())
    view = {}
    for op in operators:
        c = binding.certification(operator=op, certified_by=member)
        view[op] = (c.state.status, c.state.tier_name, c.changes) if c.state else ("none", "-", 0)
    return view


# ---------------------------------------------------------------- Besu networks

NETWORK_PASSWORD = "correct horse battery staple"
NETWORK_MEMBERS = ("CN", "SG", "MY", "TH")
# a fixed genesis time, so that two networks differ only by their keys
NETWORK_TIMESTAMP = 1_767_225_600


def make_network(out: Path, members: tuple[str, ...] = NETWORK_MEMBERS, **options: Any) -> NetworkPlan:
    """A network generated by the library, with keystores at a tiny scrypt cost (fast, weak:
    tests only)."""
    settings: dict[str, Any] = {
        "hosts": {},
        "password": NETWORK_PASSWORD,
        "evm_version": "cancun",
        "timestamp": NETWORK_TIMESTAMP,
        "scrypt_n": 2**4,
        **options,
    }
    return init_network(out=out, member_ids=list(members), **settings)


def edit_toml(path: Path, **values: object) -> None:
    """Set top-level keys of a flat TOML file (Besu's config and permissions files)."""
    data = tomllib.loads(path.read_text())
    data.update({k.replace("_", "-"): v for k, v in values.items()})
    path.write_text(render_toml(list(data.items())))  # type: ignore[arg-type]


def edit_json(path: Path, change: Callable[[Any], object]) -> None:
    """Change the JSON document in `path` in place (`change` mutates it; its result is ignored)."""
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


def network_report(root: Path, evm_version: str = "cancun") -> NetworkReport:
    return check_network(root, evm_version=evm_version)


def network_errors(root: Path, check: str, evm_version: str = "cancun") -> list[str]:
    """The messages of `check`'s errors on the network in `root`."""
    return [f.message for f in network_report(root, evm_version).errors if f.check == check]


def network_plan(root: Path) -> NetworkPlan:
    return NetworkPlan.model_validate_json((root / "network.json").read_text())


def set_genesis(root: Path, change: Callable[[Any], object]) -> None:
    """Change genesis.json and every node's copy alike, so that only the intended check fails."""
    edit_json(root / "genesis.json", change)
    for member in network_plan(root).members:
        shutil.copy(root / "genesis.json", root / "members" / member.slug / "genesis.json")
