"""Issuance jobs of the service: the documents of a request go through the same crash-safe
issuance as `sanzhi cert issue` (ledger.certificates.issuance), in a directory of their own.

`<data dir>/api/issuances/<id>/` holds `documents/` (the request's documents, one file each),
`wrapped/` (the wrapped certificates) and `issuance.json` (written last: the job is complete).
A job killed after its journal was written is completed like any interrupted issuance:
`sanzhi cert issue <job>/documents --out <job>/wrapped --as <issuer profile>`. Jobs run one at
a time per data directory (a file lock), so two requests cannot both issue a certificate
number that neither has recorded yet.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock
from pydantic import BaseModel

from api.errors import NotFound
from api.schemas.certificates import Issuance, IssuanceSummary, IssueRequest
from ledger.certificates.delivery import DeliveryReport, deliver_issued
from ledger.certificates.issuance import STAGING, issue_files
from ledger.certificates.numbers import IssuedNumbers
from ledger.certificates.registry import CertificateRegistryBinding, IssuedBatch
from ledger.certificates.wrapped import read_wrapped
from ledger.files import write_atomic
from ledger.ids import CertificateType
from ledger.model_files import read_model, write_model
from ledger.store.blobs import BlobStore

RECORD = "issuance.json"
LOCK_TIMEOUT_SECONDS = 600
_ID = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$")


class IssuanceRecord(BaseModel):
    issuance_id: str
    organisation: str
    key_id: str
    type: CertificateType
    created_at: datetime
    batches: list[IssuedBatch]
    files: list[str]
    delivery: DeliveryReport | None = None
    warnings: list[str] = []


class Issuances:
    """The issuance jobs under one directory."""

    def __init__(self, root: Path, numbers_path: Path) -> None:
        self.root = root
        self.numbers_path = numbers_path

    def run(
        self,
        *,
        registry: CertificateRegistryBinding,
        organisation: str,
        key_id: str,
        request: IssueRequest,
        blobs: BlobStore | None = None,
    ) -> Issuance:
        """Issue the request's documents; the job's record is written once all are anchored (and,
        when the request asks, delivered through `blobs`: the issuance stands either way)."""
        now = datetime.now(UTC).replace(microsecond=0)
        issuance_id = f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
        job = self.root / issuance_id
        documents = job / "documents"
        documents.mkdir(parents=True)
        width = max(6, len(str(len(request.documents))))
        files = []
        for index, document in enumerate(request.documents):
            path = documents / f"document-{index:0{width}d}.json"
            write_atomic(path, json.dumps(document, ensure_ascii=False))
            files.append(path)
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(self.root / ".issuing.lock"), timeout=LOCK_TIMEOUT_SECONDS):
                result = issue_files(
                    registry=registry,
                    doc_type=request.type.value,
                    files=files,
                    out_dir=job / "wrapped",
                    numbers=IssuedNumbers(self.numbers_path),
                    batch_size=request.batch_size,
                    expires_at=request.expires_at,
                    workers=1,  # no forking beside the server's threads
                )
        except BaseException:
            if not (job / "wrapped" / STAGING).exists():  # nothing anchored: nothing to keep
                shutil.rmtree(job, ignore_errors=True)
            raise
        delivery = None
        if request.deliver and blobs is not None and registry.client.account is not None:
            delivery = deliver_issued(
                registry=registry,
                sender=registry.client.account,
                blobs=blobs,
                paths=[job / "wrapped" / f.name for f in files],
            )
        record = IssuanceRecord(
            issuance_id=issuance_id,
            organisation=organisation,
            key_id=key_id,
            type=request.type,
            created_at=now,
            batches=result.batches,
            files=[f.name for f in files],
            delivery=delivery,
            warnings=result.warnings,
        )
        write_model(job / RECORD, record)
        return self._issuance(record)

    def get(self, *, organisation: str, issuance_id: str) -> Issuance:
        """A completed issuance of `organisation` (another organisation's is not found)."""
        record = self._record(issuance_id)
        if record is None or record.organisation != organisation:
            raise NotFound(f"issuance {issuance_id}")
        return self._issuance(record)

    def list(self, *, organisation: str) -> list[IssuanceSummary]:
        """The organisation's completed issuances, newest first."""
        found = []
        if self.root.is_dir():
            for job in sorted(self.root.iterdir(), reverse=True):
                record = self._record(job.name)
                if record is not None and record.organisation == organisation:
                    found.append(
                        IssuanceSummary(
                            issuance_id=record.issuance_id,
                            type=record.type,
                            created_at=record.created_at,
                            count=len(record.files),
                            roots=[b.root for b in record.batches],
                        )
                    )
        return found

    def _record(self, issuance_id: str) -> IssuanceRecord | None:
        if not _ID.match(issuance_id):
            return None
        return read_model(self.root / issuance_id / RECORD, IssuanceRecord, "issuance")

    def _issuance(self, record: IssuanceRecord) -> Issuance:
        wrapped = self.root / record.issuance_id / "wrapped"
        return Issuance(
            issuance_id=record.issuance_id,
            organisation=record.organisation,
            key_id=record.key_id,
            type=record.type,
            created_at=record.created_at,
            batches=record.batches,
            certificates=[read_wrapped(wrapped / name) for name in record.files],
            delivery=record.delivery,
            warnings=record.warnings,
        )
