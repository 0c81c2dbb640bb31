"""The demo data `sanzhi up` puts on a fresh development chain, once per chain.

CN's issuer anchors a few certificates of origin for SG (one of them revoked), CN and SG customs
certify AEO operators, CN and SG agree an MRA, a CN trader records two evidence events of one
consignment, SG customs publishes a risk alert on shrimp from CN loaded at Ningbo, and CN
(twice) and SG submit smart-readiness self-assessments. The CN
trader is one trade party throughout: the exporter of the certificates (its operator id in
`exporter.identifier`), a certified AEO, and the consignor, so its key (account and operator,
`TRADER_PARTY`) shows something on each of the party's own pages. A marker names
the chain (id, the hash of the deployment block, the consortium): the same chain is never seeded
twice, a reset chain is seeded again. Every step first reads what the chain already holds, so a
seeding interrupted half-way is completed, not doubled.

DEVELOPMENT ONLY: everything is signed with the public test-mnemonic keys of the dev profiles.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from ledger.aeo import AeoRegistryBinding, MraBinding
from ledger.aeo.codes import parse_tiers
from ledger.alerts import AlertRegistryBinding, AlertScope, Severity
from ledger.certificates.issuance import issue_files
from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.state import certificate_record
from ledger.certificates.wrapped import WrappedCertificate, read_wrapped
from ledger.chain.client import LedgerClient
from ledger.chain.reads import block_request
from ledger.documents import to_json_data
from ledger.documents.samples import generate_samples
from ledger.errors import NotDeployed, TransactionFailed
from ledger.evidence import BTT_DECLARATION, EventType, Step, new_event
from ledger.evidence.consignment import consignment_id
from ledger.evidence.registry import EvidenceRegistryBinding
from ledger.evidence.service import append_events, open_consignment
from ledger.evidence.vocabulary import PartyRole
from ledger.model_files import read_model, write_model

ClientFactory = Callable[[str], LedgerClient]

CERTIFICATES = 5
CERT_TYPE = "certificate-of-origin"
REVOKED_REASON = "clerical-error"
OPERATORS: tuple[tuple[str, str, str], ...] = (  # certifying member, operator id, tier
    ("CN", "USCI:91310000MA1FL8XQ30", "advanced"),
    ("CN", "USCI:91440101MA5CYU3H2X", "general"),
    ("SG", "UEN:201912345K", "advanced"),
)
# the CN trader party: its profile (account) and operator id, CN's first certified AEO
TRADER_PARTY: tuple[str, str] = ("cn-trader", OPERATORS[0][1])
MRA_TIERS = "general,advanced"
UCR = "6CN9144010012345678-SG-DEMO1"
SSCC = "urn:epc:id:sscc:0614141.1234567890"
# SG customs' alert: frozen and live crustaceans (HS 0306) from CN, loaded at Ningbo, for 90 days
ALERT_SCOPE = AlertScope(hs=["0306"], origins=["CN"], destinations=["SG"], ports_of_loading=["CNNGB"])
ALERT_DAYS = 90


class ChainMark(BaseModel):
    """Which chain a seed belongs to: a reset chain has another deployment block hash."""

    chain_id: int
    deployment_block: int
    deployment_block_hash: str
    consortium: str


class SeedRecord(BaseModel):
    """What was seeded, for the banner and for the portal: the marker file's content."""

    chain: ChainMark
    seeded_at: dt.datetime
    directory: str  # where the samples and wrapped certificates are
    certificates: list[str]  # wrapped files, valid ones first
    revoked: str  # the wrapped file of the revoked certificate
    numbers: list[str]
    operators: list[str]  # "CN USCI:9131..." certifying member and operator id
    mra: str
    ucr: str
    alert: int | None = None  # SG customs' risk alert (markers written before alerts have none)


class SeedOutcome(BaseModel):
    record: SeedRecord
    seeded: bool  # False: the marker says this chain was seeded before


def marker_path(data_dir: Path) -> Path:
    return data_dir / "seed" / "seed.json"


