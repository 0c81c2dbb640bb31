"""Every foundation CLI command, and its error paths: one clear line, non-zero exit, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.devnet.consortium import dev_address
from tests.support import CliRunner, assert_clean_error, free_port, run_cli


def test_members_lists_dev_consortium(cli: CliRunner) -> None:
    result = cli("consortium", "members")
    assert result.exit_code == 0
    assert "General Administration of Customs of China" in result.stdout
    assert "threshold: 2 of 2" in result.stdout
    as_json = json.loads(cli("consortium", "members", "--json").stdout)
    assert [m["id"] for m in as_json["members"]] == ["CN", "SG"]
    assert as_json["threshold"] == 2


def test_propose_approve_cycle(cli: CliRunner) -> None:
    proposed = json.loads(
        cli(
            "consortium",
            "propose",
            "add-member",
            "TH",
            "--name",
            "Thai Customs",
            "--admin",
            "th-admin",
            "--as",
            "cn-admin",
            "--json",
        ).stdout
    )
    assert proposed["executed"] is False
    listed = cli("consortium", "proposals")
    assert "add-member" in listed.stdout
    assert "open" in listed.stdout
    # proposal 0 is the founding vote: the registries it listed
    founding = next(line.split() for line in listed.stdout.splitlines() if line.startswith("0 "))
    assert founding[:3] == ["0", "list-registries", "CertificateRegistry"]
    assert founding[3] == cli.chain.client().address_of("CertificateRegistry") + ","
    approved = cli("consortium", "approve", str(proposed["proposal_id"]), "--as", "sg-admin")
    assert approved.exit_code == 0
    assert "executed" in approved.stdout
    assert "Thai Customs" in cli("consortium", "members").stdout


def test_other_proposals(cli: CliRunner) -> None:
    proposed = cli("consortium", "propose", "threshold", "1", "--as", "cn-admin", "--json")
    assert json.loads(proposed.stdout)["executed"] is False
    proposal = str(json.loads(proposed.stdout)["proposal_id"])
    assert cli("consortium", "approve", proposal, "--as", "sg-admin").exit_code == 0
    rotated = cli("consortium", "propose", "rotate-admin", "SG", "--admin", "th-admin", "--as", "sg-admin")
    assert "executed" in rotated.stdout
    removed = cli("consortium", "propose", "remove-member", "SG", "--as", "cn-admin", "--json")
    assert json.loads(removed.stdout)["executed"] is True
    assert "Singapore" not in cli("consortium", "members").stdout


def test_accredit_withdraw_and_show(cli: CliRunner) -> None:
    accredited = cli("consortium", "accredit", "exporter", "--role", "oracle", "--name", "Ningbo Port Data",
                     "--as", "cn-admin")  # fmt: skip
    assert accredited.exit_code == 0, accredited.stderr
    assert f"{dev_address('exporter')} (Ningbo Port Data) accredited as oracle by CN" in accredited.stdout
    shown = json.loads(cli("consortium", "accreditation", "exporter", "--role", "oracle", "--json").stdout)
    assert shown["active"] is True
    assert shown["member_id"] == "CN"
    assert cli("consortium", "withdraw", "exporter", "--role", "oracle", "--as", "cn-admin").exit_code == 0
    assert "not active" in cli("consortium", "accreditation", "exporter", "--role", "oracle").stdout


def test_unaccredited_caller_is_refused(cli: CliRunner) -> None:
    result = cli("consortium", "accredit", "exporter", "--role", "oracle", "--name", "X", "--as", "cn-issuer")
    assert_clean_error(result, "ConsortiumNotMemberAdmin", dev_address("cn-issuer").lower()[:10])


def test_member_cannot_act_for_another(cli: CliRunner) -> None:
    result = cli(
        "consortium",
        "withdraw",
        "cn-issuer",
        "--role",
        "issuer",
        "--type",
        "certificate-of-origin",
        "--as",
        "sg-admin",
    )
    assert_clean_error(result, "ConsortiumAccountOfOtherMember", "memberId=CN")


def test_double_approval_is_refused(cli: CliRunner) -> None:
    proposed = json.loads(cli("consortium", "propose", "threshold", "1", "--as", "cn-admin", "--json").stdout)
    proposal = str(proposed["proposal_id"])
    assert_clean_error(cli("consortium", "approve", proposal, "--as", "cn-admin"), "ConsortiumAlreadyApproved")
    assert_clean_error(cli("consortium", "approve", "77", "--as", "cn-admin"), "ConsortiumUnknownProposal")


def test_unknown_profile_is_refused(cli: CliRunner) -> None:
    assert_clean_error(cli("consortium", "approve", "0", "--as", "nobody"), "unknown profile 'nobody'", "cn-admin")


def test_malformed_input_is_refused(cli: CliRunner) -> None:
    assert_clean_error(
        cli("consortium", "accredit", "0x1234", "--role", "oracle", "--name", "X", "--as", "cn-admin"),
        "neither an account address nor a known profile",
    )
    assert_clean_error(
        cli("consortium", "accredit", "exporter", "--role", "king", "--name", "X", "--as", "cn-admin"),
        "unknown role 'king'",
    )
    assert_clean_error(
        cli(
            "consortium",
            "propose",
            "add-member",
            "t h!",
            "--name",
            "X",
            "--admin",
            "exporter",
            "--as",
            "cn-admin",
        ),
        "is not a member id",
    )
    assert_clean_error(cli("consortium", "propose", "threshold", "0", "--as", "cn-admin"), "threshold is at least 1")
    usage = cli("consortium", "approve", "not-a-number", "--as", "cn-admin")
    assert usage.exit_code == 2
    assert "Traceback" not in usage.stderr


def test_deploy_dev_is_idempotent(cli: CliRunner) -> None:
    result = cli("deploy", "--dev", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["deployed"] == []
    assert "(existing)" in cli("deploy", "--dev").stdout


def test_deploy_needs_a_founding_member(cli: CliRunner) -> None:
    assert_clean_error(cli("deploy", "--as", "deployer"), "--member ID and --member-name")


def test_node_not_running_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run_cli(capsys, "--data-dir", str(tmp_path), "--rpc-url", url, "consortium", "members")
    assert_clean_error(result, f"no chain node answers at {url}", "sanzhi up", "sanzhi node start")


def test_not_deployed_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, cli: CliRunner) -> None:
    result = run_cli(capsys, "--data-dir", str(tmp_path), "--rpc-url", cli.chain.rpc_url, "consortium", "members")
    assert_clean_error(result, "not deployed on chain 31337", "sanzhi deploy")


def test_node_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    port = str(free_port())
    base = ("--data-dir", str(tmp_path))
    stopped = run_cli(capsys, *base, "node", "status")
    assert stopped.exit_code == 1
    assert "not running" in stopped.stdout
    try:
        started = run_cli(capsys, *base, "node", "start", "--port", port)
        assert started.exit_code == 0
        assert "node started" in started.stdout
        again = run_cli(capsys, *base, "node", "start", "--port", port, "--json")
        assert json.loads(again.stdout)["started"] is False
        status = json.loads(run_cli(capsys, *base, "node", "status", "--json").stdout)
        assert status["running"] is True
        assert status["chain_id"] == 31337
        assert status["rpc_url"] == f"http://127.0.0.1:{port}"
        assert isinstance(status["block_number"], int)
    finally:
        assert "state saved" in run_cli(capsys, *base, "node", "stop").stdout
    assert "not running" in run_cli(capsys, *base, "node", "stop").stdout


def test_demo_starts_node_and_deploys(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = ("--data-dir", str(tmp_path))
    try:
        result = run_cli(capsys, *base, "demo", "--port", str(free_port()))
        assert result.exit_code == 0, result.stderr
        assert "Consortium" in result.stdout
        assert "CN (General Administration of Customs of China), SG (Singapore Customs); threshold 2" in result.stdout
        lines = result.stdout.splitlines()
        assert any(line.startswith("[5] SG customs verifies") and line.endswith(": VALID") for line in lines)
        assert any(line.startswith("[7]") and "INVALID (ISSUANCE: revoked (clerical-error)" in line for line in lines)
        again = run_cli(capsys, *base, "demo")
        assert again.exit_code == 0, again.stderr
        assert "chain node running" in again.stdout
    finally:
        run_cli(capsys, *base, "node", "stop")


def test_keystore_profile_with_wrong_password_is_refused(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger.accounts.keys import dev_account, write_keystore
    from ledger.accounts.profiles import KeystoreKey, Profile, load_profiles, save_profiles

    data_dir = cli.chain.data_dir
    original = load_profiles(data_dir)
    keystore = write_keystore(tmp_path / "cn.json", dev_account(1), "right password", scrypt_n=2)
    with_keystore = original.model_copy(deep=True)
    with_keystore.profiles["cn-vault"] = Profile(name="cn-vault", role="member", key=KeystoreKey(path=keystore))
    save_profiles(data_dir, with_keystore)
    try:
        monkeypatch.setenv("SANZHI_KEYSTORE_PASSWORD", "wrong password")
        assert_clean_error(cli("consortium", "propose", "threshold", "1", "--as", "cn-vault"), "wrong password")
        monkeypatch.setenv("SANZHI_KEYSTORE_PASSWORD", "right password")
        assert cli("consortium", "propose", "threshold", "1", "--as", "cn-vault").exit_code == 0
    finally:
        save_profiles(data_dir, original)


def test_contract_errors_name_roles_and_types_not_hashes(cli: CliRunner) -> None:
    again = cli("consortium", "accredit", "cn-issuer", "--role", "issuer", "--type", "certificate-of-origin",
                "--name", "CCPIT Ningbo", "--as", "cn-admin")  # fmt: skip
    assert_clean_error(again, "ConsortiumAlreadyAccredited", "role=issuer role", "scope=certificate-of-origin")
    assert "0x" + "114e74f6" not in again.stderr  # keccak256("ISSUER_ROLE") starts so


def test_names_follow_the_member_that_accredits(cli: CliRunner) -> None:
    exporter = dev_address("exporter")
    assert cli("consortium", "accredit", "exporter", "--role", "trade", "--name", "Named by CN",
               "--as", "cn-admin").exit_code == 0  # fmt: skip
    assert cli("consortium", "withdraw", "exporter", "--role", "trade", "--as", "cn-admin").exit_code == 0
    assert cli("consortium", "accredit", "exporter", "--role", "trade", "--name", "Lion City Logistics",
               "--as", "sg-admin").exit_code == 0  # fmt: skip
    shown = cli("consortium", "accreditation", "exporter", "--role", "trade").stdout
    assert f"{exporter} (Lion City Logistics, accredited by SG) trade" in shown
    assert "Named by CN" not in shown
    assert_clean_error(cli("consortium", "rename", "exporter", "--name", "Look-alike", "--as", "cn-admin"),
                       "ConsortiumAccountOfOtherMember", "memberId=SG")  # fmt: skip
    renamed = json.loads(cli("consortium", "rename", "exporter", "--name", "LCL Pte Ltd", "--as", "sg-admin",
                             "--json").stdout)  # fmt: skip
    assert (renamed["name"], renamed["label"]) == ("LCL Pte Ltd", "LCL Pte Ltd, accredited by SG")
    members = json.loads(cli("consortium", "members", "--json").stdout)["members"]
    assert members[1]["admin_name"] == "Singapore Customs (SG) admin"


def test_a_name_that_cannot_be_set_is_refused_before_sending(cli: CliRunner) -> None:
    bidi = "Evil\u202eCorp"
    refused = cli("consortium", "accredit", "exporter", "--role", "trade", "--name", bidi, "--as", "cn-admin")
    assert_clean_error(refused, "name: a display name may not contain U+202E")
    missing = cli("consortium", "accredit", "exporter", "--role", "trade", "--as", "cn-admin")
    assert missing.exit_code == 2  # a usage error: --name is required
    assert "not active" in cli("consortium", "accreditation", "exporter", "--role", "trade").stdout  # nothing sent
