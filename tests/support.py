"""Helpers shared by the tests: the session chain's handle, the CLI runner, sample documents,
AEO feed helpers. Fixtures live in conftest.py; everything a test imports comes from here."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import secrets
import shutil
import socket
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, TypeVar

import pytest
import requests
from sqlalchemy import Engine

from cli.main import run
from ledger.aeo import AeoRegistryBinding, MraBinding
from ledger.aeo.codes import parse_tiers
from ledger.certificates.wrapped import IssuerIdentity, WrappedCertificate
from ledger.chain.client import LedgerClient
from ledger.chain.contract import ContractBinding
from ledger.connect import build_client
from ledger.devnet.consortium import deploy_dev
from ledger.devnet.node import EmbeddedNode, NodeProfile
from ledger.documents import Document, parse_document
from ledger.evidence import BTT_DECLARATION, EventType, Step, new_event
from ledger.evidence.service import append_events, open_consignment
from ledger.evidence.vocabulary import PartyRole
from ledger.parallel import die_with_parent, stop_process_group
from ledger.settings import LedgerSettings
from ledger.timestamps import utc_now
from network.besu_config import render_toml
from network.check import check_network
from network.generate import init_network
from network.models import NetworkPlan
from network.report import NetworkReport
from oracles.aeo_feed import AeoFeed, FeedOptions, outbox_path
from oracles.outbox import Outbox

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")

# ---------------------------------------------------------------- waiting for what the test does not control

POLL_SECONDS = 0.05


def poll(condition: Callable[[], T], *, timeout: float, interval: float = POLL_SECONDS) -> T | None:
    """What `condition()` returns once it is true, asked every `interval` seconds for at most
    `timeout` seconds; None if it never is.

    For conditions outside the test's control: a process, a server, a node, a file another
    process writes. Never for time itself to pass: a test that needs time to pass injects a
    clock (or waits on an event) instead."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


def wait_until(
    condition: Callable[[], T],
    *,
    timeout: float,
    interval: float = POLL_SECONDS,
    failure: str | Callable[[], str] = "the condition never held",
) -> T:
    """`poll`, failing the test (with `failure`, or what it returns) when the time is up.
    `condition` may fail the test itself, e.g. when the process it waits for has died."""
    value = poll(condition, timeout=timeout, interval=interval)
    if not value:
        raise AssertionError(f"not within {timeout:g} s: {failure() if callable(failure) else failure}")
    return value


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


@contextmanager
def mined_at_once(chain: Chain) -> Iterator[None]:
    """Every transaction mined as it arrives while a fixture sets things up: the `besu` profile's
    one-second blocks are what its tests are about, not the deployment or activity under them
    (they cost a block each: 38 s to deploy, 14 s of activity). The dev profile mines so anyway."""
    if chain.profile is not NodeProfile.BESU:
        yield
        return
    rpc(chain.rpc_url, "evm_setAutomine", [True])
    try:
        yield
    finally:
        rpc(chain.rpc_url, "evm_setIntervalMining", [1])


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


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server on a free loopback port answering with `handler` (a thread per request);
    yields its URL, and is shut down on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def child_processes(pid: int) -> set[int]:
    """The processes whose parent is `pid` (read from /proc: Linux only)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


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


def make_feed(
    chain: Chain,
    profile: str = "cn-oracle",
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    **options: float,
) -> AeoFeed:
    outbox = Outbox(outbox_path(chain.settings))
    return AeoFeed(
        client=chain.client(profile),
        outbox=outbox,
        options=FeedOptions(**options),  # type: ignore[arg-type]
        clock=clock,
        sleep=sleep,
    )


class FakeClock:
    """A monotonic clock that moves only when something sleeps on it (and records the naps)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.naps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.now += seconds


def set_quorum(chain: Chain, quorum: int, member: str = "cn") -> None:
    client = chain.client(f"{member}-admin")
    ContractBinding(client, "AeoRegistry").transact("setOracleQuorum", quorum)


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


# ---------------------------------------------------------------- IPFS


def deterministic_bytes(size: int, seed: int = 0) -> bytes:
    """`size` bytes that look random and are the same on every run."""
    import random

    return random.Random(seed).randbytes(size)


def write_file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


class FakeIpfsApi:
    """An HTTP server on loopback that answers like an IPFS node's RPC API but lies as told:
    `add` names every upload `add_hash`; `cat` returns `cat_bytes` whatever is asked.

    Use it as a context manager; `api` is its address for IpfsBackend."""

    def __init__(self, *, add_hash: str = "", cat_bytes: bytes = b"") -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                elif self.headers.get("Transfer-Encoding") == "chunked":
                    while size := int(self.rfile.readline().strip() or b"0", 16):
                        self.rfile.read(size + 2)
                    self.rfile.readline()
                if self.path.startswith("/api/v0/add"):
                    body = json.dumps({"Name": "f", "Hash": fake.add_hash, "Size": "1"}).encode()
                    kind = "application/json"
                elif self.path.startswith("/api/v0/cat"):
                    body, kind = fake.cat_bytes, "text/plain"
                else:
                    body, kind = b'{"Message":"unknown command","Code":0,"Type":"error"}', "application/json"
                self.send_response(200 if kind != "application/json" or b"Message" not in body else 500)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.add_hash = add_hash
        self.cat_bytes = cat_bytes
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self.api = f"/ip4/127.0.0.1/tcp/{self._server.server_address[1]}"

    def __enter__(self) -> FakeIpfsApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


