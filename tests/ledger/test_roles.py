"""The role ids off-chain code uses (ledger.ids) are the contracts' (Roles, read through the
Consortium that grants them)."""

from __future__ import annotations

from ledger.ids import AUDITOR_ROLE, CUSTOMS_ROLE, ISSUER_ROLE, ORACLE_ROLE, ROLES, TRADE_ROLE
from tests.support import Chain


def test_every_role_id_is_the_consortiums(chain: Chain) -> None:
    consortium = chain.client().contract("Consortium")
    on_chain = {
        "issuer": consortium.functions.ISSUER_ROLE().call(),
        "oracle": consortium.functions.ORACLE_ROLE().call(),
        "auditor": consortium.functions.AUDITOR_ROLE().call(),
        "customs": consortium.functions.CUSTOMS_ROLE().call(),
        "trade": consortium.functions.TRADE_ROLE().call(),
    }
    assert on_chain == ROLES
    assert list(ROLES.values()) == [ISSUER_ROLE, ORACLE_ROLE, AUDITOR_ROLE, CUSTOMS_ROLE, TRADE_ROLE]
