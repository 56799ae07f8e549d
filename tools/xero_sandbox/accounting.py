"""Accounting API routing (``/api.xro/2.0/...``): endpoint table and scopes."""

import re

from . import reads, writes
from .envelope import Call, RequestError, query_error
from .query import QueryError
from .rules import is_guid

SCOPES = {
    "contacts": (
        {"accounting.contacts", "accounting.contacts.read"},
        {"accounting.contacts"},
    ),
    "invoices": (
        {
            "accounting.invoices",
            "accounting.invoices.read",
            "accounting.transactions",
            "accounting.transactions.read",
        },
        {"accounting.invoices", "accounting.transactions"},
    ),
    "payments": (
        {
            "accounting.payments",
            "accounting.payments.read",
            "accounting.transactions",
            "accounting.transactions.read",
        },
        {"accounting.payments", "accounting.transactions"},
    ),
    "settings": (
        {"accounting.settings", "accounting.settings.read"},
        {"accounting.settings"},
    ),
    # Items are settings to the broad scopes, invoices to the granular ones.
    "items": (
        {
            "accounting.settings",
            "accounting.settings.read",
            "accounting.invoices",
            "accounting.invoices.read",
        },
        {"accounting.settings", "accounting.invoices"},
    ),
    "reports": (
        {"accounting.reports.read", "accounting.reports.executivesummary.read"},
        set(),
    ),
}


_ID = r"(?P<id>[^/]+)"
ROUTES = [
    ("GET", "organisation", reads.get_organisation, "settings"),
    ("GET", "users", reads.list_users, "settings"),
    ("GET", f"users/{_ID}", reads.get_user, "settings"),
    ("GET", "accounts", reads.list_accounts, "settings"),
    ("GET", f"accounts/{_ID}", reads.get_account, "settings"),
    ("GET", "taxrates", reads.list_tax_rates, "settings"),
    ("GET", "currencies", reads.list_currencies, "settings"),
    ("PUT", "currencies", writes.put_currency, "settings"),
    ("GET", "brandingthemes", reads.list_branding_themes, "settings"),
    ("GET", f"brandingthemes/{_ID}", reads.get_branding_theme, "settings"),
    ("GET", "items", reads.list_items, "items"),
    ("PUT", "items", writes.put_items, "items"),
    ("POST", "items", writes.post_items, "items"),
    ("GET", f"items/{_ID}", reads.get_item, "items"),
    ("POST", f"items/{_ID}", writes.post_item, "items"),
    ("DELETE", f"items/{_ID}", writes.delete_item, "items"),
    ("GET", "contacts", reads.list_contacts, "contacts"),
    ("PUT", "contacts", writes.put_contacts, "contacts"),
    ("POST", "contacts", writes.post_contacts, "contacts"),
    ("GET", f"contacts/{_ID}", reads.get_contact, "contacts"),
    ("POST", f"contacts/{_ID}", writes.post_contact, "contacts"),
    ("GET", "invoices", reads.list_invoices, "invoices"),
    ("PUT", "invoices", writes.put_invoices, "invoices"),
    ("POST", "invoices", writes.post_invoices, "invoices"),
    ("GET", f"invoices/{_ID}", reads.get_invoice, "invoices"),
    ("POST", f"invoices/{_ID}", writes.post_invoice, "invoices"),
    ("GET", f"invoices/{_ID}/onlineinvoice", reads.get_online_invoice, "invoices"),
    ("GET", "creditnotes", reads.list_credit_notes, "invoices"),
    ("PUT", "creditnotes", writes.put_credit_notes, "invoices"),
    ("POST", "creditnotes", writes.post_credit_notes, "invoices"),
    ("GET", f"creditnotes/{_ID}", reads.get_credit_note, "invoices"),
    ("POST", f"creditnotes/{_ID}", writes.post_credit_note, "invoices"),
    ("PUT", f"creditnotes/{_ID}/allocations", writes.put_allocations, "invoices"),
    ("GET", "payments", reads.list_payments, "payments"),
    ("PUT", "payments", writes.write_payments, "payments"),
    ("POST", "payments", writes.write_payments, "payments"),
    ("GET", f"payments/{_ID}", reads.get_payment, "payments"),
    ("POST", f"payments/{_ID}", writes.post_payment, "payments"),
    ("GET", "reports/executivesummary", reads.get_executive_summary, "reports"),
]
_COMPILED = [(m, re.compile(p + "/?", re.IGNORECASE), h, s) for m, p, h, s in ROUTES]


def route(method, subpath):
    """Find ``(handler, scope_group, match, method_allowed)`` for a path below 2.0/."""
    path_known = False
    for route_method, pattern, handler, group in _COMPILED:
        match = pattern.fullmatch(subpath)
        if match:
            path_known = True
            if route_method == method:
                return handler, group, match.groupdict(), True
    return None, None, None, path_known


def endpoint_name(subpath):
    """Normalise a path for stats: ids become ``{id}``."""
    parts = [p for p in subpath.split("/") if p]
    named = []
    for part in parts:
        named.append(
            "{id}" if is_guid(part) or any(c.isdigit() for c in part) else part
        )
    return "/" + "/".join(named)


def allowed_scopes(group, method):
    read, write = SCOPES[group]
    return read if method == "GET" else write


def dispatch(store, req, org, app, handler, match):
    call = Call(store, org, req, app, match)
    try:
        return handler(call)
    except QueryError as exc:
        return query_error(str(exc))
    except RequestError as exc:
        return exc.response
