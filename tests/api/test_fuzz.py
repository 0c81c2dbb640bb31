"""Schema-driven fuzzing of the whole service (Schemathesis against its OpenAPI document), with
every phase (examples, coverage, fuzzing, stateful) and every check: no 5xx, every response
conforms to the document, every request the document allows is accepted and every one it
forbids is refused, a method a route does not take is a 405 naming those it does.

The service is the test's own on the session chain, served on a free port of 127.0.0.1 (a real
uvicorn): the checks' own follow-up requests and the stateful sequences reach it as a client
would. Each operation is called with a key of the role it needs, so generated requests get past
authentication and reach the library and the chain. `make fuzz` runs it with SANZHI_FUZZ_EXAMPLES
cases per operation and phase; `make fuzz-deep` with more.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import Flaky
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.openapi.checks import RejectedPositiveData

from api.main import create_app
from ledger.index.db import open_index
from ledger.index.follower import Follower
from ledger.settings import LedgerSettings
from tests.support import Api, Chain, PortalServer

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("SANZHI_FUZZ_EXAMPLES", "10"))  # make fuzz: 10; make fuzz-deep: 100
DEEP = 100  # as many examples as make fuzz-deep's, or more: every phase of every operation
EPCIS_OPERATIONS = r"^POST /consignments/\{ucr\}/(events|decisions)$"
# with SANZHI_FUZZ_TALLY=FILE every failure is written to FILE (one JSON line each) instead of
# failing at the first: how many there are, not only that there is one
TALLY = os.environ.get("SANZHI_FUZZ_TALLY")
TALLY_BODY = int(os.environ.get("SANZHI_FUZZ_TALLY_BODY", "300"))  # characters of each request body written
# with SANZHI_FUZZ_OPERATIONS=REGEX only the operations whose "METHOD /path" it matches (searched)
ONLY = os.environ.get("SANZHI_FUZZ_OPERATIONS")
INDEXED = ("/audit", "/certificates/destined")  # the routes that answer from the index
# seconds a request may take: an issuance of the 10,000 documents the document allows took over
# the client's default 10 s to be refused on 2 busy cores (slow, not wrong: a 422 in the end)
TIMEOUT = 60
# the role whose key each protected route is called with (the others take any key)
ROLES = {
    ("POST", "/certificates/issuances"): "issuer",
    ("GET", "/certificates/issuances"): "issuer",
    ("GET", "/certificates/issuances/{issuance_id}"): "issuer",
    ("POST", "/certificates/revoke"): "issuer",
    ("POST", "/certificates/suspend"): "issuer",
    ("POST", "/certificates/reinstate"): "issuer",
    ("POST", "/certificates/supersede"): "issuer",
    ("POST", "/certificates/utilize"): "customs",
    ("GET", "/certificates/destined"): "customs",
    ("GET", "/aeo/certifications"): "customs",
    ("GET", "/aeo/certifications/history"): "customs",
    ("POST", "/aeo/certifications"): "customs",
    ("POST", "/aeo/certifications/suspend"): "customs",
    ("POST", "/aeo/certifications/reinstate"): "customs",
    ("POST", "/aeo/certifications/revoke"): "customs",
    ("POST", "/mras"): "customs",
    ("POST", "/mras/{partner}/accept"): "customs",
    ("POST", "/mras/{partner}/{action}"): "customs",
    ("GET", "/alerts"): "customs",
    ("GET", "/alerts/{alert_id}"): "customs",
    ("POST", "/alerts"): "customs",
    ("POST", "/alerts/{alert_id}/extend"): "customs",
    ("POST", "/alerts/{alert_id}/withdraw"): "customs",
    ("POST", "/accreditations"): "admin",
    ("POST", "/accreditations/withdraw"): "admin",
    ("GET", "/metrics"): "admin",
    ("POST", "/consignments/{ucr}/void"): "customs",
    ("POST", "/consignments/{ucr}/decisions"): "oracle",
}

# Requests valid by the document that the service refuses for a reason no OpenAPI document can
# state, and only those, each as (operation (None: any), problem codes, the field at fault
# (None: any), a fragment its detail names):
UNVERIFIABLE = frozenset({"invalid-input", "invalid-document", "invalid-json", "proof-invalid", "not-issued"})
CERTIFICATE_ROUTES = ("hide", "revoke", "suspend", "reinstate", "supersede", "utilize")
EPCIS_ROUTES = ("POST /consignments/{ucr}/events", "POST /consignments/{ucr}/decisions")
EPCIS_INVALID = frozenset({"invalid-document"})
PRINCIPLED_REFUSALS: list[tuple[str | None, frozenset[str], str | None, str]] = [
    # a wrapped certificate whose salts, field hashes and Merkle proof do not recompute (or a
    # verify upload that is not a wrapped certificate's JSON at all) is refused as such
    ("POST /certificates/verify", UNVERIFIABLE, None, ""),
    ("POST /certificates/verify/batch", UNVERIFIABLE, "certificates", ""),
    *((f"POST /certificates/{route}", UNVERIFIABLE, "certificate", "") for route in CERTIFICATE_ROUTES),
    ("POST /certificates/supersede", UNVERIFIABLE, "successor", ""),
    # the chain's state: a consignment that was never opened, a member id the consortium never
    # admitted, an expiry already past by the chain's clock, an MRA partner that is no other
    # active member, an alert already in force until a later time than the one asked
    (None, frozenset({"invalid-input"}), "ucr", "is not open"),
    (None, frozenset({"unknown-member"}), None, ""),
    ("POST /certificates/issuances", frozenset({"contract-revert"}), None, "CertificateRegistryInvalidExpiry"),
    ("POST /mras", frozenset({"contract-revert"}), None, "(AeoRegistryInvalidPartner)"),
    # ... and an MRA the caller's own member proposed, which only the partner accepts
    ("POST /mras/{partner}/accept", frozenset({"contract-revert"}), None, "(AeoRegistryOwnMraProposal)"),
    ("POST /alerts/{alert_id}/extend", frozenset({"invalid-input"}), "until", "extend it to a later time"),
    # the document store's and the chain's state: an alert's reason is a document the
    # organisation put in the store and anchored
    ("POST /alerts", frozenset({"invalid-input"}), "reason_cid", "is not anchored"),
    # the clock: an alert ends at most 366 days after now, a batch expires after now
    ("POST /alerts", frozenset({"invalid-input"}), "until", "days ahead"),
    ("POST /alerts/{alert_id}/extend", frozenset({"invalid-input"}), "until", "days ahead"),
    ("POST /certificates/issuances", frozenset({"expiry-in-past"}), "expires_at", "before now"),
    # a cursor is the service's own token for a page it gave out
    (None, frozenset({"invalid-input", "invalid-cursor"}), "cursor", ""),
    # OpenAPI cannot make one query parameter required by another's value, nor one of several,
    # nor order two times (since before until; a validity's end after its start, its start
    # defaulting to now)
    ("GET /accreditations", frozenset({"invalid-input"}), "type", "per certificate type"),
    ("GET /audit/certificates/history", frozenset({"invalid-input"}), "certificate", "name the certificate"),
    ("GET /audit/accreditations", frozenset({"invalid-input"}), "account", "name the account or the member"),
    *(
        (f"GET {route}", frozenset({"invalid-input"}), "operator", "needs the member that certified it")
        for route in ("/audit/events", "/audit/events.csv", "/audit/operators/{operator}/history")
    ),
    *(
        (f"GET {route}", frozenset({"invalid-input"}), "until", "`since` must be before `until`")
        for route in ("/audit/events", "/audit/events.csv")
    ),
    ("POST /alerts", frozenset({"invalid-input"}), "until", "is not after"),
    # nor count a text's UTF-8 bytes, nor know which code points the service's Unicode leaves
    # unassigned (a display name refuses them; its pattern states every other character it refuses)
    ("POST /accreditations", frozenset({"invalid-input"}), "name", "bytes of UTF-8; at most"),
    ("POST /accreditations", frozenset({"invalid-input"}), "name", "(a control character)"),
    # nor compare one field with another: a destination other than the UCR's country, or two
    # items of a list that are one value in different spellings (uniqueItems compares as written)
    ("POST /consignments", frozenset({"invalid-input"}), "destination", "the destination is the origin"),
    *(
        ("POST /alerts", frozenset({"invalid-input"}), field, "is named twice")
        for field in ("hs", "origins", "destinations", "ports_of_loading", "ports_of_discharge")
    ),
    ("POST /aeo/certifications", frozenset({"contract-revert"}), None, "(AeoRegistryInvalidValidity)"),
    ("POST /aeo/certifications", frozenset({"invalid-input"}), "valid-until", "valid-until must be after valid-from"),
    # nor a trade document's countries to the calling key's member: a member issues only for its own
    # jurisdiction and to another member's customs
    ("POST /certificates/issuances", frozenset({"invalid-input"}), None, "issues only for its own jurisdiction"),
    ("POST /certificates/issuances", frozenset({"own-destination"}), "importing_country", "the issuer's own member"),
    # nor compare fields of a trade document or of its items: an expiry before the issue date, items
    # in different units (a certificate's quantity is one sum), a number twice in one request; nor
    # know the numbers the member issued already
    ("POST /certificates/issuances", frozenset({"invalid-input"}), None, "is before the issue date"),
    ("POST /certificates/issuances", frozenset({"invalid-input"}), None, "must share one unit code"),
    ("POST /certificates/issuances", frozenset({"invalid-input"}), "certificate_number", "appear twice in the input"),
    ("POST /certificates/issuances", frozenset({"invalid-input"}), "certificate_number", "has already issued"),
    # nor how a number is written: JSON Schema's integer is a value (1000.0 and 1e3 are integers to
    # it), and a document's quantity written with a point or exponent is refused (its text is gone)
    ("POST /certificates/issuances", frozenset({"invalid-input"}), None, "is not a quantity: write it as a decimal"),
    # nor the size of a body in bytes (JSON Schema bounds items and characters): 413 over the limit
    (None, frozenset({"payload-too-large"}), None, "is over the limit of"),
    # a pattern cannot bound what an ISO 8601 duration adds up to (P31D, PT745H): over 30 days
    ("POST /subscriptions/{subscription_id}/rotate", frozenset({"invalid-input"}), "grace", "grace period is 0 to"),
    # EPCIS bodies (their schema: ledger.evidence.stated), every problem of an invalid document
    # one of these: a key's prefix against the prefixes the @context declares (one field against
    # another; `sanzhi:` on an event's own fields and step is stated)
    *((route, EPCIS_INVALID, None, "is not declared in the @context") for route in EPCIS_ROUTES),
    # one event of a document against another: a bare word another event uses as a CBV value,
    # which GS1's event hash reference then reads as that value
    *(
        (route, EPCIS_INVALID, None, "hashes this event differently in this document than on its own")
        for route in EPCIS_ROUTES
    ),
    # a text GS1's event hash reference reads as an infinite number (`inf`, `1E400`, `0.001e311`:
    # float() past 1.8e308) is no regular language, so no pattern can state it
    *((route, EPCIS_INVALID, None, "it says: OverflowError: cannot convert float infinity") for route in EPCIS_ROUTES),
    # the chain's state, before anything is recorded: an event already recorded (or twice in the
    # input: one hash), a correction of no recorded event
    *((route, frozenset({"invalid-input"}), "events", "is already recorded") for route in EPCIS_ROUTES),
    ("POST /consignments/{ucr}/events", frozenset({"invalid-input"}), "events", "has no such event to correct"),
    ("POST /consignments/{ucr}/decisions", frozenset({"invalid-input"}), "events", "has no such event to correct"),
    # a decision: the organisation is a side of the consignment and decides on its own
    # declarations, once per declaration and step (a correction retracts the decision in force),
    # accepts the other side's recorded results for itself, and not ahead of the clock
    ("POST /consignments/{ucr}/decisions", frozenset({"invalid-input"}), "member", "its customs decides nothing there"),
    ("POST /consignments/{ucr}/decisions", frozenset({"invalid-input"}), "events", "decides on its own declarations"),
    ("POST /consignments/{ucr}/decisions", frozenset({"invalid-input"}), "events", "on this declaration of"),
    ("POST /consignments/{ucr}/decisions", frozenset({"invalid-input"}), "events", "decision in force on this"),
    ("POST /consignments/{ucr}/decisions", frozenset({"invalid-input"}), "events", "accepts results for itself"),
    ("POST /consignments/{ucr}/decisions", frozenset({"invalid-input"}), "events", "which is not an inspection result"),
    ("POST /consignments/{ucr}/decisions", frozenset({"invalid-input"}), "events", "is later than now"),
]

# what refuses a request the document forbids: Schemathesis's own list, and 413 (a body over the
# service's limit is refused before it is read)
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]

# every phase, both valid and invalid data, every check (the defaults of Schemathesis 4)
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 23,
        "phases": {"enabled": True},
        "generation": {"mode": "all", "max-examples": EXAMPLES},
        "checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}},
        # the coverage phase walks every edge of a schema whatever the number of examples: over the
        # EPCIS bodies (GS1's schema and sanzhi's rules) about 9,000 requests per operation, a
        # minute each on two cores. `make fuzz-deep` walks them; `make fuzz` (CI) leaves them to
        # the examples, fuzzing and stateful phases (and to tests/ledger/evidence/test_stated.py)
        "operations": (
            []
            if EXAMPLES >= DEEP
            else [{"include-name-regex": EPCIS_OPERATIONS, "phases": {"coverage": {"enabled": False}}}]
        ),
    }
)


def only_operations(document: dict[str, Any], pattern: str | None) -> dict[str, Any]:
    """The document with only the operations whose "METHOD /path" `pattern` finds (all: None).
    (Schemathesis's own `include` is not applied once the configuration names operations.)"""
    if pattern is None:
        return document
    paths = {
        path: kept
        for path, operations in document["paths"].items()
        if (kept := {m: o for m, o in operations.items() if re.search(pattern, f"{m.upper()} {path}")})
    }
    return {**document, "paths": paths}


# the document of a service app (building one touches neither the chain nor the database); the
# requests go to the test's own service on the chain
schema = schemathesis.openapi.from_dict(only_operations(create_app(LedgerSettings()).openapi(), ONLY), config=CONFIG)


@pytest.fixture
def served(api: Api) -> Iterator[str]:
    """The base URL of the test's service (already started by its TestClient) on a free port."""
    with PortalServer(api.client.app, lifespan="off") as server:
        yield server.url


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_responses_conform(case: schemathesis.Case, api: Api, chain: Chain, served: str) -> None:
    if case.path.startswith(INDEXED):  # these routes answer from the index: give it one
        index_into(api, chain)
    response = case.call(base_url=served, headers=headers_for(case, api), timeout=TIMEOUT)
    validate(case, response, base_url=served)


def test_stateful_sequences(api: Api, served: str) -> None:
    """Sequences of calls linked by what one answer names and the next one takes (a subscription
    made, then read, rotated and removed ...)."""

    found: list[FailureGroup] = []  # what the checks found, whatever Hypothesis does next

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"base_url": served, "headers": headers_for(case, api), "timeout": TIMEOUT}

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            try:
                validate(case, response, recorder=self.recorder, **kwargs)
            except FailureGroup as group:
                found.append(group)
                raise

    try:
        run_sequences(Machine)
    except Flaky:
        # The service's answers steer which call comes next (a link is followed only once an
        # answer gave its value), and the chain and the key store change under the sequences: a
        # sequence drawn again cannot take the same turns, which Hypothesis calls flaky. Every
        # answer it got was checked; what a check found fails the test, the rest ends the run
        # (as Schemathesis's own stateful runner does).
        if found:
            raise FailureGroup([f for group in found for f in group.exceptions], "stateful sequences") from None


