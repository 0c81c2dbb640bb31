"""The QBFT genesis: chain, consensus parameters, free gas, validators, deployer."""

from __future__ import annotations

from network.extradata import decode_extra_data
from network.genesis import QBFT_MIX_HASH, build_genesis, request_timeout_seconds

VALIDATORS = ["0x" + f"{i:02x}" * 20 for i in (9, 3, 7, 1)]
DEPLOYER = "0x00000000000000000000000000000000000000D0"


def _genesis(evm_version: str = "cancun", block_period: int = 2) -> dict[str, object]:
    return build_genesis(
        chain_id=2026,
        block_period=block_period,
        validators=VALIDATORS,
        deployer=DEPLOYER,
        evm_version=evm_version,
        timestamp=1_767_225_600,
    )


def test_genesis_is_qbft_with_free_gas_and_the_forks() -> None:
    genesis = _genesis()
    config = genesis["config"]
    assert isinstance(config, dict)
    assert config["chainId"] == 2026
    assert config["qbft"] == {"blockperiodseconds": 2, "epochlength": 30_000, "requesttimeoutseconds": 4}
    assert config["zeroBaseFee"] is True
    assert config["cancunTime"] == 0
    assert "pragueTime" not in config
    assert genesis["baseFeePerGas"] == "0x0"
    assert genesis["mixHash"] == QBFT_MIX_HASH
    assert genesis["difficulty"] == "0x1"
    assert genesis["timestamp"] == hex(1_767_225_600)


def test_the_validators_are_in_extradata_sorted_and_the_deployer_is_funded() -> None:
    genesis = _genesis()
    decoded = decode_extra_data(str(genesis["extraData"]))
    assert [v.lower() for v in decoded.validators] == sorted(VALIDATORS)
    alloc = genesis["alloc"]
    assert isinstance(alloc, dict)
    assert list(alloc) == ["00000000000000000000000000000000000000d0"]
    assert int(alloc["00000000000000000000000000000000000000d0"]["balance"], 16) > 0


def test_a_pre_london_chain_has_no_base_fee_settings() -> None:
    genesis = _genesis("berlin")
    config = genesis["config"]
    assert isinstance(config, dict)
    assert "zeroBaseFee" not in config
    assert "baseFeePerGas" not in genesis
    assert "londonBlock" not in config


def test_the_round_timeout_is_twice_the_block_period_and_at_least_four_seconds() -> None:
    assert request_timeout_seconds(1) == 4
    assert request_timeout_seconds(2) == 4
    assert request_timeout_seconds(5) == 10
