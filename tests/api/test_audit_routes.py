"""Audit routes: auditor keys only; answered 503 until the index is wired in."""

from __future__ import annotations

import pytest

from tests.support import Api, assert_problem

ROUTES = ["/audit/consignments/6CN9144010012345678-SG-000042/timeline",
          "/audit/certificates/0x" + "ab" * 32 + "/history", "/audit/actions?member=CN"]  # fmt: skip


@pytest.mark.parametrize("path", ROUTES)
def test_audit_needs_an_auditor_and_says_the_index_is_unavailable(api: Api, path: str) -> None:
    assert_problem(api.client.get(path), 401, "unauthenticated")
    assert_problem(api.client.get(path, headers=api.headers("CN", "issuer")), 403, "forbidden", "auditor")
    response = api.client.get(path, headers=api.headers("CN", "auditor"))
    assert_problem(response, 503, "index-unavailable", "index not available")


def test_audit_parameters_are_checked_first(api: Api) -> None:
    response = api.client.get("/audit/certificates/0x12/history", headers=api.headers("CN", "auditor"))
    assert_problem(response, 422, "invalid-request", "leaf")
