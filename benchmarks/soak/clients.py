"""A soak client process (`python -m benchmarks.soak.clients CONFIG KIND`): one kind of user
doing its work in a loop until the stop file appears, journalling every operation.

Kinds: `issuer` (CN issues through the API, then verifies what it got back), `importer` (SG
issues certificates destined to CN through the library; CN's customs draw on them through the
API), `evidence` (CN's customs open a consignment and append trade events through the API, and
read its timeline), `aeo` (CN's customs suspend and reinstate operators through the API and
read their status), `documents` (a CN trader puts documents for CN's customs, anchored on chain,
through the library, which has no route for them; the customs read them back).

A write that fails is tried again with the same content (the same document, declaration or
event) until the system answers it either way: a careless client that retries after a dropped
connection, so that a write the system performed but could not confirm shows as a duplicate if
the system lets it happen twice.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
from pydantic import BaseModel

from benchmarks.soak.journal import ClientJournal, Outcome, Record

TIMEOUT_SECONDS = 60
PAUSE_SECONDS = 0.2  # between operations: a soak is sustained mixed load, not a throughput race
DRAWS_PER_CERTIFICATE = 3
SAMPLES = 400


class ClientConfig(BaseModel):
    """What the soak hands each client (as a JSON file)."""

    data_dir: Path
    api_url: str
    tokens: dict[str, str]  # role -> CN's API token
    journal_dir: Path
    stop_file: Path
    seed: int
    aeo_operators: list[str]


class _Refused(Exception):
    """The service answered 4xx: the write will not happen; the client moves on."""


class Api:
    """The service as one client sees it: every answer journalled as a failure unless 2xx."""

    def __init__(self, config: ClientConfig, journal: ClientJournal) -> None:
        self.url = config.api_url
        self.tokens = config.tokens
        self.journal = journal
        self.session = requests.Session()

    def call(self, op: str, method: str, path: str, *, role: str | None = None, **kwargs: Any) -> Any:
        """The decoded 2xx answer; None after journalling a failure (no answer or 5xx);
        _Refused on a 4xx (journalled too)."""
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        try:
            answer = self.session.request(method, self.url + path, headers=headers, timeout=TIMEOUT_SECONDS, **kwargs)
        except requests.RequestException as exc:
            self.session.close()  # a connection a killed worker held: start afresh
            self.session = requests.Session()
            self.journal.write(Record(op=op, outcome=Outcome.FAILED, at=time.time(), code=type(exc).__name__))
            return None
        if answer.status_code < 300:
            return answer.json()
        code = _problem_type(answer)
        self.journal.write(Record(op=op, outcome=Outcome.FAILED, at=time.time(), status=answer.status_code, code=code))
        if answer.status_code < 500:
            raise _Refused(f"{answer.status_code} {code}")
        return None


def _problem_type(answer: requests.Response) -> str | None:
    try:
        body = answer.json()
    except ValueError:
        return None
    return str(body.get("type") or body.get("code") or "") if isinstance(body, dict) else None


def _thousandths(quantity: Any) -> int:
    value = quantity["value"] if isinstance(quantity, dict) else quantity
    return int(Decimal(str(value)) * 1000)


def _ack(op: str, tx: str, event: str, key_arg: str | None, **extra: Any) -> Record:
    return Record(op=op, outcome=Outcome.ACKNOWLEDGED, at=time.time(), tx=tx.lower(), event=event, key_arg=key_arg,
                  **extra)  # fmt: skip


def _read(op: str) -> Record:
    return Record(op=op, outcome=Outcome.READ, at=time.time())


class Issuer:
    """CN issues one certificate at a time through the API and verifies it (public route)."""

    def __init__(self, config: ClientConfig, api: Api) -> None:
        from ledger.documents import to_json_data
        from ledger.documents.samples import generate_samples

        self.api = api
        samples = generate_samples("certificate-of-origin", SAMPLES, seed=config.seed, origin="CN", destination="SG")
        self.documents = [to_json_data(d) for d in samples]

    def step(self) -> None:
        if not self.documents:
            return
        try:
            issued = self.api.call("issue", "POST", "/certificates/issuances", role="issuer",
                                   json={"documents": [self.documents[0]]})  # fmt: skip
        except _Refused:
            self.documents.pop(0)  # e.g. issued by the attempt whose answer was lost
            return
        if issued is None:
            return
        self.documents.pop(0)
        for batch in issued["batches"]:
            self.api.journal.write(_ack("issue", batch["tx_hash"], "CertificatesIssued", "root"))
        verified = self.api.call("verify", "POST", "/certificates/verify", json=issued["certificates"][0])
        if verified is not None:
            self.api.journal.write(_read("verify"))


class Importer:
    """SG issues certificates destined to CN (library); CN's customs draw on them (API)."""

    def __init__(self, config: ClientConfig, api: Api) -> None:
        from ledger.certificates.registry import CertificateRegistryBinding
        from ledger.connect import build_client
        from ledger.documents.samples import generate_samples
        from ledger.settings import LedgerSettings

        self.api = api
        self.seed = config.seed
        self.registry = CertificateRegistryBinding(build_client(LedgerSettings(data_dir=config.data_dir), "sg-issuer"))
        self.documents = generate_samples("certificate-of-origin", SAMPLES, seed=config.seed, origin="SG",
                                          destination="CN")  # fmt: skip
        self.certificates: list[dict[str, Any]] = []
        self.draws = 0
        self.declaration = 0

    def step(self) -> None:
        if not self.certificates or self.draws >= DRAWS_PER_CERTIFICATE:
            self._issue()
            return
        body = {"certificate": self.certificates[0], "declaration": f"CN-IMP-{self.seed}-{self.declaration:06d}",
                "quantity": "1"}  # fmt: skip
        try:
            drawn = self.api.call("utilize", "POST", "/certificates/utilize", role="customs", json=body)
        except _Refused:
            self.declaration += 1
            self.draws = DRAWS_PER_CERTIFICATE  # refused (used up, or drawn by a lost answer): the next one
            return
        if drawn is None:
            return
        self.declaration += 1
        self.draws += 1
        self.api.journal.write(_ack("utilize", drawn["tx_hash"], "CertificateUtilized", "declarationRef",
                                    number_key=drawn["number_key"], amount=_thousandths(drawn["amount"]),
                                    remaining=_thousandths(drawn["remaining"])))  # fmt: skip

    def _issue(self) -> None:
        from ledger.errors import LedgerError

        if not self.documents:
            return
        try:
            batches = self.registry.wrap(self.documents[:1])
            issued = self.registry.anchor(batches)
        except LedgerError as exc:
            self.api.journal.write(Record(op="issue-library", outcome=Outcome.FAILED, at=time.time(),
                                          code=type(exc).__name__))  # fmt: skip
            if "already" in exc.message:
                self.documents.pop(0)
            return
        self.documents.pop(0)
        for batch in issued:
            if batch.tx_hash:
                self.api.journal.write(_ack("issue-library", batch.tx_hash, "CertificatesIssued", "root"))
        if self.certificates:
            self.certificates.pop(0)
        self.certificates.append(batches[0].certificates[0].model_dump(mode="json"))
        self.draws = 0


