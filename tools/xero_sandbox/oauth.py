"""OAuth 2.0 the way Xero does it: authorise pages, token, revocation, bearer checks.

Browser flow (all on the sandbox port):

1. ``GET /identity/connect/authorize?response_type=code&client_id=…&redirect_uri=…
   &scope=…&state=…[&code_challenge=…&code_challenge_method=S256]`` answers the
   login page, or the consent page when the ``sandbox_session`` cookie is set.
2. ``POST /identity/login`` (form ``txn``, ``email``, ``password``) sets the
   cookie and redirects (302) to ``GET /identity/connect/consent?txn=…``.
3. ``POST /identity/connect/consent`` (form ``txn``, repeated ``tenant`` =
   OrganisationID, ``action`` = ``allow`` | ``cancel``) redirects (302) to
   ``redirect_uri?code=…&scope=…&state=…`` or ``redirect_uri?error=access_denied
   &state=…``. With one organisation ``tenant`` may be omitted.

Element ids: ``#login-form``, ``#email``, ``#password``, ``#login-submit``,
``#consent-form``, ``#tenant-<OrganisationID>`` (checkboxes, or a hidden input
for a single organisation), ``#allow``, ``#cancel``, ``#switch-user`` (logout).
"""

import hmac
import secrets
from urllib.parse import urlencode, urlsplit

from . import pages
from .store import new_id
from .wire import html_response, redirect

SESSION_COOKIE = "sandbox_session"
PENDING_TTL = 3600
ACCOUNTING_SCOPES = {
    f"accounting.{name}{suffix}"
    for name in (
        "transactions",
        "contacts",
        "settings",
        "attachments",
        "invoices",
        "payments",
        "banktransactions",
        "manualjournals",
    )
    for suffix in ("", ".read")
}
REPORT_SCOPES = {
    "accounting.reports.read",
    "accounting.journals.read",
    "accounting.budgets.read",
    "accounting.reports.tenninetynine.read",
    *(
        f"accounting.reports.{r}.read"
        for r in (
            "executivesummary",
            "aged",
            "profitandloss",
            "balancesheet",
            "trialbalance",
            "banksummary",
            "budgetsummary",
            "taxreports",
        )
    ),
}
KNOWN_SCOPES = (
    {"openid", "profile", "email", "offline_access"}
    | ACCOUNTING_SCOPES
    | (REPORT_SCOPES)
)


def redirect_allowed(store, app, uri):
    if not uri:
        return False
    if uri in app.get("redirect_uris", ()):
        return True
    if store.config.get("allow_any_localhost_redirect", True):
        parts = urlsplit(uri)
        return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")
    return False


def _with_params(uri, params):
    joiner = "&" if urlsplit(uri).query else "?"
    return uri + joiner + urlencode(params)


# authorise pages


def authorize(store, req):
    app = store.app(req.arg("client_id"))
    if app is None:
        return html_response(
            pages.error_page(
                "unauthorized_client",
                "Invalid client_id: no app is registered with it.",
            ),
            400,
        )
    redirect_uri = req.arg("redirect_uri") or ""
    if not redirect_allowed(store, app, redirect_uri):
        return html_response(
            pages.error_page(
                "invalid_request",
                "Invalid redirect_uri: it is not registered for this app.",
            ),
            400,
        )
    state = req.arg("state")

    def fail(error):
        params = {"error": error}
        if state is not None:
            params["state"] = state
        return redirect(_with_params(redirect_uri, params))

    if req.arg("response_type") != "code":
        return fail("unsupported_response_type")
    scopes = (req.arg("scope") or "").split()
    if not scopes or any(s not in KNOWN_SCOPES for s in scopes):
        return fail("invalid_scope")
    challenge = req.arg("code_challenge")
    method = req.arg("code_challenge_method")
    if (challenge or method) and (method != "S256" or not challenge):
        return fail("invalid_request")
    txn = secrets.token_urlsafe(18)
    store.pending[txn] = {
        "client_id": app["client_id"],
        "redirect_uri": redirect_uri,
        "scopes": scopes,
        "state": state,
        "challenge": challenge,
        "created": store.clock.time(),
    }
    person = _session_person(store, req)
    if person is None:
        return html_response(pages.login_page(txn, app.get("name", "")))
    return _consent(store, txn, person)


def _session_person(store, req):
    user_id = store.sessions.get(req.cookie(SESSION_COOKIE) or "")
    return store.people.get(user_id) if user_id else None


def _pending(store, txn):
    entry = store.pending.get(txn or "")
    if entry is None or store.clock.time() > entry["created"] + PENDING_TTL:
        return None
    return entry


def _user_orgs(store, person):
    return [store.orgs[o] for o in person.get("organisations", ()) if o in store.orgs]


