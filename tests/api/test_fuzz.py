"""Schema-driven fuzzing of the whole service (Schemathesis against its OpenAPI document), with
every phase (examples, coverage, fuzzing, stateful) and every check: no 5xx, every response
conforms to the document, every request the document allows is accepted and every one it
forbids is refused, a method a route does not take is a 405 naming those it does.

Each operation is called with a key of the role it needs, so generated requests get past
authentication and reach the library and the chain. `make fuzz` runs it; `make fuzz-deep` runs
it with more cases per operation (SANZHI_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.openapi.checks import RejectedPositiveData
from starlette.types import ASGIApp, Receive, Scope, Send

from api.main import create_app
from ledger.index.db import open_index
from ledger.index.follower import Follower
from ledger.settings import LedgerSettings
from tests.support import Api, Chain

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("SANZHI_FUZZ_EXAMPLES", "30"))
STEPS = int(os.environ.get("SANZHI_FUZZ_STEPS", str(max(10, EXAMPLES // 3))))
# with SANZHI_FUZZ_TALLY=FILE every failure is written to FILE (one JSON line each) instead of
# failing at the first: how many there are, not only that there is one
TALLY = os.environ.get("SANZHI_FUZZ_TALLY")
BASE_URL = "http://testserver"  # the in-process service's; the checks' own probes go there too
# the role whose key each protected route is called with (the others take any key)
ROLES = {
    ("POST", "/certificates/issuances"): "issuer",
    ("POST", "/certificates/revoke"): "issuer",
    ("POST", "/certificates/suspend"): "issuer",
    ("POST", "/certificates/reinstate"): "issuer",
    ("POST", "/certificates/supersede"): "issuer",
    ("POST", "/certificates/utilize"): "customs",
    ("POST", "/aeo/certifications"): "customs",
    ("POST", "/aeo/certifications/suspend"): "customs",
    ("POST", "/aeo/certifications/reinstate"): "customs",
    ("POST", "/aeo/certifications/revoke"): "customs",
    ("POST", "/mras"): "customs",
    ("POST", "/mras/{partner}/accept"): "customs",
    ("POST", "/mras/{partner}/{action}"): "customs",
    ("POST", "/accreditations"): "admin",
    ("POST", "/accreditations/withdraw"): "admin",
    ("GET", "/metrics"): "admin",
    ("POST", "/consignments/{ucr}/void"): "customs",
    ("POST", "/consignments/{ucr}/decisions"): "oracle",
    ("GET", "/alerts"): "customs",
    ("GET", "/alerts/{alert_id}"): "customs",
    ("POST", "/alerts"): "customs",
    ("POST", "/alerts/{alert_id}/extend"): "customs",
    ("POST", "/alerts/{alert_id}/withdraw"): "customs",
}

# Requests valid by the document that the service refuses for a reason no OpenAPI document can
# state, and only those, each as (operation (None: any), problem codes, the field at fault
# (None: any), a fragment its detail names):
UNVERIFIABLE = frozenset({"invalid-input", "invalid-document", "invalid-json", "proof-invalid", "not-issued"})
CERTIFICATE_ROUTES = ("hide", "revoke", "suspend", "reinstate", "supersede", "utilize")
PRINCIPLED_REFUSALS: list[tuple[str | None, frozenset[str], str | None, str]] = [
    # a wrapped certificate whose salts, field hashes and Merkle proof do not recompute (or a
    # verify upload that is not a wrapped certificate's JSON at all) is refused as such
    ("POST /certificates/verify", UNVERIFIABLE, None, ""),
    ("POST /certificates/verify/batch", UNVERIFIABLE, "certificates", ""),
    *((f"POST /certificates/{route}", UNVERIFIABLE, "certificate", "") for route in CERTIFICATE_ROUTES),
    ("POST /certificates/supersede", UNVERIFIABLE, "successor", ""),
    # the chain's state: a consignment that was never opened, a member id the consortium never
    # admitted, an expiry already past by the chain's clock
    (None, frozenset({"invalid-input"}), "ucr", "is not open"),
    (None, frozenset({"unknown-member"}), None, ""),
    ("POST /certificates/issuances", frozenset({"contract-revert"}), None, "CertificateRegistryInvalidExpiry"),
    # a cursor is the service's own token for a page it gave out
    (None, frozenset({"invalid-input", "invalid-cursor"}), "cursor", ""),
    # OpenAPI cannot make one query parameter required by another's value, nor one of several
    ("GET /accreditations", frozenset({"invalid-input"}), "type", "per certificate type"),
    ("GET /audit/certificates/history", frozenset({"invalid-input"}), "certificate", "name the certificate"),
    # a pattern cannot bound what an ISO 8601 duration adds up to (P31D, PT745H): over 30 days
    ("POST /subscriptions/{subscription_id}/rotate", frozenset({"invalid-input"}), "grace", "grace period is 0 to"),
    # Not stated in the document yet: each type's document model (schemas/, chosen by `type`) and
    # the issuing member's own rules (its country, its consortium's destinations). Until they
    # are, a document its type's model refuses is not counted as a schema-valid request refused.
    ("POST /certificates/issuances", frozenset({"invalid-input", "invalid-document"}), None, "document-"),
]

# every phase, both valid and invalid data, every check (the defaults of Schemathesis 4)
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 23,
        "phases": {"enabled": True},
        "generation": {"mode": "all", "max-examples": EXAMPLES},
    }
)
# the document of a service app (building one touches neither the chain nor the database); the
# requests go to the test's own service on the chain
schema = schemathesis.openapi.from_dict(create_app(LedgerSettings()).openapi(), config=CONFIG)


class Started:
    """The test's service app, already started by its TestClient: Schemathesis's ASGI transport
    opens a client per request, and the app's own lifespan would build (and close) its context
    again each time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_responses_conform(case: schemathesis.Case, api: Api, chain: Chain) -> None:
    if case.path.startswith("/audit"):  # the audit routes answer from the index: give it one
        index_into(api, chain)
    transport = {"app": Started(api.client.app), "base_url": BASE_URL}
    response = case.call(headers=headers_for(case, api), **transport)
    validate(case, response, **transport)


