"""EIP-712 oracle submissions: the Python digest equals the contract's, quorum rules hold."""

from __future__ import annotations

import pytest
from eth_account.messages import encode_typed_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.accounts.keys import dev_account
from ledger.aeo import AeoRegistryBinding
from ledger.aeo.changes import AeoChange, SigningDomain, changes_digest, typed_data
from ledger.aeo.codes import ChangeKind, operator_hash
from ledger.chain.contract import ContractBinding
from ledger.chain.eip712 import sign_digest
from ledger.devnet.consortium import identity
from ledger.errors import ContractRevert
from ledger.ids import member_id_bytes
from tests.support import Chain

CN = member_id_bytes("CN")
u64 = st.integers(0, 2**64 - 1)
changes_strategy = st.lists(
    st.builds(
        AeoChange,
        kind=st.sampled_from(list(ChangeKind)),
        operator=st.binary(min_size=32, max_size=32),
        tier=st.integers(0, 255),
        valid_from=u64,
        valid_until=u64,
        evidence_hash=st.binary(min_size=32, max_size=32),
        reason=st.integers(0, 2**16 - 1),
        effective_at=u64,
    ),
    min_size=1,
    max_size=5,
)


def domain(chain: Chain) -> SigningDomain:
    client = chain.client()
    return SigningDomain(client.chain_id, ContractBinding(client, "AeoRegistry").address)


def oracle(profile: str) -> object:
    return dev_account(identity(profile).index)


def certify_change(national_id: str) -> AeoChange:
    return AeoChange(kind=ChangeKind.CERTIFY, operator=operator_hash("CN", national_id), tier=2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=changes_strategy, nonce=st.integers(0, 2**256 - 1), deadline=u64)
def test_digest_equals_the_contracts(chain: Chain, changes: list[AeoChange], nonce: int, deadline: int) -> None:
    registry = ContractBinding(chain.client(), "AeoRegistry")
    expected = registry.call("changesDigest", CN, [c.as_tuple() for c in changes], nonce, deadline)
    assert changes_digest(domain(chain), CN, changes, nonce, deadline) == bytes(expected)


def test_digest_equals_eth_accounts_encoder(chain: Chain) -> None:
    changes = [certify_change("USCI:1"), AeoChange(kind=ChangeKind.SUSPEND, operator=b"\1" * 32, reason=1)]
    signable = encode_typed_data(full_message=typed_data(domain(chain), CN, changes, 7, 99))
    from eth_utils.crypto import keccak

    ours = changes_digest(domain(chain), CN, changes, 7, 99)
    assert keccak(b"\x19" + signable.version + signable.header + signable.body) == ours
    assert registry_separator(chain) == domain(chain).separator()


def registry_separator(chain: Chain) -> bytes:
    return bytes(ContractBinding(chain.client(), "AeoRegistry").call("domainSeparator"))


def submit(chain: Chain, changes: list[AeoChange], nonce: int, signers: list[str], deadline: int | None = None) -> None:
    client = chain.client("exporter")  # anyone may submit
    deadline = deadline if deadline is not None else client.w3.eth.get_block("latest")["timestamp"] + 600
    digest = changes_digest(domain(chain), CN, changes, nonce, deadline)
    signatures = [sign_digest(oracle(p), digest) for p in signers]  # type: ignore[arg-type]
    registry = ContractBinding(client, "AeoRegistry")
    registry.transact("submitChanges", CN, [c.as_tuple() for c in changes], nonce, deadline, signatures)


def test_quorum_of_two_oracles_submits_and_nonce_is_not_replayable(chain: Chain) -> None:
    ContractBinding(chain.client("cn-admin"), "AeoRegistry").transact("setOracleQuorum", 2)
    changes = [certify_change("USCI:91310000MA1FL8XQ30")]
    with pytest.raises(ContractRevert.for_error("OracleQuorumTooFewSignatures")):
        submit(chain, changes, 1, ["cn-oracle"])
    with pytest.raises(ContractRevert.for_error("OracleQuorumDuplicateSigner")):
        submit(chain, changes, 1, ["cn-oracle", "cn-oracle"])
    with pytest.raises(ContractRevert.for_error("OracleQuorumOracleOfOtherMember")):
        submit(chain, changes, 1, ["cn-oracle", "sg-oracle"])
    with pytest.raises(ContractRevert.for_error("OracleQuorumNotOracle")):
        submit(chain, changes, 1, ["cn-oracle", "exporter"])
    submit(chain, changes, 1, ["cn-oracle-2", "cn-oracle"])
    status = AeoRegistryBinding(chain.client()).certification(operator="USCI:91310000MA1FL8XQ30", certified_by="CN")
    assert status.status == "active"
    assert AeoRegistryBinding(chain.client()).is_nonce_used("CN", 1)
    with pytest.raises(ContractRevert.for_error("OracleQuorumNonceUsed")):
        submit(chain, changes, 1, ["cn-oracle", "cn-oracle-2"])


def test_expired_submission_is_refused(chain: Chain) -> None:
    with pytest.raises(ContractRevert.for_error("OracleQuorumExpired")):
        submit(chain, [certify_change("USCI:1")], 5, ["cn-oracle"], deadline=1)
