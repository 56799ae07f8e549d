"""Control API under ``/_sandbox/``: seed, inspect, fault-inject, move the clock."""

import copy
from datetime import date, datetime
from decimal import Decimal

from . import oauth, render, tokens
from .faults import FaultError
from .generate import generate
from .identity import connection_out
from .ratelimit import LimitsError
from .seed import SeedError, load_seed
from .webhooks import WebhookError
from .wire import BadJson, json_response

DEFAULT_CONNECT_SCOPE = (
    "openid profile email offline_access accounting.transactions accounting.contacts "
    "accounting.settings accounting.reports.read"
)
CONFIG_KEYS = {
    "rate_limits",
    "extra_token_keys",
    "access_token_ttl",
    "refresh_grace_seconds",
    "refresh_token_ttl",
    "code_ttl",
    "allow_any_localhost_redirect",
    "missing_scope_status",
    "max_url_length",
    "max_body_bytes",
    "page_size_cap",
    "strict_if_modified_since",
    "webhook_batch_seconds",
    "webhook_retry_delays",
    "webhook_timeout",
}


def _error(message, status=400):
    return json_response({"error": message}, status)


def jsonable(value):
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def handle(sandbox, req):
    store = sandbox.store
    parts = [p for p in req.path.split("/") if p][1:]
    name = parts[0].lower() if parts else ""
    handler = ROUTES.get((req.method, name))
    if name == "webhooks":
        handler = WEBHOOK_ROUTES.get((req.method, "/".join(parts[1:]).lower()))
    if handler is None:
        return _error(f"unknown control endpoint {req.method} {req.path}", 404)
    try:
        body = req.json() if req.method in ("POST", "PUT") else {}
    except BadJson as exc:
        return _error(f"invalid JSON: {exc}")
    body = body if body is not None else {}
    if name == "webhooks":
        # Webhook calls reach the receiver over HTTP: never under the store lock.
        return handler(sandbox, req, body)
    with store.lock:
        return handler(sandbox, req, body)


def index(sandbox, req, body):
    store = sandbox.store
    return json_response(
        {
            "url": sandbox.url,
            "now": store.clock.now().isoformat(),
            "apps": [
                {
                    "client_id": a["client_id"],
                    "name": a["name"],
                    "redirect_uris": a["redirect_uris"],
                }
                for a in store.apps.values()
            ],
            "users": [
                {
                    "email": p["email"],
                    "user_id": p["user_id"],
                    "organisations": p["organisations"],
                }
                for p in store.people.values()
            ],
            "organisations": [
                {
                    "OrganisationID": o.id,
                    "Name": o.name,
                    "Contacts": len(o.contacts),
                    "Invoices": len(o.invoices),
                    "Payments": len(o.payments),
                    "CreditNotes": len(o.credit_notes),
                }
                for o in store.orgs.values()
            ],
        }
    )


def reset(sandbox, req, body):
    demo = body.pop("demo", None) if isinstance(body, dict) else None
    result = sandbox.reset(seed=body or None, demo=bool(demo))
    return json_response({"ok": True, "created": result})


def seed(sandbox, req, body):
    try:
        return json_response({"created": load_seed(sandbox.store, body)})
    except SeedError as exc:
        return json_response({"errors": exc.errors}, 400)
    except LimitsError as exc:
        return _error(str(exc))


def generate_data(sandbox, req, body):
    store = sandbox.store
    org = store.org(body.get("organisation"))
    if org is None:
        return _error("unknown organisation", 404)
    result = generate(
        store,
        org,
        body.get("contacts", 0),
        body.get("invoices", 0),
        float(body.get("payments_ratio", 0.3)),
        int(body.get("seed", 1)),
    )
    return json_response(result)


