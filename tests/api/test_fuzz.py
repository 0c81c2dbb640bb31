"""Schema-driven fuzzing of the whole service (Schemathesis against its OpenAPI document):
no 5xx, and every response conforms to the document (status, content type, headers, body).

Each operation is called with a key of the role it needs, so generated requests get past
authentication and reach the library and the chain. `make fuzz` runs it (a few minutes).
"""

from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app
from ledger.index.db import open_index
from ledger.index.follower import Follower
from ledger.settings import LedgerSettings
from tests.support import Api, Chain

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("SANZHI_FUZZ_EXAMPLES", "30"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
REQUEST_FIELDS = ("method", "url", "headers", "params", "data", "json", "files")
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
}


# the document of a service app (building one touches neither the chain nor the database); the
# requests go to the test's own service on the chain
schema = schemathesis.openapi.from_dict(create_app(LedgerSettings()).openapi())


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_responses_conform(case: schemathesis.Case, api: Api, chain: Chain) -> None:
    if case.path.startswith("/audit"):  # the audit routes answer from the index: give it one
        index_into(api, chain)
    operation = (case.method.upper(), case.path)
    role = "auditor" if case.path.startswith("/audit") else ROLES.get(operation, "trader")
    headers = api.headers("CN", role) if operation_is_protected(case) else {}
    # Schemathesis serialises a case for `requests`; the prepared request is the bytes a
    # client would send, which go to the in-process service as they are
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    kwargs.pop("cookies", None)  # the service reads none
    prepared = requests.Request(**{k: v for k, v in kwargs.items() if k in REQUEST_FIELDS}).prepare()
    response = api.client.request(
        prepared.method or "GET", prepared.url or "", content=prepared.body, headers=dict(prepared.headers)
    )
    case.validate_response(response, checks=CHECKS)


def index_into(api: Api, chain: Chain) -> None:
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    Follower(client=chain.client(), engine=open_index(settings)).catch_up()


def operation_is_protected(case: schemathesis.Case) -> bool:
    return bool(case.operation.definition.raw.get("security"))
