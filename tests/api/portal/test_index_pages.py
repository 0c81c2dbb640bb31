"""Certificate history and the auditors' search (pages over the ledger index), and the auditor
login that guards the search: cookie attributes, refused keys, other sites' forms, redirects."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.deps import ServiceContext
from api.portal import portal_app
from api.portal.auth_pages import COOKIE, safe_next
from api.portal.config import PortalConfig, Principal
from api.portal.index_queries import (
    AuditFilters,
    AuditRecord,
    AuditResults,
    CertificateHistory,
    HistoryEvent,
    audit_query,
    history_query,
)
from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.client import LedgerClient
from ledger.consortium.names import AccountName
from ledger.errors import InvalidInput
from ledger.settings import LedgerSettings
from tests.support import Markup, StandInSessions, alert, assert_accessible, free_port

LEAF = "0x" + "ab" * 32
KEYS = {
    "key-auditor-sg": Principal(organisation="SG", role="auditor"),
    "key-issuer-cn": Principal(organisation="CN", role="issuer"),
}


class KeyStore:
    """Stands in for the API's key store: keys can be withdrawn while a session is open."""

    def __init__(self) -> None:
        self.keys = dict(KEYS)
        self.asked: list[str] = []

    def __call__(self, key: str) -> Principal | None:
        self.asked.append(key)
        return self.keys.get(key)


@pytest.fixture
def context(tmp_path: Path) -> ServiceContext:
    url = f"http://127.0.0.1:{free_port()}"
    client = LedgerClient(rpc_url=url, artifacts=Artifacts(DEFAULT_ARTIFACTS_DIR))
    return ServiceContext(settings=LedgerSettings(data_dir=tmp_path, rpc_url=url), client=client)


@pytest.fixture
def keys() -> KeyStore:
    return KeyStore()


@pytest.fixture
def client(context: ServiceContext, keys: KeyStore) -> Iterator[TestClient]:
    with TestClient(
        portal_app(context, PortalConfig(sessions=StandInSessions(keys))), base_url="http://portal.test"
    ) as c:
        yield c


def sign_in(client: TestClient, key: str = "key-auditor-sg", **form: str) -> Any:
    return client.post(
        "/login?lang=en",
        data={"api_key": key, **form},
        headers={"Origin": "http://portal.test"},
        follow_redirects=False,
    )


# ---------------------------------------------------------------- history


def test_history_needs_a_certificate_id(client: TestClient) -> None:
    response = client.get("/certificates/CN2026RCEP0001?lang=zh")
    assert response.status_code == 400
    assert alert(response) == "CN2026RCEP0001 不是证书标识（应为 0x 加 64 位十六进制数字）。"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "This page needs the ledger index, which this service does not run yet."),
        ("zh", "此页面需要账本索引，本服务尚未运行索引。"),
    ],
)
def test_history_says_the_index_is_not_available_yet(client: TestClient, lang: str, message: str) -> None:
    response = client.get(f"/certificates/{LEAF}?lang={lang}")
    assert response.status_code == 503
    assert alert(response).startswith(message)


ISSUER = "0x" + "11" * 20
SG_CUSTOMS = "0x" + "22" * 20


def test_history_shows_what_the_index_answers(client: TestClient) -> None:
    asked: list[str] = []

    def history(*, context: ServiceContext, certificate: str) -> CertificateHistory | None:
        asked.append(certificate)
        events = [
            HistoryEvent(
                at=datetime(2026, 1, 3, tzinfo=UTC),
                event="CertificatesIssued",
                member="CN",
                by=ISSUER,
                by_name=AccountName(address=ISSUER, name="Ningbo Chamber", member_id="CN", member_name="China"),
                tx_hash="0x" + "01" * 32,
            ),
            HistoryEvent(
                at=datetime(2026, 2, 1, 8, tzinfo=UTC),
                event="CertificateUtilized",
                member="SG",
                by=SG_CUSTOMS,
                amount="12.5",
                declaration="SG-IMP-1",
            ),
            HistoryEvent(at=datetime(2026, 3, 1, tzinfo=UTC), event="CertificateRevoked", member="CN", reason="fraud"),
        ]
        return CertificateHistory(
            certificate=certificate, root="0x" + "cd" * 32, type="certificate-of-origin", events=events
        )

    client.app.dependency_overrides[history_query] = lambda: history  # type: ignore[attr-defined]
    response = client.get(f"/certificates/{LEAF.upper().replace('0X', '0x')}?lang=zh")
    assert response.status_code == 200
    assert asked == [LEAF]  # the id is normalised to lower case before the index sees it
    markup = assert_accessible(response.text, "zh-Hans")
    rows = [a["data-event"] for a in markup.find("tr") if "data-event" in a]
    assert rows == ["CertificatesIssued", "CertificateUtilized", "CertificateRevoked"]
    text = markup.text("main")
    assert "原产地证书" in text
    assert "2026-02-01 08:00 +00:00" in text  # no zone cookie: UTC, and it says so
    assert "证书撤销" in text
    assert "欺诈" in text
    assert "核销 12.5（进口报关单 SG-IMP-1）" in text  # the detail in Chinese too
    assert "CN Ningbo Chamber（由 CN 认可）" in text
    assert "SG 0x" in text  # an account nobody named: its member and its address, shortened
    assert "0x010101…010101" in text


