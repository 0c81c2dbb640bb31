"""`sanzhi evidence ...`: evidence chains of consignments (EPCIS 2.0 events on chain)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.context import AsOption, JsonOption, account_address, print_json, print_rows, state
from cli.names import shown_account
from ledger.chain.deployments import load_deployment
from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.names import Names
from ledger.errors import InvalidInput, KeyUnavailable, ProofInvalid
from ledger.evidence import event_hash, parse_epcis
from ledger.evidence.audit import check_events
from ledger.evidence.bundle import BundleTrust, EvidenceBundle, make_bundle, read_bundle, verify_bundle
from ledger.evidence.consignment import consignment_id
from ledger.evidence.registry import RecordedEntry
from ledger.evidence.service import (
    AppendResult,
    ConsignmentResult,
    append_events,
    audit_consignment,
    audit_references,
    change_party,
    consignment_view,
    open_consignment,
    submit_decisions,
    void_consignment,
)
from ledger.evidence.vocabulary import PartyRole
from ledger.files import write_atomic
from ledger.hashing.keccak import keccak256
from ledger.index.labelled import account_label
from ledger.labels import Vocabulary, label, reader_lang
from ledger.store.cid import ContentId

app = typer.Typer(help="Evidence chains of consignments: EPCIS 2.0 events, audit, proof bundles.", no_args_is_help=True)

UcrOption = Annotated[str, typer.Option("--ucr", help="The consignment's WCO Unique Consignment Reference.")]
UcrArg = Annotated[str, typer.Argument(help="The consignment's WCO Unique Consignment Reference.")]
EventsArg = Annotated[Path, typer.Argument(help="An EPCIS 2.0 JSON document (or one event).")]
ParentOption = Annotated[
    list[str] | None,
    typer.Option("--parent", help="Link of an entry (of any consignment) or a certificate leaf this builds on."),
]
DocumentOption = Annotated[
    Path | None, typer.Option("--document", help="The document behind the events; its keccak256 goes on chain.")
]
CidOption = Annotated[
    str | None, typer.Option("--cid", help="CID of the document in the document store (or any CID in hex bytes).")
]


def _bytes32(values: list[str] | None, what: str) -> list[bytes]:
    found = []
    for value in values or []:
        text = value.strip().lower()
        if not (text.startswith("0x") and len(text) == 66 and not text[2:].strip("0123456789abcdef")):
            raise InvalidInput(f"{value!r} is not a 32-byte hex value", path=what)
        found.append(bytes.fromhex(text[2:]))
    return found


def _cid(value: str | None) -> bytes:
    """A document store CID (bafy..., zdj7...) in binary; hex bytes of another CID are taken as given."""
    if not value:
        return b""
    if value.startswith(("b", "z")):
        return ContentId.parse(value.strip()).raw
    text = value.strip().lower().removeprefix("0x")
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise InvalidInput(f"{value!r} is not a CID in hex bytes", path="cid") from None
    if len(raw) > 128:
        raise InvalidInput("a CID is at most 128 bytes", path="cid")
    return raw


def _report(result: AppendResult, as_json: bool) -> None:
    if as_json:
        print_json(result)
    else:
        last = result.first_seq + result.entries - 1
        txs = (
            f"{len(result.tx_hashes)} transactions, the last {result.tx_hash}"
            if len(result.tx_hashes) > 1
            else (f"tx {result.tx_hash}")
        )
        typer.echo(f"{result.ucr}: entries {result.first_seq}..{last} recorded ({txs})")


def _parties(ctx: typer.Context, values: list[str] | None) -> list[tuple[str, PartyRole]]:
    """PROFILE_OR_ADDRESS[:ROLE] each (role `party` when none is given)."""
    found = []
    for value in values or []:
        who, colon, role = value.rpartition(":")
        if not colon:
            who, role = value, PartyRole.PARTY.value
        found.append((account_address(ctx, who.strip()), PartyRole.parse(role)))
    return found


def _show_standing(result: ConsignmentResult, what: str, as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    record = result.record
    state_text = "open" if record.open else "voided"
    typer.echo(
        f"{result.ucr}: {what}; {record.origin} -> {record.destination}, opening {record.opening} ({state_text}), "
        f"opened by {record.opener} (tx {result.tx_hash})"
    )


@app.command("open")
def open_(
    ctx: typer.Context,
    ucr: UcrArg,
    destination: Annotated[str, typer.Option("--destination", help="Destination country (ISO 3166-1 alpha-2).")],
    party: Annotated[
        list[str] | None,
        typer.Option("--party", help="PROFILE_OR_ADDRESS[:ROLE] allowed to record (consignor, carrier ...)."),
    ] = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open a consignment once: its origin (the UCR's country), destination and parties. The
    opener is a trade or customs key of the origin member (of the destination member when the
    origin is not a member)."""
    client = state(ctx).client(as_)
    result = open_consignment(client=client, ucr=ucr, destination=destination, parties=_parties(ctx, party))
    _show_standing(result, "opened", as_json)


