"""xero_core against the sandbox over real HTTP: OAuth with PKCE, paging,
retries, token refresh on 401, rate limits, per-element errors."""

import re
import threading
import time

import pytest
import requests
from xero_sandbox import SandboxServer

from xero_core import contact_mapping as cm
from xero_core import oauth
from xero_core.client import XeroClient, element_errors, element_failed
from xero_core.endpoints import XeroEndpoints, requested_scopes
from xero_core.errors import (
    XeroAuthError,
    XeroBadResponse,
    XeroForbidden,
    XeroRateLimited,
    XeroTransientError,
)
from xero_core.ratelimit import MinuteLimiter

CLIENT_ID, SECRET = "core-client", "core-secret"
ORG, OTHER_ORG = "aaaaaaaa-1111-4111-8111-111111111111", "bbbbbbbb-2222-4222-8222-222222222222"
REDIRECT = "http://localhost:9999/xero/oauth/callback"
SEED = {
    "apps": [{"client_id": CLIENT_ID, "client_secret": SECRET, "redirect_uris": [REDIRECT]}],
    "organisations": [
        {"OrganisationID": ORG, "Name": "Core Org", "Contacts": [{"Name": "Alpha Ltd"}]},
        {"OrganisationID": OTHER_ORG, "Name": "Other Org"},
    ],
    "users": [{"email": "core@example.com", "password": "pw", "organisations": [ORG]},
              {"email": "other@example.com", "password": "pw", "organisations": [OTHER_ORG]}],
}


@pytest.fixture(scope="module")
def server():
    srv = SandboxServer(port=0).start()
    yield srv
    srv.stop()


@pytest.fixture
def sandbox(server):
    server.reset(seed=SEED)
    return server


def control(server, method, path, **kw):
    response = requests.request(method, f"{server.url}/_sandbox/{path}", timeout=10, **kw)
    assert response.ok, response.text
    return response.json() if response.content else None


class Tokens:
    """A token provider like the addon's, with a refresh counter."""

    def __init__(self, endpoints, token):
        self.endpoints = endpoints
        self.token = token
        self.refreshes = 0

    def access_token(self):
        if self.token["expires_at"] < time.time() + 120:
            self.token_rejected(self.token["access_token"])
        return self.token["access_token"]

    def token_rejected(self, stale):
        self.refreshes += 1
        self.token = oauth.refresh(self.endpoints, CLIENT_ID, SECRET,
                                   self.token["refresh_token"], self.token["scope"])
        return self.token["access_token"]


def make_client(server, user="core@example.com", tenant=ORG, **options):
    endpoints = XeroEndpoints.from_urls(server.url, server.url, server.url)
    token = oauth.clean_token(control(server, "POST", "connect",
                                      json={"user": user, "client_id": CLIENT_ID}))
    tokens = Tokens(endpoints, token)
    options.setdefault("retries", 2)
    options.setdefault("backoff", 0.01)
    options.setdefault("limiter", False)
    return XeroClient(endpoints, CLIENT_ID, SECRET, tokens, tenant_id=tenant, **options), tokens


