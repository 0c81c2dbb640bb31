"""`sanzhi demo`: the main job on the embedded chain, start to finish."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from cli.context import CliState, JsonOption, print_json, state
from ledger.certificates.issuance import issue_files
from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.trust import resolve_anchor
from ledger.certificates.verification import Verification, verify_certificates
from ledger.certificates.wrapped import WrappedCertificate, read_wrapped
from ledger.consortium.binding import ConsortiumBinding
from ledger.devnet.consortium import deploy_dev
from ledger.devnet.node import EmbeddedNode
from ledger.documents import to_json_data
from ledger.documents.samples import generate_samples

DEMO_COUNT = 5


def demo(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="Port of the embedded node.")] = 8545,
    as_json: JsonOption = False,
) -> None:
    """Start the embedded node, deploy the development consortium, walk a certificate through."""
    cli = state(ctx)
    settings = cli.settings
    steps: list[str] = []

    def say(line: str) -> None:
        steps.append(line)
        if not as_json:
            typer.echo(line)

    info, started = EmbeddedNode(settings.data_dir, port=port).start()
    say(f"[1] chain node {'started' if started else 'running'} at {info.rpc_url} (chain {info.chain_id})")
    result = deploy_dev(
        rpc_client_for=cli.client, deployments_dir=settings.resolved_deployments_dir, data_dir=settings.data_dir
    )
    for name, contract in result.deployment.contracts.items():
        say(f"[2] {name:<20} {contract.address}")
    consortium = ConsortiumBinding(cli.client())
    members = ", ".join(f"{m.id} ({m.name})" for m in consortium.members())
    say(f"[3] consortium: {members}; threshold {consortium.threshold()}")
    say("    development profiles use PUBLIC test-mnemonic keys: cn-admin, cn-customs, cn-issuer, sg-customs, ...")
    wrapped = _certificate_walkthrough(cli, settings.data_dir / "demo", say)
    say("")
    say("Done. The node keeps running, with its state in the data directory. Try next:")
    for command in (
        f".venv/bin/sanzhi cert verify {wrapped}                 # every check, with its reason",
        f".venv/bin/sanzhi cert hide {wrapped} --fields exporter.address --out shared.json",
        ".venv/bin/sanzhi aeo certify --operator USCI:91310000MA1FL8XQ7Y --tier advanced --as cn-customs",
        ".venv/bin/sanzhi consortium members",
        ".venv/bin/sanzhi node stop                               # state is kept for the next start",
    ):
        say(f"  {command}")
    if as_json:
        print_json({"rpc_url": info.rpc_url, "chain_id": info.chain_id, "certificate": str(wrapped), "steps": steps})


def _certificate_walkthrough(cli: CliState, workdir: Path, say: Callable[[str], None]) -> Path:
    """Issue, verify, utilize, revoke and verify again; the wrapped file of the certificate."""
    samples, wrapped_dir = workdir / "samples", workdir / "wrapped"
    samples.mkdir(parents=True, exist_ok=True)
    # a new seed per run: certificate numbers are issued once, and `make run` may run again
    seed = time.time_ns()
    documents = generate_samples("certificate-of-origin", DEMO_COUNT, seed=seed, origin="CN", destination="SG")
    for n, document in enumerate(documents):
        (samples / f"co-{n}.json").write_text(json.dumps(to_json_data(document), ensure_ascii=False, indent=2))
    issuer = CertificateRegistryBinding(cli.client("cn-issuer"))
    files = sorted(samples.glob("*.json"))
    issued = issue_files(
        registry=issuer,
        doc_type="certificate-of-origin",
        files=files,
        out_dir=wrapped_dir,
        numbers=IssuedNumbers(numbers_path(cli.settings.data_dir)),
    )
    batch = issued.batches[0]
    say(f"[4] CN issuer anchored {batch.count} certificates of origin: root {batch.root} ({batch.gas_used} gas)")
    certificate = read_wrapped(wrapped_dir / files[0].name)
    say(f"[5] SG customs verifies {wrapped_dir / files[0].name}: {_verdict(cli, certificate)}")
    record = CertificateRegistryBinding(cli.client("sg-customs")).utilize(
        certificate, declaration="SG-IMP-DEMO-0001", quantity="1"
    )
    left = str(record.remaining)
    say(f"[6] SG customs records declaration SG-IMP-DEMO-0001 drawing 1; remaining {left}")
    issuer.revoke(certificate, "clerical-error")
    say(f"[7] CN issuer revokes it (clerical-error); SG verifies again: {_verdict(cli, certificate)}")
    return wrapped_dir / files[1].name


def _verdict(cli: CliState, certificate: WrappedCertificate) -> str:
    client = cli.client()
    [result] = verify_certificates(client=client, certificates=[certificate], anchor=resolve_anchor(client, None))
    return "VALID" if result.valid else f"INVALID ({_failed(result)})"


def _failed(result: Verification) -> str:
    return "; ".join(f"{f.name.value}: {f.reason}" for f in result.fragments if f.status.value != "VALID")
