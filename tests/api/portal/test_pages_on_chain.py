"""The portal against the session chain, through TestClient (a plain form POST: no JavaScript):
certificates issued, hidden, tampered and revoked with the CLI; AEO recognition lookups."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.deps import ServiceContext
from api.portal import portal_app
from api.portal.app import portal_from_settings
from ledger.certificates.wrapped import parse_wrapped
from tests.support import Chain, CliRunner, Markup, alert, assert_accessible, issue_samples, tamper

OPERATOR = "USCI:91310000MA1FL8XQ30"


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


def test_a_valid_certificate(portal: TestClient, cli: CliRunner, tmp_path: Path) -> None:
    [first, *_] = issue_samples(cli, tmp_path)
    markup = verify(portal, first, "en")
    [banner] = markup.find("section", role="status")
    assert banner["data-verdict"] == "valid"
    assert banner["aria-live"] == "polite"
    assert markup.text("verdict-heading") == "✓ VALID"
    assert set(checks(markup).values()) == {"VALID"}
    assert "data, hashes, Merkle proof and quantity agree" in markup.text("main")
    wrapped = json.loads(first.read_text())
    data = wrapped["data"]
    assert data["certificate_number"] in markup.text("status")
    assert not markup.find("span", **{"data-hidden": ""})
    # the document, as the certificate says it
    document = markup.text("main")
    for value in (data["exporter"]["name"], data["importer"]["name"], data["invoice"]["number"], data["issue_date"]):
        assert value in document
    assert "China (CN)" in document
    assert "Singapore (SG)" in document
    lines = [a for a in markup.find("tr") if "data-line" in a]
    assert len(lines) == len(data["items"])
    assert f"{data['items'][0]['quantity']} {data['items'][0]['unit_code']}" in document
    # the account that signed the batch, by the name its member gave it, the address a click away
    issuer = wrapped["issuer"]["address"]
    assert markup.text("summary") == "宁波市贸促会 CCPIT Ningbo, accredited by CN"
    assert issuer in markup.text("details")
    assert "General Administration of Customs of China (CN)" in markup.text("details")
    # the issuer check names it too, beside the member the sentence names; no bare address
    assert "宁波市贸促会 CCPIT Ningbo accredited by CN for Certificate of origin at issue" in markup.text("main")
    assert issuer not in markup.text("main").replace(markup.text("details"), "")
    leaf = "0x" + parse_wrapped(wrapped).leaf.hex()
    [history] = markup.find("a", **{"data-history": ""})
    assert history["href"] == f"/certificates/{leaf}?lang=en"


def test_hidden_fields_are_marked_where_they_stand(portal: TestClient, cli: CliRunner, tmp_path: Path) -> None:
    [first, *_] = issue_samples(cli, tmp_path)
    shared = tmp_path / "shared.json"
    fields = "exporter.address,importer,items.0.quantity"
    assert cli("cert", "hide", str(first), "--fields", fields, "--out", str(shared)).exit_code == 0
    markup = verify(portal, shared, "zh")
    assert markup.find("section", role="status")[0]["data-verdict"] == "valid"
    assert markup.text("verdict-heading") == "✓ 有效"
    data = json.loads(shared.read_text())["data"]
    assert "hidden-fields" not in markup.items  # no list of paths
    assert "持有人隐藏了部分字段" in markup.text("main")
    # in place: the exporter's address, the whole consignee, the first line's quantity
    assert markup.text("party-exporter").startswith(f"出口商 {data['exporter']['name']} 代码 ")
    assert markup.text("party-exporter").endswith(" 持有人已隐藏")
    assert markup.text("party-consignee") == "收货人 持有人已隐藏"
    assert f"持有人已隐藏 {data['items'][0]['unit_code']}" in markup.text("line-1")
    assert len(markup.find("span", **{"data-hidden": ""})) == 3
    text = markup.text("main")
    assert markup.text("summary") == "宁波市贸促会 CCPIT Ningbo（由 CN 认可）"
    assert "宁波市贸促会 CCPIT Ningbo 在签发时经 CN 认可签发 原产地证书" in text
    assert "（本服务的部署记录）" in text  # the trust anchor's source, in Chinese too
    assert "deployment record" not in text
    assert "原产国中国 (CN)" in text
    assert "目的国新加坡 (SG)" in text


def test_a_document_never_issued_gets_one_sentence(portal: TestClient, cli: CliRunner, tmp_path: Path) -> None:
    samples = tmp_path / "samples"
    assert cli("cert", "sample", "--count", "1", "--out", str(samples)).exit_code == 0
    [document] = sorted(samples.glob("*.json"))
    upload = {"file": ("sample.json", document.read_bytes(), "application/json")}
    en = portal.post("/verify?lang=en", files=upload)
    assert en.status_code == 400
    assert alert(en).startswith("sample.json has not been issued: it is a plain document (Certificate of origin)")
    zh = portal.post("/verify?lang=zh", files=upload)
    assert alert(zh).startswith("sample.json 尚未签发：它是一份还没有证明的普通文档（原产地证书）")


def test_a_tampered_certificate(portal: TestClient, cli: CliRunner, tmp_path: Path) -> None:
    [first, *_] = issue_samples(cli, tmp_path)
    edited = tamper(first, tmp_path / "edited.json")
    markup = verify(portal, edited, "zh")
    assert markup.find("section", role="status")[0]["data-verdict"] == "invalid"
    assert markup.text("verdict-heading") == "✗ 无效"
    assert checks(markup) == {
        "INTEGRITY": "INVALID",
        "ISSUANCE": "SKIPPED",
        "ISSUER": "SKIPPED",
        "EXPIRY": "SKIPPED",
        "UTILIZATION": "SKIPPED",
    }
    text = markup.text("main")
    assert "文档哈希与字段不符（数据已被篡改）" in text
    assert "未检查：完整性未通过" in text


def test_a_revoked_certificate(portal: TestClient, cli: CliRunner, tmp_path: Path) -> None:
    [first, *_] = issue_samples(cli, tmp_path)
    assert cli("cert", "revoke", str(first), "--reason", "fraud", "--as", "cn-issuer").exit_code == 0
    zh = verify(portal, first, "zh")
    assert zh.text("verdict-heading") == "✗ 无效"
    assert checks(zh)["ISSUANCE"] == "INVALID"
    assert checks(zh)["INTEGRITY"] == "VALID"
    assert "已撤销（欺诈），自 " in zh.text("main")
    en = verify(portal, first, "en")
    assert "revoked (fraud) since " in en.text("main")
    assert en.text("verdict-heading") == "✗ INVALID"


def test_recognition_of_an_operator(portal: TestClient, cli: CliRunner) -> None:
    certified = cli("aeo", "certify", "--operator", OPERATOR, "--tier", "advanced", "--as", "cn-customs")
    assert certified.exit_code == 0, certified.stderr
    own = portal.get(f"/recognition?operator={OPERATOR}&certified_by=CN&recognised_by=CN&lang=en")
    assert own.status_code == 200
    markup = assert_accessible(own.text, "en")
    assert markup.find("section", role="status")[0]["data-verdict"] == "recognised"
    assert markup.text("recognition-heading") == "✓ RECOGNISED"
    assert "CN recognises the operator as its own AEO (tier advanced)" in markup.text("status")
    other = portal.get(f"/recognition?operator={OPERATOR}&certified_by=CN&recognised_by=sg&lang=zh")
    markup = Markup(other.text)
    assert markup.text("recognition-heading") == "✗ 未认可"
    assert markup.items["recognition-reasons"] == ["CN 与 SG 在该时间没有生效的互认安排"]
    assert "高级认证" in markup.text("main")


def test_recognition_shows_times_in_the_readers_zone_with_the_offset(portal: TestClient, cli: CliRunner) -> None:
    certified = cli("aeo", "certify", "--operator", OPERATOR, "--tier", "advanced", "--as", "cn-customs")
    assert certified.exit_code == 0, certified.stderr
    asked = f"/recognition?operator={OPERATOR}&certified_by=CN&recognised_by=CN&at=2099-01-01T00:00:00Z&lang=zh"
    portal.cookies.set("tz", "Asia/Shanghai")
    try:
        shanghai = Markup(portal.get(asked).text).text("status")
    finally:
        portal.cookies.delete("tz")
    assert "2099-01-01 08:00 +08:00" in shanghai
    assert "2099-01-01 00:00 +00:00" in Markup(portal.get(asked).text).text("status")  # no zone given: UTC, said


def test_recognition_refuses_what_it_cannot_read(portal: TestClient) -> None:
    bad_member = portal.get(f"/recognition?operator={OPERATOR}&certified_by=C%20N!&recognised_by=SG&lang=en")
    assert bad_member.status_code == 400
    assert alert(bad_member) == "“C N!” is not a member code: letters, digits and hyphens, e.g. CN."
    # in Chinese, in Chinese: the library's English reason is not shown on a Chinese page
    bad_time = portal.get(f"/recognition?operator={OPERATOR}&certified_by=CN&recognised_by=SG&at=soon&lang=zh")
    assert bad_time.status_code == 400
    assert alert(bad_time).startswith("“soon”不是时间：请使用 ISO 8601 格式并注明时区")
    unknown = portal.get(f"/recognition?operator={OPERATOR}&certified_by=XX&recognised_by=SG&lang=zh")
    assert (unknown.status_code, alert(unknown)) == (400, "XX 从未加入本联盟，请填写联盟成员的代码，例如 CN 或 SG。")
    malformed = portal.get("/recognition?operator=USCI%3F123&certified_by=CN&recognised_by=SG&lang=zh")
    assert alert(malformed).startswith("“USCI?123”不是经营者编号")
    too_long = portal.get(f"/recognition?operator={'9' * 201}&certified_by=CN&recognised_by=SG&lang=zh")
    assert alert(too_long) == "经营者编号 过长：最多 200 个字符。"
    past = portal.get(f"/recognition?operator={OPERATOR}&certified_by=CN&recognised_by=SG&at=2020-01-01")
    assert Markup(past.text).items["recognition-reasons"] == [
        "CN has not certified this operator",
        "CN and SG had no MRA in effect at that time",
    ]


def test_the_portal_from_the_environment_trusts_the_deployment_record(
    chain: Chain, cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [first, *_] = issue_samples(cli, tmp_path)
    monkeypatch.setenv("SANZHI_DATA_DIR", str(chain.data_dir))
    monkeypatch.setenv("SANZHI_RPC_URL", chain.rpc_url)
    with TestClient(portal_from_settings()) as client:
        markup = verify(client, first, "en")
    assert markup.text("verdict-heading") == "✓ VALID"
    assert "(the deployment record of this service)" in markup.text("main")


def test_a_verifiable_credential_export_is_verified_too(portal: TestClient, cli: CliRunner, tmp_path: Path) -> None:
    [first, *_] = issue_samples(cli, tmp_path)
    credential = tmp_path / "certificate.vc.json"
    assert cli("cert", "export", str(first), "--format", "vc", "--out", str(credential)).exit_code == 0
    markup = verify(portal, credential, "zh")
    assert markup.text("verdict-heading") == "✓ 有效"
    assert set(checks(markup).values()) == {"VALID"}


def test_a_phytosanitary_certificate_reads_as_one(portal: TestClient, cli: CliRunner, tmp_path: Path) -> None:
    kind = ("--type", "phytosanitary-certificate")
    assert cli("cert", "sample", "--count", "1", "--out", str(tmp_path / "s"), *kind).exit_code == 0
    issued = cli("cert", "issue", str(tmp_path / "s"), "--as", "cn-issuer", "--out", str(tmp_path / "w"), *kind)
    assert issued.exit_code == 0, issued.stderr
    [wrapped] = sorted((tmp_path / "w").glob("*.json"))
    shared = tmp_path / "shared.json"
    assert cli("cert", "hide", str(wrapped), "--fields", "items.0.botanical_name", "--out", str(shared)).exit_code == 0
    data = json.loads(wrapped.read_text())["data"]
    markup = verify(portal, shared, "en")  # valid or not (a sample's phytosanitary expiry is short), it reads
    assert markup.find("section", role="status")[0]["data-verdict"] in {"valid", "invalid"}
    assert markup.text("party-exporter").startswith(f"Consignor {data['consignor']['name']}")
    assert "hidden by the holder" in markup.text("line-1")
    assert data["items"][0]["description"] in markup.text("line-1")
    assert f"Point of entry{data['point_of_entry']}" in markup.text("main")
    assert "Phytosanitary certificate" in markup.text("document-heading") + markup.text("main")


def test_a_value_cannot_reorder_the_text_around_it(portal: TestClient, cli: CliRunner, tmp_path: Path) -> None:
    samples = tmp_path / "samples"
    assert cli("cert", "sample", "--count", "1", "--out", str(samples), "--seed", "4").exit_code == 0
    [document] = sorted(samples.glob("*.json"))
    data = json.loads(document.read_text())
    data["exporter"]["name"] = "\u202eLTD TRADING"  # RIGHT-TO-LEFT OVERRIDE: would flip what follows
    document.write_text(json.dumps(data, ensure_ascii=False))
    issued = cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(tmp_path / "w"))
    assert issued.exit_code == 0, issued.stderr
    [wrapped] = sorted((tmp_path / "w").glob("*.json"))
    response = portal.post("/verify?lang=en", files={"file": ("c.json", wrapped.read_bytes(), "application/json")})
    assert "<bdi>\u202eLTD TRADING</bdi>" in response.text  # isolated: its override ends with it
