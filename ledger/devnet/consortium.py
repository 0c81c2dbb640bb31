"""The development consortium: CN and SG customs with their issuers, oracles, auditors and the
operational keys of each administration (`cn-customs`); the governance keys are `cn-admin`.

DEVELOPMENT ONLY. Every key here is derived from the public anvil/Foundry test mnemonic
(`test test ... junk`), which anyone can derive: never use these on a real network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ledger.accounts.keys import dev_account
from ledger.accounts.profiles import DevKey, Profile, Profiles, load_profiles, save_profiles
from ledger.chain.client import LedgerClient
from ledger.chain.deploy import DeployResult, Founder, deploy_all
from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.founding import list_founding_registries
from ledger.ids import CERTIFICATE_TYPES
from ledger.store.registry import DocumentRegistryBinding, register_own_key


@dataclass(frozen=True)
class DevIdentity:
    profile: str
    index: int
    role: str
    member_id: str | None


DEPLOYER = DevIdentity("deployer", 0, "deployer", None)
DEV_IDENTITIES: tuple[DevIdentity, ...] = (
    DEPLOYER,
    DevIdentity("cn-admin", 1, "member", "CN"),
    DevIdentity("sg-admin", 2, "member", "SG"),
    DevIdentity("cn-issuer", 3, "issuer", "CN"),
    DevIdentity("sg-issuer", 4, "issuer", "SG"),
    DevIdentity("cn-oracle", 5, "oracle", "CN"),
    DevIdentity("sg-oracle", 6, "oracle", "SG"),
    DevIdentity("cn-auditor", 7, "auditor", "CN"),
    DevIdentity("sg-auditor", 8, "auditor", "SG"),
    DevIdentity("exporter", 9, "exporter", None),
    DevIdentity("cn-oracle-2", 10, "oracle", "CN"),
    DevIdentity("sg-oracle-2", 11, "oracle", "SG"),
    DevIdentity("th-admin", 12, "candidate-member", "TH"),
    DevIdentity("cn-customs", 13, "customs", "CN"),
    DevIdentity("sg-customs", 14, "customs", "SG"),
    DevIdentity("cn-trader", 15, "trade", "CN"),
    DevIdentity("sg-trader", 16, "trade", "SG"),
)
MEMBER_NAMES = {"CN": "General Administration of Customs of China", "SG": "Singapore Customs"}
# The display name each member gives the accounts it accredits (at most 64 bytes of UTF-8).
ACCOUNT_NAMES = {
    "cn-issuer": "宁波市贸促会 CCPIT Ningbo",
    "sg-issuer": "Singapore Business Federation",
    "cn-oracle": "中国电子口岸 China E-Port",
    "cn-oracle-2": "宁波舟山港 Ningbo-Zhoushan Port",
    "sg-oracle": "Singapore TradeNet",
    "sg-oracle-2": "PSA Singapore",
    "cn-auditor": "海关总署稽查司 GACC Audit Department",
    "sg-auditor": "Singapore Customs Audit Branch",
    "cn-customs": "宁波海关 Ningbo Customs",
    "sg-customs": "Singapore Customs Checkpoints",
    "cn-trader": "宁波远洋贸易 Ningbo Ocean Trading Co.",
    "sg-trader": "Lion City Logistics Pte Ltd",
}
DEV_THRESHOLD = 2

ClientFactory = Callable[[str], LedgerClient]


def identity(profile: str) -> DevIdentity:
    return next(i for i in DEV_IDENTITIES if i.profile == profile)


def dev_address(profile: str) -> str:
    return str(dev_account(identity(profile).index).address)


def deploy_dev(*, rpc_client_for: ClientFactory, deployments_dir: Path, data_dir: Path) -> DeployResult:
    """Deploy with the dev deployer, bootstrap CN+SG and their accreditations, write profiles."""
    founders = [
        Founder(member_id=m, name=MEMBER_NAMES[m], admin=dev_address(f"{m.lower()}-admin")) for m in ("CN", "SG")
    ]
    save_profiles(data_dir, _merged_profiles(data_dir))
    result = deploy_all(
        client=rpc_client_for(DEPLOYER.profile),
        deployments_dir=deployments_dir,
        founders=founders,
        threshold=DEV_THRESHOLD,
        dev=True,
    )
    founding = list_founding_registries([rpc_client_for("cn-admin"), rpc_client_for("sg-admin")], result.deployment)
    if founding is not None:
        result.founding_proposal, result.founding_listed = founding.proposal_id, founding.executed
    for member in ("CN", "SG"):
        binding = ConsortiumBinding(rpc_client_for(f"{member.lower()}-admin"))
        for ident in DEV_IDENTITIES:
            if ident.member_id != member or ident.role not in ("issuer", "oracle", "auditor", "customs", "trade"):
                continue
            types: tuple[str | None, ...] = CERTIFICATE_TYPES if ident.role == "issuer" else (None,)
            for cert_type in types:
                account = dev_address(ident.profile)
                if not binding.accreditation(account, ident.role, cert_type).active:
                    binding.accredit(account, ident.role, cert_type, name=ACCOUNT_NAMES[ident.profile])
    _register_document_keys(rpc_client_for)
    return result


def _register_document_keys(rpc_client_for: ClientFactory) -> None:
    """Every dev party gets its document encryption key, so `sanzhi docs put --for` works at once."""
    for ident in DEV_IDENTITIES:
        if ident.member_id is None or ident.role == "candidate-member":
            continue
        client = rpc_client_for(ident.profile)
        if not client.artifacts.has("DocumentRegistry") or client.account is None:
            return
        if DocumentRegistryBinding(client).current_version(client.address) == 0:
            register_own_key(client, client.account)


def _merged_profiles(data_dir: Path) -> Profiles:
    profiles = load_profiles(data_dir)
    for ident in DEV_IDENTITIES:
        profiles.profiles[ident.profile] = Profile(
            name=ident.profile,
            role=ident.role,
            member_id=ident.member_id,
            key=DevKey(index=ident.index),
            dev_only=True,
            address=dev_address(ident.profile),
        )
    return profiles
