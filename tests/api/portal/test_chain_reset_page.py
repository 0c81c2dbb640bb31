"""The portal's audit pages while the index describes a chain that was reset: a page of its own in
the reader's language (503, Retry-After) saying who rebuilds the index, in a real browser."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from api.keystore import KeyStore
from api.main import create_app
from api.settings import ServiceSettings
from ledger.index.state import STATE, STATE_ID
from ledger.settings import LedgerSettings
from tests.support import PortalServer, assert_accessible, index_engine, open_page, save_screenshot

REASON = "its genesis block is 0x11…, the node's is 0x22…"
SAID = {
    ("zh", "dev"): ("记录暂时无法查看", "账本索引仍描述旧链", "自动重建"),
    ("zh", "prod"): ("记录暂时无法查看", "账本索引仍描述旧链", "sanzhi index --rebuild"),
    ("en", "dev"): ("Records not available for now", "still describes the old chain", "by itself"),
    ("en", "prod"): ("Records not available for now", "still describes the old chain", "sanzhi index --rebuild"),
}


def _index_of_a_reset_chain(url: str) -> None:
    """An index whose follower saw the node on another chain."""
    engine = index_engine(url)
    with engine.begin() as connection:
        connection.execute(
            insert(STATE).values(
                id=STATE_ID, chain_id=1337, genesis_hash=b"\x11" * 32, base_block=0, base_hash=b"\x11" * 32,
                contracts={}, checkpoint_block=40, checkpoint_hash=b"\x33" * 32, updated_at=int(time.time()),
                deployment_hash=b"\x44" * 32, mismatch=REASON, mismatch_at=int(time.time()),
            )
        )  # fmt: skip
    engine.dispose()


@pytest.mark.parametrize("env", ["dev", "prod"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_audit_page_says_the_index_awaits_its_rebuild(browser: Any, tmp_path: Path, lang: str, env: str) -> None:
    url = f"sqlite:///{tmp_path / 'service.sqlite'}"
    _index_of_a_reset_chain(url)
    keys = KeyStore(url)
    token = keys.create(organisation="CN", role="auditor", label="reset page").token
    settings = LedgerSettings(data_dir=tmp_path, rpc_url="http://127.0.0.1:9", database_url=url, env=env)
    app = create_app(settings, ServiceSettings(organisation="CN", public_rate=0, key_rate=0))
    try:
        with PortalServer(app) as server:
            for page, errors in open_page(browser, lang):
                page.goto(f"{server.url}/login?lang={lang}")
                page.fill("#api-key", token)
                page.locator("form button[type=submit]").click()
                page.wait_for_load_state()
                response = page.goto(f"{server.url}/audit?certificate=CN2026X1&lang={lang}")
                assert response is not None
                assert response.status == 503
                assert int(response.headers["retry-after"]) > 0
                html = page.content()
                for said in SAID[(lang, env)]:
                    assert said in html
                assert REASON not in html  # the reason is English: the API's problem says it, not this page
                assert_accessible(html, {"zh": "zh-Hans", "en": "en"}[lang])
                # the browser reports the page's own 503; nothing else may fail (a script, a CSP violation)
                assert [e for e in errors if "status of 503" not in e] == []
                save_screenshot(page, f"chain-reset-{lang}-{env}")
    finally:
        keys.close()
