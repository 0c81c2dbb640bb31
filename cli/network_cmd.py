"""`sanzhi network ...`: generate, check and change the Besu QBFT network of a consortium."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.context import JsonOption, print_json, state
from ledger.chain.evm_version import compiled_evm_version
from network.add_member import add_member
from network.chain_ids import CHAIN_ID_RANGE, DEVELOPMENT_CHAIN_IDS
from network.check import check_network
from network.export_key import export_node_key, new_key
from network.extradata import decode_extra_data
from network.generate import DEFAULT_BESU_IMAGE, init_network
from network.keys import check_password, read_password_file
from network.plan import parse_hosts, parse_member_ids, parse_node_ids
from network.remove_member import remove_member
from network.report import Severity

app = typer.Typer(
    help="Generate, check and extend a Hyperledger Besu QBFT network, one validator per member.",
    no_args_is_help=True,
)

PasswordFileOption = Annotated[
    Path | None,
    typer.Option(
        "--password-file",
        help="File whose first line is the keystore password (default: ask).",
        show_default=False,
    ),
]
PlainKeyOption = Annotated[
    bool,
    typer.Option(
        "--plain-node-key",
        help="Also write each node's plain `key` file (0600), the form Besu reads. Default: keystores only.",
    ),
]
NetworkDirArgument = Annotated[Path, typer.Argument(help="The network directory (`network init --out`).")]
NodeIdOption = Annotated[
    list[str] | None,
    typer.Option(
        "--node-id",
        help="MEMBER=NODE_ID of a member that made its key itself (`network new-key`); repeat per member.",
        show_default=False,
    ),
]


def _password(password_file: Path | None, *, confirm: bool) -> str:
    if password_file is not None:
        return read_password_file(password_file)
    return check_password(typer.prompt("Keystore password", hide_input=True, confirmation_prompt=confirm))


def _evm_version(ctx: typer.Context) -> str:
    return compiled_evm_version(state(ctx).artifacts())


@app.command()
def init(
    ctx: typer.Context,
    members: Annotated[str, typer.Option("--members", help="Member ids, one validator each: CN,SG,MY,TH.")],
    out: Annotated[Path, typer.Option("--out", help="Directory to write the network into.")],
    block_period: Annotated[int, typer.Option("--block-period", help="Seconds between blocks.")] = 2,
    chain_id: Annotated[
        int | None,
        typer.Option(
            "--chain-id",
            help=f"The network's chain id (default: drawn at random from {CHAIN_ID_RANGE.start:,} to "
            f"{CHAIN_ID_RANGE.stop - 1:,}, avoiding known networks').",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        list[str] | None,
        typer.Option(
            "--host",
            help="MEMBER=IP the other nodes dial (repeat per member). Default: a docker compose network.",
            show_default=False,
        ),
    ] = None,
    deployer: Annotated[
        str | None,
        typer.Option("--deployer", help="Prefunded deployer address (default: a new key, keys/deployer.json)."),
    ] = None,
    node_id: NodeIdOption = None,
    password_file: PasswordFileOption = None,
    plain_node_key: PlainKeyOption = False,
    force: Annotated[bool, typer.Option("--force", help="Replace a network already in --out.")] = False,
    besu_image: Annotated[str, typer.Option("--besu-image", help="Besu image for docker compose.")] = (
        DEFAULT_BESU_IMAGE
    ),
    as_json: JsonOption = False,
) -> None:
    """Write node keys, genesis, every node's configuration, docker compose and systemd units."""
    member_ids = parse_member_ids(members)
    if chain_id in DEVELOPMENT_CHAIN_IDS:
        typer.echo(
            f"warning: {chain_id} is a common development chain id: transactions signed for this network are"
            " valid on every other chain using it; leave --chain-id out to get one of the network's own",
            err=True,
        )
    hosts = parse_hosts(host or [], member_ids)
    node_ids = parse_node_ids(node_id or [], member_ids)
    evm_version = _evm_version(ctx)
    writes_keys = deployer is None or len(node_ids) < len(member_ids)
    plan = init_network(
        out=out,
        member_ids=member_ids,
        hosts=hosts,
        node_ids=node_ids,
        password=_password(password_file, confirm=True) if writes_keys else "",
        evm_version=evm_version,
        chain_id=chain_id,
        block_period=block_period,
        deployer=deployer,
        plain_node_key=plain_node_key,
        force=force,
        besu_image=besu_image,
    )
    if as_json:
        print_json({"out": str(out), **plan.model_dump(mode="json")})
        return
    picked = ", picked at random; recorded in network.json and genesis.json" if chain_id is None else ""
    typer.echo(
        f"network of {len(plan.members)} validators written to {out} (chain {plan.chain_id}{picked}, {evm_version})"
    )
    for m in plan.members:
        typer.echo(f"  {m.member_id:<4} {m.node_address}  {m.host}:{m.p2p_port}  rpc 127.0.0.1:{m.rpc_port}")
    typer.echo(f"  deployer {plan.deployer}")
    if len(plan.members) < 4:
        typer.echo(f"note: {len(plan.members)} validators tolerate no faulty one; QBFT needs 4 to tolerate 1")
    if not plain_node_key:
        typer.echo("node keys are in keys/*.json (encrypted); `sanzhi network export-key` writes Besu's key file")


