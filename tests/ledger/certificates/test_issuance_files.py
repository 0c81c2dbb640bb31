"""What issuing costs the file system per certificate: one create and one rename, nothing else.

With thousands of certificates the directory operations, not the bytes, are what the disk
costs, so an operation added per certificate (a temporary name, a look-up, an fsync) shows
here. Operations done once per issuance (the journal, the staging directory) are not counted.
"""

from __future__ import annotations

import builtins
import io
import os
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ledger.certificates.issuance import issue_files
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.wrapped import read_wrapped
from tests.support import Chain, write_co_samples


class FileSystemLog:
    """The operations on names containing a certificate's file name, per certificate, and
    the directory listings and fsyncs of any file, counted through the `os` and `io` calls."""

    def __init__(self, names: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.names = names
        self.done: dict[str, list[str]] = defaultdict(list)
        self.listings = 0
        self.fsyncs = 0
        self._patch = monkeypatch
        self._wrap(os, "open", lambda path, flags, *_, **__: "create" if flags & os.O_CREAT else "open", path_at=0)
        opened = self._mode_kind
        self._wrap(io, "open", opened, path_at=0)
        self._wrap(builtins, "open", opened, path_at=0)
        for name in ("replace", "rename"):
            self._wrap(os, name, lambda *_, **__: "rename", path_at=0, also_at=1)
        for name in ("stat", "lstat"):
            self._wrap(os, name, lambda *_, **__: "look-up", path_at=0)
        for name in ("unlink", "remove"):
            self._wrap(os, name, lambda *_, **__: "remove", path_at=0)
        for name in ("scandir", "listdir"):
            self._wrap(os, name, lambda *_, **__: self._count("listings"))
        self._wrap(os, "fsync", lambda *_, **__: self._count("fsyncs"))

    @staticmethod
    def _mode_kind(path: Any, mode: str = "r", *_: Any, **__: Any) -> str:
        return "create" if set(mode) & set("wxa") else "open"

    def _count(self, what: str) -> None:
        setattr(self, what, getattr(self, what) + 1)

    def _wrap(
        self, module: Any, name: str, kind: Callable[..., Any], path_at: int | None = None, also_at: int | None = None
    ) -> None:
        original = getattr(module, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            what = kind(*args, **kwargs)
            touched = {str(args[i]) for i in (path_at, also_at) if i is not None and i < len(args)}
            for certificate in {c for c in self.names for path in touched if c in os.path.basename(path)}:
                self.done[certificate].append(what)
            return original(*args, **kwargs)

        self._patch.setattr(module, name, counted)


def test_a_certificate_costs_one_create_and_one_rename(
    chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_co_samples(tmp_path / "in", 12, seed=31)
    out = tmp_path / "out"
    registry = CertificateRegistryBinding(chain.client("cn-issuer"))
    log = FileSystemLog([f.name for f in files], monkeypatch)

    issue_files(registry=registry, doc_type="certificate-of-origin", files=files, out_dir=out, batch_size=5, workers=1)
    monkeypatch.undo()

    # reading an input is an `open` of the input's path, which is under another directory
    assert {name: log.done[name] for name in log.done} == {f.name: ["open", "create", "rename"] for f in files}
    assert log.listings < len(files)  # none per certificate
    assert log.fsyncs < len(files)
    assert [read_wrapped(out / f.name).proof.chain_id for f in files] == [chain.client().chain_id] * len(files)
