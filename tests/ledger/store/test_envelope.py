"""Envelopes: wrapped keys open only for their recipient; forged or moved grants are refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.accounts.keys import dev_account
from ledger.store.envelope import Envelope, add_grant, check_envelope, new_envelope, open_grant
from ledger.store.errors import EnvelopeTampered, NotARecipient
from ledger.store.keys import document_public_key
from ledger.store.stream import new_document_key

SENDER, RECIPIENT, OTHER = dev_account(15), dev_account(14), dev_account(8)
DOCUMENT = "bafkreidocument"
CID = b"\x01\x55\x12\x20" + b"\x11" * 32


def envelope_for(*recipients: tuple[object, int], key: bytes) -> Envelope:
    envelope = new_envelope(creator=SENDER, document=DOCUMENT, chunk_bytes=1 << 20, size=10)
    for account, version in recipients:
        envelope = add_grant(
            envelope,
            document_cid=CID,
            document_key=key,
            granter=SENDER,
            recipient=account.address,  # type: ignore[attr-defined]
            key_version=version,
            recipient_key=document_public_key(account, version),  # type: ignore[arg-type]
        )
    return envelope


def test_each_recipient_opens_its_own_grant() -> None:
    key = new_document_key()
    envelope = envelope_for((SENDER, 1), (RECIPIENT, 2), key=key)
    check_envelope(envelope, DOCUMENT)
    assert open_grant(envelope, document_cid=CID, account=RECIPIENT) == key
    assert open_grant(envelope, document_cid=CID, account=SENDER) == key


def test_a_party_without_a_grant_is_refused_clearly() -> None:
    envelope = envelope_for((RECIPIENT, 1), key=new_document_key())
    with pytest.raises(NotARecipient, match="sanzhi docs share"):
        open_grant(envelope, document_cid=CID, account=OTHER)


def test_a_grant_moved_to_another_document_does_not_open() -> None:
    envelope = envelope_for((RECIPIENT, 1), key=new_document_key())
    with pytest.raises(EnvelopeTampered, match="fails authentication"):
        open_grant(envelope, document_cid=b"\x01\x55\x12\x20" + b"\x22" * 32, account=RECIPIENT)


def test_a_grant_from_someone_who_could_not_read_is_refused() -> None:
    key = new_document_key()
    envelope = envelope_for((RECIPIENT, 1), key=key)
    forged = add_grant(
        envelope,
        document_cid=CID,
        document_key=new_document_key(),
        granter=OTHER,
        recipient=OTHER.address,
        key_version=1,
        recipient_key=document_public_key(OTHER, 1),
    )
    with pytest.raises(EnvelopeTampered, match="could not read"):
        check_envelope(forged, DOCUMENT)


def test_a_recipient_may_share_on() -> None:
    key = new_document_key()
    envelope = envelope_for((RECIPIENT, 1), key=key)
    shared = add_grant(
        envelope,
        document_cid=CID,
        document_key=open_grant(envelope, document_cid=CID, account=RECIPIENT),
        granter=RECIPIENT,
        recipient=OTHER.address,
        key_version=1,
        recipient_key=document_public_key(OTHER, 1),
    )
    check_envelope(shared, DOCUMENT)
    assert open_grant(shared, document_cid=CID, account=OTHER) == key


def test_an_envelope_for_another_document_is_refused() -> None:
    with pytest.raises(EnvelopeTampered, match="not bafk"):
        check_envelope(envelope_for(key=new_document_key()), "bafkother")


@settings(max_examples=150, deadline=None)
@given(position=st.integers(min_value=0), flip=st.integers(1, 255))
def test_any_change_to_the_envelope_is_detected(position: int, flip: int) -> None:
    key = new_document_key()
    envelope = envelope_for((RECIPIENT, 1), key=key)
    text = bytearray(envelope.model_dump_json().encode())
    text[position % len(text)] ^= flip
    try:
        changed = Envelope.model_validate_json(bytes(text))
    except ValueError:
        return  # no longer an envelope at all: refused at parsing
    if changed == envelope:
        return  # the flip landed in JSON whitespace or an equivalent spelling
    with pytest.raises((EnvelopeTampered, NotARecipient)):
        _check_and_open(changed)


def _check_and_open(envelope: Envelope) -> bytes:
    check_envelope(envelope, DOCUMENT)
    return open_grant(envelope, document_cid=CID, account=RECIPIENT)
