"""QBFT `extraData`: the RLP list Besu keeps in every block header and in the genesis block.

    RLP([32-byte vanity, [validator addresses], vote, round, [commit seals]])

The vote is an empty list or `[address, 0xff]` (add) / `[address, 0x00 or empty]` (remove); the
round is an RLP integer scalar (0 is the empty string, 0x80), never fixed-width; the seals are
65-byte signatures. A genesis block has no vote, round 0 and no seals, so its extraData is fixed by
the vanity and the validator list alone.
"""

from __future__ import annotations

from typing import Any

import rlp
from eth_utils.address import to_checksum_address
from pydantic import BaseModel, ConfigDict

from network.errors import ExtraDataInvalid

VANITY_BYTES = 32
ADD_VOTE = b"\xff"
DROP_VOTE = b"\x00"
SEAL_BYTES = 65
# Besu decodes the round into a Java int
MAX_ROUND = 2**31 - 1


class QbftVote(BaseModel):
    model_config = ConfigDict(frozen=True)

    recipient: str
    add: bool


class QbftExtraData(BaseModel):
    """The decoded fields; validators as checksummed addresses, in the order encoded."""

    model_config = ConfigDict(frozen=True)

    vanity: bytes = bytes(VANITY_BYTES)
    validators: list[str]
    vote: QbftVote | None = None
    round: int = 0
    seals: list[bytes] = []


def _address_bytes(address: str) -> bytes:
    raw = bytes.fromhex(address.removeprefix("0x"))
    if len(raw) != 20:
        raise ExtraDataInvalid(f"{address} is not a 20-byte address")
    return raw


def encode_extra_data(data: QbftExtraData) -> bytes:
    """The RLP bytes Besu writes for `data`."""
    if len(data.vanity) != VANITY_BYTES:
        raise ExtraDataInvalid(f"the vanity must be {VANITY_BYTES} bytes, not {len(data.vanity)}")
    if not 0 <= data.round <= MAX_ROUND:
        raise ExtraDataInvalid(f"round {data.round} is outside 0..{MAX_ROUND}")
    vote: list[bytes] = []
    if data.vote is not None:
        vote = [_address_bytes(data.vote.recipient), ADD_VOTE if data.vote.add else DROP_VOTE]
    encoded: bytes = rlp.encode(
        [data.vanity, [_address_bytes(v) for v in data.validators], vote, data.round, list(data.seals)]
    )
    return encoded


def genesis_extra_data(validators: list[str]) -> str:
    """0x-hex extraData of a genesis block whose validators are `validators`, sorted by address
    so that the same set always gives the same genesis."""
    ordered = sorted(validators, key=lambda a: _address_bytes(a))
    return "0x" + encode_extra_data(QbftExtraData(validators=ordered)).hex()


def decode_extra_data(raw: bytes | str) -> QbftExtraData:
    """Decode QBFT extraData (bytes or 0x-hex); anything Besu would not read is refused."""
    if isinstance(raw, str):
        try:
            raw = bytes.fromhex(raw.removeprefix("0x"))
        except ValueError:
            raise ExtraDataInvalid("not hex") from None
    try:
        fields: Any = rlp.decode(raw, strict=True)
    except rlp.exceptions.DecodingError as exc:
        raise ExtraDataInvalid(f"not RLP ({exc})") from None
    if not isinstance(fields, list) or len(fields) != 5:
        raise ExtraDataInvalid("expected a list of 5 items: vanity, validators, vote, round, seals")
    vanity, validators, vote, round_, seals = fields
    if not isinstance(vanity, bytes) or len(vanity) != VANITY_BYTES:
        raise ExtraDataInvalid(f"the vanity must be {VANITY_BYTES} bytes")
    if not isinstance(validators, list) or not all(isinstance(v, bytes) and len(v) == 20 for v in validators):
        raise ExtraDataInvalid("the validators must be a list of 20-byte addresses")
    return QbftExtraData(
        vanity=vanity,
        validators=[str(to_checksum_address(v)) for v in validators],
        vote=_decode_vote(vote),
        round=_decode_round(round_),
        seals=_decode_seals(seals),
    )


def _decode_vote(vote: Any) -> QbftVote | None:
    if vote == []:
        return None
    if not (isinstance(vote, list) and len(vote) == 2 and all(isinstance(v, bytes) for v in vote)):
        raise ExtraDataInvalid("the vote must be an empty list or [address, type]")
    recipient, kind = vote
    if len(recipient) != 20:
        raise ExtraDataInvalid("the vote's recipient must be a 20-byte address")
    if kind not in (ADD_VOTE, DROP_VOTE, b""):
        raise ExtraDataInvalid(f"vote type 0x{kind.hex()} is neither add (0xff) nor drop (0x00)")
    return QbftVote(recipient=str(to_checksum_address(recipient)), add=kind == ADD_VOTE)


def _decode_round(value: Any) -> int:
    # Besu reads the round as an RLP scalar: minimal big-endian, no leading zero byte
    if not isinstance(value, bytes) or len(value) > 4 or value[:1] == b"\x00":
        raise ExtraDataInvalid("the round must be an integer scalar of at most 4 bytes without leading zeros")
    number = int.from_bytes(value, "big")
    if number > MAX_ROUND:
        raise ExtraDataInvalid(f"round {number} is outside 0..{MAX_ROUND}")
    return number


def _decode_seals(seals: Any) -> list[bytes]:
    if not isinstance(seals, list) or not all(isinstance(s, bytes) and len(s) == SEAL_BYTES for s in seals):
        raise ExtraDataInvalid(f"the commit seals must be a list of {SEAL_BYTES}-byte signatures")
    return list(seals)