# ---------------------------------------------------------------- portal and browser
# (imports here, not at the top: this section is appended to a file others edit too)

import subprocess  # noqa: E402
from html.parser import HTMLParser  # noqa: E402

import uvicorn  # noqa: E402

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def issue_samples(cli: CliRunner, where: Path, count: int = 3) -> list[Path]:
    """`count` sample certificates of origin issued by cn-issuer; their wrapped files."""
    samples = where / "samples"
    assert cli("cert", "sample", "--count", str(count), "--out", str(samples), "--seed", "11").exit_code == 0
    return issue(cli, samples, where / "wrapped")


def tamper(wrapped: Path, out: Path) -> Path:
    """A copy of a wrapped certificate with one field value edited (the exporter's name)."""
    data = json.loads(wrapped.read_text("utf-8"))
    data["data"]["exporter"]["name"] += " (edited)"
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    return out


def chromium_launch() -> dict[str, Any]:
    """Where npm @sparticuz/chromium's Chromium is and its launch args (scripts/chromium-path.mjs
    unpacks it once per version into the temporary directory)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("the browser tests need Node.js (20 or later) on PATH and `make setup` run")
    script = ROOT / "scripts" / "chromium-path.mjs"
    result = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
    if result.returncode != 0:
        pytest.fail(f"cannot unpack Chromium from npm @sparticuz/chromium: {result.stderr.strip()[-800:]}")
    launch: dict[str, Any] = json.loads(result.stdout)
    # The package runs Chromium as one process for AWS Lambda; so run, closing a browser context
    # takes the whole browser down, and each test here opens and closes its own context.
    launch["args"] = [arg for arg in launch["args"] if arg != "--single-process"]
    return launch


class PortalServer:
    """A real uvicorn server on 127.0.0.1 (a free port) serving `app` from a thread; with
    `lifespan="off"` an app already started elsewhere (a test's TestClient) is served as it is."""

    def __init__(self, app: Any, *, lifespan: Literal["auto", "on", "off"] = "auto") -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="portal-server", daemon=True)

    def __enter__(self) -> PortalServer:
        self.thread.start()

        def started() -> bool:
            assert self.thread.is_alive(), f"the portal server stopped while starting on {self.url}"
            return bool(self.server.started)

        wait_until(started, timeout=15, interval=0.01, failure=f"the portal server did not start on {self.url}")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


BROWSER_LOCALES = {"zh": "zh-CN", "en": "en-US"}  # what a reader's browser asks for, by portal language


