"""QBFT extraData against the examples Besu publishes, and what the decoder refuses."""

from __future__ import annotations

import pytest
import rlp
from hypothesis import given
from hypothesis import strategies as st

from network.errors import ExtraDataInvalid
from network.extradata import (
    QbftExtraData,
    QbftVote,
    decode_extra_data,
    encode_extra_data,
    genesis_extra_data,
)

# The genesis extraData of the QBFT page of the Besu documentation ("Configure QBFT consensus",
# block header validator selection, https://besu.hyperledger.org/private-networks/how-to/configure/consensus/qbft).
BESU_DOCS_GENESIS = (
    "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e6263b7297a96638cac6ae65e6541f"
    "4169943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b"
    "212648e01c6c6b78c080c0"
)
BESU_DOCS_GENESIS_VALIDATORS = [
    "0x64A702E6263b7297a96638cAc6aE65e6541F4169",
    "0x3923390AD55E90C237593B3B0E401f3b08a03185",
    "0xAefDb9A738c9f433E5b6b212a6d62f6370C2F692",
    "0xC7EeB9a4e00Ce683cf93039b212648E01C6c6B78",
]
# The same page, "Generate extra data": the input of `besu rlp encode --type=QBFT_EXTRA_DATA`
# (toEncode.json) and the RLP it prints.
RLP_ENCODE_INPUT = [
    "0x4592c8e45706cc08b8f44b11e43cba0cfc5892cb",
    "0x06e23768a0f59cf365e18c2e0c89e151bcdedc70",
    "0xc5327f96ee02d7bcbc1bf1236b8c15148971e1de",
    "0xab5e7f4061c605820d3744227eed91ff8e2c8908",
]
RLP_ENCODE_OUTPUT = (
    "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f854944592c8e45706cc08b8f44b11e43cba0cfc"
    "5892cb9406e23768a0f59cf365e18c2e0c89e151bcdedc7094c5327f96ee02d7bcbc1bf1236b8c15148971e1de94ab5e7f4061c605820d37"
    "44227eed91ff8e2c8908c080c0"
)
# Besu's QbftExtraDataCodecTest (consensus/qbft, RAW_HEX_ENCODING_STRING): vanity 0x01..0x20,
# validators 0x..01 and 0x..02, an add vote for 0x..01, round 0xFEDCBA, two seals (r=1 s=10 v=0
# and r=10 s=1 v=0).
BESU_CODEC_TEST = (
    "0xf8f0a00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20ea94000000000000000000000000000000000000"
    "0001940000000000000000000000000000000000000002d794000000000000000000000000000000000000000181ff83fedcbaf886b84100"
    "0000000000000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000"
    "0000000000000a00b841000000000000000000000000000000000000000000000000000000000000000a0000000000000000000000000000"
    "00000000000000000000000000000000000100"
)


def _seal(r: int, s: int, v: int) -> bytes:
    return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([v])


def test_the_besu_docs_genesis_decodes_to_its_validators_and_encodes_back() -> None:
    decoded = decode_extra_data(BESU_DOCS_GENESIS)
    assert decoded.validators == BESU_DOCS_GENESIS_VALIDATORS
    assert (decoded.vanity, decoded.vote, decoded.round, decoded.seals) == (bytes(32), None, 0, [])
    assert "0x" + encode_extra_data(decoded).hex() == BESU_DOCS_GENESIS


def test_encoding_matches_besu_rlp_encode() -> None:
    assert "0x" + encode_extra_data(QbftExtraData(validators=RLP_ENCODE_INPUT)).hex() == RLP_ENCODE_OUTPUT


def test_vote_round_and_seals_match_besus_codec_test() -> None:
    expected = QbftExtraData(
        vanity=bytes(range(1, 33)),
        validators=["0x" + "00" * 19 + "01", "0x" + "00" * 19 + "02"],
        vote=QbftVote(recipient="0x" + "00" * 19 + "01", add=True),
        round=0xFEDCBA,
        seals=[_seal(1, 10, 0), _seal(10, 1, 0)],
    )
    assert "0x" + encode_extra_data(expected).hex() == BESU_CODEC_TEST
    decoded = decode_extra_data(BESU_CODEC_TEST)
    assert decoded.vote == expected.vote
    assert decoded.round == 0xFEDCBA
    assert decoded.seals == expected.seals