def chain_mark(client: LedgerClient) -> ChainMark:
    """The identity of the chain and deployment `client` reaches."""
    deployment = client.deployment
    if deployment is None or deployment.chain_id != client.chain_id:
        raise NotDeployed(client.chain_id, "deploy the development consortium before seeding")
    [reply] = client.raw_batch([block_request(deployment.deployment_block)])
    block = reply.get("result")
    if not isinstance(block, dict) or not block.get("hash"):
        raise TransactionFailed(f"the node has no block {deployment.deployment_block}, where the deployment is")
    return ChainMark(
        chain_id=client.chain_id,
        deployment_block=deployment.deployment_block,
        deployment_block_hash=str(block["hash"]).lower(),
        consortium=deployment.contracts["Consortium"].address,
    )


def seed_demo(*, client_for: ClientFactory, data_dir: Path, say: Callable[[str], None] = lambda _: None) -> SeedOutcome:
    """Seed the development chain unless its marker says it was seeded already."""
    mark = chain_mark(client_for("cn-issuer"))
    earlier = read_model(marker_path(data_dir), SeedRecord, "seed marker")
    if earlier is not None and earlier.chain == mark:
        return SeedOutcome(record=earlier, seeded=False)
    # one directory per chain: the files of a chain that was reset stay where they were
    directory = data_dir / "seed" / f"{mark.chain_id}-{mark.deployment_block_hash[2:10]}"
    wrapped, numbers = _certificates(client_for, data_dir, directory, mark, say)
    revoked = wrapped[-1]
    _revoke(client_for("cn-issuer"), directory / "wrapped" / revoked, say)
    operators = _operators(client_for, say)
    _mra(client_for, say)
    _consignment(client_for("cn-trader"), client_for("sg-trader").address, say)
    alert = _alert(client_for("sg-customs"), say)
    _assessments(client_for, data_dir, say)
    record = SeedRecord(
        chain=mark,
        seeded_at=dt.datetime.now(dt.UTC),
        directory=str(directory.resolve()),
        certificates=[str((directory / "wrapped" / name).resolve()) for name in wrapped],
        revoked=str((directory / "wrapped" / revoked).resolve()),
        numbers=numbers,
        operators=operators,
        mra=f"CN-SG ({MRA_TIERS})",
        ucr=UCR,
        alert=alert,
    )
    write_model(marker_path(data_dir), record)
    return SeedOutcome(record=record, seeded=True)


def _certificates(
    client_for: ClientFactory, data_dir: Path, directory: Path, mark: ChainMark, say: Callable[[str], None]
) -> tuple[list[str], list[str]]:
    """The wrapped files' names (issued now, or by an earlier interrupted run) and numbers."""
    samples, wrapped = directory / "samples", directory / "wrapped"
    samples.mkdir(parents=True, exist_ok=True)
    # the chain's own hash as the seed: the same numbers when a run is repeated on this chain,
    # new ones on a reset chain (the issuer's number register still holds the old ones)
    seed = int(mark.deployment_block_hash[2:18], 16)
    documents = generate_samples(CERT_TYPE, CERTIFICATES, seed=seed, origin="CN", destination="SG")
    names = [f"co-{n}.json" for n in range(len(documents))]
    numbers = [str(getattr(document, "certificate_number", "")) for document in documents]
    if all((wrapped / name).exists() for name in names):
        return names, numbers
    for name, document in zip(names, documents, strict=True):
        data = to_json_data(document)
        data["exporter"]["identifier"] = TRADER_PARTY[1]  # the demo trader party exports them all
        (samples / name).write_text(json.dumps(data, ensure_ascii=False, indent=2))
    issued = issue_files(
        registry=CertificateRegistryBinding(client_for("cn-issuer")),
        doc_type=CERT_TYPE,
        files=[samples / name for name in names],
        out_dir=wrapped,
        numbers=IssuedNumbers(numbers_path(data_dir)),
    )
    say(f"CN issuer anchored {sum(b.count for b in issued.batches)} certificates of origin for SG")
    return names, numbers


def _revoke(issuer: LedgerClient, path: Path, say: Callable[[str], None]) -> None:
    certificate: WrappedCertificate = read_wrapped(path)
    record = certificate_record(
        client=issuer, root=certificate.proof.root, cert_type=certificate.type, leaf="0x" + certificate.leaf.hex()
    )
    if record.status == "valid":
        CertificateRegistryBinding(issuer).revoke(certificate, REVOKED_REASON)
        say(f"CN issuer revoked {path.name} ({REVOKED_REASON})")


