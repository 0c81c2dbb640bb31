"""Every error the service answers is problem+json on API routes and the portal's own page, in
the reader's language, on portal routes: a wrong method, an unknown static file, a body over the
limit, a malformed form."""

from __future__ import annotations

import pytest

from tests.support import Api, assert_problem

HTML = "text/html"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/certificates/revoke", {"POST"}),
        ("GET", "/certificates/utilize", {"POST"}),
        ("PUT", "/certificates/issuances", {"GET", "POST"}),
        ("DELETE", "/aeo/certifications", {"GET", "POST"}),
        ("GET", "/accreditations/withdraw", {"POST"}),
        ("PATCH", "/health", {"GET"}),
    ],
)
def test_a_method_the_route_does_not_take_is_a_405_problem_naming_those_it_does(
    api: Api, method: str, path: str, allow: set[str]
) -> None:
    response = api.client.request(method, path, headers=api.headers("CN", "issuer"))
    assert_problem(response, 405, "method-not-allowed")
    assert {m.strip() for m in response.headers["allow"].split(",")} == allow


@pytest.mark.parametrize(("accept", "words"), [("en-US", "does not take"), ("zh-CN", "不支持")])
@pytest.mark.parametrize(("method", "path"), [("DELETE", "/"), ("PUT", "/login"), ("GET", "/verify")])
def test_a_method_a_portal_page_does_not_take_gets_the_portal_page(
    api: Api, method: str, path: str, accept: str, words: str
) -> None:
    response = api.client.request(method, path, headers={"Accept-Language": accept})
    assert response.status_code == 405
    assert response.headers["content-type"].startswith(HTML)
    assert response.headers["allow"]
    assert words in response.text


@pytest.mark.parametrize(("accept", "words"), [("en-US", "no such file"), ("zh-CN", "没有这个文件")])
@pytest.mark.parametrize("path", ["/static/portal/nothing.css", "/static/other.js"])
def test_an_unknown_static_file_is_the_portals_not_found_page(api: Api, path: str, accept: str, words: str) -> None:
    response = api.client.get(path, headers={"Accept-Language": accept})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(HTML)
    assert words in response.text


def test_an_unknown_api_path_is_a_404_problem(api: Api) -> None:
    assert_problem(api.client.get("/consignments/x/nothing/here"), 404, "not-found")


@pytest.mark.parametrize(("accept", "words"), [("en-US", "too large"), ("zh-CN", "过大")])
def test_a_portal_upload_over_the_body_limit_gets_the_portal_page(services: object, accept: str, words: str) -> None:
    api = services("CN", max_body_bytes=64 * 1024)  # type: ignore[operator]
    content = b"{" + b" " * (100 * 1024) + b"}"
    response = api.client.post(
        "/verify", files={"file": ("big.json", content, "application/json")}, headers={"Accept-Language": accept}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith(HTML)
    assert words in response.text


def test_an_api_body_over_the_limit_is_still_a_problem(services: object) -> None:
    api = services("CN", max_body_bytes=64 * 1024)  # type: ignore[operator]
    response = api.client.post(
        "/certificates/verify", content=b"[" + b" " * (100 * 1024) + b"]", headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413, "payload-too-large")


@pytest.mark.parametrize(("accept", "words"), [("en-US", "form"), ("zh-CN", "表单")])
@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/verify", b"--x\r\nnot a part", "multipart/form-data; boundary=x"),
        ("/verify", b'{"file": "x"}', "application/json"),
        ("/login", b"--x\r\nContent-Disposition: form-data\r\n\r\n", "multipart/form-data; boundary=x"),
        ("/login", b"api_key=%ZZ%&next=\xff", "multipart/form-data"),
    ],
)
def test_a_malformed_form_gets_the_portal_page(
    api: Api, path: str, body: bytes, content_type: str, accept: str, words: str
) -> None:
    headers = {"Content-Type": content_type, "Accept-Language": accept, "Origin": "http://testserver"}
    response = api.client.post(path, content=body, headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(HTML), response.text
    assert words in response.text
