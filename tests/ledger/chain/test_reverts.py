"""The one revert decoder: node error replies in their shapes, to the ContractRevert or a clear error."""

from __future__ import annotations

import pytest
from eth_abi.abi import encode as abi_encode
from eth_account import Account
from eth_utils.crypto import keccak

from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.eip712 import recover_signer, sign_digest
from ledger.chain.reverts import revert_error
from ledger.errors import ContractRevert, InvalidInput, ReadFailed, TransactionFailed, UndecodableData

ARTIFACTS = Artifacts(DEFAULT_ARTIFACTS_DIR)
NOT_ADMIN = keccak(text="ConsortiumNotMemberAdmin(address)")[:4]
CALLER = "0x" + "ab" * 20


def _data(selector: bytes, *args: bytes) -> str:
    return "0x" + (selector + b"".join(args)).hex()


@pytest.mark.parametrize(
    "error",
    [
        {"code": 3, "message": "execution reverted", "data": _data(NOT_ADMIN, abi_encode(["address"], [CALLER]))},
        # some clients nest the revert data one level down
        {"code": -32000, "message": "reverted", "data": {"data": _data(NOT_ADMIN, abi_encode(["address"], [CALLER]))}},
    ],
)
def test_a_known_selector_is_its_contract_revert(error: dict[str, object]) -> None:
    decoded = revert_error(ARTIFACTS, error, doing="Consortium.proposeThreshold")
    assert isinstance(decoded, ContractRevert.for_error("ConsortiumNotMemberAdmin"))
    assert decoded.values["caller"].lower() == CALLER
    assert decoded.contract is not None


def test_anything_else_is_a_failed_read_or_transaction_with_what_the_node_said() -> None:
    refused = {"code": -32000, "message": "header not found"}
    read = revert_error(ARTIFACTS, refused, doing="Consortium.threshold")
    assert isinstance(read, ReadFailed)
    assert not isinstance(read, TransactionFailed)
    assert read.message == "reading Consortium.threshold failed: header not found"
    estimate = revert_error(ARTIFACTS, refused, doing="gas estimation", read=False)
    assert isinstance(estimate, TransactionFailed)
    assert estimate.message == "gas estimation failed: header not found"


def test_a_require_message_and_a_panic_are_spelled_out() -> None:
    message = {
        "message": "execution reverted",
        "data": _data(bytes.fromhex("08c379a0"), abi_encode(["string"], ["no"])),
    }
    assert revert_error(ARTIFACTS, message, doing="x").message == "reading x failed: reverted: no"
    panic = {"message": "execution reverted", "data": _data(bytes.fromhex("4e487b71"), (0x11).to_bytes(32, "big"))}
    assert revert_error(ARTIFACTS, panic, doing="x").message == "reading x failed: panic 0x11"


def test_an_unknown_selector_keeps_its_data() -> None:
    error = {"message": "execution reverted", "data": "0xdeadbeef"}
    assert revert_error(ARTIFACTS, error, doing="x").message == "reading x failed: execution reverted (data 0xdeadbeef)"


def test_a_known_selector_with_malformed_arguments_is_undecodable() -> None:
    error = {"message": "execution reverted", "data": _data(NOT_ADMIN, b"\x01\x02")}
    assert isinstance(revert_error(ARTIFACTS, error, doing="x"), UndecodableData)


def test_signers_are_recovered_as_eth_account_recovers_them() -> None:
    for n in range(1, 6):
        account = Account.from_key(keccak(text=f"oracle {n}"))
        digest = keccak(text=f"digest {n}")
        signature = sign_digest(account, digest)
        assert recover_signer(digest, signature) == account.address
        assert recover_signer(digest, signature) == Account._recover_hash(digest, signature=signature)
    with pytest.raises(InvalidInput):
        recover_signer(digest, signature[:64] + b"\x05")
