"""The issuing member's own records in the index: certificate numbers in clear, document type
and countries, next to the root and leaf the chain knows. Read from the wrapped certificates an
issuance wrote and from the issuer's record of issued numbers, so "find certificate
CN2026SG000042" works for the member that issued it (no one else has these records)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Connection, Engine, Table, and_, false, insert, or_, select, update

from ledger.aeo.codes import canonical_operator_id
from ledger.certificates.numbers import IssuedNumber, IssuedNumbers
from ledger.certificates.wrapped import (
    WrappedCertificate,
    check_integrity,
    number_hash,
    read_wrapped,
    recorded_number_hash,
)
from ledger.chain.identity import DeploymentIdentity
from ledger.consortium.registries import CERTIFICATE_REGISTRY
from ledger.documents import document_model
from ledger.documents.certificate_numbers import InvalidCertificateNumber, canonical_number
from ledger.errors import InvalidInput, LedgerError
from ledger.index.catalogue import contract_kind
from ledger.index.errors import NotIndexed
from ledger.index.models import Base
from ledger.index.state import EVENTS, STATE, read_checkpoint

RECORDS: Table = Base.metadata.tables["issued_certificates"]
MAX_SKIPS_LISTED = 50


class IssuerRecord(BaseModel):
    number: str
    cert_type: str
    issuing_member: str
    importing_member: str | None
    registry: str
    root: str
    leaf: str | None
    issue_date: str | None  # the document's
    anchored_at: datetime | None  # the block time of the batch's CertificatesIssued, once indexed
    source: str | None
    exporter_id: str | None = None  # the document's exporter.identifier (canonical operator id)
    quantity: int | None = None  # thousandths of unit_code, as the leaf holds it
    unit_code: str | None = None


class SkippedFile(BaseModel):
    path: str
    reason: str


class ImportReport(BaseModel):
    read: int
    recorded: int  # new records, or records completed with their leaf
    unchanged: int
    skipped: list[SkippedFile]  # the first MAX_SKIPS_LISTED
    skipped_count: int


def _hex(value: bytes | None) -> str | None:
    return None if value is None else "0x" + bytes(value).hex()


def _files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.glob("*.json") if not p.name.startswith("."))
        else:
            yield path


class _Indexed(BaseModel):
    """The chain the index holds, as records are matched against it."""

    chain_id: int
    contracts: dict[str, str]
    genesis_hash: bytes
    deployment_block: int
    deployment_hash: bytes | None  # None: indexed before this was kept, until the follower runs again

    def stamp(self) -> dict[str, Any]:
        """The chain columns of a record of this chain (none while the deployment hash is unknown)."""
        known = self.deployment_hash is not None
        return {
            "genesis_hash": self.genesis_hash if known else None,
            "deployment_block": self.deployment_block if known else None,
            "deployment_hash": self.deployment_hash,
        }

    def is_chain(self, chain: DeploymentIdentity) -> bool:
        same_deployment = self.deployment_hash is None or chain.deployment_hash == self.deployment_hash
        return chain.genesis_hash == self.genesis_hash and same_deployment


def _indexed(connection: Connection, where: str) -> _Indexed:
    state = connection.execute(select(STATE)).mappings().first()
    if state is None or read_checkpoint(connection) is None:
        raise NotIndexed(where)
    return _Indexed(
        chain_id=int(state["chain_id"]),
        contracts=dict(state["contracts"]),
        genesis_hash=bytes(state["genesis_hash"]),
        deployment_block=int(state["base_block"]) + 1,
        deployment_hash=None if state["deployment_hash"] is None else bytes(state["deployment_hash"]),
    )


def _anchored(connection: Connection) -> ColumnElement[bool]:
    """Records whose batch the index holds as issued."""
    issued = select(EVENTS.c.cert_root).where(EVENTS.c.event == "CertificatesIssued", EVENTS.c.cert_root.is_not(None))
    return RECORDS.c.root.in_(issued.scalar_subquery())


def on_indexed_chain(connection: Connection) -> ColumnElement[bool]:
    """The records of the chain the index holds: issued on it (genesis and deployment block), or,
    recorded before records named their chain, in a batch the index holds. A reset chain's
    records stay in the table, answering nothing."""
    state = connection.execute(select(STATE.c.genesis_hash, STATE.c.deployment_hash)).first()
    if state is None:
        return false()
    if state.deployment_hash is None:
        return _anchored(connection)
    return or_(
        and_(
            RECORDS.c.genesis_hash == bytes(state.genesis_hash),
            RECORDS.c.deployment_hash == bytes(state.deployment_hash),
        ),
        and_(RECORDS.c.genesis_hash.is_(None), _anchored(connection)),
    )


def _batch_indexed(connection: Connection, root: bytes) -> bool:
    found = connection.execute(
        select(EVENTS.c.id).where(EVENTS.c.event == "CertificatesIssued", EVENTS.c.cert_root == root).limit(1)
    )
    return found.first() is not None


def _certificate_registries(contracts: dict[str, str]) -> set[str]:
    """Every CertificateRegistry version the index follows (lower case)."""
    return {a.lower() for name, a in contracts.items() if contract_kind(name) == CERTIFICATE_REGISTRY}


def exporter_key(identifier: str) -> str:
    """An exporter id as records keep it: a canonical operator id where it is one (so
    `usci:9133 ...` and `USCI:9133...` match), else the text stripped."""
    try:
        return canonical_operator_id(identifier)
    except InvalidInput:
        return identifier.strip()[:256]


def _exporter(wrapped: WrappedCertificate) -> str | None:
    exporter = wrapped.data.get("exporter")
    identifier = exporter.get("identifier") if isinstance(exporter, dict) else None
    return exporter_key(identifier) if isinstance(identifier, str) and identifier.strip() else None


def _unit(wrapped: WrappedCertificate) -> str | None:
    """The certificate's unit, as the column holds it (UN/ECE Rec 20 codes are at most 3 characters)."""
    unit = wrapped.unit
    return unit if unit is not None and len(unit) <= 3 else None


