"""Issue certificates from document files: read, validate, salt, anchor, write wrapped files.

Reading, validating, salting and writing are CPU-bound and independent per document, so a
large input is split into shards, one per core. A shard runs in a forked worker that keeps
its salted documents in memory: it sends back only (document hash, quantity) pairs, gets its
leaves' Merkle paths once the roots are mined, and writes its own wrapped files. Pickling the
salted documents to the parent and back would cost as much as the salting itself.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections.abc import Sequence
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ledger.certificates.registry import CertificateRegistryBinding, IssuedBatch
from ledger.certificates.wrapped import IssuerIdentity, PlannedLeaf, plan_trees, wrap_salted, write_wrapped
from ledger.documents import parse_document, to_json_data
from ledger.errors import InvalidInput, LedgerError
from ledger.hashing.salted import SaltedDocument, salt_document
from ledger.parallel import PARALLEL_FROM, worker_count


class IssueResult(BaseModel):
    batches: list[IssuedBatch]
    written: int
    out_dir: str


class _Anchor(BaseModel):
    issuer: IssuerIdentity
    registry: str
    chain_id: int


def _read_and_salt(doc_type: str, path: Path) -> tuple[SaltedDocument, int]:
    try:
        document = parse_document(doc_type, path.read_bytes())
    except LedgerError as exc:
        raise InvalidInput(exc.message, path=path.name) from None
    except OSError as exc:
        raise InvalidInput(f"cannot read: {exc.strerror or exc}", path=path.name) from None
    return salt_document(document.doc_type, to_json_data(document)), document.utilization_quantity


class _Shard:
    """A slice of the input, prepared and written in this process."""

    def __init__(self, doc_type: str, files: Sequence[Path]) -> None:
        self.doc_type = doc_type
        self.files = files
        self.prepared: list[tuple[SaltedDocument, int]] = []

    def prepare(self) -> list[tuple[bytes, int]]:
        self.prepared = [_read_and_salt(self.doc_type, f) for f in self.files]
        return [(salted.document_hash, quantity) for salted, quantity in self.prepared]

    def write(self, anchor: _Anchor, leaves: Sequence[PlannedLeaf], targets: Sequence[Path]) -> None:
        for (salted, quantity), leaf, target in zip(self.prepared, leaves, targets, strict=True):
            certificate = wrap_salted(
                salted, quantity, leaf, issuer=anchor.issuer, registry=anchor.registry, chain_id=anchor.chain_id
            )
            write_wrapped(certificate, target)

    def wait_written(self) -> None:
        """Writing is done when `write` returns."""

    def close(self) -> None:
        self.prepared = []


def _serve(connection: Connection, shard: _Shard) -> None:
    """A forked worker: prepare, report hashes, then write or stop as the parent says."""
    try:
        connection.send(("hashes", shard.prepare()))
        command: tuple[Any, ...] = connection.recv()
        if command[0] == "write":
            shard.write(*command[1:])
            connection.send(("written", None))
    except LedgerError as exc:
        connection.send(("error", exc.message))
    except EOFError:  # the parent went away
        pass
    finally:
        connection.close()


class _ForkedShard:
    """The same shard run by a forked worker process."""

    def __init__(self, doc_type: str, files: Sequence[Path]) -> None:
        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, _Shard(doc_type, files)), daemon=True)
        self._process.start()
        child.close()

    def _receive(self, expected: str) -> Any:
        try:
            kind, value = self._connection.recv()
        except EOFError:
            raise LedgerError("an issuance worker stopped unexpectedly") from None
        if kind == "error":
            raise InvalidInput(value)
        assert kind == expected, kind
        return value

    def prepare(self) -> list[tuple[bytes, int]]:
        hashes: list[tuple[bytes, int]] = self._receive("hashes")
        return hashes

    def write(self, anchor: _Anchor, leaves: Sequence[PlannedLeaf], targets: Sequence[Path]) -> None:
        """Start writing in the worker; `wait_written` waits for it."""
        self._connection.send(("write", anchor, list(leaves), list(targets)))

    def wait_written(self) -> None:
        self._receive("written")

    def close(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(BrokenPipeError, OSError):
                self._connection.send(("stop",))
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
        self._connection.close()


def issue_files(
    *,
    registry: CertificateRegistryBinding,
    doc_type: str,
    files: Sequence[Path],
    out_dir: Path,
    batch_size: int | None = None,
    expires_at: datetime | None = None,
    workers: int | None = None,
) -> IssueResult:
    """Anchor every document in `files` and write its wrapped certificate under `out_dir`.

    Any invalid document stops everything before a transaction is sent; wrapped files are
    written only once their roots are mined.
    """
    if not files:
        raise InvalidInput("no documents given", path="files")
    targets = [out_dir / path.name for path in files]
    if len(set(targets)) != len(targets):
        raise InvalidInput("two input files share a name; their wrapped files would collide", path="files")
    anchor = _Anchor(
        issuer=registry.issuer_identity(), registry=registry.contract.address, chain_id=registry.client.chain_id
    )
    cap = registry.max_batch
    size = min(batch_size or cap, cap)
    count = worker_count() if workers is None else workers
    count = count if len(files) >= PARALLEL_FROM else 1
    step = -(-len(files) // count)
    bounds = [(start, min(start + step, len(files))) for start in range(0, len(files), step)]
    # Forked workers share this process's heap copy-on-write; frozen objects are skipped by
    # the workers' garbage collector, which would otherwise touch (and copy) every page.
    gc.freeze()
    shards: list[_Shard | _ForkedShard] = [
        (_ForkedShard if count > 1 else _Shard)(doc_type, files[a:b]) for a, b in bounds
    ]
    gc.unfreeze()
    try:
        leaf_inputs = [pair for shard in shards for pair in shard.prepare()]
        if not leaf_inputs:
            raise InvalidInput("nothing to issue", path="files")
        roots, planned = plan_trees(leaf_inputs, size)
        counts = [min(size, len(leaf_inputs) - n * size) for n in range(len(roots))]
        issued = registry.anchor_roots(roots, doc_type, counts, expires_at=expires_at)
        out_dir.mkdir(parents=True, exist_ok=True)
        for shard, (a, b) in zip(shards, bounds, strict=True):
            shard.write(anchor, planned[a:b], targets[a:b])
        for shard in shards:
            shard.wait_written()
    finally:
        for shard in shards:
            shard.close()
    return IssueResult(batches=issued, written=len(files), out_dir=str(out_dir))
