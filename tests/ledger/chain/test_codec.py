"""The ABI codec: built from the compiled contracts, it agrees with web3 and the EIP-712 types."""

from __future__ import annotations

import pytest
from eth_abi.abi import encode as abi_encode
from hypothesis import given
from hypothesis import strategies as st
from web3 import Web3

from ledger.aeo.changes import AEO_CHANGE_TYPE
from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.codec import FunctionCodec, _outputs_reader
from ledger.errors import ConfigurationError


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


def test_dynamic_or_address_outputs_take_the_general_decoder() -> None:
    assert _outputs_reader(["bytes32[]"]) is None
    assert _outputs_reader(["address"]) is None
    assert _outputs_reader(["string"]) is None


def test_short_return_data_is_an_error_not_garbage() -> None:
    reader = _outputs_reader(["uint256", "uint256"])
    assert reader is not None
    with pytest.raises(ValueError, match="32 bytes, 64 expected"):
        reader(b"\0" * 32, 0)


def test_event_logs_decode_by_name(artifacts: Artifacts) -> None:
    codec = artifacts.codec("Consortium")
    topic = codec.event_topic("ProposalCreated")
    member, proposer = b"TH".ljust(32, b"\0"), b"CN".ljust(32, b"\0")
    log = {
        "topics": [
            "0x" + topic.hex(),
            "0x" + (7).to_bytes(32, "big").hex(),
            "0x" + member.hex(),
            "0x" + proposer.hex(),
        ],
        "data": "0x" + abi_encode(["uint8"], [0]).hex(),
    }
    decoded = codec.event_decoder("ProposalCreated")(log)
    assert decoded == {"proposalId": 7, "memberId": member, "proposer": proposer, "kind": 0}
    with pytest.raises(ValueError, match="not a ThresholdChanged event"):
        codec.event_decoder("ThresholdChanged")(log)
