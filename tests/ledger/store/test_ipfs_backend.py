"""The IPFS store against a real js-ipfs node (the session's, offline on loopback): the same
bytes get the same name here and there, round trips, pins, and nodes that are down or lie."""

from __future__ import annotations

from pathlib import Path

import ipfshttpclient
import pytest

from ledger.errors import InvalidInput
from ledger.store.backends import BlobBackend, IpfsBackend, LocalBackend
from ledger.store.cid import ContentId, cid_of_bytes, cid_of_file
from ledger.store.errors import BlobCorrupted, BlobNameMismatch, BlobNotFound, StoreRefused, StoreUnavailable
from ledger.store.ipfs import api_multiaddr
from ledger.store.unixfs import CHUNK_SIZE, MAX_LINKS
from tests.support import FakeIpfsApi, deterministic_bytes, free_port, write_file

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


def test_a_node_that_is_down_is_one_clear_error_and_the_local_copy_stays(tmp_path: Path) -> None:
    local = LocalBackend(tmp_path / "blobs")
    data = deterministic_bytes(2 * CHUNK_SIZE, seed=5)
    cid = local.put_file(write_file(tmp_path / "doc.enc", data))
    api = f"/ip4/127.0.0.1/tcp/{free_port()}"  # nothing listens there
    down = IpfsBackend(api, timeout=5)
    with pytest.raises(StoreUnavailable) as refused:
        down.put_file(local.path_of(cid))
    assert str(refused.value) == (
        f"IPFS API at {api} is not answering: Connection refused; the local store keeps the blob"
    )
    for call in (lambda: down.has(cid), lambda: down.pin(cid), lambda: down.fetch(cid, tmp_path / "out")):
        with pytest.raises(StoreUnavailable, match="Connection refused"):
            call()
    assert not (tmp_path / "out").exists()
    assert local.path_of(cid).read_bytes() == data
    local.fetch(cid, tmp_path / "again.enc")
    assert (tmp_path / "again.enc").read_bytes() == data


def test_a_node_that_names_the_bytes_otherwise_is_refused(tmp_path: Path) -> None:
    path = write_file(tmp_path / "doc.enc", b"the bytes we send")
    other = cid_of_bytes(b"some other bytes")
    for theirs in (other.base58btc, "QmRaaUwTNfwgFZpeUy8qrZwrp2dY4kCKmmB5xEqvH3vtD1"):
        with FakeIpfsApi(add_hash=theirs) as fake:
            with pytest.raises(BlobNameMismatch) as refused:
                IpfsBackend(fake.api).put_file(path)
            assert theirs in str(refused.value)
            assert cid_of_bytes(b"the bytes we send").text in str(refused.value)


def test_a_node_that_returns_other_bytes_is_refused(tmp_path: Path) -> None:
    asked = cid_of_bytes(b"the certificate of origin")
    dest = write_file(tmp_path / "dest", b"kept")
    with FakeIpfsApi(cat_bytes=b"a forged certificate") as fake, pytest.raises(BlobCorrupted) as refused:
        IpfsBackend(fake.api).fetch(asked, dest)
    assert refused.value.actual == cid_of_bytes(b"a forged certificate")
    assert dest.read_bytes() == b"kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dest"]


def test_a_node_that_answers_with_an_error_is_refused_in_one_line() -> None:
    refusal = pytest.raises(StoreRefused, match="refused to pin the blob: unknown command")
    with FakeIpfsApi() as fake, refusal:  # it answers "unknown command" to a pin
        IpfsBackend(fake.api).pin(cid_of_bytes(b"x"))


def test_put_of_a_missing_file(ipfs: IpfsBackend, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        ipfs.put_file(tmp_path / "nope")


@pytest.mark.parametrize(
    ("api", "multiaddr"),
    [
        ("/ip4/127.0.0.1/tcp/5001", "/ip4/127.0.0.1/tcp/5001/http"),
        ("/ip4/127.0.0.1/tcp/5001/http", "/ip4/127.0.0.1/tcp/5001/http"),
        ("/dns/ipfs.customs.example/tcp/443/https", "/dns/ipfs.customs.example/tcp/443/https"),
        ("http://127.0.0.1:5001", "/ip4/127.0.0.1/tcp/5001/http"),
        ("http://[::1]:5001/", "/ip6/::1/tcp/5001/http"),
        ("https://ipfs.customs.example:8443", "/dns/ipfs.customs.example/tcp/8443/https"),
    ],
)
def test_api_addresses(api: str, multiaddr: str) -> None:
    assert api_multiaddr(api) == multiaddr


@pytest.mark.parametrize(
    "api",
    [
        "127.0.0.1:5001",
        "/ip4/127.0.0.1/udp/5001",
        "/ip4/127.0.0.1/tcp/99999",
        "/ip4/127.0.0.1/tcp/x",
        "/unix/tmp/ipfs.sock",
        "http://127.0.0.1",
        "http://127.0.0.1:5001/api/v0",
        "http://user:pw@127.0.0.1:5001",
        "ftp://127.0.0.1:5001",
        "http://127.0.0.1:port",
    ],
)
def test_api_addresses_refused(api: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        IpfsBackend(api)
    assert refused.value.path == "ipfs_api"
