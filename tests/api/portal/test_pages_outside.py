"""The portal's verify page says, in the reader's language, that no member records the
utilization of a certificate destined to a country outside the consortium."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.portal.test_pages_on_chain import checks, portal, verify
from tests.support import CliRunner

__all__ = ["portal"]  # the fixture, shared with the on-chain page tests


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
