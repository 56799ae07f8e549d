"""Refresh-token rotation, grace period, expiry, revocation and bearer checks."""

import time

import pytest
import requests
from helpers import CLIENT_ID, CLIENT_SECRET, ORG_A
from xero_python.exceptions import AccountingBadRequestException, HTTPStatusException


def _refresh(sb, refresh_token, secret=CLIENT_SECRET):
    return requests.post(
        f"{sb.url}/connect/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": CLIENT_ID,
            "client_secret": secret,
        },
    )


def test_refresh_rotates_and_xero_python_saves_new_token(sb):
    client = sb.client()
    old = client.token["refresh_token"]
    new = client.api_client.refresh_oauth2_token()
    assert new["refresh_token"] != old
    assert isinstance(new["scope"], list) and new["expires_at"] > time.time()
    assert client.saved[-1]["refresh_token"] == new["refresh_token"]
    assert (
        client.accounting.get_organisations(ORG_A).organisations[0].name == "Acme Ltd"
    )


def test_sdk_refreshes_automatically_when_expires_at_is_near(sb):
    client = sb.client(expires_at=time.time() + 10)
    contacts = client.accounting.get_contacts(ORG_A)
    assert contacts.contacts
    assert len(client.saved) == 1


def test_grace_period_then_invalid_grant(sb):
    token = sb.connect()
    first = _refresh(sb, token["refresh_token"])
    assert first.status_code == 200
    sb.advance(29 * 60)
    retry = _refresh(sb, token["refresh_token"])
    assert retry.status_code == 200
    assert retry.json()["refresh_token"] != first.json()["refresh_token"]
    sb.advance(2 * 60)
    late = _refresh(sb, token["refresh_token"])
    assert late.status_code == 400 and late.json() == {"error": "invalid_grant"}
    assert _refresh(sb, first.json()["refresh_token"]).status_code == 200
    states = {
        t["refresh_token"]: t["status"]
        for f in sb.ctl("GET", "tokens")["families"]
        for t in f["refresh_tokens"]
    }
    assert states[token["refresh_token"]] == "rotated"


def test_invalid_grant_surfaces_in_xero_python(sb):
    token = sb.connect()
    assert _refresh(sb, token["refresh_token"]).status_code == 200
    sb.advance(31 * 60)
    client = sb.client(token, expires_at=time.time() - 5)
    with pytest.raises(AccountingBadRequestException) as exc:
        client.accounting.get_contacts(ORG_A)
    assert exc.value.error_data == {"error": "invalid_grant"}
    with pytest.raises(HTTPStatusException) as exc:
        client.api_client.refresh_oauth2_token()
    assert exc.value.status == 400


def test_unused_refresh_token_expires_after_60_days(sb):
    token = sb.connect()
    sb.advance(59 * 86400)
    fresh = _refresh(sb, token["refresh_token"])
    assert fresh.status_code == 200
    sb.advance(60 * 86400 + 60)
    expired = _refresh(sb, fresh.json()["refresh_token"])
    assert expired.json() == {"error": "invalid_grant"}


def test_wrong_secret_on_refresh_is_invalid_client(sb):
    token = sb.connect()
    resp = _refresh(sb, token["refresh_token"], secret="nope")
    assert resp.status_code == 400 and resp.json() == {"error": "invalid_client"}


def test_revocation_removes_connections_and_family(sb):
    client = sb.client()
    assert len(client.identity.get_connections()) == 2
    other = sb.connect(user="bob@example.com")
    client.api_client.revoke_oauth2_token()
    assert client.token["refresh_token"] is None
    remaining = sb.ctl("GET", "connections")
    assert [c["email"] for c in remaining] == ["bob@example.com"]
    assert _refresh(sb, other["refresh_token"]).status_code == 200
    old = sb.ctl("GET", "tokens")["families"][0]
    assert old["revoked"] is True


def test_access_token_expires_on_the_sandbox_clock(sb):
    token = sb.connect()
    sb.advance(1801)
    resp = sb.api_get("Contacts", token, ORG_A)
    assert resp.status_code == 401
    body = resp.json()
    assert body["Title"] == "Unauthorized" and body["Type"] is None
    assert body["Detail"].startswith("TokenExpired: token expired at ")
    assert set(body) == {"Type", "Title", "Status", "Detail", "Instance", "Extensions"}
    client = sb.client(token)
    with pytest.raises(HTTPStatusException) as exc:
        client.accounting.get_contacts(ORG_A)
    assert exc.value.status == 401


def test_unknown_or_missing_bearer_token(sb):
    resp = sb.api_get("Contacts", {"access_token": "garbage"}, ORG_A)
    assert resp.status_code == 401
    assert resp.json()["Detail"] == "AuthenticationUnsuccessful"
    resp = requests.get(
        f"{sb.url}/api.xro/2.0/Contacts", headers={"xero-tenant-id": ORG_A}
    )
    assert resp.status_code == 401


def test_extra_token_key_breaks_xero_python(sb):
    sb.ctl("POST", "config", {"extra_token_keys": {"authentication_event_id": "abc"}})
    token = sb.connect()
    resp = _refresh(sb, token["refresh_token"])
    assert resp.json()["authentication_event_id"] == "abc"
    client = sb.client(token)
    with pytest.raises(TypeError):
        client.api_client.refresh_oauth2_token()


def test_access_token_ttl_is_configurable(sb):
    sb.ctl("POST", "config", {"access_token_ttl": 60})
    token = sb.connect()
    assert token["expires_in"] == 60
    sb.advance(61)
    assert sb.api_get("Organisation", token, ORG_A).status_code == 401
