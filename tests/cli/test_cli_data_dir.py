"""Commands find the data directory of the running node wherever they run, and say where they looked."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.settings import LedgerSettings, find_data_dir, user_data_dir
from tests.support import CliRunner, assert_clean_error, free_port, run_cli


@pytest.fixture
def no_data_dir_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No SANZHI_DATA_DIR, and a per-user data directory of the test's own."""
    monkeypatch.delenv("SANZHI_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "sanzhi"


def test_the_nearest_sanzhi_directory_up_from_here_is_the_data_directory(tmp_path: Path, no_data_dir_env: Path) -> None:
    (tmp_path / "checkout" / ".sanzhi").mkdir(parents=True)
    deep = tmp_path / "checkout" / "docs" / "examples"
    deep.mkdir(parents=True)
    assert find_data_dir(deep) == tmp_path / "checkout" / ".sanzhi"
    assert find_data_dir(tmp_path / "checkout") == tmp_path / "checkout" / ".sanzhi"
    # a .sanzhi file is not a data directory
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / ".sanzhi").write_text("")
    assert find_data_dir(tmp_path / "other") == no_data_dir_env


def test_elsewhere_it_is_the_per_user_directory(tmp_path: Path, no_data_dir_env: Path) -> None:
    assert user_data_dir() == no_data_dir_env
    assert find_data_dir(tmp_path) == no_data_dir_env


def test_sanzhi_data_dir_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".sanzhi").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SANZHI_DATA_DIR", str(tmp_path / "elsewhere"))
    assert LedgerSettings().data_dir == tmp_path / "elsewhere"
    monkeypatch.delenv("SANZHI_DATA_DIR")
    assert LedgerSettings().data_dir == tmp_path / ".sanzhi"


def test_a_command_run_in_a_subdirectory_finds_the_running_node(
    cli: CliRunner,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_data_dir_env: Path,
) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "contracts" / "src").mkdir(parents=True)
    (checkout / ".sanzhi").symlink_to(cli.chain.data_dir)  # the data directory `sanzhi up` made there
    monkeypatch.chdir(checkout / "contracts" / "src")
    result = run_cli(capsys, "consortium", "members")  # no --data-dir, no --rpc-url
    assert result.exit_code == 0, result.stderr
    assert "CN" in result.stdout
    assert "SG" in result.stdout


def test_no_node_names_the_data_directory_and_the_command_that_starts_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_data_dir_env: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"http://127.0.0.1:{free_port()}"
    result = run_cli(capsys, "--rpc-url", url, "consortium", "members")
    assert_clean_error(result, f"no chain node answers at {url}", str(no_data_dir_env), "`sanzhi up`", "--data-dir")


def test_no_deployment_names_where_it_looked_and_the_command_that_deploys(
    cli: CliRunner, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = run_cli(capsys, "--data-dir", str(tmp_path), "--rpc-url", cli.chain.rpc_url, "consortium", "members")
    assert_clean_error(result, "not deployed on chain", str(tmp_path / "deployments"), "`sanzhi up`", "deploy --dev")
