"""The embedded IPFS node: js-ipfs (npm `ipfs`) run offline on loopback, its repo under the data dir.

For development and tests, where no Kubo is installed: it speaks the same HTTP RPC API, so
the IPFS blob store talks to it as to any node. It never joins the network: no swarm
addresses, no bootstrap peers, no discovery, `daemon --offline`, no preloading.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from filelock import FileLock
from pydantic import BaseModel

from ledger.errors import ConfigurationError, LedgerError
from ledger.files import write_atomic
from ledger.model_files import write_model
from ledger.parallel import die_with_parent
from ledger.paths import NODE_MODULES, PROJECT_ROOT

LAUNCHER = PROJECT_ROOT / "tools" / "jsipfs.mjs"
HOST = "127.0.0.1"


class IpfsInfo(BaseModel):
    """What `ipfs.json` records about the running node."""

    pid: int
    api_port: int
    started_at: float

    @property
    def api(self) -> str:
        """The API as a multiaddr: what SANZHI_IPFS_API takes."""
        return f"/ip4/{HOST}/tcp/{self.api_port}"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.api_port}"


@dataclass(frozen=True)
class IpfsStatus:
    running: bool
    info: IpfsInfo | None
    version: str | None = None  # js-ipfs's version, when its API answers


class IpfsStartFailed(LedgerError):
    code = "ipfs-start-failed"


def jsipfs_cli() -> Path:
    """js-ipfs's command line: SANZHI_JSIPFS (path of ipfs/src/cli.js), else node_modules."""
    override = os.environ.get("SANZHI_JSIPFS")
    candidate = Path(override) if override else NODE_MODULES / "ipfs" / "src" / "cli.js"
    if not candidate.is_file():
        raise ConfigurationError(
            f"js-ipfs not found at {candidate}: run `make setup` (installs npm ipfs into node_modules)"
            " or set SANZHI_JSIPFS"
        )
    return candidate


def node_executable() -> Path:
    """Node.js: SANZHI_NODE, else `node` on PATH."""
    found = os.environ.get("SANZHI_NODE") or shutil.which("node")
    if not found:
        raise ConfigurationError("node (Node.js 20 or later) not found on PATH: install it or set SANZHI_NODE")
    return Path(found)


def seed_config(api_port: int) -> dict[str, object]:
    """The settings a new repo starts with: API on loopback, nothing else listening or dialling."""
    return {
        "Addresses": {"Swarm": [], "API": f"/ip4/{HOST}/tcp/{api_port}", "Gateway": "", "RPC": "", "Delegates": []},
        "Bootstrap": [],
        "Discovery": {"MDNS": {"Enabled": False}, "webRTCStar": {"Enabled": False}},
    }


