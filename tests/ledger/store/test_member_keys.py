"""Who a document is encrypted to: the standing keys of the accounts members accredited in some
roles, read in a fixed number of requests however many accounts registered one."""

from __future__ import annotations

from ledger.store.registry import ADMIN, DocumentRegistryBinding
from tests.support import Chain


def test_keys_of_several_members_and_roles_and_a_revoked_one_drops_out(chain: Chain) -> None:
    client = chain.client("cn-issuer")
    registry = DocumentRegistryBinding(client)
    registry.contract  # noqa: B018 (the active version, read once: not counted below)

    before = client.raw_requests
    customs = registry.member_keys(["CN"], roles=["customs"])
    one_member = client.raw_requests - before
    assert customs
    assert {(k.member_id, k.role) for k in customs} == {("CN", "customs role")}

    before = client.raw_requests
    both = registry.member_keys(["CN", "SG"], roles=["customs", "auditor", ADMIN])
    assert client.raw_requests - before == one_member  # more accounts, no more requests
    assert {k.member_id for k in both} == {"CN", "SG"}
    assert {k.role for k in both} <= {"customs role", "auditor role", "member admin"}
    assert {k.account for k in customs} < {k.account for k in both}

    sg_customs = chain.client("sg-customs")
    DocumentRegistryBinding(sg_customs).revoke_key()
    after = registry.member_keys(["CN", "SG"], roles=["customs", "auditor", ADMIN])
    assert sg_customs.address in {k.account for k in both}
    assert sg_customs.address not in {k.account for k in after}
    assert registry.member_keys([], roles=["customs"]) == []
