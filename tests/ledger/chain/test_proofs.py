"""Storage proofs: fetched from the session node, verified offline against one block hash."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import rlp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.chain.contract import ContractBinding
from ledger.chain.headers import FIELDS, BlockHeader, block_hashes, header_rlp
from ledger.chain.proofs import SlotProof, StorageProof, fetch_storage_proof, verify_storage_proof
from ledger.errors import InvalidInput, ProofInvalid
from ledger.hashing.keccak import keccak256
from tests.support import Chain

# Proofs of the node's own blocks: their headers are those of the node's fork (the Besu-like node
# runs the contracts' fork, as a generated Besu genesis does), and `latest` moves on its own there.
pytestmark = pytest.mark.besu

# Consortium's storage layout (forge inspect Consortium storageLayout)
MEMBER_IDS_SLOT = 5  # bytes32[] _memberIds: its length
THRESHOLD_SLOT = 6  # uint256 _threshold
MEMBER_OF_ADMIN_SLOT = 4  # mapping(address admin => bytes32 memberId)
UNUSED_SLOT = 99


def mapping_slot(key: str, slot: int) -> int:
    """Where Solidity keeps mapping[key] for an address key."""
    return int.from_bytes(keccak256(bytes(12) + bytes.fromhex(key[2:]) + slot.to_bytes(32, "big")), "big")


def trusted_hash(chain: Chain, number: int) -> str:
    """What the auditor trusts, got apart from the bundle."""
    return "0x" + bytes(chain.client().w3.eth.get_block(number)["hash"]).hex()


def fetch(chain: Chain, slots: list[int], contract: str = "Consortium") -> tuple[StorageProof, str]:
    client = chain.client()
    number = client.block_number()
    proof = fetch_storage_proof(client, address=client.address_of(contract), slots=slots, block=number)
    return proof, trusted_hash(chain, number)


def admin_slot(chain: Chain) -> tuple[str, int]:
    admin = chain.client("cn-admin").address
    return admin, mapping_slot(admin, MEMBER_OF_ADMIN_SLOT)


# ------------------------------------------------------------------ proving


def test_threshold_member_count_and_a_mapping_entry_are_proven_offline(chain: Chain) -> None:
    admin, slot = admin_slot(chain)
    proof, trusted = fetch(chain, [THRESHOLD_SLOT, MEMBER_IDS_SLOT, slot])
    consortium = ContractBinding(chain.client(), "Consortium")
    number = int(proof.header.number, 16)
    expected = {
        THRESHOLD_SLOT: consortium.call("threshold", block=number),
        MEMBER_IDS_SLOT: consortium.call("memberCount", block=number),
        slot: int.from_bytes(consortium.call("memberOf", admin, block=number), "big"),
    }
    text = proof.to_json()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", lambda *_: pytest.fail("verification touched the network"))
        values = verify_storage_proof(StorageProof.from_json(text), trusted_block_hash=trusted)

    assert values == expected
    assert values[slot] == int.from_bytes(b"CN".ljust(32, b"\0"), "big")
    assert values[THRESHOLD_SLOT] >= 1


def test_an_unused_slot_is_proven_zero(chain: Chain) -> None:
    proof, trusted = fetch(chain, [UNUSED_SLOT, mapping_slot("0x" + "ab" * 20, MEMBER_OF_ADMIN_SLOT)])
    assert set(verify_storage_proof(proof, trusted_block_hash=trusted).values()) == {0}


@pytest.mark.parametrize("how", ["number", "hash", "latest"])
def test_every_way_of_naming_the_block_gives_a_verifiable_bundle(chain: Chain, how: str) -> None:
    client = chain.client()
    number = client.block_number()
    block: int | str = {"number": number, "hash": trusted_hash(chain, number), "latest": "latest"}[how]
    proof = fetch_storage_proof(client, address=client.address_of("Consortium"), slots=[THRESHOLD_SLOT], block=block)
    trusted = trusted_hash(chain, int(proof.header.number, 16))
    assert verify_storage_proof(proof, trusted_block_hash=trusted)[THRESHOLD_SLOT] >= 1


def test_bad_requests_are_refused_before_asking_the_node(chain: Chain) -> None:
    client = chain.client()
    with pytest.raises(InvalidInput, match="block"):
        fetch_storage_proof(client, address=client.address_of("Consortium"), slots=[0], block="pending")
    with pytest.raises(InvalidInput, match="slots"):
        fetch_storage_proof(client, address=client.address_of("Consortium"), slots=[2**256], block="latest")


def test_the_code_hash_names_the_contract_code(chain: Chain) -> None:
    client = chain.client()
    proof, trusted = fetch(chain, [THRESHOLD_SLOT])
    code = bytes(client.w3.eth.get_code(client.address_of("Consortium"), block_identifier=int(proof.header.number, 16)))
    verify_storage_proof(proof, trusted_block_hash=trusted, expected_code_hash=keccak256(code))
    other = bytes(client.w3.eth.get_code(client.address_of("CertificateRegistry")))
    with pytest.raises(ProofInvalid, match=r"^code hash: the account's code hash is 0x"):
        verify_storage_proof(proof, trusted_block_hash=trusted, expected_code_hash=keccak256(other))


def test_a_bundle_about_another_address_is_refused_when_the_address_is_given(chain: Chain) -> None:
    proof, trusted = fetch(chain, [THRESHOLD_SLOT])
    with pytest.raises(ProofInvalid, match=r"^account: the bundle is about 0x"):
        verify_storage_proof(
            proof, trusted_block_hash=trusted, expected_address=chain.client().address_of("AeoRegistry")
        )
    verify_storage_proof(proof, trusted_block_hash=trusted, expected_address=chain.client().address_of("Consortium"))


# ------------------------------------------------------------------ tampering


def changed(
    proof: StorageProof, *, header: dict[str, Any] | None = None, account: dict[str, Any] | None = None
) -> StorageProof:
    return proof.model_copy(
        update={
            "header": proof.header.model_copy(update=header or {}),
            "account": proof.account.model_copy(update=account or {}),
        }
    )


def changed_slot(bundle: StorageProof, index: int = 0, **update: Any) -> StorageProof:
    entries = list(bundle.account.storage_proof)
    entries[index] = entries[index].model_copy(update=update)
    return changed(bundle, account={"storage_proof": entries})


def flip(hex_text: str, position: int, mask: int = 1) -> str:
    raw = bytearray(bytes.fromhex(hex_text[2:]))
    raw[position % len(raw)] ^= mask
    return "0x" + raw.hex()


def test_tampered_bundles_are_refused_with_the_failing_step(chain: Chain) -> None:
    proof, trusted = fetch(chain, [THRESHOLD_SLOT, MEMBER_IDS_SLOT])
    timestamp = hex(int(proof.header.timestamp, 16) + 1)
    slot_nodes = proof.account.storage_proof[0].proof
    account_nodes = proof.account.account_proof
    wrong = "0x" + "11" * 32
    cases: list[tuple[StorageProof, str, str]] = [
        (changed(proof, header={"timestamp": timestamp}), trusted, r"^header: its fields hash to 0x"),
        (changed(proof, header={"state_root": wrong}), trusted, r"^header: its fields hash to"),
        (changed(proof, header={"hash": wrong}), trusted, r"^header: its hash field"),
        (proof, wrong, r"^header: its fields hash to 0x[0-9a-f]{64}, not the trusted block hash 0x1111"),
        (changed_slot(proof, value=hex(int(proof.account.storage_proof[0].value, 16) + 1)), trusted,
         r"^storage proof of slot 0x0+6: the bundle says 0x\w+, the proof gives 0x"),
        (changed_slot(proof, proof=[*slot_nodes[:-1], flip(slot_nodes[-1], 7)]), trusted,
         r"^storage proof of slot 0x0+6: does not lead from root"),
        (changed_slot(proof, proof=[*slot_nodes[:-1], slot_nodes[-1][:-2]]), trusted,
         r"^storage proof of slot 0x0+6: node \d+ is not canonical RLP"),
        (changed_slot(proof, proof=slot_nodes[:-1]), trusted, r"^storage proof of slot 0x0+6: does not lead"),
        (changed_slot(proof, key="0x" + f"{MEMBER_IDS_SLOT:064x}"), trusted,
         r"^storage proof of slot 0x0+5: does not lead"),
        (changed(proof, account={"account_proof": [*account_nodes[:-1], flip(account_nodes[-1], 40)]}), trusted,
         r"^account proof: does not lead from root"),
        (changed(proof, account={"account_proof": account_nodes[1:]}), trusted, r"^account proof: does not lead"),
        (changed(proof, account={"storage_hash": wrong}), trusted,
         r"^account proof: the bundle says storageHash 0x1111"),
        (changed(proof, account={"nonce": "0x7"}), trusted,
         r"^account proof: the bundle says nonce 7, the proof gives 1"),
    ]  # fmt: skip
    for bad, trust, reason in cases:
        with pytest.raises(ProofInvalid, match=reason):
            verify_storage_proof(bad, trusted_block_hash=trust)


def test_the_proof_of_another_address_or_slot_does_not_pass_for_this_one(chain: Chain) -> None:
    proof, trusted = fetch(chain, [THRESHOLD_SLOT])
    registry, _ = fetch(chain, [THRESHOLD_SLOT], contract="CertificateRegistry")
    assert registry.header == proof.header
    # the registry's account proof presented as the consortium's
    with pytest.raises(ProofInvalid, match=r"^account proof: does not lead"):
        verify_storage_proof(
            changed(proof, account={"account_proof": registry.account.account_proof}), trusted_block_hash=trusted
        )
    # the registry's whole bundle relabelled with the consortium's address
    with pytest.raises(ProofInvalid, match=r"^account proof: does not lead"):
        verify_storage_proof(changed(registry, account={"address": proof.account.address}), trusted_block_hash=trusted)
    # an absent slot's proof presented as slot 6's: absence proves 0, not the value claimed
    absent, _ = fetch(chain, [UNUSED_SLOT])
    moved = changed_slot(proof, proof=absent.account.storage_proof[0].proof)
    with pytest.raises(ProofInvalid, match=r"^storage proof of slot 0x0+6"):
        verify_storage_proof(moved, trusted_block_hash=trusted)


def test_a_header_with_fork_fields_out_of_order_is_refused(chain: Chain) -> None:
    proof, trusted = fetch(chain, [THRESHOLD_SLOT])
    assert proof.header.base_fee_per_gas is not None
    with pytest.raises(ProofInvalid, match=r"^header: it has withdrawalsRoot but no baseFeePerGas"):
        verify_storage_proof(changed(proof, header={"base_fee_per_gas": None}), trusted_block_hash=trusted)


def test_a_malformed_bundle_is_refused_in_one_line(chain: Chain) -> None:
    proof, _ = fetch(chain, [THRESHOLD_SLOT])
    text = proof.to_json().replace('"stateRoot":"0x', '"stateRoot":"0xzz', 1)
    with pytest.raises(ProofInvalid, match=r"^bundle: header\.stateRoot: Value error") as raised:
        StorageProof.from_json(text)
    assert "\n" not in raised.value.message


# ------------------------------------------------------------------ any byte


def _byte_sites(proof: StorageProof) -> list[tuple[str, int, int]]:
    """(where, index, number of bytes) of every header field and proof node."""
    sites: list[tuple[str, int, int]] = [("hash", 0, 32)]
    for i, (name, _) in enumerate(FIELDS):
        value = getattr(proof.header, name)
        if value is not None:
            sites.append(("header", i, max(1, (len(value) - 1) // 2)))
    sites += [("account", i, len(n) // 2 - 1) for i, n in enumerate(proof.account.account_proof)]
    for s, entry in enumerate(proof.account.storage_proof):
        sites += [(f"slot{s}", i, len(n) // 2 - 1) for i, n in enumerate(entry.proof)]
    return sites


def flipped(proof: StorageProof, site: tuple[str, int, int], position: int, mask: int) -> StorageProof:
    where, index, size = site
    position %= size
    if where == "hash":
        return changed(proof, header={"hash": flip(proof.header.hash, position, mask)})
    if where == "header":
        name, kind = FIELDS[index]
        value = getattr(proof.header, name)
        if kind == "int":
            return changed(proof, header={name: hex(int(value, 16) ^ (mask << (8 * position)))})
        # an empty field (anvil's extraData) has no byte to flip: it gains one
        return changed(proof, header={name: flip(value, position, mask) if value != "0x" else f"0x{mask:02x}"})
    if where == "account":
        nodes = list(proof.account.account_proof)
        nodes[index] = flip(nodes[index], position, mask)
        return changed(proof, account={"account_proof": nodes})
    slot = int(where.removeprefix("slot"))
    nodes = list(proof.account.storage_proof[slot].proof)
    nodes[index] = flip(nodes[index], position, mask)
    return changed_slot(proof, slot, proof=nodes)


def test_flipping_any_byte_of_any_header_field_or_proof_node_is_detected(chain: Chain) -> None:
    _, slot = admin_slot(chain)
    proof, trusted = fetch(chain, [THRESHOLD_SLOT, slot, UNUSED_SLOT])
    sites = _byte_sites(proof)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(site=st.sampled_from(sites), position=st.integers(0, 2**16), mask=st.integers(1, 255))
    def check(site: tuple[str, int, int], position: int, mask: int) -> None:
        with pytest.raises(ProofInvalid):
            verify_storage_proof(flipped(proof, site, position, mask), trusted_block_hash=trusted)

    verify_storage_proof(proof, trusted_block_hash=trusted)
    check()


# ------------------------------------------------------------------ header hashing (no chain)


def _header(**fields: Any) -> BlockHeader:
    zero32 = "0x" + "00" * 32
    base: dict[str, Any] = {
        "hash": zero32,
        "parentHash": "0x" + "01" * 32,
        "sha3Uncles": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
        "miner": "0x" + "02" * 20,
        "stateRoot": "0x" + "03" * 32,
        "transactionsRoot": "0x" + "04" * 32,
        "receiptsRoot": "0x" + "05" * 32,
        "logsBloom": "0x" + "00" * 256,
        "difficulty": "0x1",
        "number": "0x2a",
        "gasLimit": "0x1c9c380",
        "gasUsed": "0x0",
        "timestamp": "0x6553f100",
        "extraData": "0x",
        "mixHash": "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365",
        "nonce": "0x0000000000000000",
        "baseFeePerGas": "0x0",
    }
    return BlockHeader.model_validate({**base, **fields})


def qbft_extra_data(round_: int, seals: list[bytes], vote: list[bytes] | None = None) -> str:
    validators = [bytes([i]) * 20 for i in range(1, 5)]
    return "0x" + rlp.encode([bytes(32), validators, vote or [], round_, seals]).hex()


def test_a_qbft_header_hashes_without_its_round_and_seals() -> None:
    seals = [bytes([9]) * 65, bytes([8]) * 65]
    header = _header(extraData=qbft_extra_data(3, seals))
    bare = _header(extraData=qbft_extra_data(0, []))
    onchain = keccak256(header_rlp(bare))
    assert block_hashes(header) == [keccak256(header_rlp(header)), onchain]
    # other seals or another round: the same block
    assert block_hashes(_header(extraData=qbft_extra_data(1, seals[:1])))[1] == onchain
    # another validator vote or any other field: another block
    voted = _header(extraData=qbft_extra_data(3, seals, vote=[bytes(20), b"\xff"]))
    assert block_hashes(voted)[1] != onchain
    assert block_hashes(_header(extraData=qbft_extra_data(3, seals), gasUsed="0x1"))[1] != onchain
    # genesis keeps its extraData as it is; extraData that is not QBFT's hashes only one way
    assert len(block_hashes(_header(extraData=qbft_extra_data(0, []), number="0x0"))) == 1
    assert len(block_hashes(_header(extraData="0x" + "f8" * 97))) == 1


def test_header_rlp_follows_the_fork_fields_present() -> None:
    london = _header()
    cancun = _header(withdrawalsRoot="0x" + "06" * 32, blobGasUsed="0x0", excessBlobGas="0x0",
                     parentBeaconBlockRoot="0x" + "07" * 32)  # fmt: skip
    prague = _header(**cancun.model_dump(by_alias=True, exclude_none=True), requestsHash="0x" + "08" * 32)
    assert [len(rlp.decode(header_rlp(h))) for h in (london, cancun, prague)] == [16, 20, 21]


def test_slot_proofs_accept_short_keys_as_besu_sends_them() -> None:
    entry = SlotProof.model_validate({"key": "0x6", "value": "0x02", "proof": []})
    assert entry.key == "0x" + "00" * 31 + "06"
    assert entry.value == "0x2"


def test_malformed_arguments_are_invalid_input_not_a_verdict(chain: Chain) -> None:
    proof, trusted = fetch(chain, [THRESHOLD_SLOT])
    with pytest.raises(InvalidInput, match="trusted_block_hash"):
        verify_storage_proof(proof, trusted_block_hash=trusted[:-2])
    with pytest.raises(InvalidInput, match="expected_code_hash"):
        verify_storage_proof(proof, trusted_block_hash=trusted, expected_code_hash="0xzz")
    assert verify_storage_proof(proof, trusted_block_hash=bytes.fromhex(trusted[2:]))
