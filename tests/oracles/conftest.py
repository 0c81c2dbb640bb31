"""Oracle tests: the outbox lives in the session data directory, so it is emptied per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.aeo import AeoRegistryBinding
from oracles.aeo_feed import AeoFeed, FeedOptions, outbox_path
from oracles.outbox import Outbox
from tests.conftest import Chain

EXAMPLES = Path(__file__).resolve().parents[2] / "oracles" / "examples"


@pytest.fixture
def feed_chain(chain: Chain) -> Iterator[Chain]:
    """The chain, with an empty shared outbox before and after the test."""
    shutil.rmtree(chain.data_dir / "oracles", ignore_errors=True)
    yield chain
    shutil.rmtree(chain.data_dir / "oracles", ignore_errors=True)


def make_feed(chain: Chain, profile: str = "cn-oracle", **options: float) -> AeoFeed:
    outbox = Outbox(outbox_path(chain.settings))
    return AeoFeed(client=chain.client(profile), outbox=outbox, options=FeedOptions(**options))  # type: ignore[arg-type]


def set_quorum(chain: Chain, quorum: int, member: str = "cn") -> None:
    client = chain.client(f"{member}-customs")
    client.transact(client.contract("AeoRegistry").functions.setOracleQuorum(quorum))


def chain_view(chain: Chain, operators: list[str], member: str = "CN") -> dict[str, tuple[str, str, int]]:
    """operator -> (status, tier, number of changes) as the chain has it."""
    binding = AeoRegistryBinding(chain.client())
    view = {}
    for op in operators:
        c = binding.certification(operator=op, certified_by=member)
        view[op] = (c.status, c.state.tier_name if c.state else "-", c.changes)
    return view