class EmbeddedIpfs:
    """Start, stop and inspect the embedded IPFS node of one data directory."""

    def __init__(self, data_dir: Path, api_port: int | None = None) -> None:
        self.ipfs_dir = data_dir / "ipfs"
        self.repo = self.ipfs_dir / "repo"
        self.api_port = api_port
        self._child: subprocess.Popen[bytes] | None = None

    @property
    def info_file(self) -> Path:
        return self.ipfs_dir / "ipfs.json"

    @property
    def log_file(self) -> Path:
        return self.ipfs_dir / "daemon.log"

    def status(self) -> IpfsStatus:
        info = self._read_info()
        if info is None or not self._alive(info.pid):
            return IpfsStatus(running=False, info=info)
        return IpfsStatus(running=True, info=info, version=_api_version(info.url))

    def start(self, *, tie_to_parent: bool = False, timeout: float = 90.0) -> str:
        """Start the node unless it runs, and return its API multiaddr.

        `tie_to_parent`: the node is killed when this process (strictly: this thread) dies,
        even by SIGKILL, as tests want; keep this object until `stop`, it reaps the child.
        Otherwise the node runs on in the background until `stop` (`sanzhi ipfs start`)."""
        self.ipfs_dir.mkdir(parents=True, exist_ok=True)
        with FileLock(self.ipfs_dir / ".start.lock"):
            current = self.status()
            if current.running and current.info is not None:
                if self.api_port is not None and self.api_port != current.info.api_port:
                    raise IpfsStartFailed(
                        f"the IPFS node of this data directory already runs with its API on port "
                        f"{current.info.api_port}; stop it first to move it to {self.api_port}"
                    )
                return current.info.api
            node, cli = node_executable(), jsipfs_cli()
            port = self._prepare_repo(node, cli)
            if _api_version(f"http://{HOST}:{port}") is not None:
                raise IpfsStartFailed(
                    f"port {port} on {HOST} already has an IPFS API that this data directory did not start;"
                    " choose another --port"
                )
            # no daemon of ours runs, so a lock left in the repo is from one that was killed
            shutil.rmtree(self.repo / "repo.lock", ignore_errors=True)
            command = [str(node), str(LAUNCHER), str(cli), "daemon", "--offline", "--enable-preload=false"]
            pid = self._spawn(command, tie_to_parent=tie_to_parent)
            info = IpfsInfo(pid=pid, api_port=port, started_at=time.time())
            self._wait_until_ready(info, timeout)
            write_model(self.info_file, info)
            return info.api

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the node (it finishes what it writes first); False if it was not running."""
        info = self._read_info()
        if info is None or not self._alive(info.pid):
            self.info_file.unlink(missing_ok=True)
            return False
        os.kill(info.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self._alive(info.pid):
            if time.monotonic() > deadline:
                self._kill(info.pid)
                break
            time.sleep(0.05)
        self._reap(info.pid)
        self.info_file.unlink(missing_ok=True)
        return True

    def _prepare_repo(self, node: Path, cli: Path) -> int:
        """Initialise the repo on first use; set the API port; return it."""
        config_path = self.repo / "config"
        if not config_path.exists():
            port = self.api_port or _free_port()
            seed = self.ipfs_dir / "seed-config.json"
            seed.write_text(json.dumps(seed_config(port)))
            done = subprocess.run(
                [str(node), str(LAUNCHER), str(cli), "init", "--emptyRepo", str(seed)],
                env=self._environment(),
                capture_output=True,
                timeout=120,
                check=False,
            )
            if done.returncode != 0 or not config_path.exists():
                output = (done.stderr or done.stdout).decode(errors="replace").strip()[-600:]
                raise IpfsStartFailed(f"js-ipfs could not initialise its repo in {self.repo}: {output}")
            return port
        try:
            config = json.loads(config_path.read_text())
            configured = int(str(config["Addresses"]["API"]).rstrip("/").split("/")[4])
        except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise ConfigurationError(f"IPFS repo config {config_path} is unreadable: {exc!r}") from None
        if self.api_port is None or self.api_port == configured:
            return configured
        config["Addresses"]["API"] = f"/ip4/{HOST}/tcp/{self.api_port}"
        # it holds the node's identity key: the new file keeps the old one's permissions
        write_atomic(config_path, json.dumps(config, indent=2), mode=config_path.stat().st_mode & 0o777)
        return self.api_port

    def _environment(self) -> dict[str, str]:
        # NO_UPDATE_NOTIFIER: js-ipfs would ask the npm registry for a newer version
        return {**os.environ, "IPFS_PATH": str(self.repo), "NO_UPDATE_NOTIFIER": "1"}

    def _spawn(self, command: list[str], *, tie_to_parent: bool) -> int:
        """Start the daemon in its own session, output to the log file."""
        if not tie_to_parent:
            # posix_spawn, not Popen: the node outlives this process, and no Popen object is
            # left behind to warn that its child still runs
            return os.posix_spawn(
                command[0],
                command,
                self._environment(),
                setsid=True,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 1, str(self.log_file), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
                    (os.POSIX_SPAWN_DUP2, 1, 2),
                ],
            )
        with self.log_file.open("ab") as log:
            self._child = subprocess.Popen(
                command,
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=functools.partial(die_with_parent, os.getpid()),
            )
        return self._child.pid

    def _wait_until_ready(self, info: IpfsInfo, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while _api_version(info.url) is None:
            if not self._alive(info.pid) or time.monotonic() > deadline:
                self._kill(info.pid)
                shutil.rmtree(self.repo / "repo.lock", ignore_errors=True)
                tail = self.log_file.read_text(errors="replace")[-800:].strip()
                raise IpfsStartFailed(f"js-ipfs did not start its API on {info.url}: {tail or 'no output'}")
            time.sleep(0.1)

    def _read_info(self) -> IpfsInfo | None:
        try:
            return IpfsInfo.model_validate_json(self.info_file.read_text())
        except (OSError, ValueError):
            return None

    def _alive(self, pid: int) -> bool:
        """Whether `pid` is a live js-ipfs of this repo (a recycled pid is not); reaps our child."""
        if self._child is not None and self._child.pid == pid:
            return self._child.poll() is None
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own detached child, exited: reaped now
                return False
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return False  # another user's process: not ours
        proc = Path(f"/proc/{pid}")
        try:
            # a zombie leader may still have threads exiting: dead only when none is left
            zombie = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
            if zombie and len(list((proc / "task").iterdir())) <= 1:
                return False
            return f"IPFS_PATH={self.repo}".encode() in (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            return not proc.parent.exists()  # no /proc (macOS): trust the pid

    def _kill(self, pid: int) -> None:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        self._reap(pid)

    def _reap(self, pid: int) -> None:
        """Wait for `pid` if it is our child, so that it leaves no zombie; another's child is
        reaped by its parent, or init."""
        if self._child is not None and self._child.pid == pid:
            self._child.wait()
            return
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _api_version(url: str) -> str | None:
    """The version the IPFS API at `url` reports, None when nothing answers as one."""
    try:
        response = requests.post(f"{url}/api/v0/version", timeout=2)
        return str(response.json()["Version"])
    except (requests.RequestException, ValueError, KeyError, TypeError):
        return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])
