"""The IPFS store when the node is down, answers with an error or lies, and the API addresses
it takes: no daemon needed (a fake node on loopback answers, or nothing does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.errors import InvalidInput
from ledger.store.backends import IpfsBackend, LocalBackend
from ledger.store.cid import cid_of_bytes
from ledger.store.errors import BlobCorrupted, BlobNameMismatch, StoreRefused, StoreUnavailable
from ledger.store.ipfs import api_multiaddr
from ledger.store.unixfs import CHUNK_SIZE
from tests.support import FakeIpfsApi, deterministic_bytes, free_port, write_file


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
