"""Each key has room for subscriptions of its own: a trader key at its limit (or all the
member's trader keys together at theirs) locks no admin, customs or other trader out."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from ledger.webhooks import store
from ledger.webhooks.errors import SubscriptionLimit
from ledger.webhooks.secret_box import SecretBox
from ledger.webhooks.topics import Audience

BOX = SecretBox(b"l" * 32)
URL = "https://hooks.example.org/in"
TRADER_A = Audience(member="CN", role="trader", operator="USCI:91310000MA1FL8XQ30", account="0x" + "a1" * 20)
TRADER_B = Audience(member="CN", role="trader", operator="USCI:91440300MA5EXAMPLE", account="0x" + "b2" * 20)
ADMIN = Audience(member="CN", role="admin")


def subscribe(engine: Engine, audience: Audience, key_id: str | None) -> str:
    created = store.create(engine, BOX, audience=audience, url=URL, topics=["certificates"], production=False,
                           key_id=key_id)  # fmt: skip
    return created.subscription.id


def test_a_trader_key_at_its_limit_does_not_stop_the_admin_or_another_trader(index_db: Engine) -> None:
    made = [subscribe(index_db, TRADER_A, "trader-a") for _ in range(store.MAX_LIVE_PER_TRADER)]
    with pytest.raises(SubscriptionLimit, match=f"the trader key trader-a: {store.MAX_LIVE_PER_TRADER} live"):
        subscribe(index_db, TRADER_A, "trader-a")
    subscribe(index_db, ADMIN, "admin-1")
    subscribe(index_db, Audience(member="CN", role="customs"), "customs-1")
    subscribe(index_db, TRADER_B, "trader-b")
    subscribe(index_db, TRADER_A, None)  # the party at the command line: its own room
    store.remove(index_db, made[0], caller=TRADER_A)  # a removed subscription frees its room
    subscribe(index_db, TRADER_A, "trader-a")


def test_the_operator_at_the_command_line_has_room_per_role_and_per_trader_party(index_db: Engine) -> None:
    for _ in range(store.MAX_LIVE_PER_TRADER):
        subscribe(index_db, TRADER_A, None)
    with pytest.raises(SubscriptionLimit, match="CN's trader at the command line"):
        subscribe(index_db, TRADER_A, None)
    subscribe(index_db, TRADER_B, None)
    subscribe(index_db, ADMIN, None)
    subscribe(index_db, Audience(member="SG", role="trader", operator=TRADER_A.operator), None)  # another member


def test_the_members_trader_keys_together_leave_the_staff_their_room(
    index_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "MAX_LIVE_OF_TRADERS", 3)
    subscribe(index_db, TRADER_A, "trader-a")
    subscribe(index_db, TRADER_A, "trader-a")
    subscribe(index_db, TRADER_B, "trader-b")
    with pytest.raises(SubscriptionLimit, match="CN's trader keys together: 3 live"):
        subscribe(index_db, TRADER_B, "trader-b")
    subscribe(index_db, ADMIN, "admin-1")
    subscribe(index_db, Audience(member="SG", role="trader", operator=TRADER_B.operator), "trader-sg")
