"""The verify page shows what the certificate says, in a real headless Chromium, in Chinese and
English: a valid certificate, one whose holder hid fields (marked where they stand) and a sample
that was never issued (one sentence). Screenshots under test-artifacts/screenshots/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support import CliRunner, issue_samples, open_page, save_screenshot

pytestmark = pytest.mark.browser

FILE_LABEL = {"zh": "证书文件（JSON）", "en": "Certificate file (JSON)"}
SUBMIT = {"zh": "核验", "en": "Verify"}
HIDDEN = {"zh": "持有人已隐藏", "en": "hidden by the holder"}
ORIGIN = {"zh": "中国 (CN)", "en": "China (CN)"}
SIGNER = {"zh": "宁波市贸促会 CCPIT Ningbo（由 CN 认可）", "en": "宁波市贸促会 CCPIT Ningbo, accredited by CN"}
NOT_ISSUED = {"zh": "sample.json 尚未签发", "en": "sample.json has not been issued"}


@pytest.fixture
def files(cli: CliRunner, tmp_path: Path) -> dict[str, Path]:
    [valid] = issue_samples(cli, tmp_path, count=1)
    hidden = tmp_path / "hidden.json"
    fields = "importer,exporter.address,items.0.quantity,invoice.date"
    assert cli("cert", "hide", str(valid), "--fields", fields, "--out", str(hidden)).exit_code == 0
    sample = tmp_path / "sample.json"
    sample.write_bytes(next((tmp_path / "samples").glob("*.json")).read_bytes())
    return {"valid": valid, "hidden": hidden, "sample": sample}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_document_valid_hidden_and_never_issued(
    browser: Browser, portal_url: str, files: dict[str, Path], lang: str
) -> None:
    data = json.loads(files["valid"].read_text())["data"]
    for page, errors in open_page(browser, lang):
        upload(page, portal_url, lang, files["valid"])
        document = page.locator("section.certificate")
        expect(document).to_contain_text(data["certificate_number"])
        expect(page.locator("#party-exporter")).to_contain_text(data["exporter"]["name"])
        expect(page.locator("#party-consignee")).to_contain_text(data["importer"]["name"])
        expect(page.locator('[data-field="origin"]')).to_have_text(ORIGIN[lang])
        expect(page.locator("tr[data-line]")).to_have_count(len(data["items"]))
        first = data["items"][0]
        expect(page.locator("#line-1 [data-field=quantity]")).to_have_text(f"{first['quantity']} {first['unit_code']}")
        expect(page.locator("[data-hidden]")).to_have_count(0)
        history = page.locator("a[data-history]")
        expect(history).to_have_attribute("href", f"/certificates/{page_leaf(files['valid'])}?lang={lang}")
        signer = page.locator("[data-field=signer]")
        expect(signer.locator("summary")).to_have_text(SIGNER[lang])
        address = json.loads(files["valid"].read_text())["issuer"]["address"]
        expect(signer.locator("code")).to_be_hidden()
        signer.locator("summary").click()  # the address is one click away
        expect(signer.locator("code")).to_have_text(address)
        assert no_horizontal_overflow(page)
        save_screenshot(page, f"document-{lang}-valid")

        upload(page, portal_url, lang, files["hidden"])
        expect(page.get_by_role("status")).to_have_attribute("data-verdict", "valid")
        expect(page.locator("#party-consignee [data-hidden]")).to_have_text(HIDDEN[lang])
        expect(page.locator("#party-exporter [data-hidden]")).to_have_text(HIDDEN[lang])
        expect(page.locator("#party-exporter")).to_contain_text(data["exporter"]["name"])
        expect(page.locator("#line-1 [data-field=quantity] [data-hidden]")).to_have_count(1)
        expect(page.locator('[data-field="invoice"]')).to_contain_text(data["invoice"]["number"])
        expect(page.locator("[data-hidden]")).to_have_count(4)
        assert no_horizontal_overflow(page)
        save_screenshot(page, f"document-{lang}-hidden")
        assert errors == []

        upload(page, portal_url, lang, files["sample"])  # answered 400: the browser logs that
        expect(page.get_by_role("alert")).to_contain_text(NOT_ISSUED[lang])
        expect(page.locator("section.certificate")).to_have_count(0)
        save_screenshot(page, f"document-{lang}-never-issued")


def upload(page: Page, portal_url: str, lang: str, path: Path) -> None:
    page.goto(f"{portal_url}/")
    page.get_by_label(FILE_LABEL[lang]).set_input_files(path)
    page.get_by_role("button", name=SUBMIT[lang]).click()
    page.wait_for_load_state()


def page_leaf(path: Path) -> str:
    from ledger.certificates.wrapped import read_wrapped

    return "0x" + read_wrapped(path).leaf.hex()


def no_horizontal_overflow(page: object) -> bool:
    """Long values (ids, hashes) wrap: the page is never wider than the window."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))  # type: ignore[attr-defined]