def test_stateful_sequences(api: Api, chain: Chain) -> None:
    """Sequences of calls linked by what one answer names and the next one takes (a subscription
    made, then read, rotated and removed ...)."""
    app = Started(api.client.app)

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"app": app, "base_url": BASE_URL, "headers": headers_for(case, api)}

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            validate(case, response, recorder=self.recorder, **kwargs)

    Machine.run(
        settings=settings(
            max_examples=max(5, EXAMPLES // 3),
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            # the chain's state changes under the sequences: a failing one cannot be replayed
            # exactly, so it is reported as found rather than shrunk
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        )
    )


def validate(case: schemathesis.Case, response: Any, *, recorder: Any = None, **transport: Any) -> None:
    try:
        case.validate_response(response, transport_kwargs=transport or None, recorder=recorder)
    except FailureGroup as group:
        failures = [f for f in group.exceptions if not principled(case, response, f)]
        if not failures:
            return
        if TALLY is None:
            raise FailureGroup(failures, str(group)) from None
        with Path(TALLY).open("a", encoding="utf-8") as out:
            for failure in failures:
                line = {
                    "operation": case.operation.label,
                    "title": failure.title,
                    "status": response.status_code,
                    "answer": response.text[:300],
                }
                out.write(json.dumps(line) + "\n")


def principled(case: schemathesis.Case, response: Any, failure: Failure) -> bool:
    """Whether `failure` is a schema-valid request refused for a reason in PRINCIPLED_REFUSALS."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 422:
        return False
    try:
        problem = json.loads(response.text)
    except ValueError:
        return False
    field = str(problem.get("path") or "").split(".")[0]
    detail = str(problem.get("detail", ""))
    return any(
        operation in (None, case.operation.label)
        and problem.get("code") in codes
        and where in (None, field)
        and fragment in detail
        for operation, codes, where, fragment in PRINCIPLED_REFUSALS
    )


def headers_for(case: schemathesis.Case, api: Api) -> dict[str, str]:
    if not operation_is_protected(case):
        return {}
    operation = (case.method.upper(), case.path)
    role = "auditor" if case.path.startswith("/audit") else ROLES.get(operation, "trader")
    return api.headers("CN", role)


def index_into(api: Api, chain: Chain) -> None:
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    Follower(client=chain.client(), engine=open_index(settings)).catch_up()


def operation_is_protected(case: schemathesis.Case) -> bool:
    return bool(case.operation.definition.raw.get("security"))
