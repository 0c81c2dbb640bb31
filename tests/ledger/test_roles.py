"""The role ids off-chain code uses (ledger.ids) are the contracts' (Roles, read through the
Consortium that grants them)."""

from __future__ import annotations

from ledger.chain.contract import ContractBinding
from ledger.ids import AUDITOR_ROLE, CUSTOMS_ROLE, ISSUER_ROLE, ORACLE_ROLE, ROLES, TRADE_ROLE
from tests.support import Chain


def test_every_role_id_is_the_consortiums(chain: Chain) -> None:
    consortium = ContractBinding(chain.client(), "Consortium")
    on_chain = {
        name: consortium.call(f"{name.upper()}_ROLE") for name in ("issuer", "oracle", "auditor", "customs", "trade")
    }
    assert on_chain == ROLES
    assert list(ROLES.values()) == [ISSUER_ROLE, ORACLE_ROLE, AUDITOR_ROLE, CUSTOMS_ROLE, TRADE_ROLE]
