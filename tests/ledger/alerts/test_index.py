"""Alerts in the audit index: who published, extended and withdrew which alert, filed under the
publishing member and the operator it names, with labels in English and Chinese."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from ledger.alerts import AlertRegistryBinding, AlertScope, Severity
from ledger.index.audit import AuditFilter, search
from ledger.index.follower import Follower
from ledger.index.labelled import event_label
from ledger.labels import Lang
from ledger.timestamps import iso
from tests.support import Chain

OPERATOR = "0x" + "ef" * 32
EVENTS = ["AlertPublished", "AlertExtended", "AlertWithdrawn"]


def test_alert_events_are_indexed_under_the_publishing_member(chain: Chain, index_db: Engine) -> None:
    sg = AlertRegistryBinding(chain.client("sg-customs"))
    now = sg.now()
    scope = AlertScope(hs=["0306"], origins=["CN"], operator=OPERATOR, ports_of_discharge=["SGSIN"])
    alert = sg.publish(severity=Severity.HIGH, scope=scope, until=now + timedelta(days=10))
    sg.extend(alert.id, now + timedelta(days=20))
    sg.withdraw(alert.id)
    Follower(client=chain.client(), engine=index_db).catch_up()

    page = search(engine=index_db, filters=AuditFilter(organisation="sg", event_types=EVENTS))
    assert [e.event for e in page.items] == ["AlertWithdrawn", "AlertExtended", "AlertPublished"]  # newest first
    assert {e.organisation for e in page.items} == {"SG"}
    published = page.items[-1].details
    assert (published["alertId"], published["member"], published["severity"]) == (alert.id, "SG", "high")
    assert published["alertScope"] == scope.model_dump()
    assert published["until"] == iso(now + timedelta(days=10))
    assert published["reasonCid"] is None
    assert page.items[1].details["until"] == iso(now + timedelta(days=20))

    by_operator = search(engine=index_db, filters=AuditFilter(operator=OPERATOR, event_types=EVENTS))
    assert [e.event for e in by_operator.items] == ["AlertPublished"]
    assert search(engine=index_db, filters=AuditFilter(organisation="cn", event_types=EVENTS)).items == []

    labels = {(e, lang): event_label(e, lang) for e in EVENTS for lang in Lang}
    assert labels[("AlertPublished", Lang.EN)] == "Risk alert published"
    assert labels[("AlertPublished", Lang.ZH)] == "发布风险预警"
    assert labels[("AlertExtended", Lang.ZH)] == "风险预警延期"
    assert labels[("AlertWithdrawn", Lang.ZH)] == "撤回风险预警"
