"""Reorganisations and resets: the index never keeps an event the chain does not have, and never
mixes two chains."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from ledger.connect import build_client
from ledger.devnet.consortium import deploy_dev
from ledger.devnet.node import EmbeddedNode
from ledger.index.audit import certificate_history
from ledger.index.errors import ChainReset
from ledger.index.follower import Follower
from ledger.settings import LedgerSettings
from tests.support import Chain, chain_log_positions, free_port, indexed_positions, issue_sample_certificates, rpc


def issue_batch(chain: Chain, work: Path, seed: int, count: int = 2) -> str:
    """Issue `count` certificates of origin; the batch root."""
    from ledger.certificates.wrapped import read_wrapped

    paths = issue_sample_certificates(
        chain.client("cn-issuer"), work / f"docs{seed}", work / f"out{seed}", chain.data_dir, count, seed
    )
    return read_wrapped(paths[0]).proof.root


# on the session node: on the Besu-like one it goes on mining while the test reorganises it
@pytest.mark.besu
def test_reverted_blocks_leave_the_index(chain: Chain, index_db: Engine, tmp_path: Path) -> None:
    indexer = Follower(client=chain.client(), engine=index_db)
    snapshot = rpc(chain.rpc_url, "evm_snapshot")
    gone = issue_batch(chain, tmp_path, seed=1)
    issue_batch(chain, tmp_path, seed=2)
    indexer.catch_up()
    assert certificate_history(engine=index_db, root=gone).items

    assert rpc(chain.rpc_url, "evm_revert", [snapshot]) is True
    for _ in range(3):  # another history, longer than the one reverted
        rpc(chain.rpc_url, "evm_mine")
    kept = issue_batch(chain, tmp_path, seed=3)
    report = indexer.catch_up()

    assert report.reorganisations == 1
    assert report.events_removed >= 2
    assert certificate_history(engine=index_db, root=gone).items == []
    assert [e.event for e in certificate_history(engine=index_db, root=kept).items] == [
        "CertificatesIssued",
        "CertificatesDestined",
    ]
    assert sorted(indexed_positions(index_db)) == sorted(chain_log_positions(chain))
    with index_db.connect() as connection:
        stale = connection.execute(text("SELECT count(*) FROM indexed_blocks WHERE number > :n"), {"n": report.head})
        assert stale.scalar() == 0


# on the session node: on the Besu-like one it goes on mining while the test reorganises it
@pytest.mark.besu
def test_a_chain_shorter_than_the_checkpoint_is_walked_back(chain: Chain, index_db: Engine, tmp_path: Path) -> None:
    indexer = Follower(client=chain.client(), engine=index_db)
    indexer.catch_up()
    before = sorted(indexed_positions(index_db))
    snapshot = rpc(chain.rpc_url, "evm_snapshot")
    gone = issue_batch(chain, tmp_path, seed=4)
    indexer.catch_up()
    assert rpc(chain.rpc_url, "evm_revert", [snapshot]) is True  # nothing new: the head is below the checkpoint
    report = indexer.catch_up()
    assert report.reorganisations == 1
    assert certificate_history(engine=index_db, root=gone).items == []
    assert sorted(indexed_positions(index_db)) == before


# on the session node: on the Besu-like one it goes on mining while the test reorganises it
@pytest.mark.besu
def test_the_chain_moving_while_a_range_is_read_is_read_again(
    chain: Chain, index_db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger.chain import history

    snapshot = rpc(chain.rpc_url, "evm_snapshot")
    gone = issue_batch(chain, tmp_path, seed=5)
    original = history.headers
    moved = False

    def reorganised_after_the_logs(client: object, numbers: object) -> dict[int, history.Header]:
        nonlocal moved
        wanted = sorted(set(numbers))  # type: ignore[call-overload]
        if not moved and len(wanted) > 2:  # the headers of the log blocks: the chain moves first
            moved = True
            assert rpc(chain.rpc_url, "evm_revert", [snapshot]) is True
            for _ in range(4):
                rpc(chain.rpc_url, "evm_mine")
        return original(client, wanted)  # type: ignore[arg-type]

    monkeypatch.setattr(history, "headers", reorganised_after_the_logs)
    Follower(client=chain.client(), engine=index_db).catch_up()
    assert moved
    assert certificate_history(engine=index_db, root=gone).items == []
    assert sorted(indexed_positions(index_db)) == sorted(chain_log_positions(chain))


def test_a_reset_chain_is_refused_and_rebuilt_only_when_asked(tmp_path: Path, index_db: Engine) -> None:
    settings = LedgerSettings(data_dir=tmp_path / "node")
    node = EmbeddedNode(settings.data_dir, port=free_port())

    def start_and_deploy(later: int) -> None:
        info, _ = node.start()
        # anvil's blocks are deterministic from the same keys at the same second: move the clock
        # so the new chain is a different one, as a restarted network's is
        rpc(info.rpc_url, "evm_increaseTime", [later])
        deploy_dev(
            rpc_client_for=lambda p: build_client(settings, p),
            deployments_dir=settings.resolved_deployments_dir,
            data_dir=settings.data_dir,
        )

    start_and_deploy(0)
    try:
        Follower(client=build_client(settings), engine=index_db).catch_up()
        indexed = len(indexed_positions(index_db))
        assert indexed > 0
    finally:
        node.stop()
    node.state_file.unlink()  # anvil starts from a new genesis
    start_and_deploy(3600)  # the same contracts at the same addresses, on a new chain
    try:
        with pytest.raises(ChainReset, match="rebuild"):
            Follower(client=build_client(settings), engine=index_db).catch_up()
        assert len(indexed_positions(index_db)) == indexed  # nothing of the old index lost by refusing
        report = Follower(client=build_client(settings), engine=index_db).catch_up(rebuild=True)
        assert report.events == len(indexed_positions(index_db)) > 0
    finally:
        node.stop()


def test_a_contract_that_moved_is_a_reset(chain: Chain, index_db: Engine) -> None:
    Follower(client=chain.client(), engine=index_db).catch_up()
    client = chain.client()
    assert client.deployment is not None
    moved = client.deployment.model_copy(deep=True)
    moved.contracts["AeoRegistry"].address = "0x" + "42" * 20
    client.deployment = moved
    with pytest.raises(ChainReset, match="AeoRegistry"):
        Follower(client=client, engine=index_db).catch_up()


def test_a_deployment_replaced_on_the_same_genesis_is_a_reset(tmp_path: Path, index_db: Engine) -> None:
    settings = LedgerSettings(data_dir=tmp_path / "node")
    node = EmbeddedNode(settings.data_dir, port=free_port())
    info, _ = node.start()
    try:
        before_deployment = rpc(info.rpc_url, "evm_snapshot")

        def deploy() -> None:
            deploy_dev(
                rpc_client_for=lambda p: build_client(settings, p),
                deployments_dir=settings.resolved_deployments_dir,
                data_dir=settings.data_dir,
            )

        deploy()
        Follower(client=build_client(settings), engine=index_db).catch_up()
        indexed = sorted(indexed_positions(index_db))
        assert rpc(info.rpc_url, "evm_revert", [before_deployment]) is True
        rpc(info.rpc_url, "evm_increaseTime", [3600])
        deploy()  # same genesis, same addresses, other blocks
        with pytest.raises(ChainReset, match="where the contracts were deployed"):
            Follower(client=build_client(settings), engine=index_db).catch_up()
        assert sorted(indexed_positions(index_db)) == indexed
    finally:
        node.stop()