@app.command()
def check(ctx: typer.Context, directory: NetworkDirArgument, as_json: JsonOption = False) -> None:
    """Decode and cross-check a network's files; exit 1 when anything is wrong."""
    report = check_network(directory, evm_version=_evm_version(ctx))
    if as_json:
        print_json({"passed": report.passed, "findings": report.findings})
    else:
        marks = {Severity.OK: "ok     ", Severity.WARNING: "warning", Severity.ERROR: "ERROR  "}
        for finding in report.findings:
            typer.echo(f"{marks[finding.severity]} {finding.check:<12} {finding.message}")
        errors = len(report.errors)
        typer.echo(f"{directory}: " + (f"{errors} problem(s)" if errors else "passed"))
    if not report.passed:
        raise typer.Exit(1)


@app.command("add-member")
def add_member_command(
    ctx: typer.Context,
    directory: NetworkDirArgument,
    member: Annotated[str, typer.Option("--member", help="The new member's id, e.g. VN.")],
    host: Annotated[
        str | None,
        typer.Option("--host", help="IP the other nodes dial (default: the next compose address).", show_default=False),
    ] = None,
    node_id: Annotated[
        str | None,
        typer.Option("--node-id", help="The node id, if the member made its key itself.", show_default=False),
    ] = None,
    password_file: PasswordFileOption = None,
    plain_node_key: PlainKeyOption = False,
    as_json: JsonOption = False,
) -> None:
    """A new member's node files and key, every allowlist updated, and the steps to bring it in."""
    added = add_member(
        root=directory,
        member_id=member,
        host=host,
        node_id=node_id,
        password=_password(password_file, confirm=True) if node_id is None else "",
        evm_version=_evm_version(ctx),
        plain_node_key=plain_node_key,
    )
    if as_json:
        print_json({"member": added.member, "steps": added.steps, "steps_file": added.steps_file})
        return
    m = added.member
    typer.echo(f"{m.member_id}: node {m.node_address} at {m.host}:{m.p2p_port}; every allowlist now names it")
    typer.echo(f"steps (also in {added.steps_file}):")
    for number, step in enumerate(added.steps, start=1):
        typer.echo(f"{number}. {step}")


@app.command("remove-member")
def remove_member_command(
    ctx: typer.Context,
    directory: NetworkDirArgument,
    member: Annotated[str, typer.Option("--member", help="The leaving member's id.")],
    as_json: JsonOption = False,
) -> None:
    """Every remaining node's allowlist without the member, its files retired, and the steps."""
    removed = remove_member(root=directory, member_id=member, evm_version=_evm_version(ctx))
    if as_json:
        print_json({"member": removed.member, "steps": removed.steps, "steps_file": removed.steps_file})
        return
    m = removed.member
    typer.echo(f"{m.member_id}: node {m.node_address} removed from every allowlist; its files are retired")
    typer.echo(f"steps (also in {removed.steps_file}):")
    for number, step in enumerate(removed.steps, start=1):
        typer.echo(f"{number}. {step}")


@app.command("export-key")
def export_key(
    directory: NetworkDirArgument,
    member: Annotated[str, typer.Option("--member", help="Whose node key.")],
    out: Annotated[Path, typer.Option("--out", help="Besu's key file to write, e.g. /etc/besu/cn/key.")],
    keystore: Annotated[
        Path | None,
        typer.Option("--keystore", help="The member's own keystore (default: the network's).", show_default=False),
    ] = None,
    password_file: PasswordFileOption = None,
) -> None:
    """Decrypt a member's node keystore into the plain key file Besu reads (mode 0600)."""
    written = export_node_key(
        root=directory,
        member_id=member,
        password=_password(password_file, confirm=False),
        out=out,
        keystore=keystore,
    )
    typer.echo(f"node key of {member.upper()} in {written} (mode 0600)")


@app.command("new-key")
def new_key_command(
    out: Annotated[Path, typer.Option("--out", help="Keystore to write (never overwritten).")],
    password_file: PasswordFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make a node key on this machine; print the node id to send for `init/add-member --node-id`."""
    made = new_key(out=out, password=_password(password_file, confirm=True))
    if as_json:
        print_json(made)
        return
    typer.echo(f"node key {made.node_address} in {made.keystore} (encrypted)")
    typer.echo(f"node id (public, send it to the network's coordinator): {made.node_id}")


@app.command()
def extradata(
    value: Annotated[str, typer.Argument(help="QBFT extraData, 0x-hex (a genesis's or a block's).")],
    as_json: JsonOption = False,
) -> None:
    """Decode QBFT extraData: validators, vote, round, seals."""
    decoded = decode_extra_data(value.strip())
    if as_json:
        print_json(decoded.model_dump(mode="json"))
        return
    typer.echo(f"validators ({len(decoded.validators)}):")
    for validator in decoded.validators:
        typer.echo(f"  {validator}")
    vote = "none" if decoded.vote is None else f"{'add' if decoded.vote.add else 'remove'} {decoded.vote.recipient}"
    typer.echo(f"vote: {vote}; round {decoded.round}; {len(decoded.seals)} commit seal(s)")
