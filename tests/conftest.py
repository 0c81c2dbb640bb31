"""Session-scoped chain for the integration tests; every test gets fresh state.

One anvil node is started for the whole session (profile from SANZHI_TEST_NODE_PROFILE:
`dev`, or `besu` for gas price 0 and one-second blocks), the contracts are deployed and the
development consortium bootstrapped once; each test then runs between an `evm_snapshot` and
an `evm_revert` (anvil test RPC, used only here).

Under pytest-xdist (`make test-python`: `-n 2`) every worker is a session of its own: its own
node, IPFS node, PostgreSQL server and browser, on free ports and in temporary directories of
its own. `make test-besu` reruns the tests marked `besu` (tests/architecture/test_besu_marker.py
keeps that selection honest) on the `besu` node.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from ledger.devnet.consortium import deploy_dev
from ledger.devnet.node import EmbeddedNode, NodeProfile
from ledger.settings import LedgerSettings
from tests.support import (
    Api,
    Chain,
    CliRunner,
    RecordedActivity,
    free_port,
    index_engine,
    make_network,
    mined_at_once,
    postgres_database,
    record_activity,
    rpc,
)


@pytest.fixture(scope="session")
def session_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    profile = NodeProfile(os.environ.get("SANZHI_TEST_NODE_PROFILE", "dev"))
    data_dir = tmp_path_factory.mktemp("chain")
    node = EmbeddedNode(data_dir, port=free_port())
    info, _ = node.start(profile)
    chain = Chain(data_dir=data_dir, rpc_url=info.rpc_url, profile=profile)
    try:
        with mined_at_once(chain):
            deploy_dev(
                rpc_client_for=chain.client,
                deployments_dir=chain.settings.resolved_deployments_dir,
                data_dir=data_dir,
            )
        yield chain
    finally:
        node.stop()


@pytest.fixture
def chain(session_chain: Chain) -> Iterator[Chain]:
    """The session chain, reverted to its freshly deployed state after the test; the issuer's
    record of issued numbers, which describes that chain, goes with it."""
    snapshot = rpc(session_chain.rpc_url, "evm_snapshot")
    try:
        yield session_chain
    finally:
        assert rpc(session_chain.rpc_url, "evm_revert", [snapshot]) is True
        shutil.rmtree(session_chain.data_dir / "issuer", ignore_errors=True)


@pytest.fixture
def cli(chain: Chain, capsys: pytest.CaptureFixture[str]) -> CliRunner:
    return CliRunner(chain, capsys)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the chain carry the `chain` marker (`make test-besu` selects them)."""
    for item in items:
        if {"chain", "session_chain", "cli"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.chain)


@pytest.fixture(scope="module")
def activity(session_chain: Chain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordedActivity]:
    """The activity of tests.support.record_activity on the session chain, once for the module
    that asks for it (the tests' own `chain` snapshots come on top of it); reverted after the
    module."""
    snapshot = rpc(session_chain.rpc_url, "evm_snapshot")
    try:
        with mined_at_once(session_chain):
            recorded = record_activity(session_chain, tmp_path_factory.mktemp("activity"))
        yield recorded
    finally:
        assert rpc(session_chain.rpc_url, "evm_revert", [snapshot]) is True
        shutil.rmtree(session_chain.data_dir / "issuer", ignore_errors=True)
        shutil.rmtree(session_chain.data_dir / "oracles", ignore_errors=True)


@pytest.fixture
def feed_chain(chain: Chain) -> Iterator[Chain]:
    """The chain, with an empty shared oracle outbox before and after the test."""
    shutil.rmtree(chain.data_dir / "oracles", ignore_errors=True)
    yield chain
    shutil.rmtree(chain.data_dir / "oracles", ignore_errors=True)