def _operators(client_for: ClientFactory, say: Callable[[str], None]) -> list[str]:
    # from yesterday: certified before anything the demo shows, and never ahead of the chain's clock
    since = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
    for member, operator, tier in OPERATORS:
        registry = AeoRegistryBinding(client_for(f"{member.lower()}-customs"))
        if registry.certification(operator=operator, certified_by=member).state is None:
            registry.certify(member=member, operator=operator, tier=tier, valid_from=since, effective_at=since)
            say(f"{member} customs certified {operator} as an AEO ({tier})")
    return [f"{member} {operator}" for member, operator, _ in OPERATORS]


def _mra(client_for: ClientFactory, say: Callable[[str], None]) -> None:
    tiers = parse_tiers(MRA_TIERS)
    cn, sg = MraBinding(client_for("cn-customs")), MraBinding(client_for("sg-customs"))
    current = next((m for m in cn.list_mras(member="CN") if m.partner == "SG"), None)
    if current is not None and current.in_force:
        return
    if current is not None and current.proposal is not None and current.proposal.proposer == "SG":
        cn.accept(
            member="CN", partner="SG", tiers_recognised_by_proposer=tiers, tiers_recognised_by_partner=tiers,
            effective_from=None,
        )  # fmt: skip
        say("CN and SG customs agreed an MRA (general and advanced AEOs)")
        return
    if current is None or current.proposal is None:
        cn.propose(member="CN", partner="SG", tiers_recognised_by_member=tiers, tiers_recognised_by_partner=tiers)
    sg.accept(
        member="SG", partner="CN", tiers_recognised_by_proposer=tiers, tiers_recognised_by_partner=tiers,
        effective_from=None,
    )  # fmt: skip
    say("CN and SG customs agreed an MRA (general and advanced AEOs)")


def _assessments(client_for: ClientFactory, data_dir: Path, say: Callable[[str], None]) -> None:
    """CN's two self-assessments and SG's one, for the portal's assessment chart."""
    from ledger.assessment.samples import seed_samples
    from ledger.settings import LedgerSettings
    from ledger.store.blobs import BlobStore

    seeded = seed_samples(client_for=client_for, blobs=BlobStore.configured(LedgerSettings(data_dir=data_dir)))
    if seeded:
        say(f"self-assessments submitted: {', '.join(seeded)}")


def _consignment(trader: LedgerClient, consignee: str, say: Callable[[str], None]) -> None:
    consignment = consignment_id(UCR)
    binding = EvidenceRegistryBinding(trader)
    if binding.heads([consignment])[0].seq >= 2:
        return
    if not binding.consignment(consignment).open:
        open_consignment(
            client=trader, ucr=UCR, destination="SG", parties=[(trader.address, PartyRole.CONSIGNOR),
                                                                (consignee, PartyRole.CONSIGNEE)],
        )  # fmt: skip
        say(f"CN trader opened consignment {UCR} to SG (consignor; SG trader as consignee)")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    declared = new_event(
        EventType.OBJECT, Step.ADVANCE_DECLARATION_FILED, now - dt.timedelta(hours=6), epcs=[SSCC],
        biz_transactions=[(BTT_DECLARATION, f"urn:sanzhi:declaration:SG:{UCR}")],
    )  # fmt: skip
    loaded = new_event(EventType.OBJECT, Step.LOADING, now - dt.timedelta(hours=3), epcs=[SSCC])
    # one transaction for both: a consignment never holds one of the two without the other
    append_events(client=trader, ucr=UCR, events=[declared, loaded])
    say(f"CN trader recorded 2 evidence events of consignment {UCR}")


def _alert(customs: LedgerClient, say: Callable[[str], None]) -> int | None:
    """SG customs' alert on shrimp from CN (once: an alert of SG with this scope is not published again)."""
    if not customs.artifacts.has("AlertRegistry"):
        return None
    binding = AlertRegistryBinding(customs)
    existing = next((a for a in binding.alerts() if a.member == "SG" and a.scope == ALERT_SCOPE), None)
    if existing is not None:
        return existing.id
    alert = binding.publish(
        severity=Severity.MEDIUM, scope=ALERT_SCOPE, until=binding.now() + dt.timedelta(days=ALERT_DAYS)
    )
    say(f"SG customs published risk alert {alert.id}: HS 0306 from CN loaded at CNNGB ({alert.severity})")
    return alert.id
