"""`sanzhi assess ...`: the smart-readiness self-assessment: a form, submissions committed on
chain and shared with every member, comparisons against the consortium median."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.context import AsOption, JsonOption, print_json, print_rows, signing_key, state
from ledger.assessment.answers import read_form
from ledger.assessment.compare import compare as compare_profiles
from ledger.assessment.form import form_text
from ledger.assessment.framework import load_framework
from ledger.assessment.reading import read_all
from ledger.assessment.registry import AssessmentRegistryBinding
from ledger.assessment.report import number, write_report
from ledger.assessment.service import submit_assessment
from ledger.errors import InvalidInput
from ledger.files import write_atomic
from ledger.ids import member_id_bytes, member_id_text
from ledger.labels import Lang
from ledger.store.blobs import BlobStore
from ledger.timestamps import iso

app = typer.Typer(
    help="Smart-readiness self-assessment: a form, submissions on chain, comparisons with the median.",
    no_args_is_help=True,
)

LangOption = Annotated[Lang, typer.Option("--lang", help="Language of the form or report: zh or en.")]
MemberArg = Annotated[str, typer.Argument(help="The member, e.g. CN.")]


def _member(value: str) -> str:
    return member_id_text(member_id_bytes(value))


def _evidence(values: list[str]) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for value in values:
        indicator, sep, file = value.partition("=")
        if not sep or not indicator.strip() or not file.strip():
            raise InvalidInput(f"{value!r} is not INDICATOR=FILE (e.g. SC-05=audit.pdf)", path="--evidence")
        path = Path(file.strip())
        if not path.is_file():
            raise InvalidInput(f"{file.strip()} is not a file", path="--evidence")
        found.setdefault(indicator.strip().upper(), []).append(path)
    return found


@app.command()
def template(
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the form (default: print it).")] = None,
    lang: LangOption = Lang.ZH,
    member: Annotated[str, typer.Option("--member", help="Fill in the member, e.g. CN.")] = "",
) -> None:
    """Write the self-assessment form: each indicator's levels described in comments."""
    text = form_text(load_framework(), lang, member=_member(member) if member else "")
    if out is None:
        typer.echo(text, nl=False)
        return
    write_atomic(out, text)
    typer.echo(f"wrote {out} (framework {load_framework().version}, {len(load_framework().indicators)} indicators)")


@app.command()
def submit(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The filled-in form.")],
    evidence: Annotated[
        list[str] | None,
        typer.Option("--evidence", help="INDICATOR=FILE: a document shared with every member, cited by the answer."),
    ] = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Share the answers with every member and commit their root (as the member's admin)."""
    cli = state(ctx)
    framework = load_framework()
    answers = read_form(file, framework)
    files = _evidence(evidence or [])
    client = cli.client(as_)
    result = submit_assessment(
        client=client,
        account=signing_key(client, needed_for="submitting needs the member admin's key"),
        answers=answers,
        framework=framework,
        blobs=BlobStore.configured(cli.settings),
        evidence=files,
    )
    if as_json:
        print_json(result)
        return
    if result.already_submitted:
        typer.echo(f"{result.member}: submission {result.number} already holds these answers; nothing sent")
    else:
        typer.echo(
            f"{result.member}: submission {result.number} committed, root {result.root}, answers {result.answers_cid} "
            f"shared with {len(result.readers)} accounts (tx {result.tx_hash})"
        )
    if result.members_without_key:
        typer.echo(
            f"not given access (no registered document key among their admin, customs and auditor accounts): "
            f"{', '.join(result.members_without_key)}",
            err=True,
        )


@app.command()
def compare(
    ctx: typer.Context,
    member: MemberArg,
    out: Annotated[Path, typer.Option("--out", help="Directory for report.html and report.json.")],
    with_: Annotated[str | None, typer.Option("--with", help="Another member to compare with, e.g. SG.")] = None,
    lang: LangOption = Lang.ZH,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare a member's latest levels with its previous submission and the consortium median."""
    cli = state(ctx)
    framework = load_framework()
    client = cli.client(as_)
    records = read_all(
        client=client,
        reader=signing_key(client, needed_for="reading members' answers needs a member's key (a recipient)"),
        framework=framework,
        blobs=BlobStore.configured(cli.settings),
    )
    other = _member(with_) if with_ else None
    comparison = compare_profiles(records=records, member=_member(member), framework=framework, other=other)
    html_path, json_path = write_report(comparison, framework, out, lang)
    if as_json:
        print_json({"comparison": comparison, "report_html": str(html_path), "report_json": str(json_path)})
        return
    rows = [
        (p.pillar, p.title.in_(lang), number(p.level), number(p.previous), number(p.median)) for p in comparison.pillars
    ]
    print_rows(rows, ("pillar", "", "level", "previous", "median"))
    for gap in comparison.gaps[:5]:
        typer.echo(f"gap {number(gap.gap)}: {gap.indicator} {gap.title.in_(lang)} - {gap.addressed_by.in_(lang)}")
    for message in comparison.not_read:
        typer.echo(f"not in the comparison: {message}", err=True)
    typer.echo(f"written to {html_path} and {json_path}", err=True)


@app.command()
def show(
    ctx: typer.Context,
    member: MemberArg,
    as_json: JsonOption = False,
) -> None:
    """A member's submissions on chain, oldest first (no key needed: the answers stay encrypted)."""
    history = AssessmentRegistryBinding(state(ctx).client()).history(_member(member))
    if as_json:
        print_json({"member": _member(member), "submissions": history})
        return
    if not history:
        typer.echo(f"{_member(member)} has submitted no self-assessment")
        return
    rows = [(str(s.number), iso(s.submitted_at), s.framework, str(s.indicators), s.root, s.submitter) for s in history]
    print_rows(rows, ("submission", "submitted", "framework", "indicators", "root", "submitter"))
