"""The portal in a real headless Chromium (npm @sparticuz/chromium, driven by Playwright) on a
real uvicorn server: a valid, a tampered and a revoked certificate uploaded in Chinese and in
English, with and without JavaScript, dropped on the form, and a file over the limit.
Screenshots of every page are kept under test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support import CliRunner, contrast_ratio, issue_samples, open_page, save_screenshot, tamper

pytestmark = pytest.mark.browser

HTML_LANG = {"zh": "zh-Hans", "en": "en"}
FILE_LABEL = {"zh": "证书文件（JSON）", "en": "Certificate file (JSON)"}
SUBMIT = {"zh": "核验", "en": "Verify"}
# per language and certificate: the verdict, then (check, status word, words of the reason)
EXPECTED: dict[str, dict[str, tuple[str, str, str, str]]] = {
    "en": {
        "valid": ("VALID", "INTEGRITY", "Passed", "data, hashes, Merkle proof and quantity agree"),
        "tampered": (
            "INVALID",
            "INTEGRITY",
            "Failed",
            "the document hash does not match the fields (data was altered)",
        ),
        "revoked": ("INVALID", "ISSUANCE", "Failed", "revoked (fraud) since "),
    },
    "zh": {
        "valid": ("有效", "INTEGRITY", "通过", "数据、哈希、默克尔证明与数量一致"),
        "tampered": ("无效", "INTEGRITY", "未通过", "文档哈希与字段不符（数据已被篡改）"),
        "revoked": ("无效", "ISSUANCE", "未通过", "已撤销（欺诈），自 "),
    },
}


@pytest.fixture
def certificates(cli: CliRunner, tmp_path: Path) -> dict[str, Path]:
    """Three issued certificates: one as issued, one with a field edited, one revoked with the CLI."""
    valid, edited, revoked = issue_samples(cli, tmp_path, count=3)
    assert cli("cert", "revoke", str(revoked), "--reason", "fraud", "--as", "cn-issuer").exit_code == 0
    return {"valid": valid, "tampered": tamper(edited, tmp_path / "tampered.json"), "revoked": revoked}


@pytest.fixture
def zh_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    yield from open_page(browser, "zh")


@pytest.fixture
def en_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    yield from open_page(browser, "en")


def upload(page: Page, portal_url: str, lang: str, path: Path, *, query: str = "") -> None:
    page.goto(f"{portal_url}/{query}")
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    page.get_by_label(FILE_LABEL[lang]).set_input_files(path)
    page.get_by_role("button", name=SUBMIT[lang]).click()
    page.wait_for_load_state()


def assert_verdict(page: Page, lang: str, case: str) -> None:
    verdict, check, status, reason = EXPECTED[lang][case]
    banner = page.get_by_role("status")
    expect(banner).to_have_attribute("data-verdict", "valid" if case == "valid" else "invalid")
    expect(banner.get_by_role("heading", level=2)).to_have_text(("✓ " if case == "valid" else "✗ ") + verdict)
    row = page.locator(f'tr[data-check="{check}"]')
    expect(row.get_by_role("rowheader")).not_to_be_empty()
    expect(row).to_contain_text(status)
    expect(row).to_contain_text(reason)
    if case == "valid":
        expect(page.locator('tr[data-status="VALID"]')).to_have_count(5)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_valid_tampered_and_revoked_certificates(
    browser: Browser, portal_url: str, certificates: dict[str, Path], lang: str
) -> None:
    for page, errors in open_page(browser, lang):
        for case, path in certificates.items():
            upload(page, portal_url, lang, path)
            assert_verdict(page, lang, case)
            # the verdict is the first thing after the page title
            headings = page.get_by_role("heading").all_inner_texts()
            assert headings[1].endswith(EXPECTED[lang][case][0])
            save_screenshot(page, f"verify-{lang}-{case}")
        assert errors == []


def test_the_verdict_needs_no_javascript(browser: Browser, portal_url: str, certificates: dict[str, Path]) -> None:
    for page, _ in open_page(browser, "en", javascript=False):
        page.goto(f"{portal_url}/?lang=zh")
        expect(page.locator("[data-drop-hint]")).to_be_hidden()  # the script did not run
        upload(page, portal_url, "zh", certificates["revoked"], query="?lang=zh")
        assert_verdict(page, "zh", "revoked")
        save_screenshot(page, "verify-zh-revoked-no-javascript")


def test_a_file_dropped_on_the_form_is_verified(
    zh_page: tuple[Page, list[str]], portal_url: str, certificates: dict[str, Path]
) -> None:
    page, errors = zh_page
    page.goto(f"{portal_url}/")
    expect(page.locator("[data-drop-hint]")).to_be_visible()
    path = certificates["tampered"]
    with page.expect_navigation():
        page.evaluate(
            """([name, text]) => {
                const files = new DataTransfer();
                files.items.add(new File([text], name, {type: "application/json"}));
                const form = document.querySelector("form[data-dropzone]");
                form.dispatchEvent(new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true}));
            }""",
            [path.name, path.read_text("utf-8")],
        )
    assert_verdict(page, "zh", "tampered")
    save_screenshot(page, "verify-zh-tampered-dropped")
    assert errors == []


def test_verdict_and_status_colours_have_enough_contrast(
    en_page: tuple[Page, list[str]], portal_url: str, certificates: dict[str, Path]
) -> None:
    page, _ = en_page
    for case in ("valid", "tampered"):
        upload(page, portal_url, "en", certificates[case])
        for selector in ('[role="status"]', ".badge"):
            for element in page.locator(selector).all():
                colours: Any = element.evaluate(
                    "node => { const own = getComputedStyle(node); let back = node;"
                    " while (getComputedStyle(back).backgroundColor === 'rgba(0, 0, 0, 0)') back = back.parentElement;"
                    " return [own.color, getComputedStyle(back).backgroundColor]; }"
                )
                assert contrast_ratio(*colours) >= 4.5, (case, selector, colours)


def test_the_language_switch(en_page: tuple[Page, list[str]], portal_url: str) -> None:
    page, _ = en_page
    page.goto(f"{portal_url}/recognition")
    expect(page.get_by_role("heading", level=1)).to_have_text("AEO recognition")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("AEO 互认查询")
    save_screenshot(page, "recognition-zh")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AEO recognition")


def test_a_file_over_the_limit_gets_the_page_that_says_so(
    zh_page: tuple[Page, list[str]], portal_url: str, tmp_path: Path
) -> None:
    page, _ = zh_page
    big = tmp_path / "big.json"
    big.write_bytes(b"[" + b" " * (3 * 1024 * 1024) + b"]")
    upload(page, portal_url, "zh", big)
    expect(page.get_by_role("alert")).to_have_text("文件过大：最多接受 1 MiB。证书文件通常只有几 KB。")
    save_screenshot(page, "verify-zh-too-large")


def test_aeo_recognition_lookup(zh_page: tuple[Page, list[str]], portal_url: str, cli: CliRunner) -> None:
    operator = "USCI:91310000MA1FL8XQ30"
    assert cli("aeo", "certify", "--operator", operator, "--tier", "advanced", "--as", "cn-customs").exit_code == 0
    page, errors = zh_page
    page.goto(f"{portal_url}/recognition")
    page.get_by_label("经营者编号").fill(operator)
    page.get_by_label("认证方（成员）").fill("CN")
    page.get_by_label("认可方（成员）").fill("SG")
    page.get_by_role("button", name="查询").click()
    banner = page.get_by_role("status")
    expect(banner.get_by_role("heading", level=2)).to_have_text("✗ 未认可")
    expect(banner.get_by_role("listitem")).to_have_text(["CN 与 SG 在该时间没有生效的互认安排"])
    save_screenshot(page, "recognition-zh-not-recognised")
    page.get_by_label("认可方（成员）").fill("CN")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("status").get_by_role("heading", level=2)).to_have_text("✓ 已认可")
    save_screenshot(page, "recognition-zh-recognised")
    assert errors == []
