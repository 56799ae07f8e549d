"""Token endpoint (code exchange, refresh rotation), revocation and bearer checks."""

import base64
import hashlib
import hmac
import json
import re
import secrets
import uuid
from datetime import datetime

from .dates import UTC
from .store import new_id
from .wire import Response, json_response, problem

VERIFIER_RE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
# Access tokens are JWTs like Xero's; only the sandbox reads them back.
_SIGNING_KEY = secrets.token_bytes(32)


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt(claims, key):
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = _b64(hmac.new(key, signing_input, hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def base_url(req):
    return f"http://{req.header('host') or 'localhost'}"


def _token_error(error, status=400):
    return json_response({"error": error}, status)


def client_auth(store, req, form):
    client_id = secret = None
    auth = req.header("authorization") or ""
    if auth.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(auth[6:].strip()).decode("utf-8")
            client_id, _, secret = decoded.partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
    else:
        client_id = (form.get("client_id") or [None])[0]
        secret = (form.get("client_secret") or [None])[0]
    app = store.app(client_id)
    if app is None:
        return None
    expected = app.get("client_secret") or ""
    if expected and not hmac.compare_digest(expected, secret or ""):
        return None
    return app


def token(store, req):
    form = req.form()
    app = client_auth(store, req, form)
    if app is None:
        return _token_error("invalid_client")
    grant_type = (form.get("grant_type") or [""])[0]
    if grant_type == "authorization_code":
        return _exchange_code(store, req, app, form)
    if grant_type == "refresh_token":
        return _refresh(store, req, app, form)
    return _token_error("unsupported_grant_type")


def _exchange_code(store, req, app, form):
    code = (form.get("code") or [""])[0]
    entry = store.codes.get(code)
    now = store.clock.time()
    if (
        entry is None
        or entry["used"]
        or now > entry["expires"]
        or entry["client_id"] != app["client_id"]
        or entry["redirect_uri"] != (form.get("redirect_uri") or [""])[0]
    ):
        return _token_error("invalid_grant")
    if entry["challenge"]:
        verifier = (form.get("code_verifier") or [""])[0]
        digest = _b64(hashlib.sha256(verifier.encode("ascii", "replace")).digest())
        if not VERIFIER_RE.match(verifier) or not hmac.compare_digest(
            digest, entry["challenge"]
        ):
            return _token_error("invalid_grant")
    elif not app.get("client_secret"):
        return _token_error("invalid_grant")
    entry["used"] = True
    family = new_family(
        store, app, entry["user_id"], entry["scopes"], entry["auth_event_id"]
    )
    return json_response(issue(store, family, base_url(req)))


def new_family(store, app, user_id, scopes, auth_event_id):
    """A grant: the chain of refresh tokens born from one authorisation."""
    family = {
        "family_id": new_id(),
        "client_id": app["client_id"],
        "user_id": user_id,
        "scopes": list(scopes),
        "auth_event_id": auth_event_id,
        "revoked": False,
        "created": store.clock.time(),
        "global_session_id": uuid.uuid4().hex,
    }
    store.families[family["family_id"]] = family
    return family


def _refresh(store, req, app, form):
    presented = (form.get("refresh_token") or [""])[0]
    entry = store.refresh_tokens.get(presented)
    now = store.clock.time()
    if entry is None:
        return _token_error("invalid_grant")
    family = store.families[entry["family_id"]]
    if family["revoked"] or family["client_id"] != app["client_id"]:
        return _token_error("invalid_grant")
    if entry["rotated_at"] is not None:
        if now > entry["rotated_at"] + store.config["refresh_grace_seconds"]:
            return _token_error("invalid_grant")
    elif now > entry["issued_at"] + store.config["refresh_token_ttl"]:
        return _token_error("invalid_grant")
    else:
        entry["rotated_at"] = now
    entry["uses"] = entry.get("uses", 0) + 1
    return json_response(issue(store, family, base_url(req)))


def issue(store, family, issuer, extra=True):
    """Mint an access token (+ refresh/id tokens per scope) for a grant family."""
    now = store.clock.time()
    ttl = int(store.config["access_token_ttl"])
    person = store.people[family["user_id"]]
    scopes = family["scopes"]
    claims = {
        "nbf": int(now),
        "exp": int(now) + ttl,
        "iss": issuer,
        "aud": f"{issuer}/resources",
        "client_id": family["client_id"],
        "sub": person["user_id"].replace("-", ""),
        "auth_time": int(family["created"]),
        "xero_userid": person["user_id"],
        "global_session_id": family["global_session_id"],
        "jti": uuid.uuid4().hex,
        "authentication_event_id": family["auth_event_id"],
        "scope": scopes,
    }
    access = jwt(claims, _SIGNING_KEY)
    store.access_tokens[access] = {
        "family_id": family["family_id"],
        "client_id": family["client_id"],
        "user_id": family["user_id"],
        "scopes": set(scopes),
        "expires_at": now + ttl,
    }
    out = {}
    if "openid" in scopes:
        out["id_token"] = id_token(store, family, person, issuer, now)
    out["access_token"] = access
    out["expires_in"] = ttl
    out["token_type"] = "Bearer"
    if "offline_access" in scopes:
        refresh_token = secrets.token_hex(32)
        store.refresh_tokens[refresh_token] = {
            "family_id": family["family_id"],
            "issued_at": now,
            "rotated_at": None,
        }
        out["refresh_token"] = refresh_token
    out["scope"] = " ".join(scopes)
    if extra:
        out.update(store.config.get("extra_token_keys") or {})
    return out


def id_token(store, family, person, issuer, now):
    app = store.apps[family["client_id"]]
    claims = {
        "nbf": int(now),
        "exp": int(now) + 300,
        "iss": issuer,
        "aud": family["client_id"],
        "iat": int(now),
        "auth_time": int(family["created"]),
        "sub": person["user_id"].replace("-", ""),
        "xero_userid": person["user_id"],
        "global_session_id": family["global_session_id"],
        "sid": family["global_session_id"],
    }
    if "email" in family["scopes"]:
        claims["email"] = person["email"]
        claims["preferred_username"] = person["email"]
    if "profile" in family["scopes"]:
        claims["given_name"] = person["first_name"]
        claims["family_name"] = person["last_name"]
        claims["name"] = f"{person['first_name']} {person['last_name']}"
    key = (app.get("client_secret") or app["client_id"]).encode()
    return jwt(claims, key)


def revoke(store, req):
    form = req.form()
    app = client_auth(store, req, form)
    if app is None:
        return _token_error("invalid_client")
    presented = (form.get("token") or [""])[0]
    entry = store.refresh_tokens.get(presented) or store.access_tokens.get(presented)
    if entry is not None:
        family = store.families[entry["family_id"]]
        if family["client_id"] == app["client_id"]:
            family["revoked"] = True
            for conn in store.user_connections(family["user_id"], app["client_id"]):
                del store.connections[conn["id"]]
            store.consents.pop((family["user_id"], app["client_id"]), None)
    return Response(200)


# bearer tokens


def authenticate(store, req):
    """Return ``(token_info, None)`` or ``(None, error_response)``."""
    auth = req.header("authorization") or ""
    if not auth.lower().startswith("bearer "):
        return None, _unauthorized("AuthenticationUnsuccessful")
    info = store.access_tokens.get(auth[7:].strip())
    if info is None or store.families[info["family_id"]]["revoked"]:
        return None, _unauthorized("AuthenticationUnsuccessful")
    if store.clock.time() >= info["expires_at"]:
        return None, token_expired(info["expires_at"])
    return info, None


def _unauthorized(detail):
    return problem(
        401,
        "Unauthorized",
        detail,
        {"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def token_expired(expires_at):
    stamp = datetime.fromtimestamp(expires_at, UTC).strftime("%m/%d/%Y %H:%M:%S")
    return problem(
        401,
        "Unauthorized",
        f"TokenExpired: token expired at {stamp}",
        {"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )
