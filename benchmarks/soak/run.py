"""The soak, start to end: the system up in a temporary data directory, clients and chaos for the
run's minutes, then everything caught up, reconciled from the chain, stopped and reported."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from benchmarks.soak.chaos import Chaos, Part
from benchmarks.soak.clients import ClientConfig
from benchmarks.soak.journal import read_journals
from benchmarks.soak.processes import Deliverer, Follower, Node, Oracle, Service, sanzhi, wait_until
from benchmarks.soak.reconcile import (
    ChainLog,
    reconcile_deliveries,
    reconcile_errors,
    reconcile_quantities,
    reconcile_writes,
)
from benchmarks.soak.report import SoakReport, goals_missed, kill_figures, per_operation
from benchmarks.webhook_receiver import Received, receivers
from ledger.chain import history
from ledger.chain.client import LedgerClient
from ledger.connect import build_client
from ledger.devnet.consortium import deploy_dev
from ledger.devnet.node_start import free_port
from ledger.errors import LedgerError
from ledger.files import write_atomic
from ledger.index import open_index
from ledger.index.catalogue import EventCatalogue, jsonable
from ledger.index.models import ChainEvent, WebhookSubscription
from ledger.parallel import die_with_parent
from ledger.settings import LedgerSettings
from ledger.webhooks import store
from ledger.webhooks.outbox import webhook_id
from ledger.webhooks.secret_box import SecretBox
from ledger.webhooks.topics import Audience, Topic, event_key, last_event_id, matching_events

CLIENTS = ("issuer", "importer", "evidence", "aeo", "documents")
AUDIENCE = Audience(member="CN", role="admin")
FEED_OPERATORS = ("USCI:91310000MA1FL8XQ30", "USCI:91440300MA5DC6QX8B")
API_OPERATORS = ["USCI:91330200MA2GQ1LK4E", "USCI:91350200MA31U8KX2C"]
FEED_EVERY_SECONDS = 5.0
DRAIN_SECONDS = 180.0
LOG_RANGE = 5_000


def _quiet(message: str) -> None:
    return None


def _keep(root: Path, logs: Path) -> None:
    """Copy the run's logs and journals to `logs` (replacing an earlier run's)."""
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    for name in ("logs", "journals"):
        if (root / name).is_dir():
            shutil.copytree(root / name, logs / name)
    node_log = root / "data" / "node" / "anvil.log"
    if node_log.is_file():
        (logs / "logs").mkdir(exist_ok=True)
        shutil.copy(node_log, logs / "logs" / "anvil.log")


def _feed(path: Path, turn: int) -> None:
    """CN's AEO export as the soak rewrites it: the two operators' statuses swap every turn."""
    rows = ["operator_id,name,tier,valid_from,valid_until,status,reason,evidence"]
    for n, operator in enumerate(FEED_OPERATORS):
        status = "suspended,non-compliance" if (turn + n) % 2 else "active,"
        rows.append(f"{operator},Soak Operator {n},advanced,2024-01-01,,{status},")
    write_atomic(path, "\n".join(rows) + "\n")


def _api_keys(settings: LedgerSettings) -> dict[str, str]:
    """CN's API tokens for the clients, made as an operator makes them (`sanzhi apikey create`)."""
    tokens = {}
    for role in ("issuer", "customs"):
        command = sanzhi(
            settings.data_dir, "apikey", "create", "--org", "CN", "--role", role, "--label", f"soak {role}"
        )
        made = subprocess.run([*command, "--json"], capture_output=True, text=True, check=False)
        if made.returncode != 0:
            raise LedgerError(f"the soak could not make an API key: {made.stderr.strip()[-400:]}")
        tokens[role] = str(json.loads(made.stdout)["token"])
    return tokens


def _expected_deliveries(engine: Engine, after_id: int) -> set[str]:
    """The webhook id of every indexed event the subscription should get (as a subscriber would
    work it out from the index, not read from the outbox)."""
    with Session(engine) as session:
        found = matching_events(session, audience=AUDIENCE, topics=frozenset({Topic.CONSIGNMENTS}),
                                after_id=after_id, limit=10_000_000)  # fmt: skip
        subscriptions = session.scalars(select(WebhookSubscription.id)).all()
    return {webhook_id(s, event_key(event)) for s in subscriptions for event, _ in found}