class Evidence:
    """CN's customs open a consignment and append loading events to it; its timeline read back."""

    def __init__(self, config: ClientConfig, api: Api) -> None:
        self.api = api
        self.ucr = f"6CN9144010012345678-SG-{config.seed % 1_000_000:06d}"
        self.opened = False
        self.serial = config.seed % 1000 * 1_000_000
        self.pending: dict[str, Any] | None = None

    def step(self) -> None:
        from ledger.evidence import EventType, Step, new_event

        if not self.opened:
            try:
                self.opened = self.api.call("open", "POST", "/consignments", role="customs",
                                            json={"ucr": self.ucr, "destination": "SG"}) is not None  # fmt: skip
            except _Refused:
                self.opened = True  # opened by the attempt whose answer was lost
            return
        if self.pending is None:
            self.serial += 1
            at = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=1)
            epc = f"urn:epc:id:sscc:0614141.{self.serial:010d}"
            self.pending = new_event(EventType.OBJECT, Step.LOADING, at, epcs=[epc]).to_json()
        try:
            appended = self.api.call("append", "POST", f"/consignments/{self.ucr}/events", role="customs",
                                     json=self.pending)  # fmt: skip
        except _Refused:
            self.pending = None
            return
        if appended is None:
            return
        self.pending = None
        for tx in appended["tx_hashes"]:
            self.api.journal.write(_ack("append", tx, "EvidenceAppended", "eventHash"))
        if self.api.call("timeline", "GET", f"/consignments/{self.ucr}/timeline", role="customs") is not None:
            self.api.journal.write(_read("timeline"))


