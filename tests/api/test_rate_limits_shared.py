"""Rate limits cover every route and are shared by the workers: `sanzhi serve --workers 2` lets
one address through at the configured rate, not twice it; the portal's pages, its login and the
API answer 429 each in their own way, with Retry-After."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support import Api, assert_problem, open_page, save_screenshot, serving, wait_until

BURST = 10


def listening_sockets(port: int) -> int:
    """How many sockets listen on 127.0.0.1:`port` (Linux's /proc/net/tcp: state 0A is LISTEN)."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for row in rows if row.split()[1] == f"0100007F:{port:04X}" and row.split()[3] == "0A")


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`sanzhi serve --workers 2` (public routes) whose address bucket barely refills."""
    env = {**os.environ, "SANZHI_ENV": "dev", "SANZHI_API_PUBLIC_RATE": "0.001", "SANZHI_API_PUBLIC_BURST": str(BURST)}

    def up(url: str) -> bool:  # static files have a bucket of their own: waiting spends no request
        if listening_sockets(int(url.rsplit(":", 1)[1])) < 2:  # each worker listens once loaded
            return False
        return requests.get(f"{url}/static/portal/portal.css", timeout=2).status_code == 200

    with serving(tmp_path_factory.mktemp("shared"), "--workers", "2", env=env, ready=up) as url:
        yield url


def test_two_workers_together_let_through_no_more_than_the_rate(two_workers: str) -> None:
    # a new connection each time: the kernel spreads them over both workers' sockets (/health
    # answers 503 here, with no chain: what counts is that it answers, or refuses with 429)
    answers = [requests.get(f"{two_workers}/health", headers={"Connection": "close"}, timeout=30)
               for _ in range(4 * BURST)]  # fmt: skip
    refused = [answer for answer in answers if answer.status_code == 429]
    assert len(answers) - len(refused) == BURST
    assert refused[0].headers["content-type"] == "application/problem+json"
    assert int(refused[0].headers["retry-after"]) >= 1
    # the portal's pages share the address's bucket, and answer with the portal's page
    page = requests.get(f"{two_workers}/login", headers={"Accept-Language": "zh-CN"}, timeout=30)
    assert page.status_code == 429
    assert page.headers["content-type"].startswith("text/html")
    assert int(page.headers["retry-after"]) >= 1
    assert "请求过多" in page.text
    assert 'lang="zh' in page.text
    # static files have a generous bucket of their own
    assert requests.get(f"{two_workers}/static/portal/portal.css", timeout=10).status_code == 200


def test_portal_pages_are_limited_in_the_readers_language(services: Callable[..., Api]) -> None:
    api = services("CN", public_rate=0.001, public_burst=2)
    for _ in range(2):
        assert api.client.get("/?lang=en").status_code == 200
    refused = api.client.get("/?lang=en")
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert int(refused.headers["retry-after"]) >= 1
    assert "Too many requests" in refused.text
    unknown = api.client.get("/no/such/page")  # every path, not only the routes that exist
    assert_problem(unknown, 429, "rate-limited")


def test_login_attempts_are_limited(services: Callable[..., Api]) -> None:
    api = services("CN", login_rate=0.001, login_burst=3)
    guess = {"api_key": "szk_0123456789abcdef_" + "0" * 64}
    for _ in range(3):
        assert api.client.post("/login?lang=zh", data=guess).status_code == 401
    refused = api.client.post("/login?lang=zh", data=guess)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert "登录尝试次数过多" in refused.text
    # a real key from the same address is held too: guessing cannot go on by mixing in a good key
    token = api.token("CN", "auditor")
    assert api.client.post("/login?lang=zh", data={"api_key": token}, follow_redirects=False).status_code == 429


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_refusal_page_in_a_browser(browser: Any, two_workers: str, lang: str) -> None:
    def spent() -> bool:
        return requests.get(f"{two_workers}/health", timeout=30).status_code == 429

    wait_until(spent, timeout=60, interval=0, failure="the address's bucket never ran out")
    with contextmanager(open_page)(browser, lang) as (page, errors):
        answer = page.goto(f"{two_workers}/login")
        assert answer is not None
        assert answer.status == 429
        heading = page.locator("h1").inner_text()
        assert heading == {"zh": "请求过于频繁", "en": "Too many requests"}[lang]
        save_screenshot(page, f"rate-limited-{lang}")
        # the browser reports the page's own 429, and nothing else: its stylesheet and script
        # were served (their own bucket)
        assert len(errors) == 1
        assert "429" in errors[0]
