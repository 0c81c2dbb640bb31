"""Rate limits cover every route and are shared by the workers: `sanzhi serve --workers 2` lets
one address through at the configured rate, not twice it; the portal's pages, its login and the
API answer 429 each in their own way, with Retry-After."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.support import Api, assert_problem, free_port, wait_until

BURST = 10


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`sanzhi serve --workers 2` (public routes) whose address bucket barely refills."""
    data = tmp_path_factory.mktemp("shared")
    port = free_port()
    env = {**os.environ, "SANZHI_ENV": "dev", "SANZHI_API_PUBLIC_RATE": "0.001", "SANZHI_API_PUBLIC_BURST": str(BURST)}
    command = [str(Path(sys.executable).with_name("sanzhi")), "--data-dir", str(data / "data"),
               "--rpc-url", "http://127.0.0.1:9", "serve", "--port", str(port), "--workers", "2",
               "--no-follow", "--no-webhooks"]  # fmt: skip
    log = data / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:  # static files have a bucket of their own: waiting spends no request
        assert process.poll() is None, log.read_text()[-800:]
        try:
            return requests.get(f"{url}/static/portal/portal.css", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_until(up, timeout=60, failure=lambda: f"the service did not start: {log.read_text()[-800:]}")
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_two_workers_together_let_through_no_more_than_the_rate(two_workers: str) -> None:
    # a new connection each time: the kernel spreads them over both workers' sockets
    answers = [requests.get(f"{two_workers}/login", headers={"Connection": "close", "Accept-Language": "zh-CN"},
                            timeout=10) for _ in range(4 * BURST)]  # fmt: skip
    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == {200: BURST, 429: 3 * BURST}
    page = next(answer for answer in answers if answer.status_code == 429)
    assert page.headers["content-type"].startswith("text/html")
    assert int(page.headers["retry-after"]) >= 1
    assert "请求过多" in page.text and 'lang="zh' in page.text
    # the API's routes share the address's bucket, and answer problem+json
    api = requests.get(f"{two_workers}/health", timeout=10)
    assert api.status_code == 429
    assert api.headers["content-type"] == "application/problem+json"
    assert int(api.headers["retry-after"]) >= 1
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
