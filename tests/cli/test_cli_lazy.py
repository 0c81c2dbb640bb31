"""The lazy command tables (cli/lazy.py) against the commands they name: `sanzhi --help` shows a
table's help, so it must say what the command's own help says, and no command module may be
left out of a table (it would silently disappear from `sanzhi`)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest

from cli.bench_cmd import BENCHMARKS
from cli.lazy import LazyCommand, LazyGroup
from cli.main import COMMANDS
from tests.support import ROOT, run_cli


def _every_lazy_command(
    table: tuple[LazyCommand, ...] = COMMANDS, path: str = "sanzhi"
) -> Iterator[tuple[str, LazyCommand]]:
    for lazy in table:
        yield f"{path} {lazy.name}", lazy
        loaded = lazy.load()
        if isinstance(loaded, LazyGroup):
            yield from _every_lazy_command(tuple(loaded.table), f"{path} {lazy.name}")


LAZY = dict(_every_lazy_command())


def _first_paragraph(text: str) -> str:
    return " ".join(inspect.cleandoc(text).split("\n\n")[0].split())


@pytest.mark.parametrize("path", sorted(LAZY))
def test_a_table_shows_the_help_of_the_command_it_names(path: str) -> None:
    lazy = LAZY[path]
    loaded = lazy.load()
    assert loaded.name == lazy.name
    assert lazy.help == _first_paragraph(loaded.help or "")


def test_every_command_module_is_in_a_table() -> None:
    def modules(table: tuple[LazyCommand, ...]) -> set[str]:
        return {lazy.target.split(":")[0] for lazy in table}

    assert modules(COMMANDS) == {f"cli.{p.stem}" for p in (ROOT / "cli").glob("*_cmd.py")}
    assert modules(BENCHMARKS) == {f"cli.{p.stem}" for p in (ROOT / "cli").glob("bench_*.py")} - {"cli.bench_cmd"}


def test_names_in_a_table_are_unique() -> None:
    for table in (COMMANDS, BENCHMARKS):
        names = [lazy.name for lazy in table]
        assert len(names) == len(set(names))


def test_a_mistyped_command_is_suggested_from_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "nod", "status")
    assert result.exit_code == 2
    assert "No such command 'nod'. Did you mean 'node'?" in result.stderr


def test_a_lazy_group_lists_and_runs_its_commands(capsys: pytest.CaptureFixture[str]) -> None:
    listed = run_cli(capsys, "bench", "--help")
    assert listed.exit_code == 0
    for lazy in BENCHMARKS:
        assert lazy.name in listed.stdout
    assert "--runs" in run_cli(capsys, "bench", "cli", "--help").stdout