def _record_of(wrapped: WrappedCertificate, path: Path) -> dict[str, Any]:
    integrity = check_integrity(wrapped)
    if not integrity.valid:
        raise LedgerError(f"not intact: {integrity.reason}")
    field = document_model(wrapped.type).number_field
    number = wrapped.data.get(field)
    if not isinstance(number, str):
        raise LedgerError(f"its {field} is hidden")
    if number_hash(number).hex() != wrapped.proof.number_hash[2:]:
        raise LedgerError("its number is not the one its leaf commits to")
    issue_date = wrapped.data.get("issue_date")
    return {
        "chain_id": wrapped.proof.chain_id,
        "registry_address": bytes.fromhex(wrapped.proof.registry[2:]),
        "member": wrapped.issuer.member_id,
        "cert_type": wrapped.type,
        "number": canonical_number(number),
        "number_hash": bytes.fromhex(wrapped.proof.number_hash[2:]),
        "root": bytes.fromhex(wrapped.proof.root[2:]),
        "leaf": wrapped.leaf,
        "importing_member": wrapped.proof.importing_member,
        "document_hash": bytes.fromhex(wrapped.document_hash[2:]),
        "issue_date": issue_date if isinstance(issue_date, str) else None,
        "source": str(path.resolve())[:1024],
        "recorded_at": int(time.time()),
        "exporter_id": _exporter(wrapped),
        "quantity": str(wrapped.proof.quantity) if wrapped.proof.quantity else None,  # 0: quantity not tracked
        "unit_code": _unit(wrapped),
    }


def _key(record: dict[str, Any]) -> Any:
    return and_(*(RECORDS.c[k] == record[k] for k in ("chain_id", "registry_address", "member", "cert_type")),
                RECORDS.c.number == record["number"], RECORDS.c.root == record["root"])  # fmt: skip


def _store(connection: Connection, record: dict[str, Any]) -> str:
    """'recorded', 'unchanged', or raises when another certificate holds that number and batch."""
    existing = connection.execute(
        select(RECORDS.c.id, RECORDS.c.leaf, RECORDS.c.exporter_id, RECORDS.c.genesis_hash).where(_key(record))
    ).first()
    if existing is None:
        connection.execute(insert(RECORDS).values(**record))
        return "recorded"
    if existing.genesis_hash is None and record.get("genesis_hash") is not None:  # recorded before chains were
        chain = {k: record[k] for k in ("genesis_hash", "deployment_block", "deployment_hash")}
        connection.execute(update(RECORDS).where(RECORDS.c.id == existing.id).values(**chain))
    if existing.leaf is None and record["leaf"] is not None:
        connection.execute(update(RECORDS).where(RECORDS.c.id == existing.id).values(**record))
        return "recorded"
    if record["leaf"] is None:
        return "unchanged"
    if bytes(existing.leaf) == record["leaf"]:
        if existing.exporter_id is None and record.get("exporter_id"):  # recorded before exporters were kept
            values = {k: record[k] for k in ("exporter_id", "quantity", "unit_code")}
            connection.execute(update(RECORDS).where(RECORDS.c.id == existing.id).values(**values))
            return "recorded"
        return "unchanged"
    raise LedgerError("another certificate with this number in this batch is recorded")