@app.command("add-party")
def add_party(
    ctx: typer.Context,
    ucr: UcrArg,
    account: Annotated[str, typer.Argument(help="Account address, or a profile name.")],
    role: Annotated[str, typer.Option("--role", help="consignor, consignee, carrier, forwarder, laboratory ...")],
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Allow an accredited account to record on a consignment (the opener, or either side's customs)."""
    client = state(ctx).client(as_)
    result = change_party(client=client, ucr=ucr, account=account_address(ctx, account), role=PartyRole.parse(role))
    _show_standing(result, f"{account} added as {PartyRole.parse(role).value}", as_json)


@app.command("remove-party")
def remove_party(
    ctx: typer.Context,
    ucr: UcrArg,
    account: Annotated[str, typer.Argument(help="Account address, or a profile name.")],
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Stop an account recording on a consignment (the opener, or either side's customs)."""
    client = state(ctx).client(as_)
    result = change_party(client=client, ucr=ucr, account=account_address(ctx, account), role=None)
    _show_standing(result, f"{account} removed", as_json)


@app.command("void")
def void(
    ctx: typer.Context,
    ucr: UcrArg,
    reason: Annotated[str, typer.Option("--reason", help="Why, in at most 32 ASCII characters (e.g. wrong-party).")],
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Void a consignment opened wrongly (the origin member's customs; the destination's when the
    origin is not a member). Its entries stay; the UCR can be opened again."""
    result = void_consignment(client=state(ctx).client(as_), ucr=ucr, reason=reason)
    _show_standing(result, "voided", as_json)


@app.command()
def consignment(ctx: typer.Context, ucr: UcrArg, as_json: JsonOption = False) -> None:
    """A consignment's route, opener, parties and every change of them, with who made it."""
    client = state(ctx).client()
    view = consignment_view(client=client, ucr=ucr)
    shown = [view.record.opener, *view.parties, *(a for c in view.changes for a in (c.by, c.account))]
    labels = {a: n.label for a, n in Names.load(client=client).accounts(a for a in shown if a).items()}
    if as_json:
        print_json({**view.model_dump(mode="json"), "names": labels})
        return
    record = view.record
    if not record.opener:
        typer.echo(f"{view.ucr}: never opened")
        return
    opener = shown_account(record.opener, labels.get(record.opener))
    if view.legacy:
        typer.echo(f"{view.ucr}: recorded before consignments were opened; read as opened by {opener}")
        return
    state_text = "open" if record.open else "voided"
    typer.echo(
        f"{view.ucr}: {record.origin} -> {record.destination}, opening {record.opening} ({state_text}), "
        f"opened by {opener}"
    )
    rows = [(account, role, labels.get(account) or "-") for account, role in view.parties.items()]
    print_rows(rows, ("PARTY", "ROLE", "NAME"))
    typer.echo("changes:")
    for change in view.changes:
        account = shown_account(change.account, labels.get(change.account or "")) if change.account else None
        fields = (("account", account), ("role", change.role), ("reason", change.reason))
        detail = " ".join(f"{k}={v}" for k, v in fields if v)
        when = datetime.fromtimestamp(change.timestamp, UTC).isoformat()[:19] + "Z"
        typer.echo(f"  {when}  {change.kind:<13} by {shown_account(change.by, labels.get(change.by))}  {detail}")


@app.command()
def append(
    ctx: typer.Context,
    events: EventsArg,
    ucr: UcrOption,
    parent: ParentOption = None,
    document: DocumentOption = None,
    cid: CidOption = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record trade or party events (shipping, loading, advance declaration ...) of a consignment."""
    parsed = parse_epcis(events.read_bytes(), source=str(events))
    result = append_events(
        client=state(ctx).client(as_),
        ucr=ucr,
        events=parsed,
        parents=_bytes32(parent, "parent"),
        document=document.read_bytes() if document else None,
        cid=_cid(cid),
    )
    _report(result, as_json)


@app.command()
def decide(
    ctx: typer.Context,
    events: EventsArg,
    ucr: UcrOption,
    cosign: Annotated[
        list[str] | None, typer.Option("--cosign", help="Other oracle profiles of the member that sign too.")
    ] = None,
    parent: ParentOption = None,
    document: DocumentOption = None,
    cid: CidOption = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record customs decisions (pre-review, risk lane, inspection result, release ...), signed by
    a quorum of the member's oracles: the oracle of --as and every --cosign."""
    cli = state(ctx)
    client = cli.client(as_)
    member = ConsortiumBinding(client).accrediting_member(client.address)
    if member is None:
        raise KeyUnavailable(f"{client.address} is not accredited by any member")
    signers = [client.account] + [cli.client(p).account for p in cosign or []]
    result = submit_decisions(
        client=client,
        member=member,
        ucr=ucr,
        events=parse_epcis(events.read_bytes(), source=str(events)),
        signers=[s for s in signers if s is not None],
        parents=_bytes32(parent, "parent"),
        document=document.read_bytes() if document else None,
        cid=_cid(cid),
    )
    _report(result, as_json)


@app.command()
def timeline(
    ctx: typer.Context,
    ucr: UcrArg,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the steps (default: SANZHI_LANG, LANG, en).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """What happened to a consignment, in order: step, who (by name), when, document CID."""
    reader = reader_lang(lang)
    client = state(ctx).client()
    recorded, report = audit_consignment(client=client, ucr=ucr)
    names = Names.load(client=client)
    names.accounts(r.submitter for r in recorded)  # one batch for the whole timeline
    from api.routes.evidence import timeline_entry  # the service's own entry: one shape for both (and no
    # FastAPI import for the other evidence commands)

    entries = [timeline_entry(r, names, reader) for r in recorded]
    if as_json:
        print_json({"ucr": ucr, "consignment": report.consignment, "intact": report.intact, "entries": entries})
        return
    if not entries:
        typer.echo(f"{ucr}: no evidence recorded")
        return
    print_rows(
        [
            (
                str(e.seq),
                e.recorded_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                e.member,
                e.side,
                label(Vocabulary.ENTRY, "correction", reader).format(step=e.step_label)
                if e.correction
                else str(e.step_label),
                account_label(e.submitter_name, reader) or e.submitter,
                e.cid or "-",
            )
            for e in entries
        ],
        ("SEQ", "RECORDED", "MEMBER", "SIDE", "STEP", "SUBMITTER", "DOCUMENT"),
    )
    typer.echo("chain intact" if report.intact else "CHAIN BROKEN: " + "; ".join(p.problem for p in report.problems))


@app.command()
def verify(
    ctx: typer.Context,
    ucr: UcrArg,
    events: Annotated[
        list[Path] | None, typer.Option("--events", help="EPCIS files whose events must be on the chain, unaltered.")
    ] = None,
    related: Annotated[
        list[str] | None,
        typer.Option("--related", help="UCR of another consignment whose entries this one's parents may name."),
    ] = None,
    document: Annotated[
        list[str] | None,
        typer.Option("--document", help="SEQ=FILE: the document behind entry SEQ, checked against its recorded hash."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Recompute every link and compare with the registry's head (gaps, reordering, truncation,
    altered entries); check every parent reference and every correction; check the given events
    against the entries recorded for them (same hash, step and type). Exit 0 intact, 1 not."""
    client = state(ctx).client()
    recorded, report = audit_consignment(client=client, ucr=ucr)
    problems = [p.problem for p in report.problems]
    references = audit_references(client=client, ucrs=[ucr, *(related or [])])
    problems += [p.problem for p in references.problems]
    checked = 0
    for path in events or []:
        parsed = parse_epcis(path.read_bytes(), source=str(path))
        for index, check in enumerate(check_events(recorded, parsed)):
            checked += 1
            if check.misrecorded and not check.on_chain:
                problems.append(f"{path} event {index} ({check.event_hash}) is recorded under another step or type")
            elif not check.on_chain:
                problems.append(
                    f"{path} event {index} ({check.event_hash}) is not on the chain (altered, or not recorded)"
                )
    problems += _document_problems(recorded, document or [])
    unresolved = [r.parent for r in references.unresolved]
    body = {
        **report.model_dump(),
        "events_checked": checked,
        "unresolved_parents": unresolved,
        "problems": problems,
        "intact": not problems,
    }
    if as_json:
        print_json(body)
    else:
        verdict = "INTACT" if not problems else "BROKEN"
        typer.echo(f"{ucr}: {verdict}: {report.entries} entries, head at {report.head_seq}, {checked} events checked")
        if unresolved:
            typer.echo(
                f"  {len(unresolved)} parent reference(s) outside these consignments (certificates, or --related)"
            )
        for problem in problems:
            typer.echo(f"  {problem}")
    if problems:
        raise typer.Exit(1)


def _document_problems(recorded: Sequence[RecordedEntry], pairs: Sequence[str]) -> list[str]:
    """Each SEQ=FILE: the file's keccak256 is the document hash entry SEQ recorded."""
    by_seq = {r.seq: r for r in recorded}
    problems = []
    for pair in pairs:
        seq_text, _, name = pair.partition("=")
        if not seq_text.strip().isdigit() or not name:
            raise InvalidInput(f"{pair!r} is not SEQ=FILE", path="document")
        entry = by_seq.get(int(seq_text))
        if entry is None:
            problems.append(f"entry {seq_text} is not on the chain, so {name} cannot be checked")
            continue
        try:
            content = Path(name).read_bytes()
        except OSError as exc:
            raise InvalidInput(f"cannot read {name}: {exc.strerror or exc}", path="document") from None
        if not any(entry.entry.document_hash):
            problems.append(f"entry {entry.seq} recorded no document hash, so {name} cannot be checked")
        elif keccak256(content) != entry.entry.document_hash:
            problems.append(f"{name} is not the document entry {entry.seq} recorded (its content changed)")
    return problems


@app.command()
def bundle(
    ctx: typer.Context,
    ucr: UcrArg,
    out: Annotated[Path, typer.Option("--out", help="Where to write the bundle (JSON).")],
    events: Annotated[
        list[Path] | None, typer.Option("--events", help="EPCIS files to include, checked offline against the entries.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Write a proof bundle: entries, events and a state proof of the head at the latest block."""
    client = state(ctx).client()
    included: dict[str, Any] = {}
    for path in events or []:
        for event in parse_epcis(path.read_bytes(), source=str(path)):
            included[event.hash.hex] = event.to_json()
    made = make_bundle(client=client, ucr=ucr, consignment=consignment_id(ucr), events=included)
    write_atomic(out, made.model_dump_json(indent=1) + "\n")
    header = made.head_proof.header
    summary = {
        "out": str(out),
        "entries": len(made.entries),
        "events": len(included),
        "block_number": int(str(header.number), 16),
        "block_hash": str(header.hash),
        "bytes": out.stat().st_size,
    }
    if as_json:
        print_json(summary)
    else:
        typer.echo(
            f"bundle of {summary['entries']} entries written to {out} ({summary['bytes']:,} bytes); "
            f"anchored at block {summary['block_number']} {summary['block_hash']}"
        )


@app.command("verify-bundle")
def verify_bundle_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A bundle written by `sanzhi evidence bundle`.")],
    trusted_block: Annotated[str, typer.Option("--trusted-block", help="Hash of a block you trust.")],
    chain_id: Annotated[
        int | None, typer.Option("--chain-id", help="The chain you trust (default: your deployment record's).")
    ] = None,
    consortium: Annotated[
        str | None, typer.Option("--consortium", help="The Consortium you trust, with --chain-id.")
    ] = None,
    registry: Annotated[
        str | None,
        typer.Option(
            "--registry",
            help="Trust only this EvidenceRegistry (default: any the consortium lists), with --chain-id and "
            "--consortium; needed for a bundle made before listings (format 2).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check a bundle with no network at all: exit 0 valid, 1 invalid, 2 undecided (nothing to
    trust: no deployment record of the bundle's chain, and no --chain-id and --consortium)."""
    settings = state(ctx).settings
    try:
        made = read_bundle(file.read_bytes(), source=str(file))
    except OSError as exc:
        raise InvalidInput(f"cannot read {file}: {exc.strerror or exc}", path=str(file)) from None
    trust = _trust(settings.resolved_deployments_dir, made, chain_id=chain_id, consortium=consortium, registry=registry)
    if isinstance(trust, str):
        if as_json:
            print_json({"valid": None, "reason": trust})
        else:
            typer.echo(f"UNDECIDED: {trust}")
        raise typer.Exit(2)
    try:
        report = verify_bundle(
            made,
            trusted_block_hash=trusted_block,
            trust=trust,
            event_digest=lambda event: event_hash(event, validate=False).digest,
        )
    except ProofInvalid as exc:
        if as_json:
            print_json({"valid": False, "step": exc.step, "reason": exc.message})
        else:
            typer.echo(f"INVALID: {exc.message}")
        raise typer.Exit(1) from None
    if as_json:
        print_json({"valid": True, **report.model_dump()})
    else:
        typer.echo(
            f"VALID: {report.entries} entries of {report.ucr} ({report.events_checked} events checked) at block "
            f"{report.block_number} of chain {report.chain_id}, registry {report.registry} of consortium "
            f"{report.consortium}; {report.verify_ms} ms"
        )


def _trust(
    deployments: Path, made: EvidenceBundle, *, chain_id: int | None, consortium: str | None, registry: str | None
) -> BundleTrust | str:
    """What the verifier trusts: `--chain-id` and `--consortium`, else its deployment record of
    the bundle's chain; any EvidenceRegistry that consortium lists, or only `--registry`. The
    reason there is nothing to trust, as text, otherwise."""
    if chain_id is None and consortium is None:
        if registry is not None:
            return "--registry needs --chain-id and --consortium: a registry alone does not say which chain you trust"
        record = load_deployment(deployments, made.chain_id)
        if record is None or "Consortium" not in record.contracts:
            return (
                f"no deployment record of chain {made.chain_id} (the chain the bundle names): "
                "name what you trust with --chain-id and --consortium"
            )
        return BundleTrust(chain_id=record.chain_id, consortium=record.contracts["Consortium"].address)
    if chain_id is None or consortium is None:
        return "give both --chain-id and --consortium"
    return BundleTrust(chain_id=chain_id, consortium=consortium, registry=registry)
