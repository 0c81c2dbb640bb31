"""`sanzhi network ...`: generate, check, extend; every refusal is one line and a non-zero exit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli.main import run
from network.keys import plain_key_public_key
from network.layout import NetworkLayout
from tests.support import NETWORK_PASSWORD, assert_clean_error, edit_toml, run_cli


@pytest.fixture(scope="module")
def password_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secrets") / "password"
    path.write_text(NETWORK_PASSWORD + "\n")
    return path


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, password_file: Path) -> Path:
    """One network generated through the CLI (keystores at full scrypt cost), copied per test."""
    out = tmp_path_factory.mktemp("cli-network") / "net"
    init = ["network", "init", "--members", "CN,SG,MY,TH", "--out", str(out), "--block-period", "3"]
    assert run([*init, "--password-file", str(password_file)]) == 0
    return out


@pytest.fixture
def network(generated: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "net"
    shutil.copytree(generated, copy)
    return copy


def test_init_writes_a_network_that_checks(network: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = json.loads(NetworkLayout(network).plan.read_text())
    assert plan["block_period_seconds"] == 3
    assert plan["evm_version"] == "cancun"
    result = run_cli(capsys, "network", "check", str(network))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.rstrip().endswith("passed")
    assert "extradata    4 validators" in result.stdout
    as_json = json.loads(run_cli(capsys, "network", "check", str(network), "--json").stdout)
    assert as_json["passed"] is True
    assert {f["check"] for f in as_json["findings"]} >= {"extradata", "allowlist", "ports", "forks"}


def test_init_prints_the_validators_and_never_a_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    password = tmp_path / "pw"
    password.write_text(NETWORK_PASSWORD)
    out = tmp_path / "net"
    result = run_cli(
        capsys, "network", "init", "--members", "cn,sg", "--out", str(out), "--password-file", str(password),
        "--host", "CN=203.0.113.10", "--plain-node-key", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert [m["member_id"] for m in body["members"]] == ["CN", "SG"]
    assert body["members"][0]["host"] == "203.0.113.10"
    key = (out / "members" / "cn" / "key").read_text()
    assert key[2:] not in result.stdout + result.stderr
    assert NETWORK_PASSWORD not in result.stdout + result.stderr


def test_check_reports_a_broken_file_and_exits_1(network: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit_toml(NetworkLayout(network).config("my"), min_gas_price=1000)
    result = run_cli(capsys, "network", "check", str(network))
    assert result.exit_code == 1
    assert "ERROR   config       members/my/config.toml: min-gas-price is 1000" in result.stdout
    assert result.stdout.rstrip().endswith("1 problem(s)")


def test_add_member_then_export_key(network: Path, password_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(
        capsys, "network", "add-member", str(network), "--member", "vn", "--password-file", str(password_file)
    )
    assert result.exit_code == 0, result.stderr
    assert "VN: node 0x" in result.stdout
    assert "qbft_proposeValidatorVote" in result.stdout
    assert run_cli(capsys, "network", "check", str(network)).exit_code == 0
    out = network / "members" / "vn" / "key"
    exported = run_cli(
        capsys, "network", "export-key", str(network), "--member", "VN", "--out", str(out),
        "--password-file", str(password_file),
    )  # fmt: skip
    assert exported.exit_code == 0, exported.stderr
    plan = json.loads(NetworkLayout(network).plan.read_text())
    assert plain_key_public_key(out) == plan["members"][-1]["node_public_key"]
    assert run_cli(capsys, "network", "check", str(network)).exit_code == 0


def test_the_password_is_asked_twice_when_no_file_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []

    def prompt(text: str, *, hide_input: bool, confirmation_prompt: bool) -> str:
        asked.append(hide_input and confirmation_prompt)
        return NETWORK_PASSWORD

    monkeypatch.setattr("cli.network_cmd.typer.prompt", prompt)
    result = run_cli(capsys, "network", "init", "--members", "CN", "--out", str(tmp_path / "net"))
    assert result.exit_code == 0, result.stderr
    assert asked == [True]
    assert "QBFT needs 4 to tolerate 1" in result.stdout


def test_extradata_decodes_a_genesis(network: Path, capsys: pytest.CaptureFixture[str]) -> None:
    genesis = json.loads(NetworkLayout(network).genesis.read_text())
    plan = json.loads(NetworkLayout(network).plan.read_text())
    result = run_cli(capsys, "network", "extradata", genesis["extraData"])
    assert result.exit_code == 0
    assert "validators (4):" in result.stdout
    for member in plan["members"]:
        assert member["node_address"] in result.stdout
    decoded = json.loads(run_cli(capsys, "network", "extradata", genesis["extraData"], "--json").stdout)
    assert decoded["round"] == 0


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    result = run_cli(capsys, *args)
    assert_clean_error(result)
    return result.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--members", "CN,SG,cn"], "CN is named twice"),
        (["--members", "CN,,SG"], "separated by commas"),
        (["--members", "C N"], "not a member id"),
        (["--members", "CN", "--host", "CN=node.example"], "not an IP address"),
        (["--members", "CN", "--host", "SG=10.0.0.1"], "SG is not one of the members"),
        (["--members", "CN", "--host", "CN=0.0.0.0"], "cannot be dialled"),
        (["--members", "CN,SG", "--host", "SG=172.31.211.11"], "sanzhi assigns the compose network"),
        (["--members", "CN", "--chain-id", "11155111"], "public network"),
        (["--members", "CN", "--block-period", "0"], "--block-period"),
        (["--members", "CN", "--deployer", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"], "development mnemonic"),
    ],
)
def test_init_refuses_bad_input_in_one_line(
    tmp_path: Path, password_file: Path, capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    stderr = _refused(
        capsys, "network", "init", *args, "--out", str(tmp_path / "net"), "--password-file", str(password_file)
    )
    assert fragment in stderr
    assert not (tmp_path / "net").exists()


def test_init_refuses_to_overwrite_and_weak_passwords(
    network: Path, tmp_path: Path, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    init = ["network", "init", "--members", "CN", "--out"]
    assert "pass --force" in _refused(capsys, *init, str(network), "--password-file", str(password_file))
    weak = tmp_path / "weak"
    weak.write_text("password\n")
    assert "shorter than 12" in _refused(capsys, *init, str(tmp_path / "x"), "--password-file", str(weak))
    assert "cannot read" in _refused(capsys, *init, str(tmp_path / "x"), "--password-file", str(tmp_path / "none"))


def test_other_commands_refuse_in_one_line(
    network: Path, tmp_path: Path, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pw = ["--password-file", str(password_file)]
    assert "no network.json" in _refused(capsys, "network", "check", str(tmp_path))
    assert "already a member" in _refused(capsys, "network", "add-member", str(network), "--member", "SG", *pw)
    assert "not QBFT extraData" in _refused(capsys, "network", "extradata", "0x1234")
    assert "XX is not a member" in _refused(
        capsys, "network", "export-key", str(network), "--member", "XX", "--out", str(tmp_path / "k"), *pw
    )
    edit_toml(NetworkLayout(network).permissions("cn"), nodes_allowlist=[])
    assert "fails its check" in _refused(capsys, "network", "add-member", str(network), "--member", "VN", *pw)


def test_remove_member_retires_it(network: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "network", "remove-member", str(network), "--member", "th")
    assert result.exit_code == 0, result.stderr
    assert "TH: node 0x" in result.stdout
    assert "qbft_proposeValidatorVote" in result.stdout
    assert run_cli(capsys, "network", "check", str(network)).exit_code == 0
    assert "TH is not a member" in _refused(capsys, "network", "remove-member", str(network), "--member", "TH")


def test_members_make_their_keys_and_send_only_node_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    password = tmp_path / "pw"
    password.write_text(NETWORK_PASSWORD)
    made = run_cli(capsys, "network", "new-key", "--out", str(tmp_path / "sg.json"), "--password-file", str(password))
    assert made.exit_code == 0, made.stderr
    sg_id = made.stdout.split("send it to the network's coordinator): ")[1].strip()
    again = ["network", "new-key", "--out", str(tmp_path / "sg.json"), "--password-file", str(password)]
    assert "never overwritten" in _refused(capsys, *again)
    cn = run_cli(
        capsys, "network", "new-key", "--out", str(tmp_path / "cn.json"), "--password-file", str(password), "--json"
    )
    cn_id = json.loads(cn.stdout)["node_id"]
    # every member sent its node id and the deployer is named: no secret is written, no password asked
    out = tmp_path / "net"
    result = run_cli(
        capsys, "network", "init", "--members", "CN,SG", "--out", str(out), "--deployer", "0x" + "ab" * 20,
        "--node-id", f"CN={cn_id}", "--node-id", f"SG={sg_id}",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert list((out / "keys").iterdir()) == []
    checked = run_cli(capsys, "network", "check", str(out))
    assert checked.exit_code == 0
    assert "held by the member" in checked.stdout
