"""OAuth2 authorisation-code flow with PKCE (authlib) and the token calls
xero-python offers (refresh, revoke)."""

import base64
import json
import time

from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from requests import RequestException
from xero_python.api_client import ApiClient
from xero_python.api_client.oauth2 import TokenApi
from xero_python.exceptions import HTTPStatusException

from .client import sdk_configuration
from .errors import XeroAuthError, XeroBadResponse, XeroError, XeroTransientError

TIMEOUT = 20
# What xero-python's OAuth2Token accepts; Xero (or a proxy in front of it) may
# add keys such as ``authentication_event_id``, which must not break us.
# Xero access tokens last 30 minutes.
ACCESS_TOKEN_LIFETIME = 1800
TOKEN_KEYS = ("access_token", "refresh_token", "expires_in", "token_type", "scope",
              "id_token", "expires_at")


def new_code_verifier():
    """A PKCE verifier: 64 characters from the RFC 7636 alphabet."""
    return generate_token(64)


def authorize_url(endpoints, client_id, redirect_uri, scopes, state, code_verifier):
    """URL of Xero's consent screen, with an S256 code challenge."""
    session = OAuth2Session(
        client_id,
        scope=" ".join(scopes),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    url, _state = session.create_authorization_url(
        endpoints.authorize_url, state=state, code_verifier=code_verifier
    )
    return url


def clean_token(token, now=None):
    """Keep the standard keys and add ``expires_at`` (epoch seconds; Xero's
    1800 s when ``expires_in`` is missing or unreadable). Raises
    XeroBadResponse when there is no access token."""
    if not isinstance(token, dict) or not token.get("access_token"):
        raise XeroBadResponse("Xero's token answer holds no access token.")
    clean = {key: token[key] for key in TOKEN_KEYS if token.get(key) is not None}
    if isinstance(clean.get("scope"), list | tuple):
        clean["scope"] = " ".join(clean["scope"])
    try:
        lifetime = int(clean.get("expires_in", ACCESS_TOKEN_LIFETIME))
    except (TypeError, ValueError):
        lifetime = ACCESS_TOKEN_LIFETIME
    clean["expires_at"] = int((now or time.time()) + lifetime)
    return clean


def exchange_code(endpoints, client_id, client_secret, code, redirect_uri, code_verifier):
    """Trade the authorisation code for a token set."""
    session = OAuth2Session(client_id, client_secret, redirect_uri=redirect_uri)
    try:
        token = session.fetch_token(
            endpoints.token_url,
            grant_type="authorization_code",
            code=code,
            code_verifier=code_verifier,
            timeout=TIMEOUT,
        )
    except OAuthError as exc:
        raise XeroAuthError(
            f"Xero refused the authorisation: {exc.error}"
            + (f" ({exc.description})" if exc.description else ""),
            status=400,
        ) from exc
    except RequestException as exc:
        raise XeroTransientError(f"Could not reach Xero: {exc}") from exc
    except ValueError as exc:  # not JSON
        raise XeroError(f"Xero's token endpoint gave an unexpected answer: {exc}") from exc
    return clean_token(token)


def id_token_claims(id_token):
    """Claims of the OpenID id_token (who logged in). It comes straight from
    the token endpoint over TLS, so it is read, not verified."""
    if not id_token:
        return {}
    try:
        payload = id_token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        return json.loads(base64.urlsafe_b64decode(payload))
    except (IndexError, ValueError):
        return {}


def _token_api(endpoints, client_id, client_secret):
    api_client = ApiClient(sdk_configuration(client_id, client_secret))
    token_api = TokenApi(api_client, client_id, client_secret)
    # Instance attributes shadow xero-python's class-level URLs, so several
    # configurations can live in one process.
    token_api.refresh_token_url = endpoints.token_url
    token_api.revoke_token_url = endpoints.revocation_url
    return token_api


def _token_error(exc):
    body = getattr(exc, "body", None) or ""
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        error = None
    if exc.status in (400, 401) and error in ("invalid_grant", "invalid_client",
                                                "unauthorized_client"):
        return XeroAuthError(f"Xero refused the token: {error}", status=exc.status,
                             body=body)
    if exc.status >= 500 or exc.status == 429:
        return XeroTransientError(f"Xero's token endpoint answered {exc.status}",
                                  status=exc.status, body=body)
    return XeroError(f"Xero's token endpoint answered {exc.status}: {body[:200]}",
                     status=exc.status, body=body)


def refresh(endpoints, client_id, client_secret, refresh_token, scope):
    """Rotate the token set. Xero answers with a new refresh token; the old
    one stays usable for 30 minutes only, so the caller must save the result
    before anything else can fail."""
    token_api = _token_api(endpoints, client_id, client_secret)
    scopes = scope.split() if isinstance(scope, str) else list(scope or ())
    try:
        token = token_api.refresh_token(refresh_token, scopes)
    except HTTPStatusException as exc:
        raise _token_error(exc) from exc
    except Exception as exc:  # urllib3 errors: timeout, connection reset
        if isinstance(exc, XeroError):
            raise
        raise XeroTransientError(f"Could not reach Xero to refresh the token: {exc}") from exc
    return clean_token(token)


def revoke(endpoints, client_id, client_secret, refresh_token):
    """Revoke the refresh token: Xero removes every connection of the login."""
    token_api = _token_api(endpoints, client_id, client_secret)
    try:
        token_api.revoke_token(refresh_token)
    except HTTPStatusException as exc:
        raise _token_error(exc) from exc
    except Exception as exc:
        raise XeroTransientError(f"Could not reach Xero to revoke the token: {exc}") from exc