def connect(sandbox, req, body):
    store = sandbox.store
    person = store.person_by_email(body.get("user"))
    if person is None:
        return _error("unknown user", 404)
    app = (
        store.app(body.get("client_id"))
        if body.get("client_id")
        else next(iter(store.apps.values()), None)
    )
    if app is None:
        return _error("unknown client_id", 404)
    orgs = [o.lower() for o in body.get("organisations") or person["organisations"]]
    missing = [
        o for o in orgs if o not in person["organisations"] or o not in store.orgs
    ]
    if missing:
        return _error(f"user is not a member of {missing}")
    scopes = (body.get("scope") or DEFAULT_CONNECT_SCOPE).split()
    unknown = [s for s in scopes if s not in oauth.KNOWN_SCOPES]
    if unknown:
        return _error(f"unknown scopes {unknown}")
    granted, auth_event = oauth.grant(store, person, app, orgs, scopes)
    family = tokens.new_family(store, app, person["user_id"], granted, auth_event)
    return json_response(tokens.issue(store, family, tokens.base_url(req), extra=False))


def apps(sandbox, req, body):
    items = body if isinstance(body, list) else body.get("apps") or [body]
    created = load_seed(sandbox.store, {"apps": items})
    return json_response(created)


def state(sandbox, req, body):
    store = sandbox.store
    org = store.org(req.arg("organisation"))
    if org is None:
        return json_response(
            {
                "organisations": [
                    {"OrganisationID": o.id, "Name": o.name}
                    for o in store.orgs.values()
                ]
            }
        )
    entity = (req.arg("entity") or "").lower()
    raw = req.arg("format") == "raw"
    today = store.clock.today()
    tables = {
        "contacts": (org.contacts, lambda r: render.contact_out(org, r, today)),
        "invoices": (
            org.invoices,
            lambda r: render.invoice_out(org, r, "full", 4, today),
        ),
        "payments": (org.payments, lambda r: render.payment_out(org, r)),
        "creditnotes": (
            org.credit_notes,
            lambda r: render.credit_note_out(org, r, "full", 4),
        ),
        "users": (org.users, render.user_out),
        "accounts": (org.accounts, render.account_out),
        "taxrates": (org.tax_rates, render.tax_rate_out),
        "items": (org.items, lambda r: render.item_out(r, 4)),
        "currencies": (org.currencies, render.currency_out),
        "brandingthemes": (org.branding_themes, render.branding_theme_out),
    }
    if entity == "organisation":
        return json_response(jsonable(render.organisation_out(org)))
    if entity not in tables:
        return json_response(
            {
                "OrganisationID": org.id,
                "Name": org.name,
                "counts": {k: len(t) for k, (t, _) in tables.items()},
            }
        )
    table, out = tables[entity]
    if raw:
        items = [jsonable(r) for r in table.values()]
    else:
        items = [out(r) for r in table.values()]
    return json_response({req.arg("entity"): items})


def token_families(sandbox, req, body):
    store = sandbox.store
    now = store.clock.time()
    grace = store.config["refresh_grace_seconds"]
    ttl = store.config["refresh_token_ttl"]
    families = []
    for family in store.families.values():
        person = store.people.get(family["user_id"], {})
        refresh = []
        for token, entry in store.refresh_tokens.items():
            if entry["family_id"] != family["family_id"]:
                continue
            if family["revoked"]:
                status = "revoked"
            elif entry["rotated_at"] is None:
                status = "active" if now <= entry["issued_at"] + ttl else "expired"
            else:
                status = "grace" if now <= entry["rotated_at"] + grace else "rotated"
            refresh.append(
                {
                    "refresh_token": token,
                    "status": status,
                    "issued_at": entry["issued_at"],
                    "rotated_at": entry["rotated_at"],
                }
            )
        families.append(
            {
                "family_id": family["family_id"],
                "client_id": family["client_id"],
                "user_id": family["user_id"],
                "email": person.get("email"),
                "scope": " ".join(family["scopes"]),
                "revoked": family["revoked"],
                "auth_event_id": family["auth_event_id"],
                "refresh_tokens": refresh,
                "access_tokens": sum(
                    1
                    for a in store.access_tokens.values()
                    if a["family_id"] == family["family_id"]
                ),
            }
        )
    return json_response({"now": now, "families": families})


