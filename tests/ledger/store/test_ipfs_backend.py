"""The IPFS store against a real js-ipfs node (the session's, offline on loopback): the same
bytes get the same name here and there, round trips, pins, and nodes that are down or lie."""

from __future__ import annotations

from pathlib import Path

import ipfshttpclient
import pytest

from ledger.errors import InvalidInput
from ledger.store.backends import BlobBackend, IpfsBackend
from ledger.store.cid import ContentId, cid_of_bytes, cid_of_file
from ledger.store.errors import BlobNotFound
from ledger.store.ipfs import api_multiaddr
from ledger.store.unixfs import CHUNK_SIZE, MAX_LINKS
from tests.support import deterministic_bytes, write_file

pytestmark = pytest.mark.ipfs


@pytest.fixture
def ipfs(ipfs_api: str) -> IpfsBackend:
    return IpfsBackend(ipfs_api, timeout=5)


def _daemon_cid(ipfs_api: str, path: Path) -> ContentId:
    """The name the node gives the file with its own defaults for CIDv1 and raw leaves."""
    added = ipfshttpclient.Client(api_multiaddr(ipfs_api)).add(str(path), cid_version=1, raw_leaves=True, pin=False)
    return ContentId.parse(str(added["Hash"]))


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 1_000_000])
def test_our_cid_is_the_nodes(ipfs: IpfsBackend, ipfs_api: str, tmp_path: Path, size: int) -> None:
    path = write_file(tmp_path / "blob", deterministic_bytes(size, seed=size))
    ours = cid_of_file(path)
    assert _daemon_cid(ipfs_api, path) == ours
    assert ipfs.put_file(path) == ours
    assert ours.codec == ("raw" if size <= CHUNK_SIZE else "dag-pb")


def test_a_file_of_more_than_174_chunks_round_trips(ipfs: IpfsBackend, ipfs_api: str, tmp_path: Path) -> None:
    """Two levels of nodes under the root: the balanced layout's second level."""
    size = (MAX_LINKS + 1) * CHUNK_SIZE + 1  # 176 chunks, ~46 MB
    path = write_file(tmp_path / "video.enc", deterministic_bytes(size, seed=7))
    ours = cid_of_file(path)
    assert _daemon_cid(ipfs_api, path) == ours
    assert ipfs.put_file(path) == ours
    ipfs.fetch(ours, tmp_path / "back.enc")
    assert cid_of_file(tmp_path / "back.enc") == ours
    assert (tmp_path / "back.enc").stat().st_size == size


def test_round_trip_and_has(ipfs: IpfsBackend, tmp_path: Path) -> None:
    backend: BlobBackend = ipfs
    data = deterministic_bytes(3 * CHUNK_SIZE + 3, seed=3)
    cid = backend.put_file(write_file(tmp_path / "doc.enc", data))
    assert backend.has(cid)
    assert not backend.has(cid_of_bytes(b"no node holds this"))
    backend.fetch(cid, tmp_path / "out" / "doc.enc")
    assert (tmp_path / "out" / "doc.enc").read_bytes() == data
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["doc.enc"]


def test_pin_keeps_a_blob_that_was_not_pinned(ipfs: IpfsBackend, ipfs_api: str, tmp_path: Path) -> None:
    path = write_file(tmp_path / "doc.enc", deterministic_bytes(CHUNK_SIZE + 9, seed=11))
    cid = _daemon_cid(ipfs_api, path)  # added without a pin
    assert cid not in ipfs.pinned()
    ipfs.pin(cid)
    assert cid in ipfs.pinned()
    listed = ipfshttpclient.Client(api_multiaddr(ipfs_api)).pin.ls(type="recursive")["Keys"]
    assert cid in {ContentId.parse(str(key)) for key in listed}
    ipfs.pin(cid)  # again: no change, no error


def test_put_pins(ipfs: IpfsBackend, tmp_path: Path) -> None:
    cid = ipfs.put_file(write_file(tmp_path / "doc.enc", b"pinned on put"))
    assert cid in ipfs.pinned()


def test_a_blob_no_node_has_is_not_found_in_time(ipfs_api: str, tmp_path: Path) -> None:
    impatient = IpfsBackend(ipfs_api, timeout=1)
    missing = cid_of_bytes(b"never added anywhere")
    with pytest.raises(BlobNotFound, match=f"blob {missing.text} is not in the ipfs store"):
        impatient.fetch(missing, tmp_path / "out")
    with pytest.raises(BlobNotFound):
        impatient.pin(missing)
    assert list(tmp_path.iterdir()) == []


def test_put_of_a_missing_file(ipfs: IpfsBackend, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        ipfs.put_file(tmp_path / "nope")