def _consent(store, txn, person, error=None, status=200):
    entry = store.pending[txn]
    app = store.apps[entry["client_id"]]
    orgs = _user_orgs(store, person)
    ticked = {
        c["tenantId"]
        for c in store.user_connections(person["user_id"], app["client_id"])
    }
    ticked &= {o.id for o in orgs}
    if not ticked and orgs:
        ticked = {orgs[0].id}
    html = pages.consent_page(
        txn, app.get("name", ""), person, entry["scopes"], orgs, ticked, error
    )
    return html_response(html, status)


def login(store, req):
    form = req.form()
    txn = (form.get("txn") or [""])[0]
    entry = _pending(store, txn)
    if entry is None:
        return html_response(
            pages.error_page(
                "Session expired",
                "This login link has expired. Start again from the app.",
            ),
            400,
        )
    email = (form.get("email") or [""])[0].strip()
    password = (form.get("password") or [""])[0]
    person = store.person_by_email(email)
    if person is None or not hmac.compare_digest(person["password"], password):
        app = store.apps[entry["client_id"]]
        return html_response(
            pages.login_page(
                txn, app.get("name", ""), "Your email or password is incorrect", email
            )
        )
    sid = secrets.token_urlsafe(24)
    store.sessions[sid] = person["user_id"]
    cookie = f"{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax"
    return redirect(f"/identity/connect/consent?txn={txn}", {"Set-Cookie": cookie})


def logout(store, req):
    sid = req.cookie(SESSION_COOKIE)
    store.sessions.pop(sid or "", None)
    txn = req.arg("txn")
    cookie = f"{SESSION_COOKIE}=; Path=/; Max-Age=0"
    entry = _pending(store, txn)
    if entry is None:
        return html_response(
            pages.error_page("Logged out", "You have been logged out."),
            200,
            {"Set-Cookie": cookie},
        )
    app = store.apps[entry["client_id"]]
    return html_response(
        pages.login_page(txn, app.get("name", "")), 200, {"Set-Cookie": cookie}
    )


def consent_get(store, req):
    txn = req.arg("txn")
    entry = _pending(store, txn)
    if entry is None:
        return html_response(pages.error_page("Session expired", "Start again."), 400)
    person = _session_person(store, req)
    if person is None:
        app = store.apps[entry["client_id"]]
        return html_response(pages.login_page(txn, app.get("name", "")))
    return _consent(store, txn, person)


def consent_post(store, req):
    form = req.form()
    txn = (form.get("txn") or [""])[0]
    entry = _pending(store, txn)
    if entry is None:
        return html_response(pages.error_page("Session expired", "Start again."), 400)
    person = _session_person(store, req)
    app = store.apps[entry["client_id"]]
    if person is None:
        return html_response(pages.login_page(txn, app.get("name", "")), 401)
    state = entry["state"]
    action = (form.get("action") or ["allow"])[0]
    if action != "allow":
        store.pending.pop(txn, None)
        params = {"error": "access_denied"}
        if state is not None:
            params["state"] = state
        return redirect(_with_params(entry["redirect_uri"], params))
    orgs = _user_orgs(store, person)
    allowed = {o.id for o in orgs}
    chosen = [t.lower() for t in form.get("tenant", []) if t.lower() in allowed]
    if not chosen and len(orgs) == 1:
        chosen = [orgs[0].id]
    if orgs and not chosen:
        return _consent(store, txn, person, "Select at least one organisation.", 400)
    store.pending.pop(txn, None)
    scopes, auth_event = grant(store, person, app, chosen, entry["scopes"])
    code = secrets.token_urlsafe(32)
    store.codes[code] = {
        "client_id": app["client_id"],
        "redirect_uri": entry["redirect_uri"],
        "user_id": person["user_id"],
        "scopes": scopes,
        "challenge": entry["challenge"],
        "expires": store.clock.time() + store.config["code_ttl"],
        "used": False,
        "auth_event_id": auth_event,
    }
    params = {"code": code, "scope": " ".join(scopes)}
    if state is not None:
        params["state"] = state
    return redirect(_with_params(entry["redirect_uri"], params))


def grant(store, person, app, tenant_ids, scopes):
    """Record consent: connect the tenants and merge scopes (Xero adds them up)."""
    auth_event = new_id()
    now = store.clock.now()
    for tenant_id in tenant_ids:
        org = store.orgs[tenant_id]
        conn = store.connection_for(person["user_id"], app["client_id"], tenant_id)
        if conn is None:
            conn = {
                "id": new_id(),
                "tenantId": tenant_id,
                "tenantType": "ORGANISATION",
                "createdDateUtc": now,
                "user_id": person["user_id"],
                "client_id": app["client_id"],
            }
            store.connections[conn["id"]] = conn
        conn.update(authEventId=auth_event, tenantName=org.name, updatedDateUtc=now)
    key = (person["user_id"], app["client_id"])
    merged = list(store.consents.get(key, []))
    merged += [s for s in scopes if s not in merged]
    store.consents[key] = merged
    return merged, auth_event


# token endpoint
