"""The one atomic file writer (ledger.files): whole files or none, with the permissions asked;
and its batch form, new files by name, one create each, in a directory of the batch's own."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.files import (
    atomic_open,
    atomic_open_text,
    move_names,
    replace_directory,
    staged,
    write_atomic,
    write_batch,
)


@pytest.fixture
def umask() -> Iterator[None]:
    """A umask of 027 for the test (the process's own is restored after)."""
    before = os.umask(0o027)
    yield
    os.umask(before)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write_half_then_fail(path: Path) -> None:
    with atomic_open(path) as out:
        out.write(b"half of it")
        raise RuntimeError("source failed")


def _write_text_then_fail(path: Path) -> None:
    with atomic_open_text(path) as out:
        out.write("a,b\n")
        raise RuntimeError("query failed")


def test_the_content_lands_whole_and_replaces_the_old(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_text("old")
    big = bytes(range(256)) * 4096

    assert write_atomic(path, big) == path
    assert path.read_bytes() == big
    write_atomic(path, "咖啡\n")
    assert path.read_text("utf-8") == "咖啡\n"
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]


def test_until_the_block_ends_a_reader_sees_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_text("old")
    with atomic_open(path) as out:
        out.write(b"new")
        out.flush()
        assert path.read_text() == "old"
    assert path.read_text() == "new"


def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_text("old")

    with pytest.raises(RuntimeError, match="source failed"):
        _write_half_then_fail(path)

    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]


def test_a_failed_rename_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "record.json"
    path.write_text("old")

    def refuse(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        write_atomic(path, "new")

    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o644])
def test_the_file_gets_exactly_the_mode_asked(tmp_path: Path, mode: int) -> None:
    path = write_atomic(tmp_path / "key", b"secret", mode=mode)
    assert _mode(path) == mode


@pytest.mark.usefixtures("umask")
def test_without_a_mode_the_umask_decides_as_for_open(tmp_path: Path) -> None:
    assert _mode(write_atomic(tmp_path / "record.json", "{}")) == 0o640


def test_a_private_file_replaces_a_public_one_privately(tmp_path: Path) -> None:
    path = tmp_path / "key"
    path.write_text("old")
    path.chmod(0o644)
    write_atomic(path, "new", mode=0o600)
    assert _mode(path) == 0o600


def test_text_keeps_the_newlines_it_is_given(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    with atomic_open_text(path, newline="") as out:
        out.write("a,b\r\n咖啡,2\r\n")
    assert path.read_bytes() == "a,b\r\n咖啡,2\r\n".encode()


def test_a_text_block_that_fails_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    with pytest.raises(RuntimeError, match="query failed"):
        _write_text_then_fail(path)
    assert list(tmp_path.iterdir()) == []


def test_a_staged_file_is_named_at_the_end_or_discarded(tmp_path: Path) -> None:
    with staged(tmp_path) as stage:
        stage.file.write(b"blob")
        stage.commit(tmp_path / "named-after-its-hash")
    with staged(tmp_path) as stage:
        stage.file.write(b"never named")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"named-after-its-hash": b"blob"}


def test_a_directory_takes_the_place_of_another(tmp_path: Path) -> None:
    target, staging = tmp_path / "network", tmp_path / ".staging"
    for directory, text in ((target, "old"), (staging, "new")):
        directory.mkdir()
        (directory / "genesis.json").write_text(text)

    replace_directory(staging, target)

    assert [p.name for p in tmp_path.iterdir()] == ["network"]
    assert (target / "genesis.json").read_text() == "new"


@pytest.mark.parametrize("existing", [False, True])
def test_a_directory_goes_where_there_was_none_or_an_empty_one(tmp_path: Path, existing: bool) -> None:
    target, staging = tmp_path / "network", tmp_path / ".staging"
    if existing:
        target.mkdir()
    staging.mkdir()
    (staging / "genesis.json").write_text("new")

    replace_directory(staging, target)

    assert (target / "genesis.json").read_text() == "new"
    assert not staging.exists()


def test_names_move_between_directories_and_the_missing_ones_are_told(tmp_path: Path) -> None:
    source, target = tmp_path / "staged", tmp_path / "out"
    source.mkdir()
    target.mkdir()
    (source / "a.json").write_text("a")
    (source / "b.json").write_text("b")

    assert move_names(source, target, ["a.json", "gone.json", "b.json"]) == ["gone.json"]

    assert {p.name: p.read_text() for p in target.iterdir()} == {"a.json": "a", "b.json": "b"}
    assert list(source.iterdir()) == []


def test_a_batch_writes_every_file_whole_under_its_own_name(tmp_path: Path) -> None:
    contents = {f"co-{n}.json": f'{{"n": {n}, "text": "咖啡"}}\n'.encode() * (n + 1) for n in range(5)}
    big = bytes(range(256)) * 1024  # larger than one write of a pipe or a page
    contents["big.bin"] = big

    assert write_batch(tmp_path, contents.items()) == 6

    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == contents


def test_a_batch_never_overwrites_a_file_already_there(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_bytes(b"earlier")

    with pytest.raises(FileExistsError):
        write_batch(tmp_path, [("a.json", b"a"), ("b.json", b"b"), ("c.json", b"c")])

    assert (tmp_path / "b.json").read_bytes() == b"earlier"
    assert not (tmp_path / "c.json").exists()  # the batch stops at the first refusal


@pytest.mark.parametrize("name", ["", ".", "..", "sub/a.json", "../a.json"])
def test_a_batch_writes_only_into_its_directory(tmp_path: Path, name: str) -> None:
    (tmp_path / "sub").mkdir()
    folder = tmp_path / "batch"
    folder.mkdir()

    with pytest.raises(ValueError, match="not a file name"):
        write_batch(folder, [(name, b"x")])

    assert not list(folder.iterdir())
    assert not list((tmp_path / "sub").iterdir())
