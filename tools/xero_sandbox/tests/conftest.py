"""Fixtures: one sandbox server per session, reset to a small seed per test."""

import sys
from pathlib import Path

import pytest
import requests
from xero_python.api_client.oauth2 import TokenApi

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import BASE_SEED, SPEC_DIR, Sandbox, pkce_pair  # noqa: E402
from xero_sandbox import SandboxServer  # noqa: E402


@pytest.fixture(scope="session")
def server():
    srv = SandboxServer(port=0).start()
    refresh, revoke = TokenApi.refresh_token_url, TokenApi.revoke_token_url
    TokenApi.refresh_token_url = f"{srv.url}/connect/token"
    TokenApi.revoke_token_url = f"{srv.url}/connect/revocation"
    yield srv
    TokenApi.refresh_token_url, TokenApi.revoke_token_url = refresh, revoke
    srv.stop()


@pytest.fixture
def sb(server):
    server.reset(seed=BASE_SEED)
    return Sandbox(server)


@pytest.fixture
def demo(server):
    server.reset(demo=True)
    return Sandbox(server)


@pytest.fixture
def practice(demo):
    """A xero-python client of the demo app connected to the demo organisations."""
    token = demo.connect(user="demo@example.com", client_id="sandbox-client-id")
    return demo.client(token, client_id="sandbox-client-id", secret="sandbox-client-secret")


@pytest.fixture
def browser():
    with requests.Session() as session:
        yield session


@pytest.fixture
def acme(sb):
    """A xero-python client connected to Acme Ltd (and Beta Ltd)."""
    return sb.client()


@pytest.fixture(scope="session")
def openapi_spec():
    path = SPEC_DIR / "xero_accounting.yaml"
    if not path.exists():
        pytest.skip(f"OpenAPI spec not found at {path}")
    from openapi_core import Config, OpenAPI

    # The published spec does not validate against the OpenAPI meta-schema
    # (string defaults on booleans), so skip that check.
    return OpenAPI.from_file_path(str(path), config=Config(spec_validator_cls=None))


@pytest.fixture
def pkce():
    return pkce_pair
