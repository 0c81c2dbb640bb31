"""The IPFS blob store: a node's HTTP RPC API (Kubo; js-ipfs in development) via ipfshttpclient."""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import ipfshttpclient
import requests
from ipfshttpclient import http_requests

from ledger.errors import InvalidInput
from ledger.store.cid import CidBuilder, ContentId
from ledger.store.errors import BlobNameMismatch, BlobNotFound, StoreRefused, StoreUnavailable
from ledger.store.files import write_verified
from ledger.store.unixfs import CHUNK_SIZE

# ipfshttpclient 0.8.0a2 sends its requests through a wrapper of `requests` that hands
# urllib3 2 a `strict` pool option, and urllib3 warns about it on every request. Its own
# switch (PY_IPFS_HTTP_CLIENT_PATCH_REQUESTS=no) uses plain `requests` instead, but is read
# only when ipfshttpclient is first imported, wherever that happens; these two lines are
# what the switch sets, applied whatever the import order. The wrapper only adds pinning to
# an address family, which an API given as host and port does not need.
http_requests.PATCH_REQUESTS = False
http_requests.requests = requests

# how long `has` lets a node look for a block it may not hold (Kubo answers at once offline)
HAS_WAIT_SECONDS = 1.0
_NOT_FOUND = re.compile(r"not found|could not find|timed out|deadline exceeded", re.IGNORECASE)
_ERRNO_TEXT = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")


def api_multiaddr(api: str) -> str:
    """`/ip4/127.0.0.1/tcp/5001[/http]` or `http://host:port` -> the multiaddr the client takes."""
    if api.startswith("/"):
        parts = api.strip("/").split("/")
        scheme = parts.pop() if parts[-1] in ("http", "https") else "http"
        if len(parts) != 4 or parts[0] not in ("ip4", "ip6", "dns", "dns4", "dns6") or parts[2] != "tcp":
            raise InvalidInput(f"{api!r} is not an API multiaddr such as /ip4/127.0.0.1/tcp/5001", path="ipfs_api")
        return f"/{parts[0]}/{parts[1]}/tcp/{_port(parts[3], api)}/{scheme}"
    url = urllib.parse.urlsplit(api)
    if url.scheme not in ("http", "https") or not url.hostname or url.username or url.query or url.fragment:
        raise InvalidInput(f"{api!r} is neither a multiaddr nor an http://host:port URL", path="ipfs_api")
    if url.path not in ("", "/"):
        raise InvalidInput(f"{api!r}: give the API's host and port only, without a path", path="ipfs_api")
    try:
        port = url.port
    except ValueError:
        port = None
    if port is None:
        raise InvalidInput(f"{api!r} names no port (the API listens on 5001 by default)", path="ipfs_api")
    try:
        family = "ip4" if ipaddress.ip_address(url.hostname).version == 4 else "ip6"
    except ValueError:
        family = "dns"
    return f"/{family}/{url.hostname}/tcp/{port}/{url.scheme}"


def _port(text: str, api: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise InvalidInput(f"{api!r}: {text!r} is not a TCP port", path="ipfs_api")
    return int(text)


class IpfsBackend:
    """Blobs on an IPFS node, added with the default import settings and checked on read."""

    name = "ipfs"

    def __init__(self, api: str, timeout: float = 30) -> None:
        self.api = api
        self.timeout = timeout
        self._client = ipfshttpclient.Client(api_multiaddr(api), timeout=timeout)

    def put_file(self, path: Path) -> ContentId:
        """Add (and pin) the file; the node's name for it must be ours, else BlobNameMismatch."""
        if not path.is_file():
            raise InvalidInput("no such file", path=str(path))
        with path.open("rb") as handle, self._errors("add the blob"):
            reader = _HashingReader(handle)
            added = self._client.add(
                reader, cid_version=1, raw_leaves=True, chunker=f"size-{CHUNK_SIZE}", trickle=False, pin=True
            )
        ours = reader.builder.finish()
        theirs = str(added["Hash"])
        try:
            named = ContentId.parse(theirs)
        except InvalidInput:
            named = None
        if named != ours:
            raise BlobNameMismatch(self.api, str(path), theirs, ours)
        return ours

    def has(self, cid: ContentId) -> bool:
        """Whether the node holds the blob's root block itself (it does not ask the network)."""
        try:
            with self._errors("look the blob up", cid):
                self._client.block.stat(cid.text, offline=True, opts={"timeout": f"{HAS_WAIT_SECONDS:g}s"})
        except BlobNotFound:
            return False
        return True

    def fetch(self, cid: ContentId, dest: Path) -> None:
        """Stream the blob to `dest` (from the network if the node must): written only if the
        bytes hash to `cid`. The node gets `timeout` seconds to find it, else BlobNotFound."""
        with self._errors("read the blob", cid):
            stream = self._client.cat(cid.text, stream=True, opts=self._patience(), timeout=self.timeout + 5)
            with closing(stream):
                write_verified(stream, cid=cid, dest=dest, backend=self.name)

    def pin(self, cid: ContentId) -> None:
        """Keep the blob (and every block under it) on the node through garbage collection."""
        with self._errors("pin the blob", cid):
            self._client.pin.add(cid.text, opts={"recursive": "true", **self._patience()}, timeout=self.timeout + 5)

    def pinned(self) -> set[ContentId]:
        """The blobs pinned whole (recursively) on the node."""
        with self._errors("list pins"):
            keys = self._client.pin.ls(type="recursive")["Keys"]
        return {ContentId.parse(str(key)) for key in keys}

    def _patience(self) -> dict[str, str]:
        """The node's own deadline for finding blocks, a little before ours runs out."""
        return {"timeout": f"{self.timeout:g}s"}

    @contextmanager
    def _errors(self, operation: str, cid: ContentId | None = None) -> Iterator[None]:
        """The client's exceptions as the store's: down -> StoreUnavailable; not found in
        time -> BlobNotFound; any other refusal -> StoreRefused."""
        errors = ipfshttpclient.exceptions
        try:
            yield
        except (errors.ConnectionError, errors.ProtocolError) as exc:
            raise StoreUnavailable(self.api, _reason(exc)) from None
        except errors.TimeoutError:
            raise StoreUnavailable(self.api, f"no answer within {self.timeout:g} s") from None
        except errors.ErrorResponse as exc:
            message = str(exc.args[0]) if exc.args else str(exc)
            if cid is not None and _NOT_FOUND.search(message):
                raise BlobNotFound(cid, self.name, f"{self.api}: {message}") from None
            raise StoreRefused(self.api, operation, message) from None
        except errors.Error as exc:
            raise StoreRefused(self.api, operation, _reason(exc)) from None


class _HashingReader:
    """A file as ipfshttpclient reads it for upload, hashed on the way: the CID is that of
    exactly the bytes sent, in the same single pass."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self.name = handle.name
        self.builder = CidBuilder()

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._handle.read(size)
        self.builder.update(data)
        return data


def _reason(exc: BaseException) -> str:
    """The short cause of a client error: 'Connection refused', not the pool's whole story."""
    text = str(exc)
    found = _ERRNO_TEXT.search(text)
    if found:
        return found.group(1).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
