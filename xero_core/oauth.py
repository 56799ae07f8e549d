"""OAuth2 with Xero's identity server, all through authlib: the
authorisation-code flow with PKCE, token refresh (rotation) and revocation.

Every HTTP call has a timeout: a token endpoint that accepts the connection
and never answers must not hold the caller (and the row lock it took to
refresh) forever. The app authenticates with HTTP Basic
(``client_secret_basic``), as Xero documents for its token and revocation
endpoints; an app without a secret (PKCE only) sends its client id in the
body.
"""

import base64
import json
import time

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from .errors import (
    XeroAppCredentialsError,
    XeroAuthError,
    XeroBadResponse,
    XeroError,
    XeroTransientError,
)

# Seconds (to connect, then between bytes of the answer) for every call to
# the identity server. Callers may pass a (connect, read) pair instead; a plain
# number also suits Odoo's test mode, whose request hook compares the timeout
# with a number.
TIMEOUT = 20
# What xero-python's OAuth2Token accepts; Xero (or a proxy in front of it) may
# add keys such as ``authentication_event_id``, which must not break us.
# Xero access tokens last 30 minutes.
ACCESS_TOKEN_LIFETIME = 1800
TOKEN_KEYS = ("access_token", "refresh_token", "expires_in", "token_type", "scope",
              "id_token", "expires_at")
# OAuth error codes after which only a new login helps.
AUTH_ERRORS = ("invalid_grant", "invalid_client", "unauthorized_client")
_CONNECTION_ERRORS = (requests.ConnectionError, requests.Timeout,
                      requests.exceptions.ChunkedEncodingError)


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


# -- token calls ----------------------------------------------------------------


def _session(client_id, client_secret, **kwargs):
    method = "client_secret_basic" if client_secret else "none"
    return OAuth2Session(client_id, client_secret or None,
                         token_endpoint_auth_method=method,
                         revocation_endpoint_auth_method=method, **kwargs)


def _timeout(timeout):
    """requests' form of a timeout: a number or a (connect, read) pair."""
    if timeout is None:
        timeout = TIMEOUT
    if isinstance(timeout, list | tuple):
        connect, read = timeout
        return (float(connect), float(read))
    return float(timeout)


def _answer_json(resp):
    try:
        data = resp.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _readable(resp):
    """A short sentence about a body that is not the JSON expected."""
    content_type = (resp.headers.get("Content-Type") or "").split(";")[0].strip()
    if not resp.content:
        return "an empty answer"
    if "html" in content_type or resp.content.lstrip()[:1] == b"<":
        return "a web page instead of JSON"
    return f"an unreadable answer ({content_type or 'no content type'}, " \
           f"{len(resp.content)} bytes)"


APP_CREDENTIALS_REFUSED = ("Xero refused this app's credentials: check the client id and "
                           "secret in Settings › Xero.")


def _auth_error(error, description, status, body, action):
    """A sentence for the user; the OAuth code stays in ``error`` and
    Xero's own description in ``body`` (for the log)."""
    if error == "invalid_client":
        return XeroAppCredentialsError(APP_CREDENTIALS_REFUSED, status=status,
                                       body=body or description, error=error)
    if error == "unauthorized_client":
        message = (f"Xero does not allow this app to make this {action}: check the app's "
                   "settings in Xero's developer portal.")
    else:
        message = (f"Xero no longer accepts this login (the {action} was refused): "
                   "connect to Xero again.")
    return XeroAuthError(message, status=status, body=body or description, error=error)


def check_answer(resp, action):
    """Raise the XeroError a token/revocation answer stands for; return its
    JSON object (or {} for an empty success). ``action`` names the call in
    messages ("token refresh")."""
    status = resp.status_code
    body = resp.text[:2000] if resp.content else ""
    data = _answer_json(resp)
    error = data.get("error") if data else None
    if error in AUTH_ERRORS:
        raise _auth_error(error, data.get("error_description"), status, body, action)
    if status >= 500 or status in (408, 425, 429):
        raise XeroTransientError(
            f"Xero's identity server answered {status} to the {action}: try again later.",
            status=status, body=body, error=error)
    if error or status >= 400:
        what = f"error {error}" if error else _readable(resp)
        description = data.get("error_description") if data else None
        raise XeroError(
            f"Xero's identity server answered the {action} with {status} and {what}"
            + (f" ({description})" if description else "") + ".",
            status=status, body=body, error=error)
    if data is None and resp.content.strip():
        raise XeroBadResponse(
            f"Xero's identity server gave {_readable(resp)} to the {action}.",
            status=status, body=body)
    return data or {}


def _transport_error(exc, action):
    if isinstance(exc, requests.Timeout):
        reason = "did not answer in time"
    elif isinstance(exc, _CONNECTION_ERRORS):
        reason = "could not be reached"
    else:
        return XeroError(f"The {action} could not be sent to Xero: "
                         f"{exc.__class__.__name__}.")
    return XeroTransientError(f"Xero's identity server {reason} ({action}): "
                              "try again later.")


def _token_call(action, call):
    """Run an authlib call whose answer goes through check_answer (as a
    compliance hook) and translate transport failures."""
    try:
        return call()
    except XeroError:
        raise
    except OAuthError as exc:  # an "error" that slipped past the hook
        if exc.error in AUTH_ERRORS:
            raise _auth_error(exc.error, exc.description, None, None, action) from exc
        raise XeroError(f"Xero refused the {action}: {exc.error}", error=exc.error) from exc
    except requests.RequestException as exc:
        raise _transport_error(exc, action) from exc


def _hooked(session, action, hook_type):
    """Check the token answer before authlib parses it (authlib would read
    an HTML error page as JSON and fail with a decoding error)."""
    def hook(resp):
        check_answer(resp, action)
        return resp
    session.register_compliance_hook(hook_type, hook)


def exchange_code(endpoints, client_id, client_secret, code, redirect_uri, code_verifier,
                  timeout=None):
    """Trade the authorisation code for a token set."""
    action = "authorisation"
    with _session(client_id, client_secret, redirect_uri=redirect_uri) as session:
        _hooked(session, action, "access_token_response")
        token = _token_call(action, lambda: session.fetch_token(
            endpoints.token_url,
            grant_type="authorization_code",
            code=code,
            code_verifier=code_verifier,
            timeout=_timeout(timeout),
        ))
    return clean_token(dict(token))


def refresh(endpoints, client_id, client_secret, refresh_token, scope=None, timeout=None):
    """Rotate the token set. Xero answers with a new refresh token; the old
    one stays usable for 30 minutes only, so the caller must save the result
    before anything else can fail. ``scope`` is kept for callers: Xero's
    refresh takes none (the grant keeps its scopes), so none is sent."""
    action = "token refresh"
    with _session(client_id, client_secret) as session:
        _hooked(session, action, "refresh_token_response")
        token = _token_call(action, lambda: session.refresh_token(
            endpoints.token_url, refresh_token=refresh_token, timeout=_timeout(timeout),
        ))
    return clean_token(dict(token))


def revoke(endpoints, client_id, client_secret, refresh_token, timeout=None):
    """Revoke the refresh token: Xero removes every connection of the login."""
    action = "revocation"
    with _session(client_id, client_secret) as session:
        resp = _token_call(action, lambda: session.revoke_token(
            endpoints.revocation_url, refresh_token, token_type_hint="refresh_token",
            timeout=_timeout(timeout),
        ))
    check_answer(resp, action)
