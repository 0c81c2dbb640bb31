"""The DAG `ipfs add --cid-version=1 --raw-leaves` builds for a file, computed as it streams.

IPFS's default import cuts a file into chunks of 262,144 bytes. Each chunk is a raw block
(CID codec raw). A file of one chunk is that block. Otherwise the chunks are grouped, 174 at
a time in file order, under UnixFS file nodes (CID codec dag-pb); those nodes are grouped 174
at a time again, and so on up to a single root: the "balanced" layout, where every subtree
left of the last one is full. Kubo and js-ipfs build the same tree, so a file has one name.

Hand-written, because no maintained Python package builds UnixFS DAGs, and the encoding
needed is a few protobuf fields (below). Memory stays bounded: one running sha256 for the
chunk being read and at most 174 children waiting per level of the tree.

A dag-pb node (PBNode) in its canonical encoding: every link first, then the data.
    PBNode  = *(0x12 len PBLink) 0x0a len Data
    PBLink  = 0x0a len <child CID bytes> 0x12 0x00 (Name "", present) 0x18 varint(Tsize)
    Data    = 0x08 0x02 (Type File) 0x18 varint(filesize) *(0x20 varint(blocksize))
Tsize is the size of the child's block plus the Tsize of its links (the whole subtree);
blocksize is the number of file bytes under the child. A node holds no file bytes itself
(field 2 of Data is absent), so filesize is the sum of the blocksizes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

CHUNK_SIZE = 262_144
MAX_LINKS = 174
# binary CIDv1 headers: version 1, codec (raw 0x55 / dag-pb 0x70), sha2-256 (0x12), 32 bytes
RAW_HEADER = bytes([0x01, 0x55, 0x12, 0x20])
DAG_PB_HEADER = bytes([0x01, 0x70, 0x12, 0x20])


def varint(value: int) -> bytes:
    """Unsigned LEB128, as protobuf and multiformats write integers."""
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


@dataclass(frozen=True)
class _Child:
    """A block as its parent links it."""

    cid: bytes  # binary CID
    tsize: int  # bytes of every block in its subtree
    filesize: int  # file bytes in its subtree


def _file_node(children: list[_Child]) -> _Child:
    """The UnixFS file node linking `children` in order."""
    filesize = sum(child.filesize for child in children)
    data = b"\x08\x02\x18" + varint(filesize) + b"".join(b"\x20" + varint(c.filesize) for c in children)
    encoded = bytearray()
    for child in children:
        link = b"\x0a" + varint(len(child.cid)) + child.cid + b"\x12\x00\x18" + varint(child.tsize)
        encoded += b"\x12" + varint(len(link)) + link
    encoded += b"\x0a" + varint(len(data)) + data
    cid = DAG_PB_HEADER + hashlib.sha256(encoded).digest()
    return _Child(cid=cid, tsize=len(encoded) + sum(c.tsize for c in children), filesize=filesize)


class FileDag:
    """Feed a file's bytes in pieces of any size; `finish` returns the root's binary CID."""

    def __init__(self) -> None:
        self._chunk = hashlib.sha256()
        self._filled = 0  # bytes in the chunk being read
        self._chunks = 0
        self.size = 0
        # _levels[0]: raw chunks not yet under a node; _levels[n]: nodes of height n
        self._levels: list[list[_Child]] = [[]]

    def update(self, data: bytes | bytearray | memoryview) -> None:
        view = memoryview(data).cast("B")
        self.size += len(view)
        while len(view):
            take = min(CHUNK_SIZE - self._filled, len(view))
            self._chunk.update(view[:take])
            self._filled += take
            view = view[take:]
            if self._filled == CHUNK_SIZE:
                self._close_chunk()

    def finish(self) -> bytes:
        if self._filled or self._chunks == 0:  # the tail, or the one empty chunk of an empty file
            self._close_chunk()
        levels = self._levels
        height = 0
        while True:
            nodes = levels[height]
            higher = any(levels[h] for h in range(height + 1, len(levels)))
            if len(nodes) == 1 and not higher:
                return nodes[0].cid
            if nodes:
                levels[height] = []
                self._add(height + 1, _file_node(nodes), group=False)
            height += 1

    def _close_chunk(self) -> None:
        digest = self._chunk.digest()
        self._add(0, _Child(cid=RAW_HEADER + digest, tsize=self._filled, filesize=self._filled), group=True)
        self._chunks += 1
        self._chunk = hashlib.sha256()
        self._filled = 0

    def _add(self, height: int, child: _Child, *, group: bool) -> None:
        """Queue `child`; a full group of MAX_LINKS becomes a node one level up at once (the
        balanced layout fills groups left to right, so a full group never changes)."""
        if height == len(self._levels):
            self._levels.append([])
        level = self._levels[height]
        level.append(child)
        if group and len(level) == MAX_LINKS:
            self._levels[height] = []
            self._add(height + 1, _file_node(level), group=True)
