"""The authorisation-code flow through the HTML pages, and the code exchange."""

import base64
import json

from helpers import CLIENT_ID, ORG_A, ORG_B, PKCE_CLIENT, REDIRECT
from xero_python.api_client.oauth2 import OAuth2Token


def _claims(jwt):
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_login_consent_and_code_exchange(sb, browser, pkce):
    verifier, challenge = pkce()
    location, params = sb.login_and_consent(
        browser, tenants=[ORG_A], state="s-123", challenge=challenge
    )
    assert location.startswith(REDIRECT + "?")
    assert params["state"] == "s-123"
    assert params["scope"].split()[0] == "openid"
    resp = sb.exchange(params["code"], verifier)
    assert resp.status_code == 200, resp.text
    token = resp.json()
    assert list(token) == [
        "id_token",
        "access_token",
        "expires_in",
        "token_type",
        "refresh_token",
        "scope",
    ]
    assert token["expires_in"] == 1800 and token["token_type"] == "Bearer"
    OAuth2Token(CLIENT_ID, "x").update_token(**token)
    claims = _claims(token["id_token"])
    assert claims["email"] == "alice@example.com"
    assert claims["given_name"] == "Alice" and claims["family_name"] == "Liddell"
    assert claims["aud"] == CLIENT_ID
    for key in ("sub", "xero_userid", "name", "iss", "iat", "exp", "global_session_id"):
        assert key in claims
    conns = sb.ctl("GET", "connections")
    assert [c["tenantId"] for c in conns] == [ORG_A]


def test_session_cookie_skips_login(sb, browser):
    sb.login_and_consent(browser, tenants=[ORG_A])
    assert browser.cookies.get("sandbox_session")
    page = browser.get(sb.authorize_url())
    assert 'id="consent-form"' in page.text and 'id="login-form"' not in page.text


def test_org_picker_pre_ticks_connected_organisations(sb, browser):
    sb.login_and_consent(browser, tenants=[ORG_B])
    page = browser.get(sb.authorize_url()).text
    assert f'name="tenant" value="{ORG_A}" id="tenant-{ORG_A}">' in page
    assert f'name="tenant" value="{ORG_B}" id="tenant-{ORG_B}" checked>' in page
    _, params = sb.login_and_consent(browser, tenants=[ORG_A, ORG_B])
    token = sb.exchange(params["code"]).json()
    conns = sb.client(token).identity.get_connections()
    assert sorted(c.tenant_id for c in conns) == sorted([ORG_A, ORG_B])
    assert len({c.auth_event_id for c in conns}) == 1


def test_stable_connection_id_across_reconnects(sb, browser):
    _, params = sb.login_and_consent(browser, tenants=[ORG_A])
    first = sb.client(sb.exchange(params["code"]).json()).identity.get_connections()[0]
    _, params = sb.login_and_consent(browser, tenants=[ORG_A])
    again = sb.client(sb.exchange(params["code"]).json()).identity.get_connections()[0]
    assert again.id == first.id
    assert again.auth_event_id != first.auth_event_id


def test_single_org_user_needs_no_picker(sb, browser):
    page = browser.get(sb.authorize_url())
    txn = page.text.split('name="txn" id="txn" value="')[1].split('"')[0]
    page = browser.post(
        f"{sb.url}/identity/login",
        data={"txn": txn, "email": "bob@example.com", "password": "builder"},
    )
    assert 'type="hidden" name="tenant"' in page.text
    resp = browser.post(
        f"{sb.url}/identity/connect/consent",
        data={"txn": txn, "action": "allow"},
        allow_redirects=False,
    )
    assert "code=" in resp.headers["Location"]


def test_wrong_password_shows_error(sb, browser):
    page = browser.get(sb.authorize_url())
    txn = page.text.split('name="txn" id="txn" value="')[1].split('"')[0]
    page = browser.post(
        f"{sb.url}/identity/login",
        data={"txn": txn, "email": "alice@example.com", "password": "no"},
    )
    assert "Your email or password is incorrect" in page.text
    assert 'id="login-form"' in page.text


