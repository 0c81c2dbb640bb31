"""Where the generated files are: in the network directory, and on a node.

    DIR/network.json                 the plan: members, hosts, ports, addresses (public)
    DIR/genesis.json
    DIR/docker-compose.yml           every node on one docker host
    DIR/systemd/besu-sanzhi-<m>.service
    DIR/keys/<m>-node.json           encrypted node (= validator) keys; keys/deployer.json
    DIR/<add|remove>-member-<m>.md   the steps of a membership change
    DIR/retired/<m>-<address>/       a removed member's node files and key, kept for audits
    DIR/members/<m>/                 exactly what goes to /etc/besu/<m>/ on member m's node:
        config.toml genesis.json permissions_config.toml static-nodes.json [key]

The node paths are the same under docker (the member directory is mounted there) and on a
server (systemd), so one config.toml serves both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NODE_CONFIG_ROOT = "/etc/besu"
NODE_DATA_ROOT = "/var/lib/besu"
BESU_BINARY = "/opt/besu/bin/besu"


def node_config_dir(slug: str) -> str:
    return f"{NODE_CONFIG_ROOT}/{slug}"


def node_data_dir(slug: str) -> str:
    return f"{NODE_DATA_ROOT}/{slug}"


def unit_name(slug: str) -> str:
    return f"besu-sanzhi-{slug}.service"


@dataclass(frozen=True)
class NetworkLayout:
    root: Path

    @property
    def plan(self) -> Path:
        return self.root / "network.json"

    @property
    def genesis(self) -> Path:
        return self.root / "genesis.json"

    @property
    def compose(self) -> Path:
        return self.root / "docker-compose.yml"

    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @property
    def deployer_keystore(self) -> Path:
        return self.keys_dir / "deployer.json"

    def node_keystore(self, slug: str) -> Path:
        return self.keys_dir / f"{slug}-node.json"

    def member_dir(self, slug: str) -> Path:
        return self.root / "members" / slug

    def config(self, slug: str) -> Path:
        return self.member_dir(slug) / "config.toml"

    def member_genesis(self, slug: str) -> Path:
        return self.member_dir(slug) / "genesis.json"

    def permissions(self, slug: str) -> Path:
        return self.member_dir(slug) / "permissions_config.toml"

    def static_nodes(self, slug: str) -> Path:
        return self.member_dir(slug) / "static-nodes.json"

    def plain_key(self, slug: str) -> Path:
        return self.member_dir(slug) / "key"

    def unit(self, slug: str) -> Path:
        return self.root / "systemd" / unit_name(slug)

    def pending_change(self) -> Path:
        """Marks an add-member or remove-member under way until network.json records it."""
        return self.root / ".membership-change.pending"

    def steps(self, member_id: str, action: str = "add") -> Path:
        return self.root / f"{action}-member-{member_id.lower()}.md"

    def retired_dir(self, slug: str, node_address: str) -> Path:
        return self.root / "retired" / f"{slug}-{node_address.lower()}"
