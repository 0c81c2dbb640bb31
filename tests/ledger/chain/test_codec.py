"""The ABI codec: built from the compiled contracts, it agrees with web3 and the EIP-712 types."""

from __future__ import annotations

import pytest
from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_abi.exceptions import EncodingTypeError, InsufficientDataBytes, ValueOutOfBounds
from hypothesis import given
from hypothesis import strategies as st
from web3 import Web3

from ledger.aeo.changes import AEO_CHANGE_TYPE
from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.codec import FunctionCodec, _outputs_reader, function_codec
from ledger.errors import ConfigurationError, UndecodableData, UnencodableArguments


@pytest.fixture(scope="module")
def artifacts() -> Artifacts:
    return Artifacts(DEFAULT_ARTIFACTS_DIR)


def test_call_data_matches_web3(artifacts: Artifacts) -> None:
    refs = [(b"\x01" * 32, b"\x02" * 32, b"\x03" * 32, b"\x04" * 32)]
    abi = artifacts.get("CertificateRegistry").abi
    contract = Web3().eth.contract(address=Web3.to_checksum_address("0x" + "11" * 20), abi=abi)
    expected = contract.encode_abi("certificateStates", args=[refs])
    codec = artifacts.codec("CertificateRegistry").function("certificateStates")
    assert codec.call_data(refs) == expected


def test_decoding_returns_one_value_or_a_tuple(artifacts: Artifacts) -> None:
    threshold = artifacts.codec("Consortium").function("threshold")
    assert threshold.decode((7).to_bytes(32, "big")) == 7


def test_the_eip712_change_type_is_the_abi_struct(artifacts: Artifacts) -> None:
    assert artifacts.codec("AeoRegistry").struct_type("AeoChange") == AEO_CHANGE_TYPE


def test_event_topics_are_keccak_of_the_signature(artifacts: Artifacts) -> None:
    topic = artifacts.codec("Consortium").event_topic("ThresholdChanged")
    assert topic == Web3.keccak(text="ThresholdChanged(uint256,uint256)")


def test_the_codec_is_built_once_per_artifacts(artifacts: Artifacts) -> None:
    assert artifacts.codec("Consortium") is artifacts.codec("Consortium")


def test_an_unknown_function_is_a_clear_error(artifacts: Artifacts) -> None:
    with pytest.raises(ConfigurationError, match="Consortium has no function mint"):
        artifacts.codec("Consortium").function("mint")


@given(
    st.tuples(
        st.integers(0, 255),
        st.integers(0, 2**64 - 1),
        st.integers(-(2**127), 2**127 - 1),
        st.booleans(),
        st.binary(min_size=32, max_size=32),
        st.binary(min_size=4, max_size=4),
    )
)
def test_the_static_fast_path_reads_what_eth_abi_reads(values: tuple[int, int, int, bool, bytes, bytes]) -> None:
    types = ["(uint8,(uint64,int128),bool)", "bytes32", "bytes4"]
    small, big, signed, flag, word, short = values
    encoded = abi_encode(types, [(small, (big, signed), flag), word, short])
    codec = FunctionCodec(name="f", selector=b"\0" * 4, input_types=(), output_types=tuple(types))
    fast = FunctionCodec(
        name="f", selector=b"\0" * 4, input_types=(), output_types=tuple(types), _fast_outputs=_outputs_reader(types)
    )
    assert fast._fast_outputs is not None
    assert fast.decode(encoded) == codec.decode(encoded)


def test_dynamic_outputs_are_not_read_as_static_words() -> None:
    assert _outputs_reader(["bytes32[]"]) is None
    assert _outputs_reader(["string"]) is None
    assert _outputs_reader(["address"]) is not None


_VIEW = "(bool,address,bytes32,uint64,uint64,bool,bool,bool,uint8,uint16,uint64,uint256,bytes32,bytes32)"
_views = st.lists(
    st.tuples(
        st.booleans(),
        st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex()),
        st.binary(min_size=32, max_size=32),
        st.integers(0, 2**64 - 1),
        st.integers(0, 2**64 - 1),
        st.booleans(),
        st.booleans(),
        st.booleans(),
        st.integers(0, 255),
        st.integers(0, 2**16 - 1),
        st.integers(0, 2**64 - 1),
        st.integers(0, 2**256 - 1),
        st.binary(min_size=32, max_size=32),
        st.binary(min_size=32, max_size=32),
    ),
    max_size=6,
)