def test_history_of_a_certificate_the_index_does_not_know(client: TestClient) -> None:
    client.app.dependency_overrides[history_query] = lambda: lambda **_: None  # type: ignore[attr-defined]
    response = client.get(f"/certificates/{LEAF}")
    assert response.status_code == 404
    assert alert(response) == f"The index has no certificate {LEAF}."


# ---------------------------------------------------------------- login


def test_the_search_sends_a_visitor_to_the_login_page(client: TestClient) -> None:
    response = client.get("/audit?member=CN&lang=zh", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Faudit%3Fmember%3DCN%26lang%3Dzh&lang=zh"
    login = client.get(response.headers["location"])
    markup = assert_accessible(login.text, "zh-Hans")
    assert markup.find("input", name="next")[0]["value"] == "/audit?member=CN&lang=zh"
    assert markup.find("input", id="api-key")[0]["type"] == "password"


def test_an_auditor_key_signs_in_with_a_strict_httponly_session_cookie(client: TestClient) -> None:
    response = sign_in(client, next="/audit?member=CN")
    assert response.status_code == 303
    assert response.headers["location"] == "/audit?member=CN"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "key-auditor-sg" not in cookie  # the cookie holds a session id, never the key
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite", "path", "max-age"} <= attributes
    assert "samesite=strict" in cookie.lower()
    assert "secure" not in attributes  # plain http (tests); set whenever the portal is served over https


def test_the_cookie_is_secure_over_https(context: ServiceContext, keys: KeyStore) -> None:
    with TestClient(
        portal_app(context, PortalConfig(sessions=StandInSessions(keys))), base_url="https://portal.test"
    ) as c:
        response = c.post(
            "/login",
            data={"api_key": "key-auditor-sg"},
            headers={"Origin": "https://portal.test"},
            follow_redirects=False,
        )
    assert "; secure" in response.headers["set-cookie"].lower()


@pytest.mark.parametrize(
    ("key", "status", "message"),
    [
        ("wrong-key", 401, "This key is not an auditor's key, or it is no longer valid."),
        ("key-issuer-cn", 401, "This key is not an auditor's key, or it is no longer valid."),
        ("   ", 400, "Enter your API key."),
        ("k" * 600, 401, "This key is not an auditor's key, or it is no longer valid."),
    ],
)
def test_other_keys_are_refused_and_not_echoed(
    client: TestClient, keys: KeyStore, key: str, status: int, message: str
) -> None:
    response = sign_in(client, key)
    assert response.status_code == status
    assert alert(response) == message
    assert "set-cookie" not in response.headers
    if key.strip():
        assert key not in response.text
    assert all(len(asked) <= 512 for asked in keys.asked)  # an oversized key never reaches the store


def test_a_form_posted_by_another_site_is_refused(client: TestClient) -> None:
    response = client.post(
        "/login", data={"api_key": "key-auditor-sg"}, headers={"Origin": "https://evil.example"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert alert(response) == "This form was sent from another site and was refused."
    assert "set-cookie" not in response.headers
    logout = client.post("/logout", headers={"Origin": "null"}, follow_redirects=False)
    assert logout.status_code == 403


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example", "/\\evil.example", "/\t/evil.example", "audit", "", "javascript:x"],
)
def test_login_never_redirects_off_the_site(client: TestClient, target: str) -> None:
    assert safe_next(target) is None
    response = sign_in(client, next=target)
    assert response.status_code == 303
    assert response.headers["location"] == "/audit?lang=en"


def test_without_a_key_store_there_is_no_login(context: ServiceContext) -> None:
    with TestClient(portal_app(context)) as c:
        page = c.get("/login?lang=zh")
        assert alert(page) == "本服务未开放审计员登录。"
        response = c.post("/login", data={"api_key": "key-auditor-sg"}, follow_redirects=False)
        assert response.status_code == 503
        c.cookies.set(COOKIE, "key-auditor-sg")
        assert c.get("/audit", follow_redirects=False).status_code == 303


# ---------------------------------------------------------------- the search


def test_the_search_says_the_index_is_not_available_yet(client: TestClient) -> None:
    sign_in(client)
    response = client.get("/audit?lang=zh")
    assert response.status_code == 503
    assert alert(response).startswith("此页面需要账本索引")
    markup = assert_accessible(response.text, "zh-Hans")
    assert "已作为 SG 的审计员登录。" in markup.text("main")
    assert markup.find("select", id="filter-event")


def test_the_search_passes_the_filters_and_shows_the_records(client: TestClient) -> None:
    seen: list[tuple[AuditFilters, Principal]] = []

    def search(*, context: ServiceContext, filters: AuditFilters, auditor: Principal) -> AuditResults:
        seen.append((filters, auditor))
        record = AuditRecord(at=datetime(2026, 3, 1, tzinfo=UTC), event="CertificateRevoked", member="CN", subject=LEAF)
        return AuditResults(records=[record])

    client.app.dependency_overrides[audit_query] = lambda: search  # type: ignore[attr-defined]
    sign_in(client)
    response = client.get(
        "/audit?member=cn&event=CertificateRevoked&since=2026-01-01&certificate=CN2026RCEP0001&lang=en"
    )
    assert response.status_code == 200
    [(filters, auditor)] = seen
    assert auditor.organisation == "SG"
    assert filters.member == "CN"
    assert filters.event == "CertificateRevoked"
    assert filters.since == datetime(2026, 1, 1, tzinfo=UTC)
    assert filters.certificate == "CN2026RCEP0001"
    assert filters.consignment is None
    markup = Markup(response.text)
    assert markup.text("caption") == "1 events on this page, newest first; times in your time zone"
    assert [a["data-event"] for a in markup.find("tr") if "data-event" in a] == ["CertificateRevoked"]
    assert "Certificate revoked" in markup.text("tbody")
    assert "2026-03-01 00:00 +00:00" in markup.text("tbody")  # no time zone cookie: UTC, said


def test_the_search_refuses_a_time_it_cannot_read(client: TestClient) -> None:
    sign_in(client)
    response = client.get("/audit?since=yesterday")
    assert response.status_code == 400
    assert alert(response).startswith("The input is not valid: since: 'yesterday' is not an ISO 8601 time")


def test_an_index_refusal_is_shown_as_bad_input(client: TestClient) -> None:
    def search(**_: Any) -> AuditResults:
        raise InvalidInput("a consignment reference is at most 35 characters", path="consignment")

    client.app.dependency_overrides[audit_query] = lambda: search  # type: ignore[attr-defined]
    sign_in(client)
    response = client.get("/audit?consignment=x")
    assert response.status_code == 400
    assert "consignment: a consignment reference is at most 35 characters" in alert(response)


def test_a_withdrawn_key_ends_the_session(client: TestClient, keys: KeyStore) -> None:
    sign_in(client)
    assert client.get("/audit", follow_redirects=False).status_code == 503  # signed in (no index yet)
    del keys.keys["key-auditor-sg"]
    response = client.get("/audit", follow_redirects=False)
    assert response.status_code == 303
    assert "expired=1" in response.headers["location"]
    assert f'{COOKIE}=""' in response.headers["set-cookie"]
    page = client.get(response.headers["location"])
    assert Markup(page.text).text("status") == "Your session ended: sign in again."


def test_logout_clears_the_cookie(client: TestClient) -> None:
    sign_in(client)
    response = client.post("/logout?lang=zh", headers={"Origin": "http://portal.test"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?logged_out=1&lang=zh"
    assert COOKIE not in client.cookies
    assert client.get("/audit", follow_redirects=False).status_code == 303


def test_an_overlong_filter_is_refused_on_the_page(client: TestClient) -> None:
    sign_in(client)
    response = client.get("/audit?consignment=" + "U" * 500)
    assert response.status_code == 400
    assert alert(response) == "The input is not valid: consignment: String should have at most 64 characters"
    assert Markup(response.text).find("input", id="filter-consignment")[0]["value"] == "U" * 200
