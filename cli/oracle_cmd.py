"""`sanzhi oracle ...`: the AEO feed and its outbox (pending, done, dead letters), the risk oracle."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from cli.context import AsOption, JsonOption, print_json, print_rows, state
from ledger.consortium.binding import ConsortiumBinding
from ledger.errors import InvalidInput, KeyUnavailable, LedgerError
from oracles.aeo_feed import AeoFeed, FeedOptions, FeedReport, outbox_path
from oracles.outbox import Outbox
from oracles.risk_oracle import RiskOracle, RiskOutbox
from oracles.risk_oracle import outbox_path as risk_outbox_path
from oracles.risk_rules import load_rules

app = typer.Typer(help="Oracles: feed customs systems' decisions to the chain.", no_args_is_help=True)


@app.command("aeo-feed")
def aeo_feed(
    ctx: typer.Context,
    source: Annotated[str, typer.Option("--source", help="AEO export: a .csv or .json file, or an http(s) URL.")],
    as_: AsOption = None,
    watch: Annotated[bool, typer.Option("--watch", help="Repeat every --interval seconds until stopped.")] = False,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between cycles with --watch.")] = 60.0,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Changes per submitChanges (1-100).")] = 100,
    pipeline: Annotated[int, typer.Option("--pipeline", help="Batches sent per round trip.")] = 25,
    quorum_wait: Annotated[
        float, typer.Option("--quorum-wait", help="Seconds to wait for other oracles' signatures.")
    ] = 30.0,
    sign_only: Annotated[
        bool, typer.Option("--sign-only", help="Only sign; other oracles of the member submit.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Make the chain match the member's AEO list (changes signed by a quorum of its oracles)."""
    if not 1 <= batch_size <= 100:
        raise InvalidInput("--batch-size must be between 1 and 100", path="batch-size")
    if pipeline < 1 or interval <= 0 or quorum_wait < 0:
        raise InvalidInput("--pipeline, --interval and --quorum-wait must be positive")
    cli = state(ctx)
    options = FeedOptions(
        batch_size=batch_size, pipeline=pipeline, quorum_wait_seconds=quorum_wait, submit=not sign_only
    )
    outbox = Outbox(outbox_path(cli.settings))
    feed: AeoFeed | None = None
    try:
        while True:
            try:
                feed = feed or AeoFeed(client=cli.client(as_), outbox=outbox, options=options)
                _report(feed.run(source), as_json)
            except LedgerError as exc:
                if not watch:
                    raise
                typer.echo(f"error: {exc.message} (retrying in {interval:g}s)", err=True)
            if not watch:
                return
            time.sleep(interval)
    finally:
        outbox.close()


def _report(report: FeedReport, as_json: bool) -> None:
    if as_json:
        print_json(report)
        return
    typer.echo(
        f"{report.member} feed from {report.source}: {report.records} records, "
        f"{report.new_changes} new changes, {report.done_changes} applied in {report.transactions} "
        f"transactions, {report.new_dead_letters} new dead letters, {report.superseded} superseded"
    )
    if report.awaiting_signatures:
        typer.echo(
            f"{report.awaiting_signatures} batches await signatures of other oracles "
            f"(quorum {report.quorum}); run the feed as another {report.member} oracle"
        )


@app.command("status")
def status(
    ctx: typer.Context,
    member: Annotated[str | None, typer.Option("--member", help="Only this member's feed.")] = None,
    recent: Annotated[int, typer.Option("--recent", help="How many of the latest changes to list.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Changes by state (pending, signing, ready, submitted, done ...), open batches, dead letters."""
    path = outbox_path(state(ctx).settings)
    outbox = Outbox(path)
    try:
        key = member.upper() if member else None
        counts, batches, dead = outbox.counts(key), outbox.open_batches(key), outbox.dead_letters(key)
        changes = outbox.changes(key, limit=max(recent, 0))
    finally:
        outbox.close()
    if as_json:
        print_json(
            {"outbox": str(path), "changes": counts, "recent_changes": changes, "open_batches": batches,
             "dead_letters": dead}
        )  # fmt: skip
        return
    typer.echo(f"outbox {path}")
    total = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no changes"
    typer.echo(f"changes: {total}")
    if batches:
        print_rows(
            [(str(b["id"])[:12], str(b["member"]), str(b["state"]), str(b["changes"]), str(b["signatures"]),
              str(b["tx_hash"] or "-")) for b in batches],
            ("BATCH", "MEMBER", "STATE", "CHANGES", "SIGNATURES", "TX"),
        )  # fmt: skip
    if changes:
        typer.echo(f"latest {len(changes)} changes (DECIDED: effective on chain; '-': when recorded on chain):")
        print_rows(
            [(str(c["member"]), str(c["operator_id"]), str(c["change"]), str(c["state"]), str(c["decided_at"] or "-"),
              str(c["recorded_at"])) for c in changes],
            ("MEMBER", "OPERATOR", "CHANGE", "STATE", "DECIDED", "RECORDED"),
        )  # fmt: skip
    typer.echo(f"dead letters: {len(dead)}")
    for d in dead:
        typer.echo(f"  {d['member']} {d['ref']} {d['operator_id'] or '-'}: {d['reason']}")


@app.command("risk")
def risk(
    ctx: typer.Context,
    source: Annotated[Path, typer.Option("--source", help='Declaration export: {"declarations": [...]} (JSON).')],
    rules: Annotated[Path, typer.Option("--rules", help="The rule set (YAML).")],
    cosign: Annotated[
        list[str] | None, typer.Option("--cosign", help="Other oracle profiles of the member that sign too.")
    ] = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Decide each declared consignment's lane with the rules and record the pre-review result,
    the lane and (green) the release on its evidence chain, signed by the member's oracles.
    Exit 0 when every record is decided (now or before), 1 when some went to dead letters, 2
    when nothing could be decided."""
    cli = state(ctx)
    rule_set = load_rules(rules)
    client = cli.client(as_)
    member = ConsortiumBinding(client).accrediting_member(client.address)
    if member != rule_set.member:
        raise KeyUnavailable(f"{client.address} is not an oracle of {rule_set.member}, whose rules these are")
    signers = [client.account] + [cli.client(p).account for p in cosign or []]
    oracle = RiskOracle(
        client=client,
        rules=rule_set,
        signers=[s for s in signers if s is not None],
        outbox=RiskOutbox(risk_outbox_path(cli.settings.data_dir)),
    )
    report = oracle.run(source)
    if as_json:
        print_json(report)
    else:
        lanes = ", ".join(f"{n} {lane}" for lane, n in sorted(report.lanes.items())) or "none"
        typer.echo(
            f"{report.records} declarations: {report.decided} decided, {report.already_done} already on chain, "
            f"{report.dead} dead letters; lanes: {lanes} (rules {report.rule_set_hash[:18]}...)"
        )
        for reason in report.dead_letters:
            typer.echo(f"  dead letter: {reason}")
    # 2: nothing could be decided; 1: some records went to dead letters
    if report.dead and not report.decided and not report.already_done:
        raise typer.Exit(2)
    if report.dead:
        raise typer.Exit(1)
