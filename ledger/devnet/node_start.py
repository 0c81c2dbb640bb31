"""Bring up the data directory's embedded node for `sanzhi up`: reuse the one running there,
else start one on the port asked for, or on a free port when something else holds that one."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from pydantic import BaseModel

from ledger.devnet.node import EmbeddedNode, NodeInfo, NodeStartFailed, read_node_info
from ledger.files import write_atomic

# The node `sanzhi up` started: a later `sanzhi up` that finds it still running (the first was
# killed) adopts it and stops it when it ends; a node started by `sanzhi node start` is left alone.
OWNER_FILE = "started-by-up"


class NodeStart(BaseModel):
    info: NodeInfo
    started: bool  # this call started it
    owned: bool  # `sanzhi up` started it (now or before), so `sanzhi up` stops it
    requested_port: int  # the port asked for; `info.port` differs when that one was taken


def port_free(host: str, port: int) -> bool:
    """Whether nothing listens on (or holds) `host:port`. Probed as a server binds (address
    reuse on): connections of an earlier run left in TIME_WAIT do not make a port taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def bind_listener(host: str, port: int) -> tuple[socket.socket, bool]:
    """A socket bound to `host:port`, or to a free port when that one is taken; and whether it
    is the port asked for. Binding here (not in the server) leaves no gap for another process."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        return listener, True
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
            listener.close()
            raise
    listener.bind((host, 0))
    return listener, False


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def start_node(*, data_dir: Path, host: str = "127.0.0.1", port: int = 8545) -> NodeStart:
    """The data directory's node, running: reused, or started on `port` or a free one."""
    owner = data_dir / "node" / OWNER_FILE
    current = EmbeddedNode(data_dir, host=host, port=port).status()
    if current.running and current.info is not None:
        owned = _owner_pid(owner) == current.info.pid
        return NodeStart(info=current.info, started=False, owned=owned, requested_port=port)
    chosen = port if port_free(host, port) else free_port(host)
    try:
        info, started = EmbeddedNode(data_dir, host=host, port=chosen).start()
    except NodeStartFailed:
        if chosen != port:
            raise
        # taken between the probe and anvil's bind: once more, on a free port
        info, started = EmbeddedNode(data_dir, host=host, port=free_port(host)).start()
    write_atomic(owner, f"{info.pid}\n")
    return NodeStart(info=info, started=started, owned=True, requested_port=port)


def stop_node(data_dir: Path) -> bool:
    """Stop the node (its state is saved) and forget that `sanzhi up` owned it."""
    stopped = EmbeddedNode(data_dir).stop()
    (data_dir / "node" / OWNER_FILE).unlink(missing_ok=True)
    return stopped


def node_pid(data_dir: Path) -> int | None:
    info = read_node_info(data_dir / "node")
    return info.pid if info else None


def _owner_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None
