"""Every ```sh block of README.md runs: each `sanzhi ...` line, in order, in-process, on a
development chain with the demo seeded (what `make run` gives a new user), from a copy of the
checkout's example files. A line's expected exit code is 0 unless a comment on it says
`# exit N`; a block preceded by `<!-- readme-test: skip (reason) -->` is reported as skipped."""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli.context import CliState
from cli.main import run
from demo.seed import seed_demo
from ledger.settings import LedgerSettings
from tests.support import ROOT, Chain

README = ROOT / "README.md"
SKIP = re.compile(r"<!--\s*readme-test:\s*skip\s*\((?P<reason>[^)]*)\)\s*-->")
EXIT = re.compile(r"#\s*exit\s+(?P<code>\d+)")


@dataclass(frozen=True)
class Command:
    line: int  # in README.md, 1-based
    text: str
    expected_exit: int


@dataclass(frozen=True)
class Block:
    line: int  # of its opening fence
    commands: tuple[Command, ...]
    skip: str | None  # the reason, when marked
    others: tuple[str, ...]  # lines that are not `sanzhi` commands


def blocks(text: str) -> list[Block]:
    """The ```sh blocks of `text`, with their `sanzhi` commands (continuation lines joined)."""
    lines = text.splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```sh":
            i += 1
            continue
        opening = i
        marker = SKIP.search(lines[i - 1]) if i > 0 else None
        commands: list[Command] = []
        others: list[str] = []
        i += 1
        while lines[i].strip() != "```":
            start, text_line = i, lines[i]
            while text_line.rstrip().endswith("\\"):
                i += 1
                text_line = text_line.rstrip()[:-1].rstrip() + " " + lines[i].strip()
            command = text_line.strip()
            if command.startswith("sanzhi "):
                wanted = EXIT.search(command)
                commands.append(Command(start + 1, command, int(wanted["code"]) if wanted else 0))
            elif command:
                others.append(command)
            i += 1
        found.append(Block(opening + 1, tuple(commands), marker["reason"] if marker else None, tuple(others)))
        i += 1
    return found


README_BLOCKS = blocks(README.read_text())


def test_the_parser_reads_fences_markers_exit_codes_and_continuations() -> None:
    text = "\n".join(
        [
            "<!-- readme-test: skip (needs a Besu host) -->",
            "```sh",
            "sanzhi a",
            "```",
            "```sh",
            "sanzhi b --x \\",
            "    --y   # exit 1",
            "curl http://x",
            "```",
        ]
    )
    first, second = blocks(text)
    assert (first.skip, second.skip) == ("needs a Besu host", None)
    assert second.commands == (Command(6, "sanzhi b --x --y   # exit 1", 1),)
    assert second.others == ("curl http://x",)


@pytest.fixture
def demo(chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What `make run` leaves: the development chain with the demo seeded, its data directory (a
    copy of the test chain's profiles, deployment record and node record), and a working directory holding
    the checkout's example files; the global options that reach them."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(chain.data_dir / "profiles.json", data_dir / "profiles.json")
    shutil.copytree(chain.settings.resolved_deployments_dir, data_dir / "deployments")
    (data_dir / "node").mkdir()
    shutil.copy(chain.data_dir / "node" / "node.json", data_dir / "node" / "node.json")  # whose node it is
    state = CliState(settings=LedgerSettings(data_dir=data_dir, rpc_url=chain.rpc_url))
    seed_demo(client_for=state.client, data_dir=data_dir)
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(ROOT / "examples", work / "examples")
    (work / "oracles").symlink_to(ROOT / "oracles")
    monkeypatch.chdir(work)
    monkeypatch.delenv("SANZHI_PROFILE", raising=False)
    return ["--data-dir", str(data_dir), "--rpc-url", chain.rpc_url]


def test_every_block_is_run_or_marked() -> None:
    unmarked = [b for b in README_BLOCKS if b.skip is None and b.others]
    assert not unmarked, "\n".join(
        f"README.md:{b.line}: a block with lines that are not `sanzhi` commands ({b.others[0]!r}) "
        "needs <!-- readme-test: skip (reason) --> before it"
        for b in unmarked
    )


def test_readme_commands_run(demo: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    ran = 0
    earlier: list[str] = []  # what the commands before printed, for the failure message
    for block in README_BLOCKS:
        if block.skip is not None:
            continue
        for command in block.commands:
            args = shlex.split(command.text, comments=True)[1:]
            capsys.readouterr()
            code = run([*demo, *args])
            out, err = capsys.readouterr()
            assert code == command.expected_exit, (
                f"README.md block at line {block.line}, line {command.line}: `{command.text}` exited {code}, "
                f"expected {command.expected_exit}\nstderr: {err.strip()}\nstdout: {out.strip()[-2000:]}\n"
                "the two commands before:\n" + "\n".join(earlier[-2:])
            )
            earlier.append(f"  README.md:{command.line} `{command.text}` -> {code}\n{out.strip()[-600:]}")
            ran += 1
    assert ran > 30


@pytest.mark.parametrize("block", [b for b in README_BLOCKS if b.skip is not None], ids=lambda b: f"README.md:{b.line}")
def test_marked_blocks_are_reported_as_skipped(block: Block) -> None:
    pytest.skip(f"README.md:{block.line}: {block.skip}")
