"""The portal's pages through FastAPI's TestClient, without a chain: languages, accessible
markup, and every refusal of the verify form (size, not a file, not a certificate, no node)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from api.deps import ServiceContext
from api.portal import portal_app
from api.portal.config import PortalConfig
from ledger.certificates.wrapped import wrap_documents, wrapped_json
from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.client import LedgerClient
from ledger.settings import LedgerSettings
from tests.support import ISSUER, Markup, alert, assert_accessible, certificate_of_origin, free_port


@pytest.fixture
def offline_context(tmp_path: Path) -> ServiceContext:
    """A service whose node does not answer (nothing listens on the port)."""
    url = f"http://127.0.0.1:{free_port()}"
    settings = LedgerSettings(data_dir=tmp_path, rpc_url=url)
    return ServiceContext(
        settings=settings, client=LedgerClient(rpc_url=url, artifacts=Artifacts(DEFAULT_ARTIFACTS_DIR))
    )


@pytest.fixture
def client(offline_context: ServiceContext) -> Iterator[TestClient]:
    with TestClient(portal_app(offline_context, PortalConfig(max_upload_bytes=LIMIT))) as test_client:
        yield test_client


LIMIT = 64 * 1024  # a wrapped certificate is about 10 KiB


def post_file(client: TestClient, content: bytes, *, lang: str = "en", name: str = "certificate.json") -> Response:
    return client.post(f"/verify?lang={lang}", files={"file": (name, content, "application/json")})


def offline_certificate() -> bytes:
    [batch] = wrap_documents(
        [certificate_of_origin()], issuer=ISSUER, registry="0x" + "22" * 20, chain_id=31337, batch_size=8
    )
    return wrapped_json(batch.certificates[0]).encode()


# ---------------------------------------------------------------- languages


def test_the_start_page_speaks_the_browsers_language(client: TestClient) -> None:
    zh = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert zh.status_code == 200
    assert zh.headers["content-language"] == "zh-Hans"
    markup = assert_accessible(zh.text, "zh-Hans")
    assert markup.text("h1") == "核验电子证书"
    en = client.get("/", headers={"Accept-Language": "en-GB,zh;q=0.1"})
    assert Markup(en.text).text("h1") == "Verify an e-certificate"


def test_lang_parameter_wins_and_the_switch_link_offers_the_other_language(client: TestClient) -> None:
    page = client.get("/?lang=en", headers={"Accept-Language": "zh-CN"})
    switch = Markup(page.text).find("a", **{"data-switch-language": ""})[0]
    assert switch == {"href": "/?lang=zh", "lang": "zh-Hans", "hreflang": "zh-Hans", "data-switch-language": ""}
    assert "中文" in page.text
    back = client.get(switch["href"])
    assert Markup(back.text).find("a", **{"data-switch-language": ""})[0]["href"] == "/?lang=en"


def test_the_switch_link_keeps_what_was_typed(client: TestClient) -> None:
    page = client.get("/recognition?operator=&certified_by=CN&recognised_by=&lang=zh")
    assert page.status_code == 400
    assert alert(page) == "请填写经营者编号和双方成员。"
    switch = Markup(page.text).find("a", **{"data-switch-language": ""})[0]
    assert switch["href"] == "/recognition?operator=&certified_by=CN&recognised_by=&lang=en"
    assert Markup(page.text).find("input", id="certified_by")[0]["value"] == "CN"


@pytest.mark.parametrize("path", ["/", "/recognition", "/login"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pages_have_labels_landmarks_and_ordered_headings(client: TestClient, path: str, lang: str) -> None:
    page = client.get(f"{path}?lang={lang}")
    assert page.status_code == 200
    assert_accessible(page.text, "zh-Hans" if lang == "zh" else "en")


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in page.text  # no inline script: the policy would block it
    assert 'style="' not in page.text


def test_static_files_and_unknown_paths(client: TestClient) -> None:
    css = client.get("/static/portal/portal.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert client.get("/static/portal/../messages/en.toml").status_code == 404
    assert client.get("/static/portal/en.toml").status_code == 404
    missing = client.get("/no-such-page?lang=zh")
    assert missing.status_code == 404
    assert alert(missing) == "没有这个页面。"


def test_an_overlong_parameter_gets_a_page_not_json(client: TestClient) -> None:
    response = client.get("/recognition?operator=" + "A" * 300)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert alert(response) == "Operator id is too long: at most 200 characters."
    assert Markup(response.text).find("input", id="operator")[0]["value"] == "A" * 200
    odd_language = client.get("/?lang=" + "z" * 500, headers={"Accept-Language": "zh"})
    assert odd_language.status_code == 200
    assert Markup(odd_language.text).find("html")[0]["lang"] == "zh-Hans"
    assert client.post("/verify", content=b"").status_code == 400  # not a form: a page, not JSON
    assert client.delete("/").status_code == 405


# ---------------------------------------------------------------- the verify form, without JavaScript


def test_the_verify_form_is_a_plain_multipart_post(client: TestClient) -> None:
    markup = Markup(client.get("/?lang=zh").text)
    [form] = markup.find("form", **{"data-dropzone": ""})
    assert (form["method"], form["action"], form["enctype"]) == ("post", "/verify?lang=zh", "multipart/form-data")
    assert markup.find("input", type="file", name="file", id="certificate-file")
    assert markup.find("button", type="submit")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "The file is too large: at most 64 KiB is accepted."),
        ("zh", "文件过大：最多接受 64 KiB。"),
    ],
)
def test_a_file_over_the_limit_is_refused_with_a_page(client: TestClient, lang: str, expected: str) -> None:
    response = post_file(client, b"{" + b" " * LIMIT + b"}", lang=lang)
    assert response.status_code == 413
    assert alert(response).startswith(expected)


def test_a_large_declared_body_is_refused_before_it_is_parsed(client: TestClient) -> None:
    response = post_file(client, b"x" * (LIMIT * 10))
    assert response.status_code == 413
    assert "at most 64 KiB" in alert(response)


def test_a_body_sent_in_chunks_is_counted_too(client: TestClient) -> None:
    boundary = "sanzhiboundary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.json"\r\n\r\n'.encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
        yield head
        for _ in range(100):
            yield b" " * 1024
        yield tail

    response = client.post(
        "/verify", content=chunks(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"this is not JSON", "invalid JSON at line 1, column 1"),
        (b'{"version": 2, "version": 2}', 'duplicate key "version"'),
        (b"[1, 2, 3]", "Input should be a valid dictionary"),
        (b'{"version": 1, "type": "certificate-of-origin"}', "version 1 wrapped certificate"),
        (b"\xff\xfe\x00", "not UTF-8 text"),
        (b"[" * 100 + b"]" * 100, "nested deeper than 64 levels"),
    ],
)
def test_a_file_that_is_not_a_certificate_gets_one_clear_message(
    client: TestClient, content: bytes, detail: str
) -> None:
    response = post_file(client, content, lang="en", name="../../etc/passwd")
    assert response.status_code == 400
    message = alert(response)
    assert message.startswith("This file is not a certificate this portal can read: ")
    assert detail in message
    assert "\n" not in message
    zh = post_file(client, content, lang="zh")
    assert alert(zh).startswith("该文件不是本门户可读取的证书：")


def test_the_uploaded_file_name_is_shown_without_its_directories(client: TestClient) -> None:
    response = post_file(client, b"nope", name="C:\\Users\\x\\Desktop\\mine.json")
    assert "mine.json:" in alert(response)
    assert "Desktop" not in response.text


def test_no_file_chosen(client: TestClient) -> None:
    empty = client.post("/verify", files={"file": ("", b"", "application/octet-stream")})
    assert empty.status_code == 400
    assert alert(empty) == "Choose a certificate file first."
    zero = post_file(client, b"")
    assert alert(zero) == "Choose a certificate file first."
    other_field = client.post("/verify", files={"document": ("a.json", b"{}", "application/json")})
    assert alert(other_field) == "Choose a certificate file first."


def test_a_post_that_is_not_a_form_upload(client: TestClient) -> None:
    response = client.post("/verify?lang=zh", data={"file": "certificate.json"})
    assert response.status_code == 400
    assert alert(response) == "上传内容不是带文件的表单。"


def test_a_node_that_does_not_answer_decides_nothing(client: TestClient) -> None:
    response = post_file(client, offline_certificate(), lang="zh")
    assert response.status_code == 200
    markup = Markup(response.text)
    assert markup.find("section", role="status")[0]["data-verdict"] == "undecided"
    assert markup.text("verdict-heading") == "? 无法判定"
    assert "VALID" not in markup.text("verdict-heading")
    issuance = markup.find("tr", **{"data-check": "ISSUANCE"})[0]
    assert issuance["data-status"] == "ERROR"
    assert "无法读取账本：no chain node answers at http://127.0.0.1:" in markup.text("main")


def test_offline_certificate_is_well_formed() -> None:
    """The certificate the node test posts is one the portal would verify (not refused earlier)."""
    data = json.loads(offline_certificate())
    assert data["type"] == "certificate-of-origin"
    assert data["proof"]["chain_id"] == 31337


def test_a_trust_anchor_that_cannot_be_read_is_a_clear_503(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    settings = LedgerSettings(data_dir=tmp_path, rpc_url=url, trust_consortium="0x" + "33" * 20)
    context = ServiceContext(
        settings=settings, client=LedgerClient(rpc_url=url, artifacts=Artifacts(DEFAULT_ARTIFACTS_DIR))
    )
    with TestClient(portal_app(context)) as test_client:
        response = post_file(test_client, offline_certificate(), lang="en")
    assert response.status_code == 503
    assert alert(response).startswith("The ledger cannot be reached right now, so nothing was decided: no chain node")