def connections(sandbox, req, body):
    store = sandbox.store
    items = []
    for conn in store.connections.values():
        item = connection_out(conn)
        item["client_id"] = conn["client_id"]
        item["user_id"] = conn["user_id"]
        item["email"] = store.people.get(conn["user_id"], {}).get("email")
        items.append(item)
    return json_response(items)


def requests_log(sandbox, req, body):
    store = sandbox.store
    if req.method == "DELETE":
        store.log.clear()
        store.stats.clear()
        return json_response({"ok": True})
    since = int(req.arg("since") or 0)
    return json_response([e for e in store.log if e["seq"] > since])


def stats(sandbox, req, body):
    store = sandbox.store
    data = {tenant: dict(counts) for tenant, counts in store.stats.items()}
    total = sum(sum(c.values()) for c in data.values())
    return json_response(
        {
            "total": total,
            "by_tenant": data,
            "egress_bytes": {t: n for t, n in store.egress.items() if t},
            "rate_limits": store.limiter.snapshot(),
        }
    )


def faults(sandbox, req, body):
    queue = sandbox.store.faults
    if req.method == "DELETE":
        queue.clear()
        return json_response({"ok": True})
    if req.method == "GET":
        return json_response(queue.pending())
    items = body if isinstance(body, list) else body.get("faults") or [body]
    try:
        added = [queue.add(item) for item in items]
    except FaultError as exc:
        return _error(str(exc))
    return json_response(
        added if isinstance(body, list) or "faults" in body else added[0]
    )


def clock(sandbox, req, body):
    store = sandbox.store
    if req.method == "POST":
        if "offset_seconds" in body:
            store.clock.set_offset(body["offset_seconds"])
        if "advance_seconds" in body:
            store.clock.advance(body["advance_seconds"])
    return json_response(
        {"now": store.clock.now().isoformat(), "offset_seconds": store.clock.offset}
    )


def config(sandbox, req, body):
    store = sandbox.store
    if req.method == "POST":
        unknown = set(body) - CONFIG_KEYS
        if unknown:
            return _error(f"unknown config keys {sorted(unknown)}")
        for key, value in body.items():
            if key == "rate_limits":
                try:
                    store.set_rate_limits(value)
                except LimitsError as exc:
                    return _error(str(exc))
            else:
                store.config[key] = copy.deepcopy(value)
    return json_response(store.config)


def webhooks(sandbox, req, body):
    hooks = sandbox.store.webhooks
    if req.method == "DELETE":
        hooks.remove(req.arg("client_id"))
        return json_response({"ok": True})
    if req.method == "GET":
        return json_response(hooks.views())
    try:
        registration = hooks.register(
            body.get("client_id"), body.get("url"), body.get("key"), body.get("categories")
        )
    except WebhookError as exc:
        return _error(str(exc))
    return json_response(registration)


def webhook_deliveries(sandbox, req, body):
    return json_response(
        sandbox.store.webhooks.delivery_views(
            req.arg("client_id"), int(req.arg("since") or 0)
        )
    )


def webhook_flush(sandbox, req, body):
    retries = bool(body.get("retries")) if isinstance(body, dict) else False
    return json_response(sandbox.store.webhooks.flush(retry_now=retries))


ROUTES = {
    ("GET", ""): index,
    ("POST", "reset"): reset,
    ("POST", "seed"): seed,
    ("POST", "generate"): generate_data,
    ("POST", "connect"): connect,
    ("POST", "apps"): apps,
    ("GET", "state"): state,
    ("GET", "tokens"): token_families,
    ("GET", "connections"): connections,
    ("GET", "requests"): requests_log,
    ("DELETE", "requests"): requests_log,
    ("GET", "stats"): stats,
    ("GET", "faults"): faults,
    ("POST", "faults"): faults,
    ("DELETE", "faults"): faults,
    ("GET", "clock"): clock,
    ("POST", "clock"): clock,
    ("GET", "config"): config,
    ("POST", "config"): config,
}
WEBHOOK_ROUTES = {
    ("GET", ""): webhooks,
    ("POST", ""): webhooks,
    ("DELETE", ""): webhooks,
    ("GET", "deliveries"): webhook_deliveries,
    ("POST", "flush"): webhook_flush,
}
