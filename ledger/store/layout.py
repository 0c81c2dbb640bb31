"""Where the document store keeps things under the data directory.

store/blobs/<cid>          content-addressed blobs (ciphertexts and envelopes), the local backend
store/envelopes/<cid>.json the envelopes known here for a document, newest last
store/pending/<cid>        blobs not yet pushed to IPFS (`sanzhi docs sync` pushes them)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ledger.files import write_atomic
from ledger.store.cid import ContentId


@dataclass(frozen=True)
class StoreLayout:
    root: Path

    @classmethod
    def under(cls, data_dir: Path) -> StoreLayout:
        return cls(data_dir / "store")

    @property
    def blobs(self) -> Path:
        return self.root / "blobs"  # where LocalBackend.under(data_dir) keeps them

    def envelopes_of(self, document: ContentId) -> list[ContentId]:
        path = self._envelope_index(document)
        if not path.exists():
            return []
        return [ContentId.parse(text) for text in json.loads(path.read_text())]

    def add_envelope(self, document: ContentId, envelope: ContentId) -> None:
        known = [c for c in self.envelopes_of(document) if c != envelope]
        path = self._envelope_index(document)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps([c.text for c in [*known, envelope]], indent=1) + "\n")

    def mark_pending(self, cid: ContentId) -> None:
        (self.root / "pending").mkdir(parents=True, exist_ok=True)
        (self.root / "pending" / cid.text).touch()

    def pending(self) -> list[ContentId]:
        folder = self.root / "pending"
        return sorted((ContentId.parse(p.name) for p in folder.iterdir()), key=str) if folder.exists() else []

    def clear_pending(self, cid: ContentId) -> None:
        (self.root / "pending" / cid.text).unlink(missing_ok=True)

    def _envelope_index(self, document: ContentId) -> Path:
        return self.root / "envelopes" / f"{document.text}.json"
