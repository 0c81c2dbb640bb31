"""API keys: shown once, stored hashed, refused when malformed, unknown or revoked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from api.errors import AuthenticationFailed, Conflict, NotFound
from api.keystore import ApiRole, KeyStore
from ledger.errors import InvalidInput


@pytest.fixture
def store(tmp_path: Path) -> KeyStore:
    return KeyStore(f"sqlite:///{tmp_path / 'keys.sqlite'}")


def test_a_created_key_authenticates_as_its_organisation_and_role(store: KeyStore) -> None:
    created = store.create(organisation="cn", role="Customs", label="SG desk")
    assert created.token.startswith(f"szk_{created.key.key_id}_")
    key = store.authenticate(created.token)
    assert (key.organisation, key.role, key.label) == ("CN", ApiRole.CUSTOMS, "SG desk")


def test_only_a_hash_of_the_secret_is_stored(store: KeyStore, tmp_path: Path) -> None:
    created = store.create(organisation="CN", role="issuer", label="x")
    secret = created.token.rsplit("_", 1)[1]
    with sqlite3.connect(tmp_path / "keys.sqlite") as db:
        rows = db.execute("SELECT * FROM api_keys").fetchall()
    assert rows
    assert secret not in repr(rows)


@pytest.mark.parametrize(
    "token",
    ["", "szk_", "Bearer x", "szk_0123456789abcdef_" + "0" * 63, "szk_0123456789ABCDEF_" + "0" * 64, "x" * 10_000],
)
def test_malformed_tokens_are_refused(store: KeyStore, token: str) -> None:
    with pytest.raises(AuthenticationFailed, match="malformed"):
        store.authenticate(token)


def test_a_wrong_secret_or_unknown_id_is_refused(store: KeyStore) -> None:
    created = store.create(organisation="CN", role="issuer", label="x")
    wrong_secret = created.token[:-1] + ("0" if created.token[-1] != "0" else "1")
    with pytest.raises(AuthenticationFailed, match="unknown"):
        store.authenticate(wrong_secret)
    with pytest.raises(AuthenticationFailed, match="unknown"):
        store.authenticate("szk_" + "0" * 16 + "_" + "0" * 64)


def test_a_revoked_key_is_refused_and_cannot_be_revoked_twice(store: KeyStore) -> None:
    created = store.create(organisation="CN", role="issuer", label="x")
    revoked = store.revoke(created.key.key_id)
    assert revoked.revoked_at is not None
    with pytest.raises(AuthenticationFailed, match="revoked"):
        store.authenticate(created.token)
    with pytest.raises(Conflict, match="revoked at"):
        store.revoke(created.key.key_id)
    assert store.get(created.key.key_id).revoked_at == revoked.revoked_at


def test_revoking_an_unknown_or_malformed_id_is_refused(store: KeyStore) -> None:
    with pytest.raises(NotFound):
        store.revoke("0" * 16)
    with pytest.raises(InvalidInput):
        store.revoke("../etc")


@pytest.mark.parametrize(
    ("org", "role", "label", "path"),
    [("CN", "root", "x", "role"), ("C N", "issuer", "x", "member"), ("CN", "issuer", " ", "label"),
     ("CN", "issuer", "a\nb", "label"), ("CN", "issuer", "x" * 201, "label")],
)  # fmt: skip
def test_bad_key_requests_are_refused(store: KeyStore, org: str, role: str, label: str, path: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        store.create(organisation=org, role=role, label=label)
    assert refused.value.path == path


def test_list_filters_by_organisation_and_activity(store: KeyStore) -> None:
    cn = store.create(organisation="CN", role="issuer", label="a")
    store.create(organisation="SG", role="customs", label="b")
    store.revoke(cn.key.key_id)
    assert [k.organisation for k in store.list()] == ["CN", "SG"]
    assert [k.organisation for k in store.list(organisation="sg")] == ["SG"]
    assert [k.organisation for k in store.list(include_revoked=False)] == ["SG"]
