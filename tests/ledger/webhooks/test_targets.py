"""Where deliveries may go: checked when subscribing, and in production resolved once at
delivery and pinned, so a name that resolves inside the network is never posted to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from ledger.webhooks import outbox, store
from ledger.webhooks.deliverer import Deliverer
from ledger.webhooks.errors import InvalidTarget
from ledger.webhooks.secret_box import SecretBox
from ledger.webhooks.targets import check_new_target, check_target, pin
from ledger.webhooks.topics import Audience
from tests.support import add_chain_event, index_engine

BOX = SecretBox(b"t" * 32)
PUBLIC = "93.184.216.34"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = index_engine(f"sqlite:///{tmp_path / 'index.sqlite'}")
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://hooks.example/x", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("https://user:pw@hooks.example/", "credentials"),
        ("https://hooks.example/#frag", "fragment"),
        ("https:///nohost", "no host"),
        ("https://hooks.example:99999/", "not a URL"),
        ("https://hooks.example/" + "a" * 2100, "1 to 2048 characters"),
        ("https://hooks.example/ in", "ASCII without spaces"),
        (" https://hooks.example/", "ASCII without spaces"),
        ("https://hooks.example/\x85", "ASCII without spaces"),
        ("https://bücher.example/", "punycode"),
        ("https://hooks.example:0/", "port 0"),
        ("https://hooks.example:/", "not an http"),
        ("https://[v1.x]/", "not an http"),
        ("javascript:alert(1)", "only http and https"),
    ],
)
def test_odd_urls_are_refused_everywhere(url: str, reason: str) -> None:
    for production in (False, True):
        with pytest.raises(InvalidTarget, match=reason):
            check_new_target(url, production=production)


def test_a_url_subscribed_before_the_pattern_is_still_posted_to() -> None:
    """Deliveries check the rules a stored URL was made under: a subscription to a name in
    another script (accepted before URLs were ASCII only) keeps receiving."""
    with pytest.raises(InvalidTarget, match="punycode"):
        check_new_target("https://bücher.example/in", production=True)
    assert check_target("https://bücher.example/in", production=True).host == "bücher.example"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/",
        "http://localhost:8080/",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "https://hooks.example:22/",
    ],
)
def test_production_refuses_this_machine_and_the_local_network(url: str) -> None:
    with pytest.raises(InvalidTarget):
        check_target(url, production=True)
    check_target(url.replace(":22/", ":8443/"), production=False)  # development: the demo receives on loopback


def test_a_name_is_resolved_at_delivery_and_every_address_must_be_public() -> None:
    target = check_target("https://hooks.example/in", production=True)
    with pytest.raises(InvalidTarget, match=r"10\.0\.0\.5 is not a public address"):
        pin(target, production=True, resolver=lambda host, port: [PUBLIC, "10.0.0.5"])
    pinned = pin(target, production=True, resolver=lambda host, port: [PUBLIC])
    assert pinned.url == f"https://{PUBLIC}:443/in"
    assert pinned.host_header == "hooks.example"
    assert pinned.server_name == "hooks.example"


def test_production_deliveries_connect_to_the_address_checked(engine: Engine) -> None:
    """A rebinding name answers a public address, then a private one: the connection goes
    to the address checked, with the name in Host and in TLS."""
    answers = iter([[PUBLIC], ["127.0.0.1"]])
    sent: list[httpx.Request] = []

    def transport(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    audience = Audience(member="CN", role="admin")
    store.create(engine, BOX, audience=audience, url="https://hooks.example:8443/in?x=1", topics=["certificates"],
                 production=True)  # fmt: skip
    add_chain_event(engine, block=4)
    outbox.enqueue(engine)
    deliverer = Deliverer(engine, BOX, production=True, transport=httpx.MockTransport(transport),
                          resolver=lambda host, port: next(answers))  # fmt: skip
    try:
        assert deliverer.tick() == 1
        assert deliverer.wait_idle(30)
    finally:
        deliverer.close()
    (request,) = sent
    assert str(request.url) == f"https://{PUBLIC}:8443/in?x=1"
    assert request.headers["host"] == "hooks.example:8443"
    assert request.extensions["sni_hostname"] == "hooks.example"
    assert next(answers) == ["127.0.0.1"]  # resolved once: the second answer was never asked for


def test_production_never_posts_to_a_name_that_resolves_inside(engine: Engine) -> None:
    sent: list[httpx.Request] = []
    audience = Audience(member="CN", role="admin")
    created = store.create(engine, BOX, audience=audience, url="https://hooks.example/in", topics=["certificates"],
                           production=True)  # fmt: skip
    add_chain_event(engine, block=4)
    outbox.enqueue(engine)
    deliverer = Deliverer(engine, BOX, production=True, transport=httpx.MockTransport(lambda r: sent.append(r)),  # type: ignore[arg-type,func-returns-value]
                          resolver=lambda host, port: ["169.254.169.254"])  # fmt: skip
    try:
        deliverer.tick()
        assert deliverer.wait_idle(30)
    finally:
        deliverer.close()
    assert sent == []
    status = outbox.status(engine, created.subscription.id, caller=audience)
    assert "169.254.169.254 is not a public address" in (status.last_error or "")
