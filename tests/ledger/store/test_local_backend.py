"""The local store: round trips, idempotent puts, and every read checked against the name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.errors import InvalidInput
from ledger.store.backends import BlobBackend, LocalBackend
from ledger.store.cid import cid_of_bytes
from ledger.store.errors import BlobCorrupted, BlobNotFound, StoreWriteFailed
from ledger.store.unixfs import CHUNK_SIZE
from tests.support import deterministic_bytes, write_file

DATA = deterministic_bytes(3 * CHUNK_SIZE + 11)


@pytest.fixture
def store(tmp_path: Path) -> LocalBackend:
    return LocalBackend(tmp_path / "blobs")


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_put_then_fetch_gives_the_same_bytes(store: LocalBackend, tmp_path: Path) -> None:
    backend: BlobBackend = store
    cid = backend.put_file(write_file(tmp_path / "doc.enc", DATA))
    assert cid == cid_of_bytes(DATA)
    assert backend.has(cid)
    assert (store.root / cid.text).read_bytes() == DATA
    backend.fetch(cid, tmp_path / "out" / "doc.enc")
    assert (tmp_path / "out" / "doc.enc").read_bytes() == DATA
    assert _leftovers(store.root) == []
    assert _leftovers(tmp_path / "out") == []


def test_the_default_store_is_under_the_data_dir(tmp_path: Path) -> None:
    store = LocalBackend.under(tmp_path)
    cid = store.write_chunks([b"x"])
    assert (tmp_path / "store" / "blobs" / cid.text).read_bytes() == b"x"


def test_put_is_idempotent(store: LocalBackend, tmp_path: Path) -> None:
    source = write_file(tmp_path / "doc.enc", DATA)
    first = store.put_file(source)
    second = store.put_file(source)
    third = store.write_chunks([DATA[:5], DATA[5:]])
    assert first == second == third
    assert [p.name for p in store.root.iterdir()] == [first.text]


def test_put_repairs_a_damaged_copy_with_the_right_bytes(store: LocalBackend, tmp_path: Path) -> None:
    cid = store.put_file(write_file(tmp_path / "doc.enc", DATA))
    store.path_of(cid).write_bytes(b"damaged")
    assert store.put_file(tmp_path / "doc.enc") == cid
    store.fetch(cid, tmp_path / "out.enc")
    assert (tmp_path / "out.enc").read_bytes() == DATA


def test_write_chunks_streams_pieces_of_any_size(store: LocalBackend) -> None:
    pieces = [DATA[i : i + 100_003] for i in range(0, len(DATA), 100_003)]
    cid = store.write_chunks(iter(pieces))
    assert cid == cid_of_bytes(DATA)
    assert store.path_of(cid).read_bytes() == DATA


def test_an_empty_blob(store: LocalBackend, tmp_path: Path) -> None:
    cid = store.write_chunks([])
    assert cid == cid_of_bytes(b"")
    store.fetch(cid, tmp_path / "empty")
    assert (tmp_path / "empty").read_bytes() == b""


def test_a_failing_source_leaves_nothing_behind(store: LocalBackend) -> None:
    def pieces() -> Iterator[bytes]:
        yield DATA[:1000]
        raise OSError("disk read error")

    with pytest.raises(OSError, match="disk read error"):
        store.write_chunks(pieces())
    assert list(store.root.iterdir()) == []


def test_a_corrupted_blob_is_refused_and_dest_untouched(store: LocalBackend, tmp_path: Path) -> None:
    cid = store.put_file(write_file(tmp_path / "doc.enc", DATA))
    damaged = bytearray(DATA)
    damaged[CHUNK_SIZE + 5] ^= 0x01  # one bit, in the second chunk
    store.path_of(cid).write_bytes(bytes(damaged))
    dest = write_file(tmp_path / "dest.enc", b"what was here before")
    with pytest.raises(BlobCorrupted) as refused:
        store.fetch(cid, dest)
    assert refused.value.actual == cid_of_bytes(bytes(damaged))
    assert str(refused.value) == (
        f"blob {cid} from the local store is corrupted: its bytes hash to {cid_of_bytes(bytes(damaged))}; refused"
    )
    assert dest.read_bytes() == b"what was here before"
    assert _leftovers(tmp_path) == []


def test_a_blob_whose_name_lies_is_refused(store: LocalBackend, tmp_path: Path) -> None:
    honest = cid_of_bytes(b"the invoice the exporter anchored")
    store.root.mkdir(parents=True)
    store.path_of(honest).write_bytes(b"an invoice someone swapped in")
    assert store.has(honest)  # has() looks at names; reads check the bytes
    dest = tmp_path / "out.enc"
    with pytest.raises(BlobCorrupted, match=honest.text):
        store.fetch(honest, dest)
    assert not dest.exists()
    with pytest.raises(BlobCorrupted):
        b"".join(store.open_verified(honest))


def test_open_verified_streams_and_checks_at_the_end(store: LocalBackend, tmp_path: Path) -> None:
    cid = store.put_file(write_file(tmp_path / "doc.enc", DATA))
    assert b"".join(store.open_verified(cid)) == DATA
    store.path_of(cid).write_bytes(DATA[:-1] + b"\x00")
    received = bytearray()

    def read_all() -> None:
        for piece in store.open_verified(cid):
            received.extend(piece)

    with pytest.raises(BlobCorrupted):
        read_all()
    assert len(received) == len(DATA)  # every byte came, and then the refusal


def test_missing_blobs(store: LocalBackend, tmp_path: Path) -> None:
    missing = cid_of_bytes(b"never stored")
    assert not store.has(missing)
    with pytest.raises(BlobNotFound, match=f"blob {missing.text} is not in the local store"):
        store.fetch(missing, tmp_path / "out")
    with pytest.raises(BlobNotFound):
        store.open_verified(missing)  # before the first byte is asked for
    with pytest.raises(BlobNotFound):
        store.pin(missing)
    assert not (tmp_path / "out").exists()


def test_pin_of_a_local_blob_keeps_it(store: LocalBackend, tmp_path: Path) -> None:
    cid = store.put_file(write_file(tmp_path / "doc.enc", DATA))
    store.pin(cid)
    assert store.has(cid)


def test_put_of_a_missing_file_or_a_directory(store: LocalBackend, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        store.put_file(tmp_path / "nope")
    with pytest.raises(InvalidInput, match="no such file"):
        store.put_file(tmp_path)


def test_fetch_to_a_directory_is_a_clear_error_and_leaves_nothing(store: LocalBackend, tmp_path: Path) -> None:
    cid = store.put_file(write_file(tmp_path / "doc.enc", DATA))
    (tmp_path / "taken").mkdir()
    with pytest.raises(StoreWriteFailed, match="cannot write"):
        store.fetch(cid, tmp_path / "taken")
    assert _leftovers(tmp_path) == []


def test_a_store_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    store = LocalBackend(write_file(tmp_path / "blobs", b"a file where the store should be"))
    with pytest.raises(StoreWriteFailed, match=f"cannot write {tmp_path / 'blobs'}"):
        store.write_chunks([DATA])
