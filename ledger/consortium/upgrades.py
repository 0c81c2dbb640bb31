"""Upgrades by vote: deploy a new version of a registry kind, check its code, list it.

`propose_upgrade` deploys the current build of a kind bound to the consortium and proposes that
the consortium list it as the kind's active version; once a threshold of members approve, the
previous version takes no new issuance (what it holds stays there and keeps changing there).
`check_proposal` is what a member runs before voting: it compares the runtime code deployed at
each proposed address with a build the member made from the sources, so a member votes on code
it can reproduce. Rolling back is proposing the previous version again.
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from eth_utils.address import to_checksum_address
from pydantic import BaseModel

from ledger.chain.artifacts import Artifact, Artifacts
from ledger.chain.client import LedgerClient
from ledger.chain.reads import code_at
from ledger.consortium.binding import ConsortiumBinding, Proposal
from ledger.consortium.registries import REGISTRY_KINDS, RegistryListing
from ledger.errors import ConfigurationError, InvalidInput, LedgerError

PROPOSAL_LIFETIME_SECONDS = 30 * 24 * 3600  # Consortium.PROPOSAL_LIFETIME
SOURCE_ROOT = Path(__file__).resolve().parent.parent.parent


class UpgradeProposal(BaseModel):
    kind: str
    registry: str
    proposal_id: int
    executed: bool
    tx_hash: str


class CodeCheck(BaseModel):
    """Whether the code at `registry` is the build of `kind`, immutables aside."""

    kind: str
    registry: str
    matches: bool
    detail: str


class KindStatus(BaseModel):
    kind: str
    active: str | None
    versions: list[RegistryListing]


class UpgradeStatus(BaseModel):
    consortium: str
    kinds: list[KindStatus]
    pending: list[Proposal]


def check_kind(kind: str) -> str:
    if kind not in REGISTRY_KINDS:
        raise InvalidInput(f"{kind!r} is not a registry kind: one of {', '.join(REGISTRY_KINDS)}", path="kind")
    return kind


def propose_upgrade(admin: LedgerClient, kind: str, address: str | None = None) -> UpgradeProposal:
    """Propose `address` (a deployment listed before: a rollback), else a fresh deployment of
    this build of `kind` for the client's consortium, as the kind's active version."""
    check_kind(kind)
    consortium = ConsortiumBinding(admin)
    if address is not None:
        listing = consortium.registry_listing(address)
        if listing.kind != kind:
            raise InvalidInput(
                f"{address} is not a {kind} the consortium listed before: only a listed version is rolled back to",
                path="address",
            )
    else:
        address, _ = admin.deploy(kind, [admin.address_of("Consortium")])
    result = consortium.propose_list_registries({kind: address})
    return UpgradeProposal(
        kind=kind,
        registry=to_checksum_address(address),
        proposal_id=result.proposal_id,
        executed=result.executed,
        tx_hash=result.tx_hash,
    )


def masked_code(code: bytes, artifact: Artifact) -> bytes:
    """`code` with the bytes of the artifact's immutables zeroed: what every deployment of the
    same build shares, whatever its constructor arguments, chain or address."""
    masked = bytearray(code)
    for ranges in artifact.immutable_references.values():
        for r in ranges:
            masked[r["start"] : r["start"] + r["length"]] = bytes(r["length"])
    return bytes(masked)


def check_proposal(client: LedgerClient, proposal_id: int, build: Artifacts) -> list[CodeCheck]:
    """Compare the code of every registry a list-registries proposal names with `build`."""
    proposal = ConsortiumBinding(client).proposal(proposal_id)
    if proposal.registries is None:
        raise InvalidInput(f"proposal {proposal_id} is a {proposal.kind} proposal, not an upgrade", path="proposal")
    checks = []
    for kind, registry in proposal.registries.items():
        if not build.has(kind):
            checks.append(CodeCheck(kind=kind, registry=registry, matches=False, detail=f"the build has no {kind}"))
            continue
        artifact = build.get(kind)
        deployed = code_at(client, registry)
        expected = bytes.fromhex(artifact.deployed_bytecode.removeprefix("0x"))
        if len(deployed) != len(expected):
            detail = f"{len(deployed)} bytes deployed, the build's {kind} has {len(expected)}"
            checks.append(CodeCheck(kind=kind, registry=registry, matches=False, detail=detail))
            continue
        same = masked_code(deployed, artifact) == masked_code(expected, artifact)
        detail = "the deployed code is the build's, immutables aside" if same else "the deployed code differs"
        checks.append(CodeCheck(kind=kind, registry=registry, matches=same, detail=detail))
    return checks


def build_from_sources(out: Path, root: Path = SOURCE_ROOT) -> Artifacts:
    """Compile contracts/src of the checkout at `root` into `out` (forge, with the project's solc)."""
    contracts = root / "contracts"
    forge_path, solc_path = root / "scripts" / "forge-path", root / "scripts" / "solc-path"
    if not (contracts / "src").is_dir() or not forge_path.exists():
        raise ConfigurationError(
            f"no contract sources at {contracts / 'src'}: run this from a checkout (make setup), "
            "or pass --build with a build of the sources you trust"
        )
    forge = subprocess.run([str(forge_path)], capture_output=True, text=True, check=False).stdout.strip()
    solc = subprocess.run([str(solc_path)], capture_output=True, text=True, check=False).stdout.strip()
    if not forge or not solc:
        raise ConfigurationError("no forge or solc to build with: run `make setup`")
    # only src: what is deployed. The tests are about seven times the compiler's work with solc-js.
    built = subprocess.run(
        [forge, "build", "--use", solc, "--out", str(out / "out"), "--cache-path", str(out / "cache"), "src"],
        cwd=contracts,
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        raise LedgerError(f"building the contracts failed: {(built.stderr or built.stdout).strip()[-500:]}")
    return Artifacts(out / "out")


def check_proposal_against_sources(client: LedgerClient, proposal_id: int) -> list[CodeCheck]:
    with tempfile.TemporaryDirectory(prefix="sanzhi-upgrade-build-") as tmp:
        return check_proposal(client, proposal_id, build_from_sources(Path(tmp)))


def upgrade_status(client: LedgerClient, *, now: datetime | None = None) -> UpgradeStatus:
    """Every kind's versions (addresses, intervals) and the upgrade proposals still open."""
    consortium = ConsortiumBinding(client)
    listed = consortium.registry_kinds()
    kinds = [
        KindStatus(
            kind=kind,
            active=consortium.active_registry(kind),
            versions=[consortium.registry_listing(a) for a in consortium.registry_versions(kind)],
        )
        for kind in [*REGISTRY_KINDS, *(k for k in listed if k not in REGISTRY_KINDS)]
    ]
    moment = (now or datetime.now(UTC)).timestamp()
    pending = [
        p
        for p in consortium.proposals()
        if p.registries is not None and not p.executed and p.created_at.timestamp() + PROPOSAL_LIFETIME_SECONDS > moment
    ]
    return UpgradeStatus(consortium=client.address_of("Consortium"), kinds=kinds, pending=pending)
