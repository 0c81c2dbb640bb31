"""Names instead of hex: set by the accrediting member, always shown with it, never carried over."""

from __future__ import annotations

from typing import Any

import pytest

from ledger.chain.contract import ContractBinding
from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.display_name import MAX_NAME_BYTES, checked_name
from ledger.consortium.names import Names
from ledger.devnet.consortium import dev_address
from ledger.errors import ContractRevert, InvalidDisplayName
from tests.support import Chain


def test_accounts_are_named_with_the_member_that_accredits_them(chain: Chain) -> None:
    names = Names.load(client=chain.client())
    found = names.accounts([dev_address("cn-issuer"), dev_address("sg-oracle"), dev_address("cn-admin")])
    assert found[dev_address("cn-issuer")].label == "宁波市贸促会 CCPIT Ningbo, accredited by CN"
    assert found[dev_address("sg-oracle")].label == "Singapore TradeNet, accredited by SG"
    admin = found[dev_address("cn-admin")]
    assert admin.label == "General Administration of Customs of China (CN) admin"
    assert (admin.admin, admin.name) == (True, None)
    assert names.member("SG") == "Singapore Customs"
    assert names.member("ZZ") is None


def test_unknown_accounts_and_non_addresses_have_no_label(chain: Chain) -> None:
    names = Names.load(client=chain.client())
    stranger = dev_address("exporter").lower()
    found = names.accounts([stranger, "not an address"])
    assert found[stranger].address == dev_address("exporter")  # checksummed, keyed as given
    assert found[stranger].label is None
    assert found["not an address"].label is None


def test_a_name_is_never_carried_over_to_another_member(chain: Chain) -> None:
    cn = ConsortiumBinding(chain.client("cn-admin"))
    sg = ConsortiumBinding(chain.client("sg-admin"))
    exporter = dev_address("exporter")
    cn.accredit(exporter, "trade", name="Ningbo Ocean Trading")
    assert Names(cn).label(exporter) == "Ningbo Ocean Trading, accredited by CN"
    cn.withdraw(exporter, "trade")
    assert Names(cn).label(exporter) is None  # CN withdrew everything: CN's name is gone with it
    sg.accredit(exporter, "trade", name="Lion City Logistics")
    assert Names(sg).label(exporter) == "Lion City Logistics, accredited by SG"
    named = Names(sg).account(exporter)
    assert (named.member_id, named.name) == ("SG", "Lion City Logistics")


def test_only_the_accrediting_members_admin_renames(chain: Chain) -> None:
    cn = ConsortiumBinding(chain.client("cn-admin"))
    sg = ConsortiumBinding(chain.client("sg-admin"))
    issuer = dev_address("cn-issuer")
    cn.rename_account(issuer, name="Ningbo Chamber of Commerce")
    assert Names(cn).label(issuer) == "Ningbo Chamber of Commerce, accredited by CN"
    with pytest.raises(ContractRevert, match=r"ConsortiumAccountOfOtherMember\(account=0x.*, memberId=CN\)"):
        sg.rename_account(issuer, name="Look-alike")
    with pytest.raises(ContractRevert.for_error("ConsortiumNotMemberAdmin")):
        ConsortiumBinding(chain.client("cn-customs")).rename_account(issuer, name="Look-alike")
    with pytest.raises(ContractRevert.for_error("ConsortiumAccountNotBound")):
        cn.rename_account(dev_address("exporter"), name="Nobody's")


@pytest.mark.parametrize(
    ("given", "refusal"),
    [
        ("", "is required"),
        ("   ", "is required"),
        ("Evil\u202eCorp", "U+202E (right-to-left override)"),
        ("Two\nlines", "U+000A"),
        ("宁" * 22, "is 66 bytes of UTF-8; at most 64"),
    ],
)
def test_names_that_cannot_be_set_are_refused_in_one_line(given: str, refusal: str) -> None:
    with pytest.raises(InvalidDisplayName) as refused:
        checked_name(given)
    assert refusal in str(refused.value)
    assert str(refused.value).startswith("name: a display name ")
    assert "\n" not in str(refused.value)


def test_names_are_set_in_nfc_without_surrounding_spaces() -> None:
    assert checked_name("  Cafe\u0301 Ningbo ") == "Café Ningbo"
    assert checked_name("宁" * 21) == "宁" * 21  # 63 bytes


def test_a_name_set_straight_on_the_contract_cannot_reorder_the_label(chain: Chain) -> None:
    exporter = dev_address("exporter")
    contract = ContractBinding(chain.client("cn-admin"), "Consortium")
    role = ConsortiumBinding(chain.client()).contract.call("TRADE_ROLE")
    contract.transact("accredit", exporter, role, b"\0" * 32, "Evil\u202eNC yb")
    label = Names.load(client=chain.client()).label(exporter)
    assert label == "Evil\ufffdNC yb, accredited by CN"


def test_names_of_many_accounts_are_read_in_two_round_trips(chain: Chain, monkeypatch: Any) -> None:
    client = chain.client()
    names = Names.load(client=client)
    batches: list[int] = []
    original = client.raw_batch
    monkeypatch.setattr(client, "raw_batch", lambda calls: batches.append(len(calls)) or original(calls))
    accounts = [dev_address(p) for p in ("cn-issuer", "sg-issuer", "cn-oracle", "sg-oracle", "cn-admin")]
    names.accounts(accounts)
    assert batches == [10, 2]  # accountName and memberOf of each; then the two members
    names.accounts(accounts)
    assert batches == [10, 2]  # cached


def test_the_name_limit_is_the_contracts(chain: Chain) -> None:
    """The library refuses what the contract would (and says the limit in words) at the same size."""
    limit = int(ConsortiumBinding(chain.client()).contract.call("MAX_NAME_BYTES"))
    assert limit == MAX_NAME_BYTES
    assert checked_name("名" * (limit // 3)) == "名" * (limit // 3)  # 3 bytes a character in UTF-8
    with pytest.raises(InvalidDisplayName, match=f"at most {limit}"):
        checked_name("a" * (limit + 1))
