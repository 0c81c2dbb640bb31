"""`sanzhi cert ...`: samples, issue in batches, verify, hide, lifecycle, utilization, export, offline
proof bundles.

`sanzhi cert verify` is what a verifier runs, one process a certificate: what only issuing and
bundles need (rich's progress display, the issuance pipeline, Merkle-Patricia proofs: a tenth of
a second) is imported by those commands when they run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.cert_delivery import deliver as deliver_command
from cli.cert_delivery import deliver_files, report_delivery
from cli.cert_delivery import destined as destined_command
from cli.context import AsOption, JsonOption, print_json, recorded_address, state
from ledger.certificates.document_view import (
    CertificateOfOriginView,
    CountryView,
    Hidden,
    PartyView,
    PhytosanitaryView,
)
from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.vc import to_credential
from ledger.certificates.verification import verify_trusting
from ledger.certificates.wrapped import WrappedCertificate, hide, read_wrapped, write_wrapped
from ledger.chain.client import LedgerClient
from ledger.connect import build_client
from ledger.consortium.names import AccountName, Names, unknown
from ledger.documents import to_json_data
from ledger.documents.samples import generate_samples
from ledger.errors import InvalidInput, LedgerError, NotIssued, ProofInvalid
from ledger.files import write_atomic
from ledger.timestamps import parse_time

app = typer.Typer(help="E-certificates: issue, verify, share selectively, revoke, utilize.", no_args_is_help=True)

TypeOption = Annotated[str, typer.Option("--type", help="certificate-of-origin or phytosanitary-certificate.")]
FileArg = Annotated[Path, typer.Argument(help="A wrapped certificate file (or its VC export).")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Reason name (fraud, clerical-error, ...) or number.")]
PROGRESS_FROM = 200

app.command("deliver")(deliver_command)
app.command("destined")(destined_command)


@app.command()
def sample(
    cert_type: TypeOption = "certificate-of-origin",
    count: Annotated[int, typer.Option("--count", min=1, max=1_000_000)] = 10,
    out: Annotated[Path, typer.Option("--out", help="Directory to write the samples into.")] = Path("samples"),
    seed: Annotated[int, typer.Option("--seed")] = 1,
    origin: Annotated[
        str, typer.Option("--origin", help="Exporting country: the issuing member's own (e.g. CN), or 'any'.")
    ] = "CN",
    destination: Annotated[
        str, typer.Option("--destination", help="Importing country, whose customs may utilize (e.g. SG), or 'any'.")
    ] = "SG",
    as_json: JsonOption = False,
) -> None:
    """Write realistic, varied sample documents (deterministic per seed).

    A member issues only for its own jurisdiction, so samples leave from --origin (CN by
    default, as the development issuer `cn-issuer` is CN's) for --destination (SG).
    """
    out.mkdir(parents=True, exist_ok=True)
    width = len(str(count))
    documents = generate_samples(
        cert_type,
        count,
        seed,
        origin=None if origin.lower() == "any" else origin,
        destination=None if destination.lower() == "any" else destination,
    )
    for n, document in enumerate(documents):
        text = json.dumps(to_json_data(document), ensure_ascii=False, indent=2)
        write_atomic(out / f"{cert_type}-{n:0{width}d}.json", text + "\n")
    if as_json:
        print_json({"count": count, "type": cert_type, "out": str(out), "origin": origin, "destination": destination})
    else:
        typer.echo(f"{count} {cert_type} samples ({origin} to {destination}) written to {out}")


def _input_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.json")))
        elif path.is_file():
            files.append(path)
        else:
            raise InvalidInput(f"{path} does not exist", path=str(path))
    if not files:
        raise InvalidInput("no .json documents found", path=", ".join(map(str, paths)))
    return files


@app.command()
def issue(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Document JSON files or directories of them.")],
    cert_type: TypeOption = "certificate-of-origin",
    out: Annotated[Path, typer.Option("--out", help="Directory for the wrapped certificates.")] = Path("wrapped"),
    batch_size: Annotated[int | None, typer.Option("--batch-size", min=1, help="Certificates per root.")] = None,
    expires: Annotated[
        str | None, typer.Option("--expires", help="Batch expiry, ISO 8601 (e.g. 2027-06-30T00:00:00Z).")
    ] = None,
    deliver: Annotated[
        bool,
        typer.Option(
            "--deliver", help="Also put each certificate into the document store for its destination's customs."
        ),
    ] = False,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Wrap documents, anchor their Merkle root(s) (one run of batches per destination member)
    and write one wrapped file per document."""
    from rich.progress import Progress

    from ledger.certificates.issuance import issue_files
    from ledger.index.issued_now import record_issued

    files = _input_files(paths)
    cli = state(ctx)
    registry = CertificateRegistryBinding(cli.client(as_))
    with Progress(disable=as_json or len(files) < PROGRESS_FROM, transient=True) as progress:
        progress.add_task(f"issuing {len(files)} certificates", total=None)
        result = issue_files(
            registry=registry,
            doc_type=cert_type,
            files=files,
            out_dir=out,
            numbers=IssuedNumbers(numbers_path(cli.settings.data_dir)),
            batch_size=batch_size,
            expires_at=parse_time(expires) if expires else None,
        )
    issued = result.batches
    if result.already_issued:
        if as_json:
            print_json({"out": str(out), "batches": issued, "already_issued": True})
            return
        for batch in issued:
            typer.echo(f"already issued: root {batch.root} on block {batch.block_number} ({batch.count} certificates "
                       f"for {batch.destination}, tx {batch.tx_hash})")  # fmt: skip
        typer.echo(f"{len(files)} wrapped certificates are in {out}; nothing was sent")
        return
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    indexing = record_issued(settings=cli.settings, paths=[out], client=registry.client)
    wrapped = [out / f.name for f in files]
    delivery = deliver_files(cli.settings, registry, wrapped, issued_now=True) if deliver else None
    if as_json:
        print_json({"out": str(out), "batches": issued, "resumed": result.resumed, "index": indexing,
                    "delivery": delivery, "warnings": result.warnings})  # fmt: skip
        return
    if result.resumed:
        typer.echo(f"completed an interrupted issuance of {result.resumed} certificates into {out}")
    for batch in issued:
        sent = "anchored by the interrupted run" if batch.already_anchored else f"tx {batch.tx_hash}"
        typer.echo(f"root {batch.root}  {batch.count} certificates for {batch.destination or '?'}  {sent}")
    typer.echo(f"{len(files)} wrapped certificates written to {out}")
    typer.echo(indexing.note)
    if delivery is not None:
        report_delivery(delivery, each=False)


def _signers(client: LedgerClient, certificates: list[WrappedCertificate]) -> dict[str, AccountName]:
    """The accounts that signed the certificates' batches, as their accrediting members named
    them (a courtesy beside the verdict: unnamed when the names cannot be read)."""
    addresses = {c.issuer.address for c in certificates}
    try:
        return Names.load(client=client).accounts(addresses)
    except LedgerError:
        return {a: unknown(a) for a in addresses}


@app.command()
def verify(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Wrapped certificate files (or VC exports).")],
    trust: Annotated[
        str | None,
        typer.Option(
            "--trust",
            help="Address of the Consortium (or CertificateRegistry) you trust; default: SANZHI_TRUST_CONSORTIUM, "
            "else your deployment record. Without one nothing is valid.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Verify certificates; exit 0 when all valid, 1 when any is invalid, 2 when undecided."""
    try:
        certificates = [read_wrapped(f) for f in files]
    except NotIssued as exc:
        option = "" if exc.doc_type == "certificate-of-origin" else f" --type {exc.doc_type}"
        typer.echo(f"error: {exc.message}; issue it with `sanzhi cert issue{option} {exc.source}`", err=True)
        raise typer.Exit(2) from None
    except LedgerError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    try:
        settings = state(ctx).settings
        client = build_client(settings)
        results = verify_trusting(client=client, certificates=certificates, trust=trust or settings.trust_consortium)
    except LedgerError as exc:
        typer.echo(f"error: cannot verify: {exc.message}", err=True)
        raise typer.Exit(2) from None
    signers = _signers(client, certificates)
    if as_json:
        rows = [
            {"file": str(f), **r.model_dump(mode="json"), "issuer": signers[c.issuer.address].model_dump(mode="json")}
            for f, r, c in zip(files, results, certificates, strict=True)
        ]
        print_json(rows[0] if len(rows) == 1 else rows)
    else:
        for file, result, certificate in zip(files, results, certificates, strict=True):
            verdict = "VALID" if result.valid else ("UNDECIDED" if not result.decided else "INVALID")
            typer.echo(f"{file}: {verdict} ({result.type} {result.certificate_number or ''})".rstrip())
            if result.document is not None:
                typer.echo(f"  {document_summary(result.document)}")
            signer = signers[certificate.issuer.address]
            typer.echo(f"  signed by {signer.label or 'an account the consortium does not name'} ({signer.address})")
            if result.destined_outside:
                typer.echo(
                    f"  destined to {result.destination}, outside the consortium: no member records its utilization"
                )
            elif result.destination:
                typer.echo(f"  destined to {result.destination}: only its customs may use it")
            if result.hidden_fields:
                typer.echo(
                    f"  {len(result.hidden_fields)} field(s) hidden by the holder: {', '.join(result.hidden_fields)}"
                )
            for fragment in result.fragments:
                typer.echo(f"  {fragment.name.value:<12} {fragment.status.value:<8} {fragment.reason}")
    if not all(r.decided for r in results):
        raise typer.Exit(2)
    if not all(r.valid for r in results):
        raise typer.Exit(1)


def document_summary(document: CertificateOfOriginView | PhytosanitaryView) -> str:
    """One line of what the certificate says: number, exporter -> consignee, route, goods lines."""

    def shown(value: object) -> str:
        return "(hidden)" if isinstance(value, Hidden) else str(value)

    def party(value: PartyView | Hidden) -> str:
        return shown(value if isinstance(value, Hidden) else value.name)

    def country(value: CountryView | Hidden) -> str:
        return shown(value if isinstance(value, Hidden) else value.code)

    goods = document.goods
    lines = "goods lines hidden" if isinstance(goods, Hidden) else f"{len(goods)} goods line(s)"
    return (
        f"{shown(document.certificate_number)}: {party(document.exporter)} -> {party(document.consignee)}, "
        f"{country(document.origin)} -> {country(document.destination)}, {lines}"
    )


@app.command("hide")
def hide_fields(
    file: FileArg,
    fields: Annotated[str, typer.Option("--fields", help="Dotted paths, comma-separated: exporter.address,items.0")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the redacted copy.")],
    as_json: JsonOption = False,
) -> None:
    """Write a copy with fields hidden; it still verifies and the values cannot be recovered."""
    paths = [p.strip() for p in fields.split(",") if p.strip()]
    redacted = hide(read_wrapped(file), paths)
    write_wrapped(redacted, out)
    if as_json:
        print_json({"out": str(out), "hidden": redacted.hidden})
    else:
        typer.echo(f"{len(redacted.hidden)} field(s) hidden ({', '.join(redacted.hidden)}); written to {out}")


def _lifecycle_report(action: str, tx_hash: str, as_json: bool) -> None:
    if as_json:
        print_json({"action": action, "tx_hash": tx_hash})
    else:
        typer.echo(f"certificate {action} (tx {tx_hash})")


@app.command()
def revoke(
    ctx: typer.Context, file: FileArg, reason: ReasonOption, as_: AsOption = None, as_json: JsonOption = False
) -> None:
    """Revoke a certificate (issuing side only); it never becomes valid again."""
    sent = CertificateRegistryBinding(state(ctx).client(as_)).revoke(read_wrapped(file), reason)
    _lifecycle_report("revoked", sent.tx_hash, as_json)


@app.command()
def suspend(
    ctx: typer.Context, file: FileArg, reason: ReasonOption, as_: AsOption = None, as_json: JsonOption = False
) -> None:
    """Suspend a certificate (issuing side only) until it is reinstated."""
    sent = CertificateRegistryBinding(state(ctx).client(as_)).suspend(read_wrapped(file), reason)
    _lifecycle_report("suspended", sent.tx_hash, as_json)


@app.command()
def reinstate(ctx: typer.Context, file: FileArg, as_: AsOption = None, as_json: JsonOption = False) -> None:
    """Reinstate a suspended certificate (issuing side only)."""
    sent = CertificateRegistryBinding(state(ctx).client(as_)).reinstate(read_wrapped(file))
    _lifecycle_report("reinstated", sent.tx_hash, as_json)


@app.command()
def supersede(
    ctx: typer.Context,
    old: Annotated[Path, typer.Argument(help="The certificate being replaced.")],
    new: Annotated[Path, typer.Argument(help="Its issued replacement.")],
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Supersede a certificate by a newly issued one; the old one then names its successor."""
    sent = CertificateRegistryBinding(state(ctx).client(as_)).supersede(read_wrapped(old), read_wrapped(new))
    _lifecycle_report("superseded", sent.tx_hash, as_json)


@app.command()
def utilize(
    ctx: typer.Context,
    file: FileArg,
    declaration: Annotated[str, typer.Option("--declaration", help="The import declaration's reference.")],
    quantity: Annotated[str, typer.Option("--quantity", help="Quantity drawn, in the certificate's unit.")],
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record (as importing customs) that a declaration drew a quantity from a certificate."""
    record = CertificateRegistryBinding(state(ctx).client(as_)).utilize(
        read_wrapped(file), declaration=declaration, quantity=quantity
    )
    if as_json:
        print_json(record)
    else:
        typer.echo(
            f"declaration {declaration} drew {record.amount}; remaining {record.remaining} (tx {record.tx_hash})"
        )


@app.command()
def export(
    file: FileArg,
    out: Annotated[Path, typer.Option("--out", help="Where to write the credential.")],
    fmt: Annotated[str, typer.Option("--format", help="vc: W3C Verifiable Credential 2.0.")] = "vc",
    as_json: JsonOption = False,
) -> None:
    """Export a wrapped certificate as a W3C Verifiable Credential (verify accepts it)."""
    if fmt != "vc":
        raise InvalidInput(f"unknown format {fmt!r}; supported: vc", path="format")
    write_atomic(out, json.dumps(to_credential(read_wrapped(file)), ensure_ascii=False, indent=2) + "\n")
    if as_json:
        print_json({"out": str(out), "format": fmt})
    else:
        typer.echo(f"verifiable credential written to {out}")


@app.command("bundle")
def bundle_cmd(
    ctx: typer.Context,
    file: FileArg,
    out: Annotated[Path, typer.Option("--out", help="Where to write the bundle (JSON).")],
    as_json: JsonOption = False,
) -> None:
    """Write a proof bundle of one certificate: the certificate and storage proofs of its
    registry and consortium records at the latest block, for an auditor with no network."""
    from ledger.certificates.bundle import make_bundle

    made = make_bundle(client=build_client(state(ctx).settings), certificate=read_wrapped(file))
    write_atomic(out, made.model_dump_json(by_alias=True, indent=1) + "\n")
    header = made.registry_proof.header
    summary = {
        "out": str(out),
        "block_number": int(header.number, 16),
        "block_hash": header.hash,
        "registry": made.registry,
        "consortium": made.consortium,
        "slots": len(made.registry_proof.account.storage_proof) + len(made.consortium_proof.account.storage_proof),
        "bytes": out.stat().st_size,
    }
    if as_json:
        print_json(summary)
    else:
        typer.echo(
            f"bundle of {file} written to {out} ({summary['bytes']:,} bytes, {summary['slots']} slots proven); "
            f"anchored at block {summary['block_number']} {summary['block_hash']}"
        )


@app.command("verify-bundle")
def verify_bundle_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A bundle written by `sanzhi cert bundle`.")],
    trusted_block: Annotated[str, typer.Option("--trusted-block", help="Hash of a block you trust.")],
    consortium: Annotated[
        str | None,
        typer.Option("--consortium", help="The Consortium you trust (default: your deployment record's)."),
    ] = None,
    registry: Annotated[
        str | None,
        typer.Option("--registry", help="Trust only this CertificateRegistry (it must be one the consortium lists)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check a certificate bundle with no network at all: exit 0 valid, 1 invalid."""
    from ledger.certificates.bundle import read_bundle, verify_bundle

    settings = state(ctx).settings
    try:
        made = read_bundle(file.read_bytes(), source=str(file))
        trusted = consortium or recorded_address(
            settings.resolved_deployments_dir, made.chain_id, "Consortium", option="--consortium"
        )
        report = verify_bundle(
            made, trusted_block_hash=trusted_block, trusted_consortium=trusted, trusted_registry=registry
        )
    except OSError as exc:
        raise InvalidInput(f"cannot read {file}: {exc.strerror or exc}", path=str(file)) from None
    except ProofInvalid as exc:
        if as_json:
            print_json({"valid": False, "step": exc.step, "reason": exc.reason})
        else:
            typer.echo(f"INVALID: {exc.message}")
        raise typer.Exit(1) from None
    if as_json:
        print_json(report.model_dump(mode="json"))
    else:
        result = report.verification
        typer.echo(
            f"{file}: {'VALID' if report.valid else 'INVALID'} ({result.type} {result.certificate_number or ''}) "
            f"at block {report.block_number} ({report.block_time}), registry {report.registry} of consortium "
            f"{report.consortium}; {report.verify_ms} ms"
        )
        for fragment in result.fragments:
            typer.echo(f"  {fragment.name.value:<12} {fragment.status.value:<8} {fragment.reason}")
    if not report.valid:
        raise typer.Exit(1)