@given(_views)
def test_the_certificate_states_reply_reads_as_eth_abi_reads_it(views: list[tuple[object, ...]]) -> None:
    codec = function_codec(
        {"type": "function", "name": "certificateStates", "inputs": [],
         "outputs": [{"type": "tuple[]", "components": [{"type": t} for t in _VIEW[1:-1].split(",")]}]}
    )  # fmt: skip
    assert codec._fast_dynamic_outputs is not None
    encoded = abi_encode([_VIEW + "[]"], [views])
    assert codec.decode(encoded) == abi_decode([_VIEW + "[]"], encoded)[0]


def test_a_malformed_dynamic_reply_gets_eth_abis_error(artifacts: Artifacts) -> None:
    codec = artifacts.codec("CertificateRegistry").function("certificateStates")
    assert codec._fast_dynamic_outputs is not None
    one = abi_encode([_VIEW + "[]"], [[(True, "0x" + "11" * 20, b"\1" * 32, 1, 2, False, True, True, 0, 0, 3, 4,
                                      b"\0" * 32, b"\0" * 32)]])  # fmt: skip
    with pytest.raises(UndecodableData) as raised:
        codec.decode(one[:-32])
    assert isinstance(raised.value.__cause__, InsufficientDataBytes)  # eth_abi's exact error, kept as the cause


_refs = st.lists(st.tuples(*[st.binary(min_size=32, max_size=32)] * 4), max_size=5)


@given(_refs, st.integers(0, 2**256 - 1), st.binary(min_size=4, max_size=4), _refs)
def test_the_fast_writer_writes_what_eth_abi_writes(
    refs: list[tuple[bytes, ...]], number: int, short: bytes, more: list[tuple[bytes, ...]]
) -> None:
    ref = {"type": "tuple[]", "components": [{"type": "bytes32"}] * 4}
    item = {"type": "function", "name": "f", "outputs": [],
            "inputs": [ref, {"type": "uint256"}, {"type": "bytes4"}, ref]}  # fmt: skip
    codec = function_codec(item)
    assert codec._fast_inputs is not None
    types = ["(bytes32,bytes32,bytes32,bytes32)[]", "uint256", "bytes4", "(bytes32,bytes32,bytes32,bytes32)[]"]
    assert codec.encode(refs, number, short, more) == codec.selector + abi_encode(types, [refs, number, short, more])


@pytest.mark.parametrize(
    "value",
    [
        [(b"\1" * 31, b"\2" * 32, b"\3" * 32, b"\4" * 32)],  # a short bytes32: eth_abi pads it
        [(b"\1" * 32, b"\2" * 32, b"\3" * 32)],  # a tuple one short: eth_abi refuses it
        [(bytearray(32), b"\2" * 32, b"\3" * 32, b"\4" * 32)],
        "not a list",
    ],
)
def test_values_the_fast_writer_does_not_take_go_to_eth_abi(artifacts: Artifacts, value: object) -> None:
    codec = artifacts.codec("CertificateRegistry").function("certificateStates")
    try:
        expected: bytes | type[Exception] = codec.selector + abi_encode(list(codec.input_types), [value])
    except Exception as exc:  # whatever eth_abi raises, the codec raises as its cause
        expected = type(exc)
    if isinstance(expected, bytes):
        assert codec.encode(value) == expected
    else:
        with pytest.raises(UnencodableArguments) as raised:
            codec.encode(value)
        assert type(raised.value.__cause__) is expected


def test_an_integer_out_of_range_or_a_bool_is_eth_abis_error() -> None:
    codec = function_codec({"type": "function", "name": "f", "inputs": [{"type": "uint8"}], "outputs": []})
    assert codec.encode(255) == codec.selector + (255).to_bytes(32, "big")
    for bad in (-1, 256):
        with pytest.raises(UnencodableArguments, match="8 bits") as raised:
            codec.encode(bad)
        assert isinstance(raised.value.__cause__, ValueOutOfBounds)
        assert raised.value.path == "f"  # the service answers 422 naming the function
    with pytest.raises(UnencodableArguments) as raised:
        codec.encode(True)
    assert isinstance(raised.value.__cause__, EncodingTypeError)
