"""The portal's verify page says, in the reader's language, that no member records the
utilization of a certificate destined to a country outside the consortium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.deps import ServiceContext
from api.portal import portal_app
from tests.support import Chain, CliRunner, Markup, assert_accessible


@pytest.fixture
def portal(chain: Chain) -> Iterator[TestClient]:
    context = ServiceContext(settings=chain.settings, client=chain.client())
    with TestClient(portal_app(context)) as client:
        yield client


def verify(portal: TestClient, path: Path, lang: str) -> Markup:
    response = portal.post(f"/verify?lang={lang}", files={"file": (path.name, path.read_bytes(), "application/json")})
    assert response.status_code == 200, response.text
    return assert_accessible(response.text, "zh-Hans" if lang == "zh" else "en")


def checks(markup: Markup) -> dict[str, str]:
    return {a["data-check"]: a["data-status"] for a in markup.find("tr") if "data-check" in a}


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "destined to MY, a country outside the consortium: no member records its utilization"),
        ("zh", "目的国 MY 不是联盟成员：没有任何成员记录其核销情况"),
    ],
)
def test_a_certificate_for_a_country_outside_the_consortium(
    portal: TestClient, cli: CliRunner, tmp_path: Path, lang: str, said: str
) -> None:
    samples = tmp_path / "samples"
    assert cli("cert", "sample", "--count", "1", "--destination", "MY", "--out", str(samples)).exit_code == 0
    out = tmp_path / "w"
    assert cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(out)).exit_code == 0
    [wrapped] = sorted(out.glob("*.json"))
    markup = verify(portal, wrapped, lang)
    assert checks(markup)["UTILIZATION"] == "VALID"
    assert said in markup.text("main")