def test_clients_of_different_logins_never_share_a_token(sandbox):
    """xero-python hands every Configuration() the same OAuth2Token unless
    told otherwise; two logins used at once must each send their own."""
    first, _t1 = make_client(sandbox)
    second, _t2 = make_client(sandbox, user="other@example.com", tenant=OTHER_ORG)
    assert (first.api_client.configuration.oauth2_token
            is not second.api_client.configuration.oauth2_token)
    errors = []

    def hammer(client, name):
        try:
            for _i in range(25):
                assert client.organisation()["Name"] == name
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(first, "Core Org")),
               threading.Thread(target=hammer, args=(second, "Other Org"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors


def test_authorize_url_and_pkce_code_exchange(sandbox):
    endpoints = XeroEndpoints.from_urls(sandbox.url, sandbox.url, sandbox.url)
    verifier = oauth.new_code_verifier()
    url = oauth.authorize_url(endpoints, CLIENT_ID, REDIRECT, requested_scopes(), "st-1",
                              verifier)
    session = requests.Session()
    page = session.get(url, timeout=10)
    txn = re.search(r'name="txn"[^>]*value="([^"]+)"', page.text).group(1)
    page = session.post(f"{sandbox.url}/identity/login", timeout=10,
                        data={"txn": txn, "email": "core@example.com", "password": "pw"})
    txn = re.search(r'name="txn"[^>]*value="([^"]+)"', page.text).group(1)
    answer = session.post(f"{sandbox.url}/identity/connect/consent", timeout=10,
                          data={"txn": txn, "action": "allow"}, allow_redirects=False)
    location = answer.headers["Location"]
    assert "state=st-1" in location
    code = re.search(r"code=([^&]+)", location).group(1)
    with pytest.raises(XeroAuthError):  # a wrong verifier is refused
        oauth.exchange_code(endpoints, CLIENT_ID, SECRET, code, REDIRECT, verifier + "x")
    # Codes are single use, so get another one for the right verifier.
    url = oauth.authorize_url(endpoints, CLIENT_ID, REDIRECT, requested_scopes(), "st-2",
                              verifier)
    page = session.get(url, timeout=10)
    txn = re.search(r'name="txn"[^>]*value="([^"]+)"', page.text).group(1)
    answer = session.post(f"{sandbox.url}/identity/connect/consent", timeout=10,
                          data={"txn": txn, "action": "allow"}, allow_redirects=False)
    code = re.search(r"code=([^&]+)", answer.headers["Location"]).group(1)
    token = oauth.exchange_code(endpoints, CLIENT_ID, SECRET, code, REDIRECT, verifier)
    assert set(token) <= set(oauth.TOKEN_KEYS)
    assert token["expires_at"] > time.time() + 1700
    claims = oauth.id_token_claims(token["id_token"])
    assert claims["email"] == "core@example.com" and claims["xero_userid"]


def test_extra_token_keys_are_dropped(sandbox):
    endpoints = XeroEndpoints.from_urls(sandbox.url, sandbox.url, sandbox.url)
    token = control(sandbox, "POST", "connect", json={"user": "core@example.com",
                                                      "client_id": CLIENT_ID})
    control(sandbox, "POST", "config", json={"extra_token_keys": {"authentication_event_id": "x"}})
    raw = requests.post(endpoints.token_url, timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": token["refresh_token"],
        "client_id": CLIENT_ID, "client_secret": SECRET}).json()
    assert raw["authentication_event_id"] == "x"
    assert "authentication_event_id" not in oauth.clean_token(raw)
    # xero-python's token parsing would reject it; our refresh keeps working.
    fresh = oauth.refresh(endpoints, CLIENT_ID, SECRET, raw["refresh_token"], raw["scope"])
    assert set(fresh) <= set(oauth.TOKEN_KEYS)


def test_paging_stops_at_page_count(sandbox):
    control(sandbox, "POST", "generate", json={"organisation": ORG, "contacts": 2499})
    client, _tokens = make_client(sandbox)
    pages = [len(records) for _page, records in client.iter_contact_pages()]
    assert pages == [1000, 1000, 500]
    assert client.calls == 3
    control(sandbox, "POST", "generate", json={"organisation": ORG, "contacts": 500, "seed": 2})
    client.calls = 0
    assert [len(r) for _p, r in client.iter_contact_pages()] == [1000, 1000, 1000]
    assert client.calls == 3, "a full last page needs no extra empty call"


def test_transient_errors_are_retried_then_reported(sandbox):
    client, _tokens = make_client(sandbox)
    control(sandbox, "POST", "faults", json={"kind": "status", "status": 503,
                                             "match": {"path": "/Organisation"}})
    assert client.organisation()["Name"] == "Core Org"
    assert client.calls == 2
    control(sandbox, "POST", "faults", json={"kind": "drop", "count": 5,
                                             "match": {"path": "/Organisation"}})
    with pytest.raises(XeroTransientError):
        client.organisation()
    control(sandbox, "DELETE", "faults")
    control(sandbox, "POST", "faults", json={"kind": "status", "status": 502, "count": 5,
                                             "body": "<html>Bad gateway</html>",
                                             "content_type": "text/html",
                                             "match": {"path": "/Organisation"}})
    with pytest.raises(XeroTransientError) as info:
        client.organisation()
    assert "502" in info.value.message
    assert "<html>" not in info.value.message and "a web page" in info.value.message


def test_non_json_success_body_is_a_clear_error(sandbox):
    client, _tokens = make_client(sandbox)
    control(sandbox, "POST", "faults", json={"kind": "body", "body": "<html>oops</html>",
                                             "match": {"path": "/Organisation"}})
    with pytest.raises(XeroBadResponse) as info:
        client.organisation()
    assert info.value.message == "Xero answered 200 with a web page instead of JSON."


def test_token_expired_mid_run_refreshes_once(sandbox):
    client, tokens = make_client(sandbox)
    control(sandbox, "POST", "faults", json={"kind": "token_expired",
                                             "match": {"path": "/Contacts"}})
    assert client.find_active_contacts_by_name("Alpha Ltd")
    assert tokens.refreshes == 1


def test_invalid_grant_is_an_auth_error(sandbox):
    client, tokens = make_client(sandbox)
    tokens.token["expires_at"] = 0
    control(sandbox, "POST", "faults", json={"kind": "invalid_grant"})
    with pytest.raises(XeroAuthError):
        client.organisation()


def test_other_tenant_and_missing_scope_are_forbidden(sandbox):
    client, _tokens = make_client(sandbox)
    client.tenant_id = OTHER_ORG  # not connected for this login
    with pytest.raises(XeroForbidden):
        client.organisation()


def test_rate_limit_is_reported_with_problem_and_retry_after(sandbox):
    client, _tokens = make_client(sandbox)
    control(sandbox, "POST", "faults", json={"kind": "rate_limit", "problem": "day",
                                             "retry_after": 3600,
                                             "match": {"path": "/Organisation"}})
    with pytest.raises(XeroRateLimited) as info:
        client.organisation()
    assert (info.value.problem, info.value.retry_after) == ("day", 3600)
    # A short minute wait is slept through when the caller allows it.
    waited = []
    client, _tokens = make_client(sandbox, rate_limit_wait=5, sleep=waited.append)
    control(sandbox, "POST", "faults", json={"kind": "rate_limit", "problem": "minute",
                                             "retry_after": 2,
                                             "match": {"path": "/Organisation"}})
    assert client.organisation()["Name"] == "Core Org"
    assert waited == [2]


def test_client_limiter_avoids_429_at_real_limits(sandbox):
    control(sandbox, "POST", "config", json={"rate_limits": {"minute": 5, "day": 5000,
                                                             "concurrent": 5}})
    clock = {"now": 0.0}
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        clock["now"] += seconds
        control(sandbox, "POST", "clock", json={"advance_seconds": seconds})

    limiter = MinuteLimiter(per_minute=5, clock=lambda: clock["now"])
    client, _tokens = make_client(sandbox, limiter=limiter, sleep=sleep)
    for _i in range(7):
        client.organisation()
    log = control(sandbox, "GET", "requests")
    log = log["requests"] if isinstance(log, dict) else log
    statuses = [r["status"] for r in log if "/Organisation" in r["path"]]
    assert statuses == [200] * 7
    assert slept and sum(slept) >= 60


def test_per_element_errors_and_idempotent_replay(sandbox):
    client, _tokens = make_client(sandbox)
    results = client.save_contacts([{"Name": "Fresh Ltd"}, {"Name": "Alpha Ltd"},
                                    {"Name": "Bad Email", "EmailAddress": "nope"}], "key-1")
    assert [element_failed(r) for r in results] == [False, True, True]
    assert "already assigned" in element_errors(results[1])[0]
    again = client.save_contacts([{"Name": "Fresh Ltd"}, {"Name": "Alpha Ltd"},
                                  {"Name": "Bad Email", "EmailAddress": "nope"}], "key-1")
    assert again[0]["ContactID"] == results[0]["ContactID"], "replayed, not re-applied"
    # A key reused for another batch is replayed too: answers that do not
    # line up with what was sent are an error, never matched to the wrong record.
    with pytest.raises(XeroBadResponse):
        client.save_contacts([{"Name": "Fresh Ltd"}], "key-1")
    names = [c["Name"] for c in control(sandbox, "GET", "state",
                                        params={"organisation": ORG,
                                                "entity": "contacts"})["contacts"]]
    assert names.count("Fresh Ltd") == 1


def test_refresh_rotation_and_revocation(sandbox):
    endpoints = XeroEndpoints.from_urls(sandbox.url, sandbox.url, sandbox.url)
    token = oauth.clean_token(control(sandbox, "POST", "connect",
                                      json={"user": "core@example.com",
                                            "client_id": CLIENT_ID}))
    first = oauth.refresh(endpoints, CLIENT_ID, SECRET, token["refresh_token"], token["scope"])
    assert first["refresh_token"] != token["refresh_token"]
    # The previous one still works inside the grace period...
    oauth.refresh(endpoints, CLIENT_ID, SECRET, token["refresh_token"], token["scope"])
    control(sandbox, "POST", "clock", json={"advance_seconds": 31 * 60})
    with pytest.raises(XeroAuthError):  # ...and not after it
        oauth.refresh(endpoints, CLIENT_ID, SECRET, token["refresh_token"], token["scope"])
    with pytest.raises(XeroAuthError):
        oauth.refresh(endpoints, CLIENT_ID, "wrong-secret", first["refresh_token"],
                      first["scope"])
    oauth.revoke(endpoints, CLIENT_ID, SECRET, first["refresh_token"])
    assert not control(sandbox, "GET", "connections")


def test_missing_scope_is_forbidden_not_an_expired_login(sandbox):
    control(sandbox, "POST", "config", json={"missing_scope_status": 401})
    endpoints = XeroEndpoints.from_urls(sandbox.url, sandbox.url, sandbox.url)
    token = oauth.clean_token(control(sandbox, "POST", "connect", json={
        "user": "core@example.com", "client_id": CLIENT_ID,
        "scope": "openid offline_access accounting.contacts"}))
    client = XeroClient(endpoints, CLIENT_ID, SECRET, Tokens(endpoints, token), tenant_id=ORG,
                        retries=0, limiter=False)
    with pytest.raises(XeroForbidden):
        client.organisation()


def test_contacts_read_by_id_carry_their_persons_and_account_number(sandbox):
    """Only paged reads return ContactPersons: a contact re-read by ID (a
    webhook, a Refresh) must not read as "every person removed in Xero"."""
    client, _tokens = make_client(sandbox)
    payload = cm.to_xero({"name": "Persons Ltd", "ref": "CUST-1", "persons": "x",
                          cm.PERSON_LIST: [{"name": "Ann Lee", "email": "ann@p.example"}]},
                         keys=["name", "ref", "persons"], contact_number="ODOO-t-1")
    [created] = client.save_contacts([payload], "persons-1")
    [read] = client.get_contacts([created["ContactID"]])
    values, _notes = cm.from_xero(read)
    assert (values["ref"], values["persons"]) == ("CUST-1", "Ann Lee <ann@p.example>")
    assert read["ContactNumber"] == "ODOO-t-1"
    [found] = client.find_contacts(contact_number="ODOO-t-1")
    assert found["ContactID"] == created["ContactID"]
    six = [{"FirstName": f"P{i}"} for i in range(6)]
    [refused] = client.save_contacts([{"ContactID": created["ContactID"],
                                       "ContactPersons": six}], "persons-2")
    assert element_failed(refused)
    assert element_errors(refused) == ["A contact can have a maximum of 5 contact persons."]
