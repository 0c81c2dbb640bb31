"""Names from the index alone: the same labels the chain gives, replayed from the events."""

from __future__ import annotations

from sqlalchemy import Engine

from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.names import Names
from ledger.devnet.consortium import dev_address
from ledger.index.follower import Follower
from ledger.index.names import account_names
from tests.support import Chain


def test_the_index_names_accounts_as_the_chain_does(chain: Chain, index_db: Engine) -> None:
    cn = ConsortiumBinding(chain.client("cn-admin"))
    sg = ConsortiumBinding(chain.client("sg-admin"))
    exporter, trader, issuer = dev_address("exporter"), dev_address("cn-trader"), dev_address("cn-issuer")
    cn.accredit(exporter, "trade", name="Named by CN")
    cn.withdraw(exporter, "trade")
    sg.accredit(exporter, "trade", name="Lion City Logistics")  # CN's name must not come back
    cn.withdraw(trader, "trade")  # released: no name
    cn.rename_account(issuer, name="Ningbo Chamber of Commerce")
    Follower(client=chain.client(), engine=index_db).catch_up()

    accounts = [exporter, trader, issuer, dev_address("sg-admin"), dev_address("sg-customs").lower(), "0x12"]
    with index_db.connect() as connection:
        indexed = account_names(connection, accounts)
    assert indexed == Names.load(client=chain.client()).accounts(accounts)
    assert indexed[exporter].label == "Lion City Logistics, accredited by SG"
    assert indexed[trader].label is None
    assert indexed[issuer].label == "Ningbo Chamber of Commerce, accredited by CN"
    assert indexed[dev_address("sg-admin")].label == "Singapore Customs (SG) admin"
    assert indexed[dev_address("sg-customs").lower()].label == "Singapore Customs Checkpoints, accredited by SG"
