"""Issue certificates from document files: read, validate, salt, anchor, write wrapped files.

Reading, validating, salting and writing are CPU-bound and independent per document, so a
large input is split into shards, one per core. A shard runs in a forked worker that keeps
its salted documents in memory: it sends back only their leaves (32 bytes each), gets the
Merkle trees once they are built, finds its leaves' paths in them and writes its own wrapped
files. Pickling the salted documents to the parent and back would cost as much as the salting
itself.

An issuance survives being killed at any moment. Every wrapped file is staged under
`OUT/.issuing/` before any transaction is sent; a journal naming the roots is written next
(atomically, through a temporary name and a rename); only then are the roots anchored, the
numbers recorded and the files moved into place. The journal is what makes the staged files
count: they are written by name, one create each, and a staging directory without a journal
(a run killed while staging, perhaps mid-file) anchored nothing and is discarded. A rerun
finds the journal and completes that job: it anchors the roots the chain does not have yet
(the registry refuses a root twice) and moves the files, so no root is anchored twice and no
anchored root is left without its files.

Per certificate the file system sees one create (staging) and one rename (into place); with
thousands of certificates those directory operations, not the bytes, are what the disk costs.
Each shard stages into a directory of its own (`OUT/.issuing/0/`, `1/`, ...): a create holds
its directory's lock while the file system finds a free inode, which after many deletions
is long, and two workers creating in one directory would wait on each other (spinning).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ledger.certificates.batch_expiry import check_expiry
from ledger.certificates.destined_batches import check_destinations, leaf_places, plan_destined
from ledger.certificates.issued_again import already_issued
from ledger.certificates.numbers import IssuedNumbers
from ledger.certificates.registry import CertificateRegistryBinding, IssuedBatch
from ledger.certificates.wrapped import (
    IssuerIdentity,
    LeafInput,
    PlannedLeaf,
    check_integrity,
    check_jurisdiction,
    read_wrapped,
    to_hex,
    wrap_salted,
    wrapped_bytes,
)
from ledger.chain.identity import deployment_identity
from ledger.consortium.registries import CERTIFICATE_REGISTRY
from ledger.documents import parse_document, to_json_data
from ledger.documents.certificate_numbers import canonical_number
from ledger.documents.common import field_at
from ledger.errors import InvalidInput, LedgerError
from ledger.files import move_names, write_batch
from ledger.hashing.merkle import MerkleTree
from ledger.hashing.salted import SaltedDocument, salt_document
from ledger.ids import member_id_text
from ledger.model_files import read_model, write_model
from ledger.parallel import PARALLEL_FROM, die_with_parent, worker_count
from ledger.timestamps import from_unix, to_unix

STAGING = ".issuing"
JOURNAL = "journal.json"


class IssueResult(BaseModel):
    batches: list[IssuedBatch]
    written: int
    out_dir: str
    resumed: int = 0  # certificates of an interrupted issuance completed by this run
    already_issued: bool = False  # a completed run over the same documents: nothing was sent
    warnings: list[str] = []  # e.g. documents destined outside the consortium


class _Anchor(BaseModel):
    issuer: IssuerIdentity
    registry: str
    chain_id: int


class IssueJournal(BaseModel):
    """What an issuance staged, written before its first transaction."""

    doc_type: str
    registry: str
    chain_id: int
    member: str
    roots: list[str]
    counts: list[int]
    expires_at: int  # unix seconds, 0: no expiry
    files: list[str]  # wrapped file names, in leaf order
    numbers: list[str]  # certificate numbers, in the same order
    # How many of `files`, in order, each shard staged in its directory (OUT/.issuing/0/, 1/,
    # ...); empty in a journal from before shards had their own: all are in OUT/.issuing/.
    parts: list[int] = []
    destinations: list[str] = []  # the importing member of each root
    # The root (index into `roots`) of each of `files`; empty in a journal from before batches
    # were grouped by destination: the files fill the roots in order.
    batch_of: list[int] = []

    def file_roots(self) -> list[str]:
        """The root of each of `files`, in order."""
        if self.batch_of:
            return [self.roots[which] for which in self.batch_of]
        return [root for root, count in zip(self.roots, self.counts, strict=True) for _ in range(count)]


def _read_and_salt(doc_type: str, path: Path, member: str) -> tuple[SaltedDocument, LeafInput, str]:
    """The salted document, its leaf input and its certificate number."""
    try:
        document = parse_document(doc_type, path.read_bytes())
    except LedgerError as exc:
        raise InvalidInput(exc.message, path=path.name) from None
    except OSError as exc:
        raise InvalidInput(f"cannot read: {exc.strerror or exc}", path=path.name) from None
    data = to_json_data(document)  # the one JSON form everything below reads (model_dump is the cost)
    check_jurisdiction(doc_type, data, member, where=path.name)
    salted = salt_document(document.doc_type, data)
    leaf_input = LeafInput.of(salted, document.utilization_quantity)
    return salted, leaf_input, canonical_number(str(field_at(data, document.number_field)))


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a shard's leaves went: the trees that hold them (by tree number), and the tree
    of each of the shard's leaves."""

    trees: dict[int, MerkleTree]
    tree_of: list[int]