def test_round_zero_is_the_empty_scalar_not_four_zero_bytes() -> None:
    encoded = encode_extra_data(QbftExtraData(validators=[]))
    assert encoded.endswith(bytes.fromhex("c080c0"))  # no vote, round 0 as 0x80, no seals


def test_genesis_validators_are_sorted_so_one_set_gives_one_genesis() -> None:
    shuffled = genesis_extra_data(list(reversed(RLP_ENCODE_INPUT)))
    assert shuffled == genesis_extra_data(RLP_ENCODE_INPUT)
    validators = decode_extra_data(shuffled).validators
    assert [v.lower() for v in validators] == sorted(a.lower() for a in RLP_ENCODE_INPUT)


@pytest.mark.parametrize("kind", [b"\x00", b""])
def test_a_drop_vote_reads_as_removal(kind: bytes) -> None:
    raw = rlp.encode([bytes(32), [], [b"\x01" * 20, kind], 0, []])
    vote = decode_extra_data(raw).vote
    assert vote is not None
    assert vote.add is False


def _replace(field: int, value: object) -> bytes:
    fields: list[object] = [bytes(32), [b"\x01" * 20], [], b"", []]
    fields[field] = value
    encoded: bytes = rlp.encode(fields)
    return encoded


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (bytes.fromhex(BESU_DOCS_GENESIS[2:]) + b"\x00", "not RLP"),
        (b"\xc0", "5 items"),
        (rlp.encode([bytes(32), [], [], b""]), "5 items"),
        (_replace(0, bytes(31)), "vanity"),
        (_replace(1, [b"\x01" * 19]), "20-byte"),
        (_replace(1, b"\x01" * 20), "20-byte"),
        (_replace(2, [b"\x01" * 20, b"\x01"]), "vote type"),
        (_replace(2, [b"\x01" * 20]), "vote must be"),
        (_replace(3, b"\x00\xdc\xba"), "leading zeros"),  # Besu's incorrectlyEncodedRoundThrowsRlpException
        (_replace(3, b"\x01\x00\x00\x00\x00"), "at most 4 bytes"),
        (_replace(3, b"\xff\xff\xff\xff"), "outside"),
        (_replace(4, [bytes(64)]), "65-byte"),
    ],
)
def test_what_besu_would_not_read_is_refused(raw: bytes, reason: str) -> None:
    with pytest.raises(ExtraDataInvalid, match=reason):
        decode_extra_data(raw)


def test_hex_that_is_not_hex_is_refused() -> None:
    with pytest.raises(ExtraDataInvalid, match="not hex"):
        decode_extra_data("0xzz")


def test_the_encoder_refuses_what_it_cannot_write() -> None:
    with pytest.raises(ExtraDataInvalid, match="vanity"):
        encode_extra_data(QbftExtraData(vanity=bytes(33), validators=[]))
    with pytest.raises(ExtraDataInvalid, match="round"):
        encode_extra_data(QbftExtraData(validators=[], round=-1))
    with pytest.raises(ExtraDataInvalid, match="20-byte"):
        encode_extra_data(QbftExtraData(validators=["0x1234"]))


@given(
    validators=st.lists(st.binary(min_size=20, max_size=20), max_size=8),
    round_=st.integers(min_value=0, max_value=2**31 - 1),
    seals=st.lists(st.binary(min_size=65, max_size=65), max_size=3),
    vote=st.none() | st.tuples(st.binary(min_size=20, max_size=20), st.booleans()),
)
def test_decode_inverts_encode(
    validators: list[bytes], round_: int, seals: list[bytes], vote: tuple[bytes, bool] | None
) -> None:
    data = QbftExtraData(
        validators=["0x" + v.hex() for v in validators],
        vote=None if vote is None else QbftVote(recipient="0x" + vote[0].hex(), add=vote[1]),
        round=round_,
        seals=seals,
    )
    decoded = decode_extra_data(encode_extra_data(data))
    assert [v.lower() for v in decoded.validators] == data.validators
    assert decoded.round == round_
    assert decoded.seals == seals
    assert (decoded.vote is None) == (vote is None)
    if decoded.vote is not None and vote is not None:
        assert (decoded.vote.recipient.lower(), decoded.vote.add) == ("0x" + vote[0].hex(), vote[1])