def test_cancel_redirects_with_access_denied(sb, browser):
    _, params = sb.login_and_consent(browser, action="cancel", state="keep-me")
    assert params == {"error": "access_denied", "state": "keep-me"}


def test_unregistered_redirect_is_never_followed(sb, browser):
    resp = browser.get(
        sb.authorize_url(redirect_uri="https://evil.example/cb"), allow_redirects=False
    )
    assert resp.status_code == 400
    assert "Location" not in resp.headers
    assert "redirect_uri" in resp.text


def test_any_localhost_redirect_is_accepted(sb, browser):
    _, params = sb.login_and_consent(
        browser, tenants=[ORG_A], redirect_uri="http://localhost:45123/xero/cb"
    )
    token = sb.exchange(params["code"], redirect_uri="http://localhost:45123/xero/cb")
    assert token.status_code == 200


def test_unknown_client_and_bad_scope(sb, browser):
    resp = browser.get(sb.authorize_url(client_id="nope"), allow_redirects=False)
    assert resp.status_code == 400
    resp = browser.get(
        sb.authorize_url(scope="openid accounting.everything"), allow_redirects=False
    )
    assert resp.status_code == 302
    assert "error=invalid_scope" in resp.headers["Location"]
    assert "state=xyz" in resp.headers["Location"]


def test_pkce_missing_or_wrong_verifier(sb, browser, pkce):
    verifier, challenge = pkce()
    _, params = sb.login_and_consent(browser, tenants=[ORG_A], challenge=challenge)
    missing = sb.exchange(params["code"])
    assert missing.status_code == 400 and missing.json() == {"error": "invalid_grant"}
    _, params = sb.login_and_consent(browser, tenants=[ORG_A], challenge=challenge)
    wrong = sb.exchange(params["code"], pkce()[0])
    assert wrong.status_code == 400 and wrong.json() == {"error": "invalid_grant"}


def test_public_pkce_app_needs_no_secret(sb, browser, pkce):
    verifier, challenge = pkce()
    _, params = sb.login_and_consent(
        browser, tenants=[ORG_A], client_id=PKCE_CLIENT, challenge=challenge
    )
    resp = sb.exchange(params["code"], verifier, client_id=PKCE_CLIENT, secret="")
    assert resp.status_code == 200, resp.text


def test_code_is_single_use_bound_and_short_lived(sb, browser):
    _, params = sb.login_and_consent(browser, tenants=[ORG_A])
    assert sb.exchange(params["code"], basic=True).status_code == 200
    reused = sb.exchange(params["code"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    _, params = sb.login_and_consent(browser, tenants=[ORG_A])
    assert (
        sb.exchange(params["code"], redirect_uri="http://localhost:1/x").status_code
        == 400
    )
    _, params = sb.login_and_consent(browser, tenants=[ORG_A])
    sb.advance(301)
    assert sb.exchange(params["code"]).json() == {"error": "invalid_grant"}


def test_wrong_client_secret_is_invalid_client(sb, browser):
    _, params = sb.login_and_consent(browser, tenants=[ORG_A])
    resp = sb.exchange(params["code"], secret="wrong")
    assert resp.status_code == 400 and resp.json() == {"error": "invalid_client"}


def test_scope_without_openid_or_offline_access(sb, browser):
    _, params = sb.login_and_consent(
        browser, tenants=[ORG_A], scope="accounting.contacts.read"
    )
    token = sb.exchange(params["code"]).json()
    assert set(token) == {"access_token", "expires_in", "token_type", "scope"}


def test_scopes_add_up_across_consents(sb, browser):
    sb.login_and_consent(browser, tenants=[ORG_A], scope="accounting.contacts.read")
    _, params = sb.login_and_consent(browser, tenants=[ORG_A], scope="offline_access")
    token = sb.exchange(params["code"]).json()
    assert token["scope"] == "accounting.contacts.read offline_access"
