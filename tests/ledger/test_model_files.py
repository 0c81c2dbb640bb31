"""The batch writer: new files by name, one create each, in a directory of the batch's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.model_files import write_batch


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
