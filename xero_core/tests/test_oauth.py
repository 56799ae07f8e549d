"""Token calls: one library (authlib), a timeout on every call, Xero's
errors translated into the exception the caller acts on."""

import ast
import base64
import pathlib
import time
from urllib.parse import parse_qs

import pytest
import requests
from xero_sandbox import SandboxServer

from xero_core import oauth
from xero_core.endpoints import XeroEndpoints
from xero_core.errors import (
    XeroAppCredentialsError,
    XeroAuthError,
    XeroBadResponse,
    XeroError,
    XeroTransientError,
)
from xero_core.tests.stub_server import SilentServer, StubServer

CLIENT_ID, SECRET = "oauth-client", "oauth-secret"
ORG = "cccccccc-3333-4333-8333-333333333333"
SEED = {
    "apps": [{"client_id": CLIENT_ID, "client_secret": SECRET,
              "redirect_uris": ["http://localhost:9999/cb"]}],
    "organisations": [{"OrganisationID": ORG, "Name": "OAuth Org"}],
    "users": [{"email": "oauth@example.com", "password": "pw", "organisations": [ORG]}],
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


def endpoints_at(url):
    return XeroEndpoints.from_urls(url, url, url)


def connect(sandbox):
    answer = requests.post(f"{sandbox.url}/_sandbox/connect", timeout=10,
                           json={"user": "oauth@example.com", "client_id": CLIENT_ID})
    assert answer.ok, answer.text
    return oauth.clean_token(answer.json())


# -- timeouts -------------------------------------------------------------------

TOKEN_CALLS = {
    "refresh": lambda ep, timeout: oauth.refresh(ep, CLIENT_ID, SECRET, "rt", "openid",
                                                 timeout=timeout),
    "revoke": lambda ep, timeout: oauth.revoke(ep, CLIENT_ID, SECRET, "rt", timeout=timeout),
    "exchange": lambda ep, timeout: oauth.exchange_code(
        ep, CLIENT_ID, SECRET, "code", "http://localhost:9999/cb", oauth.new_code_verifier(),
        timeout=timeout),
}


@pytest.mark.parametrize("call", sorted(TOKEN_CALLS))
@pytest.mark.parametrize("timeout", [1, (1, 1)])
def test_silent_identity_server_times_out(call, timeout):
    """An endpoint that accepts the connection and never answers must not
    hold the caller (who may hold a row lock) beyond the timeout."""
    with SilentServer() as silent:
        started = time.monotonic()
        with pytest.raises(XeroTransientError) as info:
            TOKEN_CALLS[call](endpoints_at(silent.url), timeout)
        elapsed = time.monotonic() - started
    assert elapsed < 1 + 1, f"{call} took {elapsed:.1f}s"
    assert "did not answer in time" in info.value.message


def test_default_timeout_is_used_when_none_given(monkeypatch):
    monkeypatch.setattr(oauth, "TIMEOUT", 1)
    with SilentServer() as silent:
        started = time.monotonic()
        with pytest.raises(XeroTransientError):
            oauth.refresh(endpoints_at(silent.url), CLIENT_ID, SECRET, "rt", "openid")
        assert time.monotonic() - started < 2


def test_unreachable_identity_server_is_transient():
    with SilentServer() as silent:
        url = silent.url
    with pytest.raises(XeroTransientError) as info:  # nothing listens any more
        oauth.refresh(endpoints_at(url), CLIENT_ID, SECRET, "rt", timeout=2)
    assert "could not be reached" in info.value.message


def test_no_xero_python_token_api_left():
    source = pathlib.Path(oauth.__file__).read_text()
    imported = {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("xero_python")
        for alias in node.names
    }
    assert not imported, imported


# -- against the sandbox ----------------------------------------------------------


def test_refresh_rotates_and_keeps_standard_keys(sandbox):
    endpoints = endpoints_at(sandbox.url)
    token = connect(sandbox)
    first = oauth.refresh(endpoints, CLIENT_ID, SECRET, token["refresh_token"], token["scope"],
                          timeout=5)
    assert first["refresh_token"] != token["refresh_token"]
    assert set(first) <= set(oauth.TOKEN_KEYS)
    assert first["expires_at"] > time.time() + 1700
    second = oauth.refresh(endpoints, CLIENT_ID, SECRET, first["refresh_token"], timeout=(3, 5))
    assert second["refresh_token"] not in (token["refresh_token"], first["refresh_token"])
    families = requests.get(f"{sandbox.url}/_sandbox/tokens", timeout=10).json()
    assert families, "the sandbox saw the rotation"


def test_invalid_grant_keeps_the_error_code(sandbox):
    endpoints = endpoints_at(sandbox.url)
    with pytest.raises(XeroAuthError) as info:
        oauth.refresh(endpoints, CLIENT_ID, SECRET, "not-a-refresh-token", "openid")
    assert info.value.error == "invalid_grant"
    # A sentence for the user; the code stays in .error.
    assert "invalid_grant" not in info.value.message
    assert "connect to Xero again" in info.value.message


def test_wrong_secret_says_the_app_credentials_were_refused(sandbox):
    endpoints = endpoints_at(sandbox.url)
    token = connect(sandbox)
    for call in (
        lambda: oauth.refresh(endpoints, CLIENT_ID, "wrong-secret", token["refresh_token"]),
        lambda: oauth.revoke(endpoints, CLIENT_ID, "wrong-secret", token["refresh_token"]),
    ):
        with pytest.raises(XeroAuthError) as info:
            call()
        assert isinstance(info.value, XeroAppCredentialsError)
        assert info.value.error == "invalid_client"
        assert info.value.message == ("Xero refused this app's credentials: check the client "
                                      "id and secret in Settings › Xero.")
    # The token set was not touched by the refused calls.
    oauth.refresh(endpoints, CLIENT_ID, SECRET, token["refresh_token"])


def test_revoke_removes_the_connections(sandbox):
    endpoints = endpoints_at(sandbox.url)
    token = connect(sandbox)
    assert requests.get(f"{sandbox.url}/_sandbox/connections", timeout=10).json()
    oauth.revoke(endpoints, CLIENT_ID, SECRET, token["refresh_token"], timeout=5)
    assert not requests.get(f"{sandbox.url}/_sandbox/connections", timeout=10).json()
    with pytest.raises(XeroAuthError):
        oauth.refresh(endpoints, CLIENT_ID, SECRET, token["refresh_token"])


def test_identity_server_5xx_with_html_is_transient_and_readable(sandbox):
    endpoints = endpoints_at(sandbox.url)
    requests.post(f"{sandbox.url}/_sandbox/faults", timeout=10, json={
        "kind": "status", "status": 503, "count": 3, "body": "<html><b>Down</b></html>",
        "content_type": "text/html", "match": {"path": "/connect/"}})
    token = connect(sandbox)
    for call in (lambda: oauth.refresh(endpoints, CLIENT_ID, SECRET, token["refresh_token"]),
                 lambda: oauth.revoke(endpoints, CLIENT_ID, SECRET, token["refresh_token"])):
        with pytest.raises(XeroTransientError) as info:
            call()
        assert info.value.status == 503
        assert "<" not in info.value.message and "b'" not in info.value.message


# -- wire format and odd answers (stub server) -------------------------------------


def token_answer(request):
    return 200, {}, {"access_token": "at", "refresh_token": "rt2", "expires_in": 1800,
                     "token_type": "Bearer", "scope": "openid offline_access"}


def test_refresh_sends_basic_auth_and_a_form_body():
    with StubServer(token_answer) as stub:
        token = oauth.refresh(endpoints_at(stub.url), CLIENT_ID, SECRET, "rt1", "openid")
    assert token["refresh_token"] == "rt2"
    request = stub.requests[0]
    assert request["path"] == "/connect/token"
    assert request["headers"]["content-type"].startswith("application/x-www-form-urlencoded")
    expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert request["headers"]["authorization"] == f"Basic {expected}"
    form = parse_qs(request["body"].decode())
    assert form == {"grant_type": ["refresh_token"], "refresh_token": ["rt1"]}


def test_revoke_posts_the_refresh_token():
    with StubServer(lambda r: (200, {}, b"")) as stub:
        oauth.revoke(endpoints_at(stub.url), CLIENT_ID, SECRET, "rt1")
    request = stub.requests[0]
    assert request["path"] == "/connect/revocation"
    assert parse_qs(request["body"].decode())["token"] == ["rt1"]
    assert request["headers"]["authorization"].startswith("Basic ")


def test_app_without_secret_sends_its_client_id_in_the_body():
    with StubServer(token_answer) as stub:
        oauth.refresh(endpoints_at(stub.url), CLIENT_ID, "", "rt1")
    request = stub.requests[0]
    assert "authorization" not in request["headers"]
    assert parse_qs(request["body"].decode())["client_id"] == [CLIENT_ID]


@pytest.mark.parametrize("status, content_type, body, expected, words", [
    (200, "text/html", "<html>Welcome</html>", XeroBadResponse, "web page"),
    (400, "text/html", "<html>Bad</html>", XeroError, "web page"),
    (404, "text/plain", "", XeroError, "empty answer"),
    (429, "text/plain", "slow down", XeroTransientError, "429"),
    (502, "text/html", "<html>Bad gateway</html>", XeroTransientError, "502"),
    (400, "application/json", '{"error":"unauthorized_client"}', XeroAuthError,
     "does not allow this app"),
    (400, "application/json", '{"error":"invalid_client"}', XeroAppCredentialsError,
     "check the client id and secret"),
    (400, "application/json", '{"error":"invalid_grant","error_description":"x"}',
     XeroAuthError, "connect to Xero again"),
    (400, "application/json", '{"error":"unsupported_grant_type"}', XeroError,
     "unsupported_grant_type"),
    (200, "application/json", '{"token_type":"Bearer"}', XeroBadResponse, "no access token"),
])
def test_odd_answers_become_readable_errors(status, content_type, body, expected, words):
    with StubServer(lambda r: (status, {"Content-Type": content_type}, body)) as stub:
        with pytest.raises(expected) as info:
            oauth.refresh(endpoints_at(stub.url), CLIENT_ID, SECRET, "rt1")
    assert type(info.value) is expected
    assert words in info.value.message
    assert "b'" not in info.value.message and "<html" not in info.value.message
    # OAuth codes stay in .error, out of the sentence.
    assert "_client" not in info.value.message and "invalid_" not in info.value.message


def test_lost_refresh_answer_is_transient_and_the_old_token_still_works(sandbox):
    """Xero rotated the token but the connection dropped before the answer:
    the caller keeps its token set and retries inside the grace period."""
    endpoints = endpoints_at(sandbox.url)
    token = connect(sandbox)
    requests.post(f"{sandbox.url}/_sandbox/faults", timeout=10, json={
        "kind": "drop", "apply": True, "match": {"path": "/connect/token"}})
    with pytest.raises(XeroTransientError):
        oauth.refresh(endpoints, CLIENT_ID, SECRET, token["refresh_token"])
    assert oauth.refresh(endpoints, CLIENT_ID, SECRET, token["refresh_token"])["access_token"]


def test_slow_identity_server_times_out(sandbox):
    requests.post(f"{sandbox.url}/_sandbox/faults", timeout=10, json={
        "kind": "hang", "seconds": 3, "match": {"path": "/connect/token"}})
    started = time.monotonic()
    with pytest.raises(XeroTransientError):
        oauth.refresh(endpoints_at(sandbox.url), CLIENT_ID, SECRET, "rt", timeout=(2, 1))
    assert time.monotonic() - started < 2