def run_sequences(Machine: Any) -> None:  # noqa: N803 (a class)
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
        failures = [f for f in group.exceptions if not refused_as_listed(case, response, f, PRINCIPLED_REFUSALS)]
        if TALLY is not None:
            tally(case, response, failures)
        elif failures:
            raise FailureGroup(failures, str(group)) from None


def tally(case: schemathesis.Case, response: Any, failures: list[Failure]) -> None:
    assert TALLY is not None
    with Path(TALLY).open("a", encoding="utf-8") as out:
        for failure in failures:
            line = {
                "operation": case.operation.label,
                "title": failure.title,
                "status": response.status_code,
                "answer": response.text[:1000],
                "request": {"path": case.formatted_path, "query": case.query, "body": repr(case.body)[:TALLY_BODY]},
            }
            out.write(json.dumps(line, default=str) + "\n")


def refused_as_listed(
    case: schemathesis.Case,
    response: Any,
    failure: Failure,
    listed: list[tuple[str | None, frozenset[str], str | None, str]],
) -> bool:
    """Whether `failure` is a schema-valid request refused for a reason `listed`: every problem
    the answer names (an invalid document lists several in its detail), each for a listed reason."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code not in (413, 422):
        return False
    try:
        problem = json.loads(response.text)
    except ValueError:
        return False
    return all(
        any(
            operation in (None, case.operation.label)
            and problem.get("code") in codes
            and where in (None, field)
            and fragment in detail
            for operation, codes, where, fragment in listed
        )
        for field, detail in problems_named(problem)
    )


# "3 problems: $.a: reason; $.b: reason; ...", as ledger.errors.InvalidDocument writes them
MANY_PROBLEMS = re.compile(r"^\d+ problems: ")


def problems_named(problem: dict[str, Any]) -> list[tuple[str, str]]:
    """(the field at fault, the detail) of each problem an answer names."""
    detail = str(problem.get("detail", ""))
    if problem.get("code") != "invalid-document" or not MANY_PROBLEMS.match(detail):
        return [(str(problem.get("path") or "").split(".")[0], detail)]
    listed = re.split(r"; (?=\$)", MANY_PROBLEMS.sub("", detail))
    return [(path.split(".")[0], reason) for path, _, reason in (item.partition(": ") for item in listed)]


def headers_for(case: schemathesis.Case, api: Api) -> dict[str, str]:
    """A key of the operation's role in place of the generated credentials; none where the case
    made its Authorization header invalid on purpose (a key in its place would make the request
    valid, and the check would blame the service for accepting it)."""
    if not operation_is_protected(case) or authorization_mutated(case):
        return {}
    operation = (case.method.upper(), case.path)
    role = "auditor" if case.path.startswith("/audit") else ROLES.get(operation, "trader")
    return api.headers("CN", role)


def authorization_mutated(case: schemathesis.Case) -> bool:
    """Whether a negative case's mutations include its Authorization header."""
    data = case.meta.phase.data if case.meta is not None and case.meta.generation.mode.is_negative else None
    if data is None:
        return False
    named = [data.parameter, *(m.parameter for m in data.mutations), *(m.schema_pointer for m in data.mutations)]
    return any(name and name.lower().split("/")[-1] == "authorization" for name in named)


def index_into(api: Api, chain: Chain) -> None:
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    Follower(client=chain.client(), engine=open_index(settings)).catch_up()


def operation_is_protected(case: schemathesis.Case) -> bool:
    return bool(case.operation.definition.raw.get("security"))
