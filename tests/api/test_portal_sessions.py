"""The portal's sign-in is a session of its own: the cookie holds a random session id, never the
API token; signing out, the session's end, and the key's revocation each end it on the server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.keystore import KeyStore
from api.portal.sessions import SESSION_LIFETIME, PortalSessions
from tests.support import Api

COOKIE = "sanzhi_auditor"  # the name the portal's sign-in cookie has always had


def _sign_in(api: Api, token: str) -> str:
    response = api.client.post("/login?lang=en", data={"api_key": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    cookie = api.client.cookies.get(COOKIE)
    assert cookie
    return str(cookie)


def _signed_in(api: Api, cookie: str) -> bool:
    """Whether the auditor's page takes `cookie` as a sign-in (signed out: sent to /login)."""
    api.client.cookies.set(COOKIE, cookie)
    response = api.client.get("/audit?lang=en", follow_redirects=False)
    if response.status_code == 303:
        assert response.headers["location"].startswith("/login?")
        return False
    return True


def test_the_cookie_is_not_the_api_token_and_the_api_refuses_it(api: Api) -> None:
    token = api.token("CN", "auditor")
    cookie = _sign_in(api, token)
    secret = token.rsplit("_", 1)[1]
    assert token not in cookie
    assert secret not in cookie
    assert _signed_in(api, cookie)
    response = api.client.get("/audit/events", headers={"Authorization": f"Bearer {cookie}"})
    assert response.status_code == 401
    api.client.cookies.set(COOKIE, cookie)  # the API reads no cookie: the session is no key to it
    assert api.client.get("/audit/events").status_code == 401


def test_signing_out_ends_the_session_on_the_server(api: Api) -> None:
    cookie = _sign_in(api, api.token("CN", "auditor"))
    out = api.client.post("/logout", follow_redirects=False)
    assert out.status_code == 303
    assert not _signed_in(api, cookie)  # the old cookie replayed: signed out


def test_revoking_the_key_signs_out_its_sessions(api: Api) -> None:
    token = api.token("CN", "auditor")
    cookie = _sign_in(api, token)
    api.keys.revoke(token.split("_")[1])
    assert not _signed_in(api, cookie)


def test_each_sign_in_is_its_own_session(api: Api) -> None:
    token = api.token("CN", "auditor")
    first = _sign_in(api, token)
    api.client.cookies.clear()
    second = _sign_in(api, token)
    assert first != second
    api.client.post("/logout", follow_redirects=False)  # signs out the second only
    assert _signed_in(api, first)
    assert not _signed_in(api, second)


def test_a_session_ends_eight_hours_after_sign_in(api: Api) -> None:
    token = api.token("CN", "auditor")

    def signed_in_ago(ago: timedelta) -> str:
        then = KeyStore(str(api.keys.engine.url), clock=lambda: datetime.now(UTC) - ago)
        try:
            opened = PortalSessions(keys=then, organisation="CN").open(token, roles=("auditor",))
        finally:
            then.close()
        assert opened is not None
        return opened[0]

    assert timedelta(hours=8) == SESSION_LIFETIME
    assert _signed_in(api, signed_in_ago(timedelta(hours=7, minutes=59)))
    assert not _signed_in(api, signed_in_ago(timedelta(hours=8, seconds=1)))


def test_a_rotation_ends_the_old_tokens_sessions_with_its_grace(api: Api) -> None:
    token = api.token("CN", "auditor")
    cookie = _sign_in(api, token)
    key_id = token.split("_")[1]
    api.keys.rotate(key_id, grace="1h")
    assert _signed_in(api, cookie)  # within the grace
    api.client.cookies.clear()
    api.keys.rotate(key_id, grace="0h")  # the token signed in with is now two rotations old
    assert not _signed_in(api, cookie)
