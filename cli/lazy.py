"""Command groups that import a command's module only when that command runs.

Importing every command module to print `sanzhi --help` cost seconds: the modules bring web3,
SQLAlchemy, FastAPI and the library with them. A lazy group knows its commands from a static
table (name, `module:attribute`, one-line help): help, suggestions for a mistyped name and
shell completion of command names read the table; resolving a command to run it (or to
complete its options) imports it. tests/cli/test_cli_lazy.py keeps the tables true to the
commands they name.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from typer import _click


@dataclass(frozen=True)
class LazyCommand:
    """A command as its group's table names it: `target` is `module:attribute`, a function (one
    command) or a Typer app (a group); `help` is the first paragraph of its help, on one line."""

    name: str
    target: str
    help: str

    def load(self) -> _click.Command:
        """Import the target and build its command."""
        module, attribute = self.target.split(":")
        loaded = getattr(importlib.import_module(module), attribute)
        command: _click.Command
        if isinstance(loaded, typer.Typer):
            command = typer.main.get_group(loaded)
        else:
            single = typer.Typer(add_completion=False)
            single.command(self.name)(loaded)
            command = typer.main.get_command(single)
        command.name = self.name
        return command


class Placeholder(TyperCommand):
    """What a lazy group lists for a command it has not imported: its name and one-line help."""

    def __init__(self, lazy: LazyCommand) -> None:
        super().__init__(name=lazy.name, help=lazy.help)
        self.lazy = lazy


class LazyGroup(TyperGroup):
    """A group of the commands in `table`. A subclass names its table, and Typer builds it with
    the group's own options and callback: `typer.Typer(cls=TheSubclass)`."""

    table: ClassVar[Sequence[LazyCommand]] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for lazy in self.table:
            self.add_command(Placeholder(lazy))

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        """The command `args` name, imported: what the group runs, or completes options of."""
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, Placeholder):
            command = command.lazy.load()
        return name, command, rest