def import_wrapped(*, engine: Engine, paths: Sequence[Path], chain: DeploymentIdentity | None = None) -> ImportReport:
    """Record the certificates of these wrapped files (directories: their *.json files) that
    belong to the indexed chain and registry; any other file is skipped with its reason. A file
    belongs to the indexed chain when the index holds its batch, or when its issuance just
    anchored it on `chain` and that is the indexed one (the follower has not read it yet)."""
    report = ImportReport(read=0, recorded=0, unchanged=0, skipped=[], skipped_count=0)
    with engine.begin() as connection:
        indexed = _indexed(connection, str(engine.url))
        registries = _certificate_registries(indexed.contracts)
        for path in _files(paths):
            report.read += 1
            try:
                wrapped = read_wrapped(path)
                if wrapped.proof.chain_id != indexed.chain_id or wrapped.proof.registry.lower() not in registries:
                    raise LedgerError(f"anchored on chain {wrapped.proof.chain_id} in {wrapped.proof.registry}, "
                                      "not in the indexed registry")  # fmt: skip
                if chain is not None and not indexed.is_chain(chain):
                    raise LedgerError(f"issued on another chain ({chain.describe()}) than the indexed one")
                if chain is None and not _batch_indexed(connection, bytes.fromhex(wrapped.proof.root[2:])):
                    raise LedgerError(
                        f"its batch {wrapped.proof.root} is not on the indexed chain (issued on a chain that was "
                        "reset, or not indexed yet: run `sanzhi index` again)"
                    )
                outcome = _store(connection, {**_record_of(wrapped, path), **indexed.stamp()})
            except LedgerError as exc:
                report.skipped_count += 1
                if len(report.skipped) < MAX_SKIPS_LISTED:
                    report.skipped.append(SkippedFile(path=str(path), reason=exc.message))
                continue
            if outcome == "recorded":
                report.recorded += 1
            else:
                report.unchanged += 1
    return report


def import_numbers(*, engine: Engine, numbers: IssuedNumbers) -> ImportReport:
    """Record what the issuer's record of issued numbers holds for the indexed chain and registry
    (number and batch root; the leaf comes with the wrapped file)."""
    report = ImportReport(read=0, recorded=0, unchanged=0, skipped=[], skipped_count=0)
    with engine.begin() as connection:
        indexed = _indexed(connection, str(engine.url))
        registries = _certificate_registries(indexed.contracts)
        for issued in numbers.recorded():
            report.read += 1
            if issued.chain_id != indexed.chain_id or issued.registry.lower() not in registries:
                continue  # another deployment's numbers: not this index's business
            if issued.chain is not None and not indexed.is_chain(issued.chain):
                continue  # issued on a chain that was reset: kept in the issuer's file, not served
            if _store(connection, _number_record(issued, indexed)) == "recorded":
                report.recorded += 1
            else:
                report.unchanged += 1
    return report


def _number_record(issued: IssuedNumber, indexed: _Indexed) -> dict[str, Any]:
    """A record of a recorded number: of the indexed chain, or of no known chain when it was
    recorded before numbers named theirs (then its batch must be indexed to be served)."""
    chain = indexed.stamp() if issued.chain is not None else dict.fromkeys(indexed.stamp())
    return {
        "chain_id": issued.chain_id,
        "registry_address": bytes.fromhex(issued.registry[2:]),
        "member": issued.member,
        "cert_type": issued.cert_type,
        **_recorded_number(issued.number),
        "root": bytes.fromhex(issued.root[2:]),
        "leaf": None,
        "recorded_at": int(time.time()),
        **chain,
    }


def _recorded_number(number: str) -> dict[str, Any]:
    """The number columns of a number the issuer recorded (in its canonical form). One recorded
    before numbers were limited to ASCII letters, digits and - / . is kept as it was recorded,
    hashed as it was then: nothing recorded is lost, though no lookup spells it any more."""
    try:
        return {"number": canonical_number(number), "number_hash": number_hash(number)}
    except InvalidCertificateNumber:
        return {"number": number, "number_hash": recorded_number_hash(number)}


def records_by_number(connection: Connection, number: str) -> list[IssuerRecord]:
    """The issuer records of a certificate number (in any spelling of it), with anchoring time."""
    rows = (
        connection.execute(
            select(RECORDS).where(RECORDS.c.number == canonical_number(number), on_indexed_chain(connection))
        )
        .mappings()
        .all()
    )
    roots = list({bytes(row["root"]) for row in rows})
    anchored = dict(
        connection.execute(
            select(EVENTS.c.cert_root, EVENTS.c.block_time).where(
                EVENTS.c.event == "CertificatesIssued", EVENTS.c.cert_root.in_(roots)
            )
        ).all()
    ) if roots else {}  # fmt: skip
    return [
        IssuerRecord(
            number=row["number"],
            cert_type=row["cert_type"],
            issuing_member=row["member"],
            importing_member=row["importing_member"],
            registry="0x" + bytes(row["registry_address"]).hex(),
            root="0x" + bytes(row["root"]).hex(),
            leaf=_hex(row["leaf"]),
            issue_date=row["issue_date"],
            anchored_at=(
                datetime.fromtimestamp(anchored[bytes(row["root"])], tz=UTC) if bytes(row["root"]) in anchored else None
            ),
            source=row["source"],
            exporter_id=row["exporter_id"],
            quantity=int(row["quantity"]) if row["quantity"] else None,
            unit_code=row["unit_code"],
        )
        for row in rows
    ]
