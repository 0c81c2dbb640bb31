"""With SANZHI_ENV=prod, `sanzhi serve` refuses to start when a role it serves has no signing
profile or one holding a public development key: one line per problem, exit 2, nothing started."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from eth_account import Account
from pydantic import SecretStr

from api.keystore import KeyStore
from api.settings import ServiceSettings
from api.signing_readiness import signing_problems
from ledger.accounts.profiles import DevKey, EnvKey, Profile, Profiles, save_profiles
from ledger.settings import LedgerSettings
from tests.support import free_port


def _profiles(data_dir: Path) -> None:
    save_profiles(data_dir, Profiles(profiles={
        "cn-issuer": Profile(name="cn-issuer", role="issuer", member_id="CN", key=DevKey(index=1)),
        "cn-customs": Profile(name="cn-customs", role="customs", member_id="CN", key=EnvKey()),
    }))  # fmt: skip


def test_prod_serve_refuses_a_development_key_and_a_missing_profile(tmp_path: Path) -> None:
    _profiles(tmp_path)
    keys = KeyStore(f"sqlite:///{tmp_path / 'index.sqlite'}")
    try:
        for role in ("issuer", "customs", "auditor"):
            keys.create(organisation="CN", role=role, label=f"CN {role}")
    finally:
        keys.close()
    env = {**os.environ, "SANZHI_ENV": "prod", "SANZHI_WEBHOOK_KEY": "x" * 44}
    env.pop("SANZHI_PRIVATE_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "--data-dir", str(tmp_path), "serve", "--org", "CN", "--signer",
         "issuer=cn-issuer", "--port", str(free_port()), "--no-follow", "--no-webhooks"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "error: the issuer role's signing profile 'cn-issuer': profile 'cn-issuer' uses a public development key; "
        "refused in prod",
        "error: the customs role has no signing profile, but CN has 1 usable customs key(s) whose writes would "
        "fail: give --signer customs=PROFILE or revoke them",
    ]


def test_a_production_key_for_each_writing_role_is_ready(tmp_path: Path) -> None:
    _profiles(tmp_path)
    own = Account.create()
    settings = LedgerSettings(data_dir=tmp_path, env="prod", private_key=SecretStr(own.key.hex()))
    keys = KeyStore(f"sqlite:///{tmp_path / 'index.sqlite'}")
    try:
        customs = ServiceSettings(organisation="CN", signers={"customs": "cn-customs"})
        keys.create(organisation="CN", role="auditor", label="reads only")
        keys.create(organisation="CN", role="customs", label="desk")
        assert signing_problems(settings=settings, service=customs, keys=keys) == []
        issuer = keys.create(organisation="CN", role="issuer", label="issuing office")
        [problem] = signing_problems(settings=settings, service=customs, keys=keys)
        assert problem.startswith("the issuer role has no signing profile")
        keys.revoke(issuer.key.key_id)  # a revoked key writes nothing: its role is not needed
        assert signing_problems(settings=settings, service=customs, keys=keys) == []
        keys.create(organisation="SG", role="issuer", label="another member's")
        assert signing_problems(settings=settings, service=customs, keys=keys) == []
        in_dev = settings.model_copy(update={"env": "dev"})
        assert signing_problems(settings=in_dev, service=ServiceSettings(organisation="CN"), keys=keys) == []
    finally:
        keys.close()
