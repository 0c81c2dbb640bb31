"""One nonce owner per signing key: a thread lock within a process, a file lock across them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import requests
from filelock import FileLock
from web3 import Web3

from ledger.errors import NodeNotRunning


class NonceManager:
    """Reserves consecutive nonces for one account while the caller sends its transactions.

    The node's pending transaction count is read under the locks every time, so a transaction
    that failed to send never leaves a gap, and another process using the same key (holding
    the same lock file) never gets the same nonce.
    """

    def __init__(self, w3: Web3, address: str, lock_path: Path | None) -> None:
        self._w3 = w3
        self._address = address
        self._thread_lock = threading.RLock()
        if lock_path is not None:
            lock_path.parent.mkdir(parents=True, exist_ok=True)
        self._file_lock = FileLock(str(lock_path)) if lock_path else None

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the key's locks (re-entrant: a `reserve` within takes them again)."""
        with self._thread_lock, self._file_lock or nullcontext():
            yield

    @contextmanager
    def reserve(self) -> Iterator[int]:
        """Hold the key's locks and yield the first free nonce; send before leaving."""
        with self.held():
            try:
                count = self._w3.eth.get_transaction_count(self._w3.to_checksum_address(self._address), "pending")
            except (requests.ConnectionError, requests.Timeout) as exc:  # the node died: say so, as every read does
                raise NodeNotRunning(str(getattr(self._w3.provider, "endpoint_uri", "")), type(exc).__name__) from exc
            yield count