class _Shard:
    """A slice of the input, prepared and written in this process."""

    def __init__(self, doc_type: str, files: Sequence[Path], member: str) -> None:
        self.doc_type = doc_type
        self.files = files
        self.member = member
        self.prepared: list[tuple[SaltedDocument, LeafInput, str]] = []
        self.leaves: list[bytes] = []

    def prepare(self) -> list[tuple[bytes, str, str]]:
        """Each document's leaf, certificate number and importing member (the leaves are hashed
        here, in the shard's process, and travel as 32 bytes each)."""
        self.prepared = [_read_and_salt(self.doc_type, f, self.member) for f in self.files]
        self.leaves = [leaf_input.leaf() for _, leaf_input, _ in self.prepared]
        return [
            (leaf, number, member_id_text(leaf_input.importing_member))
            for leaf, (_, leaf_input, number) in zip(self.leaves, self.prepared, strict=True)
        ]

    def write(self, anchor: _Anchor, place: _Place, staging: Path) -> None:
        """Stage the shard's wrapped files, in one batch, under their own names in `staging`."""
        planned = [PlannedLeaf(root, path) for root, path in leaf_places(place.trees, place.tree_of, self.leaves)]
        write_batch(staging, self._wrapped_files(anchor, planned))

    def _wrapped_files(self, anchor: _Anchor, planned: Sequence[PlannedLeaf]) -> Iterator[tuple[str, bytes]]:
        for path, (salted, leaf_input, _), leaf in zip(self.files, self.prepared, planned, strict=True):
            certificate = wrap_salted(
                salted, leaf_input, leaf, issuer=anchor.issuer, registry=anchor.registry, chain_id=anchor.chain_id
            )
            yield path.name, wrapped_bytes(certificate)

    def wait_written(self) -> None:
        """Writing is done when `write` returns."""

    def close(self) -> None:
        self.prepared = []


def _serve(connection: Connection, shard: _Shard, parent_pid: int) -> None:
    """A forked worker: prepare, report leaves, then write or stop as the parent says."""
    die_with_parent(parent_pid)
    # The worker lives for this one job and everything it allocates goes when it exits:
    # collecting cycles on the way would only cost time (about 5% of preparing).
    gc.disable()
    try:
        connection.send(("leaves", shard.prepare()))
        command: tuple[Any, ...] = connection.recv()
        if command[0] == "write":
            shard.write(*command[1:])
            connection.send(("written", None))
    except LedgerError as exc:
        connection.send(("error", (exc.message, getattr(exc, "path", None))))
    except EOFError:  # the parent went away
        pass
    finally:
        connection.close()