class Aeo:
    """CN's customs certify their operators, then suspend and reinstate them in turn."""

    def __init__(self, config: ClientConfig, api: Api) -> None:
        self.api = api
        self.operators = config.aeo_operators
        self.certified: set[str] = set()
        self.suspended: set[str] = set()
        self.turn = 0

    def step(self) -> None:
        operator = self.operators[self.turn % len(self.operators)]
        if operator not in self.certified:
            try:
                done = self.api.call("certify", "POST", "/aeo/certifications", role="customs",
                                     json={"operator": operator, "tier": "advanced"})  # fmt: skip
            except _Refused:
                done = None
            if done is not None:
                self.certified.add(operator)
                self.api.journal.write(_ack("certify", done["tx_hash"], "OperatorCertified", None))
            return
        self.turn += 1
        suspended = operator in self.suspended
        action, event = ("reinstate", "OperatorReinstated") if suspended else ("suspend", "OperatorSuspended")
        try:
            done = self.api.call(action, "POST", f"/aeo/certifications/{action}", role="customs",
                                 json={"operator": operator, "reason": "unspecified"})  # fmt: skip
        except _Refused:
            # already in that state (the answer to an earlier attempt was lost): go the other way
            self.suspended ^= {operator}
            return
        if done is None:
            return
        self.suspended ^= {operator}
        self.api.journal.write(_ack(action, done["tx_hash"], event, None))
        if self.api.call("status", "GET", "/aeo/certifications", role="customs",
                         params={"operator": operator, "certified_by": "CN"}) is not None:  # fmt: skip
            self.api.journal.write(_read("status"))


class Documents:
    """A CN trader puts documents for CN's customs, anchored on chain; the customs read them back."""

    def __init__(self, config: ClientConfig, api: Api) -> None:
        from ledger.connect import build_client
        from ledger.settings import LedgerSettings
        from ledger.store.blobs import BlobStore
        from ledger.store.registry import DocumentRegistryBinding

        settings = LedgerSettings(data_dir=config.data_dir)
        self.api = api
        self.sender, self.reader = build_client(settings, "cn-trader"), build_client(settings, "cn-customs")
        self.blobs = BlobStore.configured(settings)
        self.sending, self.reading = DocumentRegistryBinding(self.sender), DocumentRegistryBinding(self.reader)
        self.work = config.journal_dir.parent / "documents"
        self.work.mkdir(exist_ok=True)
        self.name = f"{config.seed}"
        self.count = 0

    def step(self) -> None:
        from ledger.store.cid import ContentId
        from ledger.store.documents import get_document, put_document

        sender, reader = self.sender.account, self.reader.account
        assert sender is not None
        assert reader is not None
        self.count += 1
        source, copy = self.work / f"put-{self.count}.txt", self.work / f"got-{self.count}.txt"
        source.write_text(f"soak {self.name} document {self.count}: {random.getrandbits(128):032x}\n")
        recipient = self.sending.key_of(reader.address)
        put = put_document(source=source, sender=sender, recipients=[recipient], blobs=self.blobs,
                           registry=self.sending, anchor=True)  # fmt: skip
        if put.anchored_tx:
            self.api.journal.write(_ack("put", put.anchored_tx, "DocumentAnchored", "digest"))
        get_document(cid=ContentId.parse(put.cid), account=reader, blobs=self.blobs, registry=self.reading, out=copy)
        same = copy.read_bytes() == source.read_bytes()
        self.api.journal.write(_read("get") if same else Record(op="get", outcome=Outcome.FAILED, at=time.time(),
                                                                 code="content-differs"))  # fmt: skip


KINDS: dict[str, Callable[[ClientConfig, Api], Any]] = {
    "issuer": Issuer,
    "importer": Importer,
    "evidence": Evidence,
    "aeo": Aeo,
    "documents": Documents,
}


def run(config: ClientConfig, kind: str) -> None:
    """Step `kind`'s client until the stop file appears."""
    from ledger.errors import LedgerError

    journal = ClientJournal(config.journal_dir / f"{kind}.jsonl", kind)
    api = Api(config, journal)
    rng = random.Random(config.seed)
    client = KINDS[kind](config, api)
    try:
        while not config.stop_file.exists():
            try:
                client.step()
            except LedgerError as exc:  # the library's own refusal or an unreachable node: journalled, go on
                journal.write(Record(op=kind, outcome=Outcome.FAILED, at=time.time(), code=type(exc).__name__))
            except requests.RequestException as exc:
                journal.write(Record(op=kind, outcome=Outcome.FAILED, at=time.time(), code=type(exc).__name__))
            time.sleep(PAUSE_SECONDS * rng.uniform(0.5, 1.5))
    finally:
        journal.close()


if __name__ == "__main__":
    run(ClientConfig.model_validate(json.loads(Path(sys.argv[1]).read_text())), sys.argv[2])