def open_page(browser: Any, lang: str, *, javascript: bool = True) -> Iterator[tuple[Any, list[str]]]:
    """A page in a fresh browser context that asks for `lang` (Accept-Language); the list
    collects console errors and uncaught exceptions (a CSP violation is one)."""
    context = browser.new_context(
        locale=BROWSER_LOCALES[lang], java_script_enabled=javascript, viewport={"width": 1100, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page, errors
    finally:
        context.close()


def save_screenshot(page: Any, name: str) -> Path:
    """A full-page screenshot kept under test-artifacts/screenshots/ (not deleted after the run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # the portal's web font arrives after the text is first drawn (font-display: swap): wait for
    # it, or Chinese shows as boxes in whatever was drawn before it came
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=str(path), full_page=True)
    return path


def screenshots_since(started: float) -> list[Path]:
    """The screenshots saved since `started` (a `time.time()`; the terminal summary names them)."""
    if not SCREENSHOTS.is_dir():
        return []
    return sorted(p for p in SCREENSHOTS.glob("*.png") if p.stat().st_mtime >= started)


def offline_app(data_dir: Path) -> Any:
    """CN's service app with no node behind it (nothing is read from a chain until a route runs)
    and a key store in `data_dir`."""
    from api.main import create_app
    from api.settings import ServiceSettings

    settings = LedgerSettings(
        data_dir=data_dir, rpc_url="http://127.0.0.1:9", database_url=f"sqlite:///{data_dir / 'keys.sqlite'}"
    )
    return create_app(settings, ServiceSettings(organisation="CN", public_rate=0, key_rate=0))


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two CSS `rgb(r, g, b)` colours."""

    def luminance(css: str) -> float:
        channels = [int(v) / 255 for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


class Markup(HTMLParser):
    """The parts of a page the accessibility checks read."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.headings: list[int] = []
        self.texts: dict[str, list[str]] = {}
        self.items: dict[str, list[str]] = {}  # list id -> the text of each of its items
        self._open: list[set[str]] = []
        self._lists: list[str] = []
        self._in_item = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.elements.append((tag, values))
        if tag in {"h1", "h2", "h3", "h4"}:
            self.headings.append(int(tag[1]))
        if tag not in {"input", "meta", "link", "br"}:
            self._open.append({tag, values.get("id", tag), values.get("role", tag)})
        if tag in {"ul", "ol"}:
            self._lists.append(values.get("id", tag))
        if tag == "li" and self._lists:
            self.items.setdefault(self._lists[-1], []).append("")
            self._in_item = True

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()
        if tag in {"ul", "ol"} and self._lists:
            self._lists.pop()
        if tag == "li":
            self._in_item = False

    def handle_data(self, data: str) -> None:
        if self._in_item and self._lists:
            self.items[self._lists[-1]][-1] += data
        for names in self._open:
            for name in names:
                self.texts.setdefault(name, []).append(data)

    def text(self, name: str) -> str:
        return " ".join("".join(self.texts.get(name, [])).split())

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def assert_accessible(html: str, lang: str) -> Markup:
    markup = Markup(html)
    assert markup.find("html")[0]["lang"] == lang
    labelled = {a["for"] for a in markup.find("label")}
    for attrs in markup.find("input"):
        if attrs.get("type") not in {"hidden", "submit"}:
            assert attrs.get("id") in labelled, attrs
    for attrs in markup.find("select"):
        assert attrs.get("id") in labelled, attrs
    assert markup.headings[0] == 1
    assert markup.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(markup.headings, markup.headings[1:], strict=False)), markup.headings
    assert markup.find("main", id="main")
    assert markup.find("nav")[0]["aria-label"]
    return markup


def alert(response: Any) -> str:
    """The text of a page's role=alert message."""
    return Markup(response.text).text("alert")


# ---------------------------------------------------------------- audit index


def postgres_database_url(server_uri: str, name: str) -> str:
    """A SQLAlchemy URL of database `name` on the session's PostgreSQL server."""
    from sqlalchemy.engine import make_url

    url = make_url(server_uri).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


@contextmanager
def postgres_database(server_uri: str) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server, dropped afterwards."""
    import psycopg

    name = f"index_{secrets.token_hex(6)}"
    with psycopg.connect(server_uri, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_database_url(server_uri, name)
    finally:
        with psycopg.connect(server_uri, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def index_engine(url: str) -> Engine:
    """An engine of the index at `url`, migrated."""
    from ledger.index.db import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    return engine


AEO_OPERATOR = "USCI:91110000MA01INDEX7"  # certified by CN's customs key (not the oracle feed)
AUDITOR_CANDIDATE = "exporter"  # accredited as CN's auditor, then withdrawn


@dataclass
class RecordedActivity:
    """What `record_activity` did on the chain, for the index tests to look for."""

    issued_dir: Path
    certificates: list[WrappedCertificate]  # CN's, to SG, in leaf order of one batch
    successor: WrappedCertificate  # supersedes certificates[3]
    auditor: str  # address accredited and withdrawn


def write_co_samples(directory: Path, count: int, seed: int) -> list[Path]:
    """`count` sample certificates of origin from CN to SG as files `co-0000.json`, ... in
    `directory`, sorted."""
    from ledger.documents.registry import to_json_data
    from ledger.documents.samples import generate_samples

    directory.mkdir(parents=True, exist_ok=True)
    documents = generate_samples("certificate-of-origin", count, seed=seed, origin="CN", destination="SG")
    for n, document in enumerate(documents):
        (directory / f"co-{n:04d}.json").write_text(json.dumps(to_json_data(document)))
    return sorted(directory.glob("*.json"))


def issue_sample_certificates(
    client: LedgerClient, docs_dir: Path, out: Path, data_dir: Path, count: int, seed: int
) -> list[Path]:
    """`count` sample certificates of origin from CN to SG, issued into `out` (the issuer's
    record of numbers in `data_dir`); the wrapped files."""
    from ledger.certificates.issuance import issue_files
    from ledger.certificates.numbers import IssuedNumbers, numbers_path
    from ledger.certificates.registry import CertificateRegistryBinding
    from ledger.documents.registry import to_json_data
    from ledger.documents.samples import generate_samples

    docs_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for n, document in enumerate(generate_samples("certificate-of-origin", count, seed, origin="CN", destination="SG")):
        files.append(docs_dir / f"co-{seed}-{n}.json")
        files[-1].write_text(json.dumps(to_json_data(document), ensure_ascii=False))
    issue_files(
        registry=CertificateRegistryBinding(client),
        doc_type="certificate-of-origin",
        files=files,
        out_dir=out,
        numbers=IssuedNumbers(numbers_path(data_dir)),
    )
    return sorted(out.glob("co-*.json"))


def record_activity(chain: Chain, work: Path) -> RecordedActivity:
    """Real activity of every kind the index follows: CN issues four certificates of origin to
    SG (and one more that supersedes the fourth), SG customs draws on the first, CN revokes the
    second, suspends and reinstates the third; CN customs certifies an operator, CN's two
    oracles (quorum 2) feed oracles/examples/aeo-cn.csv; CN proposes an MRA that SG accepts;
    CN's admin accredits an auditor and withdraws it."""
    from ledger.aeo import AeoRegistryBinding, MraBinding
    from ledger.aeo.codes import parse_tiers
    from ledger.certificates.registry import CertificateRegistryBinding
    from ledger.certificates.wrapped import read_wrapped
    from ledger.consortium.binding import ConsortiumBinding
    from ledger.devnet.consortium import dev_address

    issuer = chain.client("cn-issuer")
    out = work / "issued"
    paths = issue_sample_certificates(issuer, work / "docs", out, chain.data_dir, 4, seed=7)
    certificates = [read_wrapped(p) for p in paths]
    [successor_path] = issue_sample_certificates(issuer, work / "docs2", work / "issued2", chain.data_dir, 1, seed=8)
    successor = read_wrapped(successor_path)
    cn = CertificateRegistryBinding(issuer)
    CertificateRegistryBinding(chain.client("sg-customs")).utilize(
        certificates[0], declaration="SG-IMP-2026-000001", quantity="1.5"
    )
    cn.revoke(certificates[1], "fraud")
    cn.suspend(certificates[2], "under-investigation")
    cn.reinstate(certificates[2])
    cn.supersede(certificates[3], successor)

    AeoRegistryBinding(chain.client("cn-customs")).certify(member="CN", operator=AEO_OPERATOR, tier="advanced")
    set_quorum(chain, 2)
    shutil.rmtree(chain.data_dir / "oracles", ignore_errors=True)  # an outbox of an earlier test's chain
    source = str(EXAMPLES / "aeo-cn.csv")
    make_feed(chain, "cn-oracle", quorum_wait_seconds=0).run(source)  # the second oracle signs below
    make_feed(chain, "cn-oracle-2").run(source)

    mask = parse_tiers("general,advanced")
    MraBinding(chain.client("cn-customs")).propose(
        member="CN", partner="SG", tiers_recognised_by_member=mask, tiers_recognised_by_partner=mask
    )
    MraBinding(chain.client("sg-customs")).accept(
        member="SG", partner="CN", tiers_recognised_by_proposer=mask, tiers_recognised_by_partner=mask,
        effective_from=None,
    )  # fmt: skip

    auditor = dev_address(AUDITOR_CANDIDATE)
    admin = ConsortiumBinding(chain.client("cn-admin"))
    admin.accredit(auditor, "auditor", name="Ningbo Audit Partners")
    admin.withdraw(auditor, "auditor")
    return RecordedActivity(issued_dir=out, certificates=certificates, successor=successor, auditor=auditor)


def chain_log_positions(chain: Chain) -> set[tuple[int, int]]:
    """(block, log index) of every log of the deployed contracts, straight from the node."""
    client = chain.client()
    assert client.deployment is not None
    query = {
        "fromBlock": hex(client.deployment.deployment_block),
        "toBlock": "latest",
        "address": [c.address for c in client.deployment.contracts.values()],
    }
    logs = rpc(chain.rpc_url, "eth_getLogs", [query])
    assert isinstance(logs, list)
    return {(int(log["blockNumber"], 16), int(log["logIndex"], 16)) for log in logs}


def indexed_positions(engine: Engine) -> list[tuple[int, int]]:
    """(block, log index) of every indexed event, duplicates kept."""
    from sqlalchemy import text

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT block_number, log_index FROM chain_events"))
        return [(int(b), int(i)) for b, i in rows]


INDEX_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def index_database(backend: str, request: pytest.FixtureRequest, directory: Path) -> Iterator[Engine]:
    """A migrated, empty index on `backend` (SQLite in `directory`, or a fresh PostgreSQL
    database on the session server), disposed of afterwards."""
    if backend == "sqlite":
        engine = index_engine(f"sqlite:///{directory / 'index.sqlite'}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    with postgres_database(request.getfixturevalue("postgres_server")) as url:
        engine = index_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


# ---------------------------------------------------------------- the API service

ORG_ROLES = ("issuer", "customs", "auditor", "trader", "admin")


class Api:
    """The service app of one organisation on the session chain, in-process (FastAPI's
    TestClient), with a key store of its own; `headers(org, role)` makes a key."""

    def __init__(self, client: Any, keys: Any) -> None:
        self.client = client
        self.keys = keys
        self._made: dict[tuple[str, str, str | None], dict[str, str]] = {}

    def headers(self, org: str = "CN", role: str = "issuer", account: str | None = None) -> dict[str, str]:
        """A key of `org` with `role`; a trader's acts for `account`, by default the development
        trader of `org` (the `<org>-trader` profile the service signs with)."""
        if role == "trader" and account is None:
            account = dev_trader(org)
        if (org, role, account) not in self._made:
            created = self.keys.create(organisation=org, role=role, label=f"test {org} {role}", account=account)
            self._made[(org, role, account)] = {"Authorization": f"Bearer {created.token}"}
        return self._made[(org, role, account)]

    def token(self, org: str = "CN", role: str = "issuer", account: str | None = None) -> str:
        return self.headers(org, role, account)["Authorization"].removeprefix("Bearer ")


def dev_trader(org: str) -> str:
    """The account of the development consortium's trader of `org` (`cn-trader` ...)."""
    from ledger.devnet.consortium import dev_address

    return dev_address(f"{org.lower()}-trader")


def sample_documents(count: int, *, seed: int = 7, origin: str = "CN", destination: str = "SG") -> list[dict[str, Any]]:
    from ledger.documents import to_json_data
    from ledger.documents.samples import generate_samples

    return [
        to_json_data(d)
        for d in generate_samples("certificate-of-origin", count, seed, origin=origin, destination=destination)
    ]


def assert_problem(response: Any, status: int, code: str, *fragments: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and code (and text in its detail)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code, body
    assert body["type"].endswith("/" + code)
    assert body["title"]
    assert body["detail"]
    assert "\n" not in body["detail"]
    for fragment in fragments:
        assert fragment in body["detail"], body["detail"]
    return body


def issue_via_api(api: Api, count: int = 2, **options: Any) -> list[dict[str, Any]]:
    """Issue `count` CN certificates of origin (for SG) through CN's service: the wrapped ones."""
    documents = sample_documents(count, seed=options.pop("seed", 7), destination=options.pop("destination", "SG"))
    response = api.client.post(
        "/certificates/issuances", json={"documents": documents, **options}, headers=api.headers("CN", "issuer")
    )
    assert response.status_code == 201, response.text
    certificates: list[dict[str, Any]] = response.json()["certificates"]
    return certificates


# ---------------------------------------------------------------- services of two organisations

import os  # noqa: E402
import sys  # noqa: E402

SERVICE_START_SECONDS = 60


def organisation_data_dir(chain: Chain, org: str, where: Path) -> Path:
    """A data directory of `org`'s own for the session chain: the deployment record, and the
    signing profiles of `org`'s accounts only (another member's keys are not there to misuse)."""
    from ledger.accounts.profiles import Profiles, load_profiles, save_profiles

    where.mkdir(parents=True)
    shutil.copytree(chain.settings.resolved_deployments_dir, where / "deployments")
    own = {name: p for name, p in load_profiles(chain.data_dir).profiles.items() if p.member_id == org}
    save_profiles(where, Profiles(profiles=own))
    return where


@contextmanager
def serving(data: Path, *options: str, env: dict[str, str], ready: Callable[[str], bool]) -> Iterator[str]:
    """`sanzhi serve OPTIONS` with no chain behind it (public routes; nothing followed, nothing
    delivered) on a free port, its data directory and log under `data`, in a process group of its
    own: its URL once `ready(url)` holds; stopped, the whole group, after."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("sanzhi")), "--data-dir", str(data / "data"),
               "--rpc-url", "http://127.0.0.1:9", "serve", "--port", str(port), "--no-follow", "--no-webhooks",
               *options]  # fmt: skip
    log = data / "serve.log"
    parent = os.getpid()
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   preexec_fn=lambda: die_with_parent(parent), start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert process.poll() is None, log.read_text()[-800:]
        try:
            return ready(url)
        except requests.RequestException:  # not listening yet, or a worker still starting
            return False

    try:
        wait_until(
            up, timeout=SERVICE_START_SECONDS, failure=lambda: f"the service did not start: {log.read_text()[-800:]}"
        )
        yield url
    finally:
        stop_process_group(process)


class ServiceProcess:
    """`sanzhi serve --org ORG` in a child process on a free 127.0.0.1 port, with a data
    directory and a database (SANZHI_DATABASE_URL: its API keys, its index) of its own; up
    once /health answers 200, stopped (its process group) on exit. It does not follow the chain
    (--no-follow): the tests index when their story says so."""

    def __init__(self, *, org: str, data_dir: Path, rpc_url: str, database_url: str) -> None:
        from api.keystore import KeyStore

        self.org = org
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.keys = KeyStore(database_url)  # the service's own key store (migrates the database)
        self.log = data_dir / "serve.log"
        self._command = [str(Path(sys.executable).with_name("sanzhi")), "--data-dir", str(data_dir),
                         "--rpc-url", rpc_url, "serve", "--org", org, "--port", str(self.port),
                         "--no-follow"]  # fmt: skip
        self._env = {**os.environ, "SANZHI_DATABASE_URL": database_url, "SANZHI_ENV": "dev"}
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServiceProcess:
        parent = os.getpid()
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(
                self._command, env=self._env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                preexec_fn=lambda: die_with_parent(parent), start_new_session=True,
            )  # fmt: skip
        return self

    def wait_ready(self) -> None:
        process = self._process
        assert process is not None

        def healthy() -> bool:
            try:
                return requests.get(f"{self.url}/health", timeout=2).status_code == 200
            except requests.ConnectionError:
                assert process.poll() is None, f"{self.org}'s service ended: {self.log.read_text()[-800:]}"
                return False

        wait_until(
            healthy,
            timeout=SERVICE_START_SECONDS,
            failure=lambda: f"{self.org}'s service did not start: {self.log.read_text()[-800:]}",
        )

    def token(self, role: str, org: str | None = None) -> str:
        """A new key of this service's key store, for `org` (default: the service's own)."""
        who = org or self.org
        account = dev_trader(who) if role == "trader" else None
        return self.keys.create(organisation=who, role=role, label=f"e2e {who} {role}", account=account).token

    def stop(self) -> None:
        if self._process is not None:
            stop_process_group(self._process)
        self.keys.close()


@contextmanager
def running_services(*services: ServiceProcess) -> Iterator[None]:
    """The services started together (their imports overlap), stopped whatever happens."""
    try:
        for service in services:
            service.start()
        for service in services:
            service.wait_ready()
        yield
    finally:
        for service in services:
            service.stop()


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


def opened(
    chain: Chain, ucr: str, *, by: str = "cn-trader", destination: str = "SG", parties: tuple[str, ...] = ()
) -> str:
    """Open consignment `ucr` (from its UCR's country to `destination`) as profile `by`, naming
    the profiles `parties` as parties (role `party`); returns the canonical UCR."""
    accounts = [(chain.client(p).address, PartyRole.PARTY) for p in parties]
    return open_consignment(client=chain.client(by), ucr=ucr, destination=destination, parties=accounts).ucr


# ---------------------------------------------------------------- risk oracle scenarios

RISK_CONSIGNOR = "USCI:91440101MA5CYU3H2X"
RISK_DECLARANT = "USCI:91310000MA1FL8XQ30"
RISK_SSCC = "urn:epc:id:sscc:0614141.1234567801"


def recognised_aeos(chain: Chain) -> Chain:
    """CN certifies the declarant and the consignor, and SG recognises CN's AEOs (an MRA in force)."""
    cn = AeoRegistryBinding(chain.client("cn-customs"))
    since = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for operator in (RISK_CONSIGNOR, RISK_DECLARANT):
        cn.certify(member="CN", operator=operator, tier="advanced", valid_from=since, effective_at=since)
    both = parse_tiers("general,advanced")
    MraBinding(chain.client("cn-customs")).propose(
        member="CN", partner="SG", tiers_recognised_by_member=both, tiers_recognised_by_partner=both
    )
    MraBinding(chain.client("sg-customs")).accept(
        member="SG",
        partner="CN",
        tiers_recognised_by_proposer=both,
        tiers_recognised_by_partner=both,
        effective_from=None,
    )
    return chain


def declare_for_risk(chain: Chain, ucr: str, *, supervised: bool, at: dt.datetime) -> None:
    """CN's trader opens the consignment (origin CN, destination SG); the declarant files the
    advance declaration; the carrier records loading (with a photo of the sealed container as
    the document when supervised)."""
    opened(chain, ucr)
    declared = new_event(
        EventType.OBJECT, Step.ADVANCE_DECLARATION_FILED, at - dt.timedelta(hours=6), epcs=[RISK_SSCC],
        biz_transactions=[(BTT_DECLARATION, f"urn:sanzhi:declaration:SG:{ucr}")],
    )  # fmt: skip
    loaded = new_event(EventType.OBJECT, Step.LOADING, at - dt.timedelta(hours=3), epcs=[RISK_SSCC])
    trader = chain.client("cn-trader")
    append_events(client=trader, ucr=ucr, events=[declared])
    append_events(
        client=trader, ucr=ucr, events=[loaded], document=b"photo of the sealed container" if supervised else None
    )


def write_export(path: Path, *declarations: dict[str, object]) -> Path:
    path.write_text(json.dumps({"declarations": list(declarations)}))
    return path


def declaration_record(ucr: str, at: dt.datetime, hs: str = "090111") -> dict[str, object]:
    return {
        "ucr": ucr,
        "declaration": f"SG-IMP-{ucr[-6:]}",
        "decided_at": at.isoformat(),
        "declarant": {"operator": RISK_DECLARANT, "certified_by": "CN"},
        "consignor": {"operator": RISK_CONSIGNOR, "certified_by": "CN"},
        "hs_codes": [hs],
    }


def chain_time(chain: Chain) -> dt.datetime:
    """The chain's time (in a test session it runs ahead of the wall clock once a test moved it)."""
    block = chain.client().w3.eth.get_block("latest")
    return max(utc_now(), dt.datetime.fromtimestamp(int(block["timestamp"]), dt.UTC))


def epcis_example_event() -> dict[str, Any]:
    """The example event of npm epcis2.js 2.7.3's README (its eventID there is illustrative):
    GS1's own example, hashed the same way by every implementation."""
    return {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "bizStep": "receiving",
        "disposition": "in_progress",
        "epcList": ["https://id.gs1.org/01/70614141123451/21/2018"],
        "eventTime": "2021-04-04T20:33:31.116-06:00",
        "eventTimeZoneOffset": "-06:00",
        "readPoint": {"id": "urn:epc:id:sgln:0012345.11111.400"},
        "bizLocation": {"id": "urn:epc:id:sgln:0012345.11111.0"},
        "bizTransactionList": [{"type": "po", "bizTransaction": "http://transaction.acme.com/po/12345678"}],
    }


# ---------------------------------------------------------------- upgrades by vote


def upgrade_by_vote(cli: CliRunner, kind: str) -> str:
    """Propose this build of `kind` as CN (`sanzhi upgrade propose`), check its code against the
    shipped build, approve as SG: the new version's address."""
    proposed = cli("upgrade", "propose", kind, "--as", "cn-admin", "--json")
    assert proposed.exit_code == 0, proposed.stderr
    made = json.loads(proposed.stdout)
    # the shipped artifacts are the sources' build (make check-artifacts): no compiling here
    checked = cli("upgrade", "verify", str(made["proposal_id"]), "--build", "ledger/chain/compiled", "--json")
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["checks"][0]["matches"] is True
    approved = cli("consortium", "approve", str(made["proposal_id"]), "--as", "sg-admin")
    assert approved.exit_code == 0, approved.stderr
    return str(made["registry"])


def load_script(name: str) -> ModuleType:
    """scripts/<name>.py as a module (the scripts are run by make, not installed)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- two trade parties of CN
# A (CN's development trader) and B (another account), each with an operator id, with records
# on the session chain: for the /me routes and the party pages.

PARTY_OPERATOR_A = "USCI:91330200MA2AAAAA1"
PARTY_OPERATOR_B = "USCI:91330200MA2BBBBB2"
PARTY_UCR_A = "6CN91330200-A-000001"
PARTY_UCR_B = "6CN91330200-B-000002"


def trader_token(api: Api, account: str, operator: str | None) -> str:
    created = api.keys.create(organisation="CN", role="trader", label="party", account=account, operator=operator)
    return created.token


def trader(api: Api, account: str, operator: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {trader_token(api, account, operator)}"}


def index_party_records(chain: Chain, api: Api) -> None:
    """Follow the chain and import the issuer's wrapped certificates, as the service's index does."""
    from ledger.index.db import open_index
    from ledger.index.follower import Follower
    from ledger.index.issuer_records import import_wrapped

    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    engine = open_index(settings)
    Follower(client=chain.client(), engine=engine).catch_up()
    import_wrapped(engine=engine, paths=sorted((chain.data_dir / "api" / "issuances").glob("*/wrapped")))


def issue_and_draw(chain: Chain, api: Api, services: Callable[..., Api]) -> tuple[list[dict[str, Any]], Any]:
    """Three certificates CN issued (exporters A, B, A spelt loosely); SG's customs draw 1.5 on the first."""
    documents = sample_documents(3, seed=61)
    for document, exporter in zip(
        documents, (PARTY_OPERATOR_A, PARTY_OPERATOR_B, " usci:91330200ma2aaaaa1 "), strict=True
    ):
        document["exporter"]["identifier"] = exporter
    issued = api.client.post("/certificates/issuances", json={"documents": documents},
                             headers=api.headers("CN", "issuer"))  # fmt: skip
    assert issued.status_code == 201, issued.text
    sg = services("SG")
    drawn = sg.client.post(
        "/certificates/utilize",
        json={"certificate": issued.json()["certificates"][0], "declaration": "SG-IMP-77", "quantity": "1.5"},
        headers=sg.headers("SG", "customs"),
    )
    assert drawn.status_code == 200, drawn.text
    index_party_records(chain, api)
    return documents, issued


def open_consignments(api: Api) -> tuple[str, str]:
    """A opens PARTY_UCR_A; CN's customs open PARTY_UCR_B naming B as consignee. Their ids."""
    opened = api.client.post("/consignments", json={"ucr": PARTY_UCR_A, "destination": "SG"},
                             headers=api.headers("CN", "trader"))  # fmt: skip
    assert opened.status_code == 201, opened.text
    body = {"ucr": PARTY_UCR_B, "destination": "SG", "parties": [{"account": dev_trader("SG"), "role": "consignee"}]}
    other = api.client.post("/consignments", json=body, headers=api.headers("CN", "customs"))
    assert other.status_code == 201, other.text
    return opened.json()["consignment"], other.json()["consignment"]


def certify_a_and_agree_with_sg(api: Api, services: Callable[..., Api]) -> None:
    """CN's customs certify A (advanced); CN and SG agree an MRA for advanced AEOs."""
    customs = api.headers("CN", "customs")
    certified = api.client.post("/aeo/certifications", json={"operator": PARTY_OPERATOR_A, "tier": "advanced"},
                                headers=customs)  # fmt: skip
    assert certified.status_code == 200, certified.text
    sg = services("SG")
    assert api.client.post("/mras", json={"partner": "SG", "tiers": "advanced"}, headers=customs).status_code == 200
    accepted = sg.client.post("/mras/CN/accept", json={"tiers": "advanced"}, headers=sg.headers("SG", "customs"))
    assert accepted.status_code == 200, accepted.text


# ---------------------------------------------------------------- webhooks


def add_chain_event(engine: Engine, *, block: int, log_index: int = 0, organisation: str = "CN",
                    event: str = "CertificatesIssued", contract: str = "CertificateRegistry") -> int:  # fmt: skip
    """An indexed event, as the follower writes one (an issuance by `organisation` unless told
    otherwise); returns its row id."""
    from ledger.index.models import ChainEvent

    row = ChainEvent(
        chain_id=31337, block_number=block, block_hash=block.to_bytes(32, "big"), block_time=1_800_000_000 + block,
        tx_hash=(block * 1000 + log_index).to_bytes(32, "big"), log_index=log_index, contract=contract,
        contract_address=b"\x11" * 20, event=event, args={"root": "0x" + "ab" * 32}, actor=b"\x22" * 20,
        organisation=organisation, cert_root=b"\xab" * 32,
    )  # fmt: skip
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        session.add(row)
        session.flush()
        return row.id


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str


class WebhookReceiver:
    """A receiver on a loopback port: records what is posted, answers `status` (or what
    `answer(request)` returns), and may hold each request until `release` is set."""

    def __init__(self, status: int = 204, *, location: str | None = None) -> None:
        self.status = status
        self.location = location
        self.received: list[Received] = []
        self.release = threading.Event()
        self.release.set()
        self._lock = threading.Lock()

    @contextmanager
    def serving(self) -> Iterator[str]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length).decode()
                with receiver._lock:
                    receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                receiver.release.wait(30)
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        with http_server(Handler) as url:
            yield url

    def count(self) -> int:
        with self._lock:
            return len(self.received)


def next_block_at(chain: Chain, at: dt.datetime) -> dt.datetime:
    """Mine the next block at `at` (whole seconds; at least a second after the latest block): the
    chain's clock moved by hand, so that what follows is in a later second than `at`."""
    latest = int(chain.client().w3.eth.get_block("latest")["timestamp"])
    when = max(int(at.timestamp()), latest + 1)
    rpc(chain.rpc_url, "evm_setNextBlockTimestamp", [when])
    rpc(chain.rpc_url, "evm_mine")
    return dt.datetime.fromtimestamp(when, dt.UTC)


class StandInSessions:
    """Portal sign-in sessions over a stand-in key check (pages' tests without a key store): a
    session id maps to the key signed in with, checked again on every request, as the service's
    sessions (api.portal.sessions) check their key. `issue` makes one as a sign-in would."""

    def __init__(self, check: Callable[[str], Any]) -> None:
        self.check = check
        self.tokens: dict[str, str] = {}

    def issue(self, token: str) -> str:
        session_id = secrets.token_urlsafe(32)
        self.tokens[session_id] = token
        return session_id

    def open(self, token: str, *, roles: tuple[str, ...]) -> tuple[str, Any] | None:
        principal = self.check(token)
        if principal is None or principal.role not in roles:
            return None
        return self.issue(token), principal

    def principal(self, session_id: str) -> Any:
        token = self.tokens.get(session_id)
        return None if token is None else self.check(token)

    def close(self, session_id: str) -> None:
        self.tokens.pop(session_id, None)


def portal_session(keys: Any, token: str, organisation: str = "CN") -> str:
    """A portal sign-in session of `organisation`'s service for the auditor or trader key `token`,
    opened in the key store's database as /login would: the id its cookie holds."""
    from api.portal.sessions import PortalSessions

    opened = PortalSessions(keys=keys, organisation=organisation).open(token, roles=("auditor", "trader"))
    assert opened is not None, "not an auditor's or trader's key of the organisation"
    return opened[0]


# ---------------------------------------------------------------- a chain of a test's own that is reset


class ResettableChain:
    """An embedded node in `data_dir`; `start` deploys on it, `reset` replaces it by a new chain."""

    def __init__(self, data_dir: Path, database_url: str) -> None:
        self.settings = LedgerSettings(data_dir=data_dir, database_url=database_url)
        self.node = EmbeddedNode(data_dir, port=free_port())
        self.resets = 0

    def client(self, profile: str | None = None) -> LedgerClient:
        return build_client(self.settings, profile)

    def start(self) -> None:
        info, _ = self.node.start()
        # anvil's blocks are deterministic from the same keys at the same second: move the clock
        # so that a reset chain is another chain, as a restarted network's is
        rpc(info.rpc_url, "evm_increaseTime", [3600 * self.resets])
        deploy_dev(
            rpc_client_for=self.client,
            deployments_dir=self.settings.resolved_deployments_dir,
            data_dir=self.settings.data_dir,
        )

    def reset(self) -> None:
        """Stop the node, forget its chain and start a new one with the same deployment."""
        self.node.stop()
        self.node.state_file.unlink()
        self.resets += 1
        self.start()

    def stop(self) -> None:
        self.node.stop()
