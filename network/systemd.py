"""A systemd unit per member, for a node installed on a server (Besu under /opt/besu)."""

from __future__ import annotations

from network.layout import BESU_BINARY, node_config_dir, unit_name
from network.models import MemberNode


def render_unit(member: MemberNode) -> str:
    config_dir = node_config_dir(member.slug)
    return f"""\
# sanzhi member {member.member_id}: Hyperledger Besu QBFT validator, written by `sanzhi network`.
# Install: /opt/besu (Besu's distribution), {config_dir}/ (members/{member.slug}/ and the node key
# `key`, owned by besu, mode 0600), then `systemctl enable --now {unit_name(member.slug)}`.
[Unit]
Description=Hyperledger Besu QBFT validator of sanzhi member {member.member_id}
Documentation=https://besu.hyperledger.org
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User=besu
Group=besu
# Without its key file Besu would create a new key: a node that is no validator. Refuse instead.
ExecStartPre=/usr/bin/test -s {config_dir}/key
ExecStart={BESU_BINARY} --config-file={config_dir}/config.toml
Restart=on-failure
RestartSec=10
# Besu flushes its database on SIGTERM
TimeoutStopSec=300
LimitNOFILE=65536
# /var/lib/besu/{member.slug}, owned by besu, the only place the node writes
StateDirectory=besu/{member.slug}
StateDirectoryMode=0700
UMask=0077

# Hardening. MemoryDenyWriteExecute is left out: the JVM's JIT compiler writes executable code.
NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
SystemCallArchitectures=native

[Install]
WantedBy=multi-user.target
"""
