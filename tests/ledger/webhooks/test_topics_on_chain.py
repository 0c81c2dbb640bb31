"""Topics on real activity, followed into the index: the same events, keys and bodies after the
index is rebuilt from the chain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from ledger.index.follower import Follower
from ledger.index.issuer_records import import_wrapped
from ledger.webhooks.topics import Audience, Topic, allowed_topics, delivery_body, event_key, matching_events
from tests.support import AEO_OPERATOR, Chain, RecordedActivity, index_database


def delivered(session: Session, audience: Audience) -> list[tuple[str, dict[str, Any]]]:
    found = matching_events(session, audience=audience, topics=allowed_topics(audience), after_id=0, limit=1000)
    return [(event_key(event), delivery_body(event, topic, base_url="https://cn.example")) for event, topic in found]


def test_keys_and_bodies_survive_a_rebuilt_index(
    session_chain: Chain, activity: RecordedActivity, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    exporter = str(activity.certificates[0].data["exporter"]["identifier"])
    audiences = [
        Audience(member="CN", role="customs"),
        Audience(member="SG", role="admin"),
        Audience(member="CN", role="trader", operator=exporter),
        Audience(member="CN", role="trader", operator=AEO_OPERATOR),
    ]
    seen: list[list[list[tuple[str, dict[str, Any]]]]] = []
    for run in ("first", "rebuilt"):
        (tmp_path / run).mkdir()
        with index_database("sqlite", request, tmp_path / run) as engine:
            Follower(client=session_chain.client(), engine=engine).catch_up()
            import_wrapped(engine=engine, paths=[activity.issued_dir])
            with Session(engine) as session:
                seen.append([delivered(session, audience) for audience in audiences])
    assert seen[0] == seen[1]
    cn, sg, trader, operator = seen[0]
    bodies = [body for delivered_to in seen[0] for _, body in delivered_to]
    assert json.loads(json.dumps(bodies)) == bodies
    types = {body["type"] for _, body in cn}
    assert {"certificates.certificates-issued", "certificates.certificate-utilized", "certificates.certificate-revoked",
            "aeo.operator-certified", "mras.mra-proposed", "mras.mra-accepted"} <= types  # fmt: skip
    drawn = next(body for _, body in cn if body["event"] == "CertificateUtilized")
    assert drawn["data"]["memberId"] == "SG"
    assert drawn["data"]["amount"] == "1.5"
    assert drawn["link"].startswith("https://cn.example/certificates/status?root=0x")
    # SG's admin: the MRA, CN's operators (recognised under it), CN's batches for SG under their
    # destination, not as its own certificates
    assert {body["topic"] for _, body in sg} == {"aeo", "mras", "destined-certificates"}
    destined = {body["event"] for _, body in sg if body["topic"] == "destined-certificates"}
    assert {"CertificatesIssued", "CertificateUtilized", "CertificateRevoked"} <= destined
    # a batch is one event (its issuance names the destination), never its issuance and its destination
    assert "CertificatesDestined" not in {body["event"] for delivered_to in seen[0] for _, body in delivered_to}
    # the exporter's key: the issuance of its batch and the draw on its certificate, nothing of others'
    leaf = "0x" + activity.certificates[0].leaf.hex()
    assert [body["event"] for _, body in trader] == ["CertificatesIssued", "CertificateUtilized"]
    assert f"leaf={leaf}" in trader[1][1]["link"]
    # the operator CN's customs certified: its certification
    assert [body["event"] for _, body in operator] == ["OperatorCertified"]
    assert [body["topic"] for _, body in operator] == [Topic.AEO.value]
