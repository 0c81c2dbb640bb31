"""Alerts on the session chain: SG's customs publishes, extends and withdraws; CN's customs and
SG's governance key are refused in one clear line; every listed alert is read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ledger.alerts import AlertNotFound, AlertRegistryBinding, AlertScope, NotAlertOwner, Severity
from ledger.alerts.registry import MAX_PAGE
from ledger.errors import ContractRevert, InvalidInput, UnknownMember
from ledger.store.cid import cid_of_bytes
from ledger.store.registry import DocumentRegistryBinding
from tests.support import Chain, rpc

# publication, extension and withdrawal are dated by block time, and the clock is moved by hand
pytestmark = pytest.mark.besu

OPERATOR = "0x" + "cd" * 32


def chain_time(chain: Chain) -> datetime:
    return datetime.fromtimestamp(int(chain.client().w3.eth.get_block("latest")["timestamp"]), tz=UTC)


def advance(chain: Chain, seconds: int) -> None:
    rpc(chain.rpc_url, "evm_increaseTime", [seconds])
    rpc(chain.rpc_url, "evm_mine")


SHRIMP = AlertScope(hs=["0306"], origins=["CN"], destinations=["SG"], operator=OPERATOR, ports_of_loading=["CNNGB"])


def test_publish_extend_withdraw_and_read_back(chain: Chain) -> None:
    sg = AlertRegistryBinding(chain.client("sg-customs"))
    now = chain_time(chain)
    reason = cid_of_bytes(b"inspection findings")
    with pytest.raises(InvalidInput, match="is not anchored: the reason is a document your member put in the store"):
        sg.publish(severity=Severity.HIGH, scope=SHRIMP, until=now + timedelta(days=30), reason_cid=reason)
    DocumentRegistryBinding(chain.client("sg-customs")).anchor(reason.digest)
    cn = AlertRegistryBinding(chain.client("cn-customs"))
    with pytest.raises(InvalidInput, match="is anchored by SG"):
        cn.publish(severity=Severity.HIGH, scope=SHRIMP, until=now + timedelta(days=30), reason_cid=reason)
    published = sg.publish(severity=Severity.HIGH, scope=SHRIMP, until=now + timedelta(days=30), reason_cid=reason)
    assert (published.member, published.severity, published.scope) == ("SG", Severity.HIGH, SHRIMP)
    assert published.publisher == chain.client("sg-customs").address
    assert published.reason_cid == reason.text
    assert published.tx_hash is not None
    assert published.in_force(published.published_at)

    advance(chain, 86_400)
    extended, _ = AlertRegistryBinding(chain.client("sg-customs")).extend(published.id, now + timedelta(days=90))
    assert extended.until == now + timedelta(days=90)
    assert (extended.tx_hash, extended.registry) == (published.tx_hash, published.registry)
    assert extended.published_until == now + timedelta(days=30)
    assert [e.until for e in extended.extensions] == [now + timedelta(days=90)]
    # a decision taken before the extension reads the alert as it stood then
    assert extended.until_at(published.published_at) == now + timedelta(days=30)

    low = AlertRegistryBinding(chain.client("cn-customs")).publish(
        severity=Severity.LOW, scope=AlertScope(), until=now + timedelta(days=2)
    )
    reader = AlertRegistryBinding(chain.client())
    listed = reader.alerts()
    assert [a.id for a in listed] == [published.id, low.id]
    assert [a.tx_hash for a in listed] == [None, None], "a list looks up no transactions unless asked"
    hashed = reader.with_tx_hashes(listed)
    assert [a.tx_hash for a in hashed] == [published.tx_hash, low.tx_hash]
    assert hashed[0] == reader.alert(published.id)
    assert int(reader.contract.call("MAX_PAGE")) == MAX_PAGE, "alerts() pages by the contract's constant"

    withdrawn, _ = sg.withdraw(published.id)
    assert withdrawn.withdrawn_at is not None
    assert withdrawn.tx_hash == published.tx_hash, "the publishing transaction, not the withdrawal's"
    assert [a.id for a in reader.in_force(chain_time(chain))] == [low.id]
    assert [a.id for a in reader.in_force(published.published_at)] == [published.id], "the past reads the same"


def test_only_the_publishing_members_customs_changes_an_alert(chain: Chain) -> None:
    now = chain_time(chain)
    alert = AlertRegistryBinding(chain.client("sg-customs")).publish(
        severity=Severity.MEDIUM, scope=SHRIMP, until=now + timedelta(days=10)
    )
    cn = AlertRegistryBinding(chain.client("cn-customs"))
    with pytest.raises(
        NotAlertOwner, match=f"alert {alert.id} is SG's: only SG's customs may change it \\(you act for CN\\)"
    ):
        cn.withdraw(alert.id)
    with pytest.raises(NotAlertOwner, match="your key is no member's customs key"):
        AlertRegistryBinding(chain.client("sg-admin")).extend(alert.id, now + timedelta(days=20))
    # the contract refuses it too, whatever the library checks first
    contract = AlertRegistryBinding(chain.client("cn-customs")).contract
    with pytest.raises(ContractRevert.for_error("AlertRegistryNotOwner")):
        contract.transact("withdraw", alert.id)
    with pytest.raises(ContractRevert.for_error("AlertRegistryAdminNotCustoms")):
        AlertRegistryBinding(chain.client("sg-admin")).publish(
            severity=Severity.LOW, scope=SHRIMP, until=now + timedelta(days=1)
        )
    with pytest.raises(ContractRevert.for_error("AlertRegistryNotCustoms"), match="is not a customs key"):
        AlertRegistryBinding(chain.client("sg-issuer")).publish(
            severity=Severity.LOW, scope=SHRIMP, until=now + timedelta(days=1)
        )


def test_bad_input_is_refused_before_sending(chain: Chain) -> None:
    sg = AlertRegistryBinding(chain.client("sg-customs"))
    now = chain_time(chain)
    with pytest.raises(UnknownMember, match="origins: XX has never been a member"):
        sg.publish(severity=Severity.LOW, scope=AlertScope(origins=["XX"]), until=now + timedelta(days=1))
    with pytest.raises(InvalidInput, match="more than 366 days ahead"):
        sg.publish(severity=Severity.LOW, scope=SHRIMP, until=now + timedelta(days=400))
    with pytest.raises(InvalidInput, match="is not after"):
        sg.publish(severity=Severity.LOW, scope=SHRIMP, until=now - timedelta(days=1))
    with pytest.raises(InvalidInput, match="has no time zone"):
        sg.publish(severity=Severity.LOW, scope=SHRIMP, until=datetime(2030, 1, 1))
    with pytest.raises(AlertNotFound, match="there is no alert 999"):
        sg.withdraw(999)
    alert = sg.publish(severity=Severity.LOW, scope=SHRIMP, until=now + timedelta(days=5))
    with pytest.raises(InvalidInput, match="extend it to a later time"):
        sg.extend(alert.id, now + timedelta(days=4))
    sg.withdraw(alert.id)
    with pytest.raises(
        ContractRevert.for_error("AlertRegistryAlreadyWithdrawn"), match=f"alert {alert.id} was withdrawn at"
    ):
        sg.withdraw(alert.id)
