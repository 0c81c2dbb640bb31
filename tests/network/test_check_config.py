"""`network check` of each node's config.toml, its ports, and the compose file."""

from __future__ import annotations

from pathlib import Path

import pytest

from network.layout import NetworkLayout
from network.report import Severity
from tests.support import edit_toml, make_network, network_errors, network_report


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"min_gas_price": 1000}, "min-gas-price is 1000"),
        ({"rpc_max_logs_range": 5000}, "rpc-max-logs-range is 5000"),
        ({"permissions_nodes_config_file_enabled": False}, "permissions-nodes-config-file-enabled is False"),
        ({"p2p_host": "10.0.0.1"}, "p2p-host is '10.0.0.1'"),
        ({"genesis_file": "/tmp/other.json"}, "genesis-file is '/tmp/other.json'"),
        ({"rpc_http_api": ["NET"]}, "lacks ETH"),
    ],
)
def test_a_config_that_breaks_the_network_or_sanzhi_is_found(
    network_dir: Path, values: dict[str, object], fragment: str
) -> None:
    edit_toml(NetworkLayout(network_dir).config("sg"), **values)
    errors = network_errors(network_dir, "config")
    assert any(e.startswith("members/sg/config.toml: ") and fragment in e for e in errors), errors


def test_rpc_beyond_loopback_is_a_warning(network_dir: Path) -> None:
    edit_toml(NetworkLayout(network_dir).config("cn"), rpc_http_host="0.0.0.0")
    report = network_report(network_dir)
    assert report.passed
    assert any("rpc-http-host is '0.0.0.0'" in f.message for f in report.findings if f.severity is Severity.WARNING)


def test_two_nodes_on_one_host_with_one_port_are_found(tmp_path: Path) -> None:
    root = tmp_path / "net"
    make_network(root, hosts={"CN": "10.0.0.5", "SG": "10.0.0.5"})
    assert network_report(root).passed
    edit_toml(NetworkLayout(root).config("sg"), rpc_http_port=8545)
    assert "port 8545 on 10.0.0.5 is taken twice: CN rpc-http-port and SG rpc-http-port" in network_errors(
        root, "ports"
    )


def test_one_node_using_a_port_twice_is_found(network_dir: Path) -> None:
    edit_toml(NetworkLayout(network_dir).config("my"), metrics_port=8547)
    assert any(
        "port 8547" in e and "MY rpc-http-port and MY metrics-port" in e for e in network_errors(network_dir, "ports")
    )


def test_a_privileged_port_is_found(network_dir: Path) -> None:
    edit_toml(NetworkLayout(network_dir).config("cn"), p2p_port=303)
    assert "CN: p2p-port 303 is not a port in 1024..65535" in network_errors(network_dir, "ports")


def test_compose_publishing_a_port_twice_is_found(network_dir: Path) -> None:
    path = NetworkLayout(network_dir).compose
    path.write_text(path.read_text().replace("127.0.0.1:8546:8546", "127.0.0.1:8545:8546"))
    assert network_errors(network_dir, "compose") == ["host port 8545/tcp is published twice: besu-cn and besu-sg"]


def test_compose_without_a_members_service_is_found(network_dir: Path) -> None:
    path = NetworkLayout(network_dir).compose
    path.write_text(path.read_text().replace("besu-th:", "besu-xx:"))
    assert network_errors(network_dir, "compose") == ["docker-compose.yml has no service besu-th for TH"]
