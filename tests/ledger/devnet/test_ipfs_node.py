"""The embedded IPFS node: one per data dir, reused when running, its blobs kept across
restarts, recovering from a crash, and never outliving the test process that started it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ledger.devnet.ipfs import EmbeddedIpfs, IpfsStartFailed, seed_config
from ledger.errors import ConfigurationError
from ledger.store.backends import IpfsBackend
from ledger.store.errors import StoreUnavailable
from tests.support import free_port, poll, write_file


def _gone(pid: int, within: float) -> bool:
    """Whether `pid` has exited within `within` seconds: reaped if it is our child, otherwise
    a zombie with no thread left (its parent, or init, reaps it) or no process at all."""

    def exited() -> bool:
        try:
            return os.waitpid(pid, os.WNOHANG)[0] == pid
        except ChildProcessError:
            proc = Path(f"/proc/{pid}")
            try:
                zombie = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
                return zombie and len(list((proc / "task").iterdir())) <= 1
            except FileNotFoundError:
                return True

    return bool(poll(exited, timeout=within))


def test_a_missing_js_ipfs_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANZHI_JSIPFS", str(tmp_path / "node_modules" / "ipfs" / "src" / "cli.js"))
    with pytest.raises(ConfigurationError, match=r"js-ipfs not found at .*: run `make setup`"):
        EmbeddedIpfs(tmp_path).start()
    assert not (tmp_path / "ipfs" / "repo").exists()


def test_a_new_repo_listens_on_loopback_only_and_dials_nobody() -> None:
    config = seed_config(5999)
    assert config["Addresses"] == {
        "Swarm": [],
        "API": "/ip4/127.0.0.1/tcp/5999",
        "Gateway": "",
        "RPC": "",
        "Delegates": [],
    }
    assert config["Bootstrap"] == []


@pytest.mark.ipfs
def test_start_reuse_stop_restart_and_recover_from_a_crash(tmp_path: Path) -> None:
    port = free_port()
    node = EmbeddedIpfs(tmp_path, api_port=port)
    assert not node.status().running
    try:
        api = node.start(tie_to_parent=True)
        assert api == f"/ip4/127.0.0.1/tcp/{port}"
        status = node.status()
        assert status.running
        assert status.version == "0.18.1"
        assert status.info is not None
        pid = status.info.pid

        # running: another handle on the same data dir reuses it
        assert EmbeddedIpfs(tmp_path).start() == api
        assert EmbeddedIpfs(tmp_path).status().info == status.info
        with pytest.raises(IpfsStartFailed, match="stop it first"):
            EmbeddedIpfs(tmp_path, api_port=free_port()).start()
        with pytest.raises(IpfsStartFailed, match=f"port {port} on 127.0.0.1 already has an IPFS API"):
            EmbeddedIpfs(tmp_path / "other", api_port=port).start()

        cid = IpfsBackend(api).put_file(write_file(tmp_path / "doc.enc", b"kept across restarts"))
        assert node.stop()
        assert _gone(pid, within=10)
        assert not node.status().running
        assert not node.stop()
        with pytest.raises(StoreUnavailable):
            IpfsBackend(api).has(cid)

        # restarted (on the port its repo remembers), with what it held
        assert EmbeddedIpfs(tmp_path).status().info is None
        assert node.start(tie_to_parent=True) == api
        assert IpfsBackend(api).has(cid)

        # killed without a chance to clean up: the next start recovers its repo
        crashed = node.status().info
        assert crashed is not None
        os.kill(crashed.pid, signal.SIGKILL)
        assert _gone(crashed.pid, within=10)
        assert (tmp_path / "ipfs" / "repo" / "repo.lock").exists()
        assert not node.status().running
        assert node.start(tie_to_parent=True) == api
        IpfsBackend(api).fetch(cid, tmp_path / "back.enc")
        assert (tmp_path / "back.enc").read_bytes() == b"kept across restarts"
    finally:
        node.stop()


_PARENT = """
import sys
from pathlib import Path
from ledger.devnet.ipfs import EmbeddedIpfs
node = EmbeddedIpfs(Path(sys.argv[1]), api_port=int(sys.argv[2]))
node.start(tie_to_parent=True)
print(node.status().info.pid, flush=True)
sys.stdin.read()  # until killed (or until the test's end of the pipe closes)
"""


@pytest.mark.ipfs
def test_the_node_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, str(tmp_path), str(free_port())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    daemon = 0
    try:
        assert parent.stdout is not None
        daemon = int(parent.stdout.readline())
        os.kill(daemon, 0)  # running
        parent.kill()  # SIGKILL: no cleanup code runs in the parent
        parent.wait()
        assert _gone(daemon, within=10)
    finally:
        parent.kill()
        parent.wait()
        for pipe in (parent.stdin, parent.stdout):
            if pipe is not None:
                pipe.close()
        if daemon and not _gone(daemon, within=0):
            with contextlib.suppress(ProcessLookupError):
                os.kill(daemon, signal.SIGKILL)
