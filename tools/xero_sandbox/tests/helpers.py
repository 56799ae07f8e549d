"""Shared test helpers: seed data, control-API shortcuts, xero-python clients."""

import base64
import hashlib
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from xero_python.accounting import AccountingApi
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.identity import IdentityApi

ORG_A = "11111111-1111-4111-8111-111111111111"
ORG_B = "22222222-2222-4222-8222-222222222222"
ORG_C = "33333333-3333-4333-8333-333333333333"
CLIENT_ID = "test-app"
CLIENT_SECRET = "test-secret"
REDIRECT = "https://app.example.com/xero/callback"
PKCE_CLIENT = "pkce-app"
FULL_SCOPE = (
    "openid profile email offline_access accounting.transactions accounting.contacts "
    "accounting.settings accounting.reports.read"
)

BASE_SEED = {
    "apps": [
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [REDIRECT],
            "name": "Test App",
        },
        {
            "client_id": PKCE_CLIENT,
            "client_secret": "",
            "redirect_uris": [REDIRECT],
            "name": "PKCE App",
        },
    ],
    "allow_any_localhost_redirect": True,
    "users": [
        {
            "email": "alice@example.com",
            "password": "wonderland",
            "first_name": "Alice",
            "last_name": "Liddell",
            "user_id": "aaaaaaaa-0000-4000-8000-000000000001",
            "organisations": [ORG_A, ORG_B],
        },
        {
            "email": "bob@example.com",
            "password": "builder",
            "first_name": "Bob",
            "last_name": "Builder",
            "user_id": "bbbbbbbb-0000-4000-8000-000000000002",
            "organisations": [ORG_C],
        },
    ],
    "organisations": [
        {
            "OrganisationID": ORG_A,
            "Name": "Acme Ltd",
            "CountryCode": "NZ",
            "Contacts": [
                {
                    "ContactID": "c0000000-0000-4000-8000-000000000001",
                    "Name": "Existing Co",
                    "EmailAddress": "hello@existing.example",
                    "ContactNumber": "EX-1",
                },
                {
                    "ContactID": "c0000000-0000-4000-8000-000000000002",
                    "Name": "Archived Co",
                    "ContactStatus": "ARCHIVED",
                },
            ],
        },
        {"OrganisationID": ORG_B, "Name": "Beta Ltd", "CountryCode": "GB"},
        {"OrganisationID": ORG_C, "Name": "Gamma Ltd"},
    ],
}

SPEC_DIR = Path(
    os.environ.get(
        "XERO_OPENAPI_DIR",
        Path(__file__).resolve().parents[3].parent / "shared" / "xero-openapi",
    )
)


class Sandbox:
    """Test-side handle: control API shortcuts and xero-python clients."""

    def __init__(self, server):
        self.server = server
        self.url = server.url
        self.http = requests.Session()

    def ctl(self, method, name, payload=None, **params):
        resp = self.http.request(
            method, f"{self.url}/_sandbox/{name}", json=payload, params=params
        )
        assert resp.status_code < 500, resp.text
        return resp.json()

    def advance(self, seconds):
        return self.ctl("POST", "clock", {"advance_seconds": seconds})

    def state(self, org, entity):
        return self.ctl("GET", "state", organisation=org, entity=entity)[entity]

    def connect(
        self, user="alice@example.com", orgs=None, scope=FULL_SCOPE, client_id=CLIENT_ID
    ):
        payload = {"user": user, "client_id": client_id, "scope": scope}
        if orgs:
            payload["organisations"] = orgs
        token = self.ctl("POST", "connect", payload)
        assert "access_token" in token, token
        return token

    def client(
        self,
        token=None,
        expires_at=None,
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        retries=True,
    ):
        return XeroClient(
            self.url, token or self.connect(), client_id, secret, expires_at, retries
        )

    def api_get(self, path, token, tenant=None, **kwargs):
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        if tenant:
            headers["xero-tenant-id"] = tenant
        headers.update(kwargs.pop("headers", {}))
        return self.http.get(
            f"{self.url}/api.xro/2.0/{path}", headers=headers, **kwargs
        )

    # the browser flow, driven with plain HTTP

    def authorize_url(
        self,
        client_id=CLIENT_ID,
        redirect_uri=REDIRECT,
        scope=FULL_SCOPE,
        state="xyz",
        challenge=None,
    ):
        params = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": state,
        }
        if challenge:
            params["code_challenge"] = challenge
            params["code_challenge_method"] = "S256"
        return (
            requests.Request(
                "GET", f"{self.url}/identity/connect/authorize", params=params
            )
            .prepare()
            .url
        )

    def login_and_consent(
        self,
        browser,
        email="alice@example.com",
        password="wonderland",
        tenants=None,
        action="allow",
        **kwargs,
    ):
        """Walk authorize -> login -> consent; return the callback query dict."""
        page = browser.get(self.authorize_url(**kwargs))
        assert page.status_code == 200, page.text
        txn = _field(page.text, "txn")
        if 'id="login-form"' in page.text:
            page = browser.post(
                f"{self.url}/identity/login",
                data={"txn": txn, "email": email, "password": password},
            )
            assert page.status_code == 200 and 'id="consent-form"' in page.text, (
                page.text
            )
        form = {"txn": txn, "action": action}
        if tenants is not None:
            form["tenant"] = tenants
        resp = browser.post(
            f"{self.url}/identity/connect/consent", data=form, allow_redirects=False
        )
        assert resp.status_code == 302, resp.text
        location = resp.headers["Location"]
        return location, {
            k: v[0] for k, v in parse_qs(urlsplit(location).query).items()
        }

    def exchange(
        self,
        code,
        verifier=None,
        redirect_uri=REDIRECT,
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        basic=False,
    ):
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
        }
        if verifier:
            data["code_verifier"] = verifier
        headers = {}
        if basic:
            raw = f"{client_id}:{secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
        else:
            data["client_id"] = client_id
            if secret:
                data["client_secret"] = secret
        return requests.post(f"{self.url}/connect/token", data=data, headers=headers)


def _field(html, name):
    marker = f'name="{name}"'
    start = html.index(marker)
    value_at = html.index('value="', start) + 7
    return html[value_at : html.index('"', value_at)]


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return verifier, challenge


class XeroClient:
    """xero-python configured the way the connector configures it."""

    def __init__(self, url, token, client_id, secret, expires_at=None, retries=True):
        self.token = dict(token)
        if expires_at is not None:
            self.token["expires_at"] = expires_at
        self.saved = []
        self.api_client = ApiClient(
            _configuration(client_id, secret),
            pool_threads=1,
            oauth2_token_getter=lambda: self.token,
            oauth2_token_saver=self._save,
        )
        if not retries:
            # xero-python leaves urllib3's default Retry(3) in place, which
            # re-sends GET/PUT/DELETE after timeouts and dropped connections and
            # sleeps through 429/503 answers that carry Retry-After.
            self.api_client.rest_client.pool_manager.connection_pool_kw["retries"] = (
                False
            )
        self.accounting = AccountingApi(self.api_client, base_url=f"{url}/api.xro/2.0")
        self.identity = IdentityApi(self.api_client, base_url=url)

    def _save(self, token):
        self.saved.append(dict(token))
        self.token = token


def _configuration(client_id, secret):
    # xero-python's Configuration() returns copies of its first instance and
    # ignores its arguments; give each client its own OAuth2Token.
    configuration = Configuration()
    configuration.oauth2_token = OAuth2Token(client_id, secret)
    return configuration
