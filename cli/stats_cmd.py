"""`sanzhi stats ...`: monthly trade statistics tables committed on chain, mirror comparisons."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from cli.context import AsOption, JsonOption, print_json, print_rows, state
from cli.docs_cmd import fetch_document
from ledger.errors import InvalidInput
from ledger.ids import member_id_bytes, member_id_text
from ledger.statistics import (
    StatisticsRegistryBinding,
    TableKey,
    Thresholds,
    check_shared_copy,
    commit_table,
    compare_mirror,
    mirror_pair,
    read_table,
    verify_table,
)
from ledger.statistics.compare import DEFAULT_ABSOLUTE_USD, DEFAULT_RELATIVE_PCT
from ledger.statistics.report import summary_markdown, write_report
from ledger.statistics.samples import SEED, write_samples
from ledger.statistics.table import Flow, parse_amount, parse_period
from ledger.store.cid import ContentId
from ledger.timestamps import iso

app = typer.Typer(
    help="Trade statistics: monthly tables committed as Merkle roots, mirror comparisons.", no_args_is_help=True
)

TableArg = Annotated[Path, typer.Argument(help="A statistics table (CSV; see docs/formats.md).")]
PeriodOption = Annotated[str, typer.Option("--period", help="The month, YYYY-MM (e.g. 2026-10).")]


def _theirs(ctx: typer.Context, value: str, reader: str | None, workdir: Path) -> tuple[Path, ContentId | None]:
    """The partner's table: a file here, or the CID of a document shared with `reader` in the store."""
    path = Path(value)
    if path.is_file():
        return path, None
    if not value.startswith(("b", "z")):
        raise InvalidInput(f"{value!r} is neither a file here nor a document CID", path="theirs")
    cid = ContentId.parse(value)
    if reader is None:
        raise InvalidInput("reading a shared table needs the reader's key: pass --as PROFILE", path="theirs")
    out = workdir / f"{cid.text}.csv"
    fetch_document(state(ctx).settings, cid=cid, profile=reader, out=out)
    return out, cid


@app.command()
def commit(
    ctx: typer.Context,
    file: TableArg,
    cid: Annotated[
        str | None, typer.Option("--cid", help="CIDv1 of the rows file shared through the document store.")
    ] = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Commit a table's Merkle root as a new revision (an oracle of the table's reporter signs)."""
    table = read_table(file)
    digest = ContentId.parse(cid).digest if cid else None
    result = commit_table(client=state(ctx).client(as_), table=table, cid_digest=digest)
    if as_json:
        print_json(result)
    elif result.already_committed:
        typer.echo(
            f"{table.describe()}: already revision {result.revision} (committed {iso(result.committed_at)}); "
            "nothing sent"
        )
    else:
        typer.echo(
            f"{table.describe()}: revision {result.revision} committed, root {result.root}, {result.rows} rows "
            f"(tx {result.tx_hash})"
        )


@app.command()
def compare(
    ctx: typer.Context,
    ours: Annotated[Path, typer.Option("--ours", help="Your own table (CSV).")],
    theirs: Annotated[str, typer.Option("--theirs", help="The partner's mirror table: a file (or a CID).")],
    period: PeriodOption,
    out: Annotated[Path, typer.Option("--out", help="Directory for discrepancies.csv and summary.md.")],
    absolute: Annotated[str, typer.Option("--abs", help="Absolute threshold, US dollars.")] = str(DEFAULT_ABSOLUTE_USD),
    relative: Annotated[str, typer.Option("--rel", help="Relative threshold, percent of the export value.")] = str(
        DEFAULT_RELATIVE_PCT
    ),
    level: Annotated[int, typer.Option("--level", help="HS digits to compare by: 2, 4 or 6.")] = 2,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check both tables against their reporters' latest roots on chain, then compare them.

    `--theirs CID` reads the partner's table from the document store (as the `--as` profile, a
    recipient) and checks that it is the very document the partner committed with its root."""
    limits = Thresholds(
        absolute_usd=parse_amount(absolute, decimals=2, path="abs"),
        relative_pct=parse_amount(relative, decimals=2, path="rel"),
    )
    with tempfile.TemporaryDirectory(prefix="sanzhi-stats-") as scratch:  # a decrypted copy lives only here
        theirs_path, theirs_cid = _theirs(ctx, theirs, as_, Path(scratch))
        theirs_table = read_table(theirs_path)
    exports, imports = mirror_pair(read_table(ours), theirs_table, period=parse_period(period, path="period"))
    client = state(ctx).client()
    revisions = (verify_table(client=client, table=exports), verify_table(client=client, table=imports))
    if theirs_cid is not None:
        committed = revisions[0] if exports.key == theirs_table.key else revisions[1]
        check_shared_copy(theirs_table, committed, theirs_cid.digest)
    comparison = compare_mirror(exports=exports, imports=imports, level=level, thresholds=limits, revisions=revisions)
    csv_path, md_path = write_report(comparison, out)
    if as_json:
        print_json({"comparison": comparison, "discrepancies_csv": str(csv_path), "summary": str(md_path)})
    else:
        typer.echo(summary_markdown(comparison))
        typer.echo(f"written to {csv_path} and {md_path}", err=True)


@app.command()
def history(
    ctx: typer.Context,
    reporter: Annotated[str, typer.Option("--reporter", help="The reporting member, e.g. CN.")],
    flow: Annotated[Flow, typer.Option("--flow", help="export or import.")],
    partner: Annotated[str, typer.Option("--partner", help="The partner member, e.g. SG.")],
    period: PeriodOption,
    as_json: JsonOption = False,
) -> None:
    """Every revision a member committed of one table, oldest first."""
    key = TableKey(
        reporter=member_id_text(member_id_bytes(reporter)),
        flow=flow,
        partner=member_id_text(member_id_bytes(partner)),
        period=parse_period(period, path="period"),
    )
    revisions = StatisticsRegistryBinding(state(ctx).client()).revisions(key)
    if as_json:
        print_json({"table": key, "revisions": revisions})
        return
    if not revisions:
        typer.echo(f"{key.describe()}: nothing committed")
        return
    typer.echo(f"{key.describe()}:")
    rows = [(str(r.number), iso(r.committed_at), str(r.rows), r.root, r.committer) for r in revisions]
    print_rows(rows, ("revision", "committed", "rows", "root", "committer"))


@app.command()
def sample(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the two tables into.")] = Path("samples"),
    period: PeriodOption = "2026-10",
    seed: Annotated[int, typer.Option("--seed")] = SEED,
) -> None:
    """Write synthetic mirror tables (CN exports to SG, SG imports from CN) with planted discrepancies."""
    for path in write_samples(out, period=parse_period(period, path="period"), seed=seed):
        typer.echo(str(path))
