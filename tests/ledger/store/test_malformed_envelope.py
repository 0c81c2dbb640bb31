"""An envelope that is not an envelope says so: the reader is told it is malformed and how,
never that it is "not a recipient" (which would send it asking for a share it already has)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ledger.accounts.keys import dev_account
from ledger.store.blobs import BlobStore
from ledger.store.cid import ContentId
from ledger.store.documents import get_document, store_document
from ledger.store.errors import EnvelopeMalformed, NotARecipient
from ledger.store.keys import document_public_key
from ledger.store.layout import StoreLayout
from ledger.store.registry import DocumentRegistryBinding, PartyKey

SENDER, RECIPIENT, OTHER = dev_account(15), dev_account(14), dev_account(8)


class NoChain:
    """A registry on which nobody published an envelope (the local store is all there is)."""

    def published_envelopes(self, digest: bytes) -> list[bytes]:
        return []


def party(account: Any) -> PartyKey:
    return PartyKey(
        account=account.address,
        public_key=document_public_key(account, 1),
        version=1,
        registered_at=None,
        role="trade",
        member_id="CN",
    )


@pytest.fixture
def stored(tmp_path: Path) -> tuple[BlobStore, ContentId, dict[str, Any]]:
    """A document for RECIPIENT whose only envelope was taken out of the store: the test puts its own."""
    source = tmp_path / "invoice.txt"
    source.write_bytes(b"commercial invoice 2024-117\n")
    blobs = BlobStore.open(StoreLayout(tmp_path / "store"), None)
    document = store_document(
        source=source, sender=SENDER, sender_key=party(SENDER), recipients=[party(RECIPIENT)], blobs=blobs
    )
    good = json.loads(blobs.read_small(document.envelope, limit=1 << 20))
    (tmp_path / "store" / "envelopes" / f"{document.cid.text}.json").unlink()
    return blobs, document.cid, good


def _put_envelope(blobs: BlobStore, cid: ContentId, raw: bytes) -> None:
    blobs.layout.add_envelope(cid, blobs.write([raw]))


def _read(blobs: BlobStore, cid: ContentId, account: Any, out: Path) -> None:
    registry: DocumentRegistryBinding = NoChain()  # type: ignore[assignment]
    get_document(cid=cid, account=account, blobs=blobs, registry=registry, out=out)


def _grant_field(name: str, value: str) -> Callable[[dict[str, Any]], bytes]:
    def change(envelope: dict[str, Any]) -> bytes:
        envelope["grants"][1][name] = value
        return json.dumps(envelope).encode()

    return change


MALFORMED: dict[str, tuple[Callable[[dict[str, Any]], bytes], str]] = {
    "truncated": (lambda e: json.dumps(e).encode()[:150], "JSON"),
    "not JSON at all": (lambda e: b"\x89PNG\r\n\x1a\n\x00\x00binary", "JSON"),
    "a JSON list": (lambda e: b"[1, 2, 3]", "object"),
    "another format version": (lambda e: json.dumps({**e, "format": "sanzhi-envelope/9"}).encode(), "format"),
    "a grant's wrapped key not hex": (_grant_field("wrapped_key", "0x" + "zz" * 48), "wrapped_key"),
    "a wrapped key of the wrong length": (_grant_field("wrapped_key", "0x" + "ab" * 40), "wrapped_key"),
    "an ephemeral key of the wrong length": (_grant_field("ephemeral_key", "0x" + "ab" * 31), "ephemeral_key"),
    "a grant without its recipient": (
        lambda e: json.dumps(
            {**e, "grants": [{k: v for k, v in g.items() if k != "recipient"} for g in e["grants"]]}
        ).encode(),
        "recipient",
    ),
    "grants not a list": (lambda e: json.dumps({**e, "grants": "everyone"}).encode(), "grants"),
}


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_envelope_says_so_and_how(
    stored: tuple[BlobStore, ContentId, dict[str, Any]], tmp_path: Path, kind: str
) -> None:
    blobs, cid, good = stored
    make, named = MALFORMED[kind]
    _put_envelope(blobs, cid, make(good))
    out = tmp_path / "out.txt"
    with pytest.raises(EnvelopeMalformed) as refused:
        _read(blobs, cid, RECIPIENT, out)
    message = refused.value.message
    assert "is malformed: " in message
    assert named in message
    assert "not a recipient" not in message
    assert "\n" not in message
    assert not out.exists()


def test_a_malformed_envelope_beside_a_good_one_does_not_stop_the_reader(
    stored: tuple[BlobStore, ContentId, dict[str, Any]], tmp_path: Path
) -> None:
    blobs, cid, good = stored
    _put_envelope(blobs, cid, json.dumps(good).encode())
    _put_envelope(blobs, cid, b"{not json")  # the newer one is tried first
    _read(blobs, cid, RECIPIENT, tmp_path / "out.txt")
    assert (tmp_path / "out.txt").read_bytes() == b"commercial invoice 2024-117\n"


def test_a_well_formed_envelope_without_a_grant_still_says_not_a_recipient(
    stored: tuple[BlobStore, ContentId, dict[str, Any]], tmp_path: Path
) -> None:
    blobs, cid, good = stored
    _put_envelope(blobs, cid, json.dumps(good).encode())
    with pytest.raises(NotARecipient):
        _read(blobs, cid, OTHER, tmp_path / "out.txt")


def test_a_field_name_an_envelope_brings_stays_on_one_line(
    stored: tuple[BlobStore, ContentId, dict[str, Any]], tmp_path: Path
) -> None:
    blobs, cid, good = stored
    _put_envelope(blobs, cid, json.dumps({**good, "note\nnot a recipient\u202e": 1}).encode())
    with pytest.raises(EnvelopeMalformed) as refused:
        _read(blobs, cid, RECIPIENT, tmp_path / "out.txt")
    assert "\n" not in refused.value.message
    assert "\u202e" not in refused.value.message
    assert "Extra inputs are not permitted" in refused.value.message
