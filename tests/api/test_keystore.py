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


TRADER_ACCOUNT = "0x2546BcD3c84621e976D8185a91A922aE77ECEc30"


def test_a_trader_key_acts_for_one_account_and_no_other_role_has_one(store: KeyStore) -> None:
    created = store.create(organisation="CN", role="trader", label="forwarder", account=TRADER_ACCOUNT.lower())
    assert created.key.account == TRADER_ACCOUNT  # checksummed
    assert store.authenticate(created.token).account == TRADER_ACCOUNT
    assert [(k.role, k.account) for k in store.list()] == [(ApiRole.TRADER, TRADER_ACCOUNT)]
    assert created.key.model_dump(mode="json")["account"] == TRADER_ACCOUNT
    for role, account, reason in (
        ("trader", None, "acts for one party account"),
        ("trader", " ", "acts for one party account"),
        ("trader", "0x1234", "not an account address"),
        ("customs", TRADER_ACCOUNT, "only a trader key"),
        ("oracle", TRADER_ACCOUNT, "only a trader key"),
    ):
        with pytest.raises(InvalidInput, match=reason) as refused:
            store.create(organisation="CN", role=role, label="x", account=account)
        assert refused.value.path == "account"
    assert store.create(organisation="CN", role="oracle", label="risk engine").key.account is None


def test_migration_0003_adds_the_account_to_existing_keys(tmp_path: Path) -> None:
    """A key store of revision 0002 (keys without accounts) is upgraded in place; its keys stay."""
    from alembic import command

    from ledger.index.db import _config, current_revision, make_engine

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    command.upgrade(_config(engine), "0002")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO api_keys (key_id, organisation, role, label, secret_sha256, created_at) "
            "VALUES ('0123456789abcdef', 'CN', 'customs', 'old desk', '" + "0" * 64 + "', '2026-11-01 00:00:00')"
        )
    assert current_revision(engine) == "0002"
    engine.dispose()
    store = KeyStore(url)
    try:
        assert current_revision(store.engine) == "0008"
        [old] = store.list()
        assert (old.key_id, old.role, old.account, old.operator) == ("0123456789abcdef", ApiRole.CUSTOMS, None, None)
    finally:
        store.close()


def test_a_trader_key_names_its_operator_in_canonical_form(store: KeyStore) -> None:
    created = store.create(
        organisation="CN",
        role="trader",
        label="Ningbo Dongfang",
        account=TRADER_ACCOUNT,
        operator=" usci:91330200 ma2ab ",
    )
    assert created.key.operator == "USCI:91330200MA2AB"
    assert store.authenticate(created.token).operator == "USCI:91330200MA2AB"
    assert store.create(organisation="CN", role="trader", label="x", account=TRADER_ACCOUNT).key.operator is None
    for role, operator, reason in (
        ("trader", "91330200MA2AB", "has no scheme"),
        ("trader", "0x" + "ab" * 32, "not its on-chain hash"),
        ("trader", "USCI:9133 0200;x", "is not an operator id"),
        ("customs", "USCI:91330200MA2AB", "only a trader key names an operator"),
    ):
        account = TRADER_ACCOUNT if role == "trader" else None
        with pytest.raises(InvalidInput, match=reason) as refused:
            store.create(organisation="CN", role=role, label="x", account=account, operator=operator)
        assert refused.value.path == "operator"


def test_a_trader_key_written_before_operators_still_works(tmp_path: Path) -> None:
    """A key store of revision 0003 (trader keys with an account, no operator) is upgraded in
    place; its trader key still authenticates, with no operator."""
    import hashlib

    from alembic import command

    from ledger.index.db import _config, make_engine

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    command.upgrade(_config(engine), "0003")
    secret = "5" * 64
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO api_keys (key_id, organisation, role, label, secret_sha256, created_at, account) VALUES "
            f"('00000000000000aa', 'CN', 'trader', 'old trader', '{hashlib.sha256(secret.encode()).hexdigest()}', "
            f"'2026-11-01 00:00:00', '{TRADER_ACCOUNT}')"
        )
    engine.dispose()
    store = KeyStore(url)
    try:
        key = store.authenticate(f"szk_00000000000000aa_{secret}")
        assert (key.role, key.account, key.operator) == (ApiRole.TRADER, TRADER_ACCOUNT, None)
    finally:
        store.close()
