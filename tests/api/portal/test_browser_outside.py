"""The portal in headless Chromium: a certificate destined to a country outside the consortium
verifies, and its UTILIZATION row says no member records its utilization (zh and en).
Screenshots under test-artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support import CliRunner, open_page, save_screenshot

pytestmark = pytest.mark.browser

SAID = {
    "en": "destined to MY, a country outside the consortium: no member records its utilization",
    "zh": "目的国 MY 不是联盟成员：没有任何成员记录其核销情况",
}


FILE_LABEL = {"zh": "证书文件（JSON）", "en": "Certificate file (JSON)"}
SUBMIT = {"zh": "核验", "en": "Verify"}


def upload(page: Page, portal_url: str, lang: str, path: Path) -> None:
    page.goto(f"{portal_url}/")
    page.get_by_label(FILE_LABEL[lang]).set_input_files(path)
    page.get_by_role("button", name=SUBMIT[lang]).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_certificate_for_a_country_outside_the_consortium(
    browser: Browser, portal_url: str, cli: CliRunner, tmp_path: Path, lang: str
) -> None:
    samples = tmp_path / "samples"
    assert cli("cert", "sample", "--count", "1", "--destination", "MY", "--out", str(samples)).exit_code == 0
    out = tmp_path / "w"
    assert cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(out)).exit_code == 0
    [wrapped] = sorted(out.glob("*.json"))
    for page, errors in open_page(browser, lang):
        upload(page, portal_url, lang, wrapped)
        expect(page.get_by_role("status")).to_have_attribute("data-verdict", "valid")
        expect(page.locator('tr[data-check="UTILIZATION"]')).to_contain_text(SAID[lang])
        save_screenshot(page, f"verify-{lang}-destined-outside")
        assert errors == []