@pytest.fixture(scope="session")
def ipfs_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One js-ipfs node for the session: offline, its API on a free loopback port, its repo in
    a temporary directory; stopped at the end, and killed with this process if it dies."""
    from ledger.devnet.ipfs import EmbeddedIpfs

    node = EmbeddedIpfs(tmp_path_factory.mktemp("ipfs"), api_port=free_port())
    api = node.start(tie_to_parent=True)
    try:
        yield api
    finally:
        node.stop()


# ---------------------------------------------------------------- portal in a real browser


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium from npm @sparticuz/chromium, driven by Playwright (one per session)."""
    from playwright.sync_api import sync_playwright

    from tests.support import chromium_launch

    launch = chromium_launch()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=launch["executablePath"], args=launch["args"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def portal_url(session_chain: Chain) -> Iterator[str]:
    """The portal served by uvicorn on 127.0.0.1 for the session chain (per-test state comes
    from the `chain` fixture's snapshots; the server only reads)."""
    from api.deps import ServiceContext
    from api.portal import portal_app
    from tests.support import PortalServer

    context = ServiceContext(settings=session_chain.settings, client=session_chain.client())
    with PortalServer(portal_app(context)) as server:
        yield server.url


_STARTED = pytest.StashKey[float]()


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_STARTED] = time.time()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.support import SCREENSHOTS, screenshots_since

    # by the files' times: under pytest-xdist the workers save them, and this runs in the controller
    saved = screenshots_since(terminalreporter.config.stash[_STARTED])
    if not saved:
        return
    terminalreporter.write_line(f"portal screenshots: {SCREENSHOTS} ({len(saved)} saved, kept)")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL server for the session (PyPI pgserver: no root or system package
    needed); yields its libpq URI.

    Its data directory is a temporary directory of its own, not pytest's: run as root, pgserver
    runs PostgreSQL as an unprivileged user that must traverse the path, and pytest keeps its
    base directory private (0700) whenever a session starts.
    """
    base = Path(tempfile.mkdtemp(prefix="sanzhi-pg-"))
    with warnings.catch_warnings():
        # platformdirs warns at pgserver's import when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(base / "data", cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def index_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty index database: SQLite in tmp, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'index.sqlite'}"
        return
    with postgres_database(request.getfixturevalue("postgres_server")) as url:
        yield url


@pytest.fixture
def index_db(index_url: str) -> Iterator[Engine]:
    """The migrated index at `index_url`."""
    engine = index_engine(index_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def services(chain: Chain, tmp_path: Path) -> Iterator[Callable[..., Api]]:
    """Makes the service of an organisation on the session chain (rate limits off unless
    given), all sharing one empty key store; what they write in the data directory goes with
    the test."""
    from fastapi.testclient import TestClient

    from api.keystore import KeyStore
    from api.main import create_app
    from api.settings import ServiceSettings

    database = f"sqlite:///{tmp_path / 'service.sqlite'}"
    keys = KeyStore(database)
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=database)
    with ExitStack() as stack:

        def make(org: str | None = "CN", **options: Any) -> Api:
            service = ServiceSettings(organisation=org, **{"public_rate": 0, "key_rate": 0, **options})
            client = TestClient(create_app(settings, service), raise_server_exceptions=False)
            return Api(stack.enter_context(client), keys)

        try:
            yield make
        finally:
            keys.close()
            shutil.rmtree(chain.data_dir / "api", ignore_errors=True)


@pytest.fixture
def api(services: Callable[..., Api]) -> Api:
    """CN's service."""
    return services("CN")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """The fuzz run takes minutes: it runs with SANZHI_FUZZ=1 (`make fuzz`), not in every test run.
    So does the short soak (SANZHI_SOAK=1): CI soaks the whole system for two minutes with
    `make soak-ci`, which fails on the same goals."""
    if item.get_closest_marker("fuzz") and os.environ.get("SANZHI_FUZZ") != "1":
        pytest.skip("fuzzing runs with SANZHI_FUZZ=1 (make fuzz)")
    if item.get_closest_marker("soak") and os.environ.get("SANZHI_SOAK") != "1":
        pytest.skip("the short soak runs with SANZHI_SOAK=1 (make soak-ci soaks for two minutes)")


@pytest.fixture
def network_dir(tmp_path: Path) -> Path:
    """A freshly generated four-member network (CN, SG, MY, TH) with plain node keys."""
    out = tmp_path / "net"
    make_network(out, plain_node_key=True)
    return out
