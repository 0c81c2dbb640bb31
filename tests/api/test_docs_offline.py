"""/docs and /redoc work with no internet: every file their pages load is served by the service."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.support import offline_app


class Assets(HTMLParser):
    """Every script src and link href of a page, and every absolute URL its inline scripts name."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)

    def handle_data(self, data: str) -> None:
        self.inline += data


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_docs_load_only_what_the_service_serves(tmp_path: Path, page: str) -> None:
    with TestClient(offline_app(tmp_path)) as client:
        response = client.get(page)
        assert response.status_code == 200
        assert "://" not in response.text, "no URL of another host (a CDN) in the page"
        assets = Assets()
        assets.feed(response.text)
        assert any(url.endswith(".js") for url in assets.urls)
        for url in assets.urls:
            assert url.startswith("/"), url
            assert client.get(url).status_code == 200, url
        assert "/openapi.json" in response.text
        assert client.get("/openapi.json").status_code == 200