def chain_logs(client: LedgerClient) -> list[ChainLog]:
    """Every event of the deployment, read from the node and decoded (the reconcile's truth)."""
    assert client.deployment is not None
    catalogue = EventCatalogue(client.artifacts, {n: c.address for n, c in client.deployment.contracts.items()})
    head = history.head_number(client)
    found: list[ChainLog] = []
    for start in range(client.deployment.deployment_block, head + 1, LOG_RANGE):
        for log in history.logs(client, catalogue.addresses, start, min(head, start + LOG_RANGE - 1)):
            decoded = catalogue.decode(log)
            found.append(ChainLog(tx=str(log["transactionHash"]).lower(), event=decoded.event,
                                  args={k: jsonable(v) for k, v in decoded.args.items()},
                                  block=int(log["blockNumber"], 16), log_index=int(log["logIndex"], 16)))  # fmt: skip
    return found


def index_logs(engine: Engine) -> list[ChainLog]:
    with Session(engine) as session:
        return [ChainLog(tx="0x" + bytes(e.tx_hash).hex(), event=e.event, args=dict(e.args), block=e.block_number,
                         log_index=e.log_index) for e in session.scalars(select(ChainEvent))]  # fmt: skip


@contextmanager
def _clients(config: ClientConfig, root: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    path = root / "clients.json"
    write_atomic(path, config.model_dump_json())
    processes = []
    parent = os.getpid()  # the clients die with the soak, however it ends
    for kind in CLIENTS:
        with (root / "logs" / f"client-{kind}.log").open("ab") as out:
            processes.append(subprocess.Popen([sys.executable, "-m", "benchmarks.soak.clients", str(path), kind],
                                              stdout=out, stderr=subprocess.STDOUT,
                                              preexec_fn=lambda: die_with_parent(parent)))  # fmt: skip
    try:
        yield processes
    finally:
        config.stop_file.touch()
        for process in processes:
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class _System:
    """The parts, started in a fresh data directory under `root`."""

    def __init__(self, root: Path, seed: int, stack: ExitStack) -> None:
        self.root = root
        self.settings = LedgerSettings(data_dir=root / "data")
        (root / "logs").mkdir()
        (root / "journals").mkdir()
        self.node = Node(self.settings.data_dir, free_port("127.0.0.1"))
        self.node.node.start()
        stack.callback(self.node.node.stop)
        deploy_dev(rpc_client_for=lambda profile: build_client(self.settings, profile),
                   deployments_dir=self.settings.resolved_deployments_dir, data_dir=self.settings.data_dir)  # fmt: skip
        # the deployment in the node's state file before anything may die: a clean stop writes it
        self.node.node.stop()
        self.node.node.start()
        self.reader = build_client(self.settings)
        self.engine = open_index(self.settings)
        stack.callback(self.engine.dispose)
        self.tokens = _api_keys(self.settings)
        self.key = os.urandom(32)
        self.feed_file = root / "aeo-cn.csv"
        _feed(self.feed_file, 0)
        logs = root / "logs"
        self.service = Service(self.settings.data_dir, free_port("127.0.0.1"), logs, seed=seed)
        self.follower = Follower(self.settings.data_dir, self.engine, lambda: self.reader.block_number(), logs)
        self.received = Received()
        self.deliverer = Deliverer(self.settings.resolved_database_url, self.key,
                                   lambda: len(self.received.snapshot()), logs)  # fmt: skip
        self.oracle = Oracle(self.settings.data_dir, self.feed_file, logs)
        for part in (self.follower, self.oracle, self.service):  # the service last: it waits for its workers
            stack.callback(part.child.stop)
            part.start()

    @property
    def parts(self) -> list[Part]:
        return [self.node, self.service, self.follower, self.deliverer, self.oracle]

    def subscribe(self, url: str) -> tuple[int, str]:
        """CN's admin subscribes to its consignments' events at `url`: (the newest event id, its secret)."""
        wait_until(lambda: self.follower.checkpoint() >= self.reader.block_number() - 1, timeout=120,
                   what="the index to catch up before subscribing")  # fmt: skip
        with Session(self.engine) as session:
            head = last_event_id(session)
        created = store.create(self.engine, SecretBox(self.key), audience=AUDIENCE, url=url,
                               topics=[Topic.CONSIGNMENTS.value], production=False)  # fmt: skip
        return head, created.secret

    def drain(self, after_id: int, say: Callable[[str], None]) -> set[str]:
        """Wait until the index has the chain's head and every expected webhook arrived (what
        is still missing then is reckoned as lost)."""
        head = self.reader.block_number()
        try:
            wait_until(lambda: self.follower.checkpoint() >= head, timeout=DRAIN_SECONDS, what="the index to catch up")
        except LedgerError as exc:
            say(f"soak: {exc.message} (block {self.follower.checkpoint()} of {head})")
        deadline = time.monotonic() + DRAIN_SECONDS
        expected = _expected_deliveries(self.engine, after_id)
        while time.monotonic() < deadline:
            if expected <= {a.webhook_id for a in self.received.snapshot()}:
                break
            time.sleep(0.5)
            expected = _expected_deliveries(self.engine, after_id)
        return expected


def run_soak(
    *,
    minutes: float,
    chaos: bool,
    seed: int,
    workdir: Path | None = None,
    logs: Path | None = None,
    say: Callable[[str], None] = _quiet,
) -> SoakReport:
    """The whole soak (see benchmarks/soak/__init__.py and docs/operations.md); `say` hears of
    each phase as it begins."""
    started = time.monotonic()

    def phase(what: str) -> None:
        say(f"soak: {what} ({time.monotonic() - started:.0f} s)")

    load_start = os.getloadavg()
    seconds = minutes * 60
    with tempfile.TemporaryDirectory(prefix="sanzhi-soak-", dir=workdir) as tmp, ExitStack() as stack:
        root = Path(tmp)
        if logs is not None:  # the parts' output and the clients' journals outlive the data directory
            stack.callback(_keep, root, logs)
        phase("starting the node, the service, the follower and the oracle")
        system = _System(root, seed, stack)
        secrets: dict[str, str] = {}
        with receivers(secrets, ["soak"]) as (urls, received):
            system.received = received
            after_id, secrets["soak"] = system.subscribe(urls["soak"])
            system.deliverer.start()
            stack.callback(system.deliverer.child.stop)
            config = ClientConfig(data_dir=system.settings.data_dir, api_url=f"http://127.0.0.1:{system.service.port}",
                                  tokens=system.tokens, journal_dir=root / "journals", stop_file=root / "stop",
                                  seed=seed, aeo_operators=API_OPERATORS)  # fmt: skip
            killer = Chaos(system.parts, seed=seed, seconds=seconds)
            stack.callback(killer.release)
            phase(f"clients running for {minutes:g} min" + (", parts killed at random" if chaos else ""))
            with _clients(config, root):
                if chaos:
                    killer.start()
                end = time.monotonic() + seconds
                turn = 0
                while time.monotonic() < end:
                    time.sleep(min(FEED_EVERY_SECONDS, max(0.0, end - time.monotonic())))
                    turn += 1
                    _feed(system.feed_file, turn)
                if chaos:
                    killer.finish()
            phase("waiting for the index and the webhooks to catch up")
            expected = system.drain(after_id, say)
            arrived = received.snapshot()
        phase("reconciling from the chain")
        records = read_journals(root / "journals")
        on_chain = chain_logs(build_client(system.settings))
        indexed = index_logs(system.engine)
    writes = reconcile_writes(records, on_chain, indexed)
    deliveries = reconcile_deliveries(expected, [a.webhook_id for a in arrived],
                                      transactions={a.webhook_id: a.transaction for a in arrived},
                                      on_chain=on_chain)  # fmt: skip
    errors = reconcile_errors(records, killer.kills)
    by_part, longest, longest_by_part, unrecovered = kill_figures(killer.kills)
    report = SoakReport(
        minutes=minutes, seed=seed, chaos=chaos, operations=len(records), acknowledged=writes.acknowledged,
        lost=writes.lost_on_chain + writes.lost_in_index + deliveries.missing,
        duplicated=writes.duplicated_on_chain + writes.duplicated_in_index, kills=len(killer.kills),
        kills_by_part=by_part, kills_unrecovered=unrecovered, max_recovery_s=longest,
        max_recovery_s_by_part=longest_by_part, http_5xx=errors.http_5xx, http_5xx_excused=errors.http_5xx_excused,
        connection_errors=errors.connection_errors, per_operation=per_operation(records), writes=writes,
        quantities=reconcile_quantities(records, on_chain), webhooks=deliveries, errors=errors,
        node_transactions_resent=system.node.resent, node_transactions_refused=system.node.refused,
        node_refusals=system.node.refusals[:20],
        chaos_errors=killer.errors,
        load_average_start=load_start, load_average_end=os.getloadavg(),
        wall_seconds=round(time.monotonic() - started, 1), goals_missed=[],
    )  # fmt: skip
    report.goals_missed = goals_missed(report)
    return report