class _ForkedShard:
    """The same shard run by a forked worker process."""

    def __init__(self, doc_type: str, files: Sequence[Path], member: str) -> None:
        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, _Shard(doc_type, files, member), os.getpid()), daemon=True
        )
        self._process.start()
        child.close()

    def _receive(self, expected: str) -> Any:
        try:
            kind, value = self._connection.recv()
        except EOFError:
            raise LedgerError("an issuance worker stopped unexpectedly") from None
        if kind == "error":
            message, path = value
            raise InvalidInput(message, path=path)
        if kind != expected:
            raise LedgerError(f"an issuance worker answered {kind!r} where {expected!r} was due")
        return value

    def prepare(self) -> list[tuple[bytes, str, str]]:
        prepared: list[tuple[bytes, str, str]] = self._receive("leaves")
        return prepared

    def write(self, anchor: _Anchor, place: _Place, staging: Path) -> None:
        """Start writing in the worker; `wait_written` waits for it."""
        self._connection.send(("write", anchor, place, staging))

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
    numbers: IssuedNumbers | None = None,
    batch_size: int | None = None,
    expires_at: datetime | None = None,
    workers: int | None = None,
    clock: Callable[[], float] = time.time,
) -> IssueResult:
    """Anchor every document in `files` and write its wrapped certificate under `out_dir`.

    Documents are batched by importing member (each batch is destined to one member, as the
    chain records). Any invalid document, a document of another jurisdiction than the issuer's
    member, one for import into a country that is not another active member, or a certificate
    number issued before (per `numbers`) or twice in the input stops everything before a
    transaction is sent, as does an expiry that is not after `clock`'s now. A document for a
    country outside the consortium is issued with a warning. An interrupted issuance into
    `out_dir` is completed first; a completed one over the same documents is said to be done.
    """
    if not files:
        raise InvalidInput("no documents given", path="files")
    names = [path.name for path in files]
    if len(set(names)) != len(names):
        raise InvalidInput("two input files share a name; their wrapped files would collide", path="files")
    staging = out_dir / STAGING
    identity = registry.issuer_identity()
    anchor = _Anchor(issuer=identity, registry=registry.contract.address, chain_id=registry.client.chain_id)
    journal = read_model(staging / JOURNAL, IssueJournal, "issuance journal")
    if journal is not None:
        _check_staged(journal, staging)
        journal = _staged_before_an_upgrade(registry, journal, staging, numbers)
    if journal is not None:
        earlier = complete_journal(registry=registry, journal=journal, staging=staging, numbers=numbers)
        if journal.files == names and journal.doc_type == doc_type:
            return IssueResult(batches=earlier, written=len(names), out_dir=str(out_dir), resumed=len(names))
    done = already_issued(registry=registry, doc_type=doc_type, files=files, out_dir=out_dir)
    if done is not None:
        return IssueResult(batches=done, written=0, out_dir=str(out_dir), already_issued=True)
    check_expiry(expires_at, now=clock())
    cap = registry.max_batch
    size = min(batch_size or cap, cap)
    active_members = registry.active_members()
    registry.preflight(doc_type, min(size, len(files)), expires_at=expires_at, members=active_members)
    shutil.rmtree(staging, ignore_errors=True)  # a run killed before its journal anchored nothing
    staging.mkdir(parents=True)

    count = worker_count() if workers is None else workers
    count = count if len(files) >= PARALLEL_FROM else 1
    step = -(-len(files) // count)
    bounds = [(start, min(start + step, len(files))) for start in range(0, len(files), step)]
    member = identity.member_id
    # Forked workers share this process's heap copy-on-write; frozen objects are skipped by
    # the workers' garbage collector, which would otherwise touch (and copy) every page.
    gc.freeze()
    shards: list[_Shard | _ForkedShard] = [
        (_ForkedShard if count > 1 else _Shard)(doc_type, files[a:b], member) for a, b in bounds
    ]
    gc.unfreeze()
    try:
        prepared = [entry for shard in shards for entry in shard.prepare()]
        certificate_numbers = [number for _, number, _ in prepared]
        destinations = [destination for _, _, destination in prepared]
        destined = dict(zip(names, destinations, strict=True))
        warnings = check_destinations(issuer_member=member, active_members=active_members, destinations=destined)
        _refuse_reissue(registry, numbers, doc_type, member, certificate_numbers)
        plan = plan_destined([leaf for leaf, _, _ in prepared], destinations, size)
        roots = [to_hex(tree.root) for tree in plan.trees]
        counts = [len(tree.positions) for tree in plan.trees]
        for part, (shard, (a, b)) in enumerate(zip(shards, bounds, strict=True)):
            needed = set(plan.tree_of[a:b])
            place = _Place(trees={n: plan.trees[n] for n in needed}, tree_of=plan.tree_of[a:b])
            (staging / str(part)).mkdir()
            shard.write(anchor, place, staging / str(part))
        for shard in shards:
            shard.wait_written()
        journal = IssueJournal(
            doc_type=doc_type,
            registry=anchor.registry,
            chain_id=anchor.chain_id,
            member=member,
            roots=roots,
            counts=counts,
            expires_at=to_unix(expires_at),
            files=names,
            numbers=certificate_numbers,
            parts=[b - a for a, b in bounds],
            destinations=plan.destinations,
            batch_of=plan.tree_of,
        )
        write_model(staging / JOURNAL, journal)
    except BaseException:
        # nothing was anchored: leave no staging behind (a kill leaves it to the next run)
        shutil.rmtree(staging, ignore_errors=True)
        _remove_if_empty(out_dir)
        raise
    finally:
        for shard in shards:
            shard.close()
    batches = complete_journal(registry=registry, journal=journal, staging=staging, numbers=numbers)
    return IssueResult(batches=batches, written=len(names), out_dir=str(out_dir), warnings=warnings)


def _refuse_reissue(
    registry: CertificateRegistryBinding,
    numbers: IssuedNumbers | None,
    doc_type: str,
    member: str,
    certificate_numbers: Sequence[str],
) -> None:
    twice = sorted(number for number, times in Counter(certificate_numbers).items() if times > 1)
    if twice:
        raise InvalidInput(f"certificate numbers appear twice in the input: {_some(twice)}", path="certificate_number")
    if numbers is None:
        return
    where = {"registry": registry.contract.address, "member": member, "cert_type": doc_type}
    issued = numbers.already_issued(chain=deployment_identity(registry.client), numbers=certificate_numbers, **where)
    # recorded before numbers were kept per chain: this chain's only if it has their batch
    legacy = numbers.legacy_issued(chain_id=registry.client.chain_id, numbers=certificate_numbers, **where)
    anchored = registry.issued_roots(sorted({root for _, root in legacy}), doc_type) if legacy else set()
    issued += [number for number, root in legacy if root in anchored and number not in issued]
    if issued:
        raise InvalidInput(
            f"{member} has already issued certificate numbers {_some(issued)}; a number is issued once "
            "(supersede the certificate to replace it)",
            path="certificate_number",
        )


def _remove_if_empty(directory: Path) -> None:
    with contextlib.suppress(OSError):
        directory.rmdir()


def _some(values: Sequence[str], shown: int = 5) -> str:
    more = f" and {len(values) - shown} more" if len(values) > shown else ""
    return ", ".join(values[:shown]) + more


_START_OVER = "remove {} to start over (nothing of it is anchored yet unless the chain says so)"


def _check_staged(journal: IssueJournal, staging: Path) -> None:
    """Before anchoring what an earlier run staged: every staged file is a whole wrapped
    certificate of this journal's registry, chain and roots, and its proof holds."""
    roots = set(journal.roots)
    staged = [folder / name for folder, names in _staged_parts(journal, staging) for name in names]
    for path in staged:
        if not path.exists():
            continue  # moved into place already
        try:
            wrapped = read_wrapped(path)
        except LedgerError as exc:
            raise LedgerError(
                f"staged file {path} is unreadable ({exc.message}); remove {staging} to start over"
            ) from None
        integrity = check_integrity(wrapped)
        proof = wrapped.proof
        if (
            not integrity.valid
            or proof.root not in roots
            or proof.registry.lower() != journal.registry.lower()
            or proof.chain_id != journal.chain_id
        ):
            reason = integrity.reason if not integrity.valid else "it does not belong to the journal's batches"
            raise LedgerError(
                f"staged file {path} does not match its journal: {reason}; remove {staging} to start over"
            )


def complete_journal(
    *,
    registry: CertificateRegistryBinding,
    journal: IssueJournal,
    staging: Path,
    numbers: IssuedNumbers | None,
) -> list[IssuedBatch]:
    """Anchor the journal's roots the chain does not have yet, record its numbers, move its
    staged files into place and remove the staging directory."""
    if journal.registry.lower() != registry.contract.address.lower() or journal.chain_id != registry.client.chain_id:
        raise InvalidInput(
            f"{staging} holds an interrupted issuance for registry {journal.registry} on chain {journal.chain_id}; "
            "complete it against that deployment, or remove the directory if that chain is gone",
            path=str(staging),
        )
    member = registry.issuer_identity().member_id
    if member != journal.member:
        raise InvalidInput(
            f"{staging} holds an interrupted issuance by a {journal.member} issuer; this key is {member}'s",
            path=str(staging),
        )
    if len(journal.destinations) != len(journal.roots):
        raise LedgerError(
            f"the issuance journal in {staging} names no destination for its batches (staged by an older sanzhi); "
            f"remove {staging} and issue the documents again"
        )
    anchored = registry.issued_roots(journal.roots, journal.doc_type)
    batches_of = list(zip(journal.roots, journal.counts, journal.destinations, strict=True))
    missing = [(root, n, to) for root, n, to in batches_of if root not in anchored]
    sent = registry.anchor_roots(
        [root for root, _, _ in missing],
        journal.doc_type,
        [n for _, n, _ in missing],
        destinations=[to for _, _, to in missing],
        expires_at=from_unix(journal.expires_at),
    ) if missing else []  # fmt: skip
    fresh = {batch.root: batch for batch in sent}
    batches = [
        fresh.get(root) or IssuedBatch(root=root, count=n, destination=to, already_anchored=True)
        for root, n, to in batches_of
    ]
    if numbers is not None:
        roots_of = journal.file_roots()
        numbers.record(
            chain=deployment_identity(registry.client),
            chain_id=journal.chain_id,
            registry=journal.registry,
            member=journal.member,
            cert_type=journal.doc_type,
            entries=list(zip(journal.numbers, roots_of, strict=True)),
        )
    for folder, names in _staged_parts(journal, staging):
        _move_into_place(folder, staging.parent, names)
    shutil.rmtree(staging)
    return batches


def _staged_before_an_upgrade(
    registry: CertificateRegistryBinding, journal: IssueJournal, staging: Path, numbers: IssuedNumbers | None
) -> IssueJournal | None:
    """An interrupted issuance staged for a CertificateRegistry the consortium has since replaced
    by vote (the replaced version takes no new batches): None once it is dealt with, else the
    journal unchanged (for another registry or chain, `complete_journal` says why it refuses).

    Its staged files name the replaced registry. Nothing of it anchored there: the staging goes
    and this run issues afresh on the active version. Some batches anchored there before the
    vote: their files move into place (they are valid; changes to them go to that version) and
    the others are discarded, named in the refusal, to be issued again.
    """
    if journal.registry.lower() == registry.contract.address.lower() or journal.chain_id != registry.client.chain_id:
        return journal
    listing = registry.consortium.registry_listing(journal.registry)
    if listing.kind != CERTIFICATE_REGISTRY or listing.active:
        return journal
    replaced = CertificateRegistryBinding(registry.client, address=journal.registry)
    anchored = replaced.issued_roots(journal.roots, journal.doc_type)
    if anchored:
        files_of = journal.file_roots()
        done = {name for name, root in zip(journal.files, files_of, strict=True) if root in anchored}
        for folder, names in _staged_parts(journal, staging):
            _move_into_place(folder, staging.parent, [n for n in names if n in done])
        if numbers is not None:
            numbers.record(
                chain=deployment_identity(registry.client),
                chain_id=journal.chain_id,
                registry=journal.registry,
                member=journal.member,
                cert_type=journal.doc_type,
                entries=[(n, r) for n, r in zip(journal.numbers, files_of, strict=True) if r in anchored],
            )
        undone = [name for name in journal.files if name not in done]
        shutil.rmtree(staging)
        if undone:
            raise InvalidInput(
                f"the consortium replaced registry {journal.registry} by {registry.contract.address} while this "
                f"issuance ran: {len(done)} certificates were anchored there and are in place; "
                f"{len(undone)} were not and were discarded, issue their documents again: {_some(undone)}",
                path=str(staging),
            )
        return None
    shutil.rmtree(staging)  # anchored nothing: its files name the replaced registry
    return None


def _staged_parts(journal: IssueJournal, staging: Path) -> list[tuple[Path, list[str]]]:
    """The directories the journal's files were staged in, each with its files."""
    if not journal.parts:
        return [(staging, journal.files)]
    if sum(journal.parts) != len(journal.files) or min(journal.parts) < 1:
        raise LedgerError(f"the issuance journal in {staging} is damaged: its parts do not add up to its files")
    parts, start = [], 0
    for number, count in enumerate(journal.parts):
        parts.append((staging / str(number), journal.files[start : start + count]))
        start += count
    return parts


def _move_into_place(folder: Path, out_dir: Path, names: Sequence[str]) -> None:
    """Rename each staged file from `folder` into `out_dir` (ledger.files.move_names): a rerun
    after a kill mid-move finds some files moved already, which a failed rename tells."""
    for name in move_names(folder, out_dir, names):
        if not os.path.lexists(out_dir / name):
            raise LedgerError(f"the staged wrapped file {folder / name} is missing; its root is anchored")
