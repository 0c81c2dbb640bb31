"""AlertRegistry upgraded by vote on the test's own snapshot of the session chain: ids go on
over both versions, an alert published on v1 is extended and withdrawn there, and every alert of
both versions is listed."""

from __future__ import annotations

import json

from ledger.alerts import AlertRegistryBinding
from ledger.consortium.upgrades import propose_upgrade
from tests.support import CliRunner

KIND = "AlertRegistry"


def publish(cli: CliRunner, hs: str) -> dict[str, object]:
    result = cli("alert", "publish", "--hs", hs, "--severity", "medium", "--days", "20", "--as", "sg-customs", "--json")
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_alerts_span_the_upgrade(cli: CliRunner) -> None:
    chain = cli.chain
    v1 = chain.client().address_of(KIND)
    first = publish(cli, "0306")
    assert first["registry"] == v1

    made = propose_upgrade(chain.client("cn-admin"), KIND)
    assert cli("consortium", "approve", str(made.proposal_id), "--as", "sg-admin").exit_code == 0
    second = publish(cli, "1605")
    assert (second["id"], second["registry"]) == (int(str(first["id"])) + 1, made.registry)

    # the v1 alert is changed on v1, by the library's choice
    assert cli("alert", "extend", str(first["id"]), "--days", "40", "--as", "sg-customs").exit_code == 0
    assert cli("alert", "withdraw", str(first["id"]), "--as", "sg-customs").exit_code == 0
    listed = AlertRegistryBinding(chain.client()).alerts()
    assert [(a.id, a.registry, a.withdrawn_at is not None, len(a.extensions)) for a in listed] == [
        (first["id"], v1, True, 1),
        (second["id"], made.registry, False, 0),
    ]
