"""Read endpoints: lists with paging/filters/ordering, single records, reports."""

import hashlib
import math

from . import render
from .dates import has_zone, parse_datetime
from .envelope import RequestError, lookup, not_found, simple_validation_error
from .invoices import KINDS
from .query import apply_order, compile_order, compile_where
from .reports import executive_summary, parse_report_date


def _modified_since(call):
    """The If-Modified-Since instant; Xero reads a value without a zone as UTC,
    ``strict_if_modified_since`` refuses it instead."""
    value = call.req.header("If-Modified-Since")
    if value is None:
        return None
    since = parse_datetime(value)
    if call.store.config.get("strict_if_modified_since") and (
        since is None or not has_zone(value)
    ):
        raise RequestError(
            simple_validation_error(
                f"If-Modified-Since '{value}' must carry a time zone "
                "(e.g. 2024-01-02T03:04:05+00:00 or an RFC 1123 date)."
            )
        )
    return since


def _select(call, records, entity):
    req = call.req
    since = _modified_since(call)
    if since is not None:
        floor = since.replace(microsecond=0)
        records = [r for r in records if r["_updated"].replace(microsecond=0) >= floor]
    where = compile_where(req.arg("where"), entity)
    if where is not None:
        org = call.org
        records = [r for r in records if where(org, r)]
    keys = compile_order(req.arg("order"), entity)
    return apply_order(call.org, list(records), keys) if keys else list(records)


def _page(call, records):
    """Return ``(page_records, pagination or None)``."""
    req = call.req
    page, size = req.arg("page"), req.arg("pageSize")
    if page is None and size is None:
        return records, None
    try:
        page = max(1, int(page or 1))
    except ValueError:
        page = 1
    try:
        size = min(1000, max(1, int(size or 100)))
    except ValueError:
        size = 100
    cap = call.store.config.get("page_size_cap")
    if cap:
        # The server's page size wins; pagination says which one it used.
        size = min(size, int(cap))
    start = (page - 1) * size
    count = len(records)
    pagination = {
        "page": page,
        "pageSize": size,
        "pageCount": math.ceil(count / size),
        "itemCount": count,
    }
    return records[start : start + size], pagination


def list_contacts(call):
    org, req = call.org, call.req
    records = list(org.contacts.values())
    ids = {i.lower() for i in req.csv("IDs")}
    if ids:
        records = [c for c in records if c["ContactID"] in ids]
    if not req.flag("includeArchived") and not ids:
        records = [c for c in records if c["ContactStatus"] != "ARCHIVED"]
    term = (req.arg("searchTerm") or "").strip().lower()
    if term:
        fields = ("Name", "FirstName", "LastName", "ContactNumber", "EmailAddress")
        records = [
            c for c in records if any(term in (c.get(f) or "").lower() for f in fields)
        ]
    records = _select(call, records, "Contact")
    records, pagination = _page(call, records)
    if req.flag("summaryOnly"):
        mode = "summary"
    else:
        mode = "full" if pagination else "list"
    today = call.ctx.today
    items = [render.contact_out(org, c, today, mode) for c in records]
    return call.envelope("Contacts", items, pagination)


def get_contact(call):
    contact = lookup(call.org.contacts, call.match["id"], "ContactNumber")
    if contact is None:
        return not_found()
    return call.envelope(
        "Contacts", [render.contact_out(call.org, contact, call.ctx.today)]
    )


def _list_documents(call, kind):
    org, req = call.org, call.req
    spec = KINDS[kind]
    table = getattr(org, spec["table"])
    records = list(table.values())
    ids = {i.lower() for i in req.csv("IDs")}
    if ids:
        records = [r for r in records if r[spec["id"]] in ids]
    numbers = (
        {n.lower() for n in req.csv("InvoiceNumbers")} if kind == "invoice" else set()
    )
    if numbers:
        records = [r for r in records if r["InvoiceNumber"].lower() in numbers]
    contact_ids = {i.lower() for i in req.csv("ContactIDs")}
    if contact_ids:
        records = [r for r in records if r["_contact"] in contact_ids]
    statuses = {s.upper() for s in req.csv("Statuses")}
    if statuses:
        records = [r for r in records if r["Status"] in statuses]
    if req.flag("createdByMyApp"):
        records = [r for r in records if r.get("_created_by") == call.client_id]
    term = (req.arg("searchTerm") or "").strip().lower()
    if term:
        records = [
            r
            for r in records
            if term in r[spec["number"]].lower() or term in r["Reference"].lower()
        ]
    entity = "Invoice" if kind == "invoice" else "CreditNote"
    records = _select(call, records, entity)
    records, pagination = _page(call, records)
    if req.flag("summaryOnly"):
        mode = "summary"
    else:
        mode = "page" if pagination else "list"
    if kind == "invoice":
        items = [render.invoice_out(org, r, mode, call.unitdp) for r in records]
        return call.envelope("Invoices", items, pagination)
    items = [render.credit_note_out(org, r, mode, call.unitdp) for r in records]
    return call.envelope("CreditNotes", items, pagination)


def list_invoices(call):
    return _list_documents(call, "invoice")


def list_credit_notes(call):
    return _list_documents(call, "credit_note")


def get_invoice(call):
    inv = lookup(call.org.invoices, call.match["id"], "InvoiceNumber")
    if inv is None:
        return not_found()
    out = render.invoice_out(call.org, inv, "full", call.unitdp, call.ctx.today)
    return call.envelope("Invoices", [out])


def get_credit_note(call):
    note = lookup(call.org.credit_notes, call.match["id"], "CreditNoteNumber")
    if note is None:
        return not_found()
    return call.envelope(
        "CreditNotes", [render.credit_note_out(call.org, note, "full", call.unitdp)]
    )


def get_online_invoice(call):
    inv = lookup(call.org.invoices, call.match["id"], "InvoiceNumber")
    if inv is None:
        return not_found()
    if inv["Type"] != "ACCREC" or inv["Status"] in ("DRAFT", "SUBMITTED", "DELETED"):
        return simple_validation_error(
            f"An online invoice cannot be retrieved for an invoice with status "
            f"{inv['Status']}."
        )
    token = hashlib.sha256(f"{call.org.id}:{inv['InvoiceID']}".encode()).hexdigest()[
        :40
    ]
    return call.envelope(
        "OnlineInvoices", [{"OnlineInvoiceUrl": f"https://in.xero.com/{token}"}]
    )


def list_payments(call):
    records = _select(call, list(call.org.payments.values()), "Payment")
    records, pagination = _page(call, records)
    items = [render.payment_out(call.org, p) for p in records]
    return call.envelope("Payments", items, pagination)


def get_payment(call):
    payment = lookup(call.org.payments, call.match["id"])
    if payment is None:
        return not_found()
    return call.envelope("Payments", [render.payment_out(call.org, payment)])


def get_organisation(call):
    return call.envelope("Organisations", [render.organisation_out(call.org)])


def list_users(call):
    records = _select(call, list(call.org.users.values()), "User")
    return call.envelope("Users", [render.user_out(u) for u in records])


def get_user(call):
    user = lookup(call.org.users, call.match["id"])
    if user is None:
        return not_found()
    return call.envelope("Users", [render.user_out(user)])


def list_accounts(call):
    records = _select(call, list(call.org.accounts.values()), "Account")
    return call.envelope("Accounts", [render.account_out(a) for a in records])


def get_account(call):
    account = lookup(call.org.accounts, call.match["id"])
    if account is None:
        return not_found()
    return call.envelope("Accounts", [render.account_out(account)])


def _filter(call, records, entity):
    """``where`` and ``order`` for lists without If-Modified-Since."""
    where = compile_where(call.req.arg("where"), entity)
    if where is not None:
        records = [r for r in records if where(call.org, r)]
    keys = compile_order(call.req.arg("order"), entity)
    return apply_order(call.org, list(records), keys) if keys else list(records)


def list_tax_rates(call):
    records = list(call.org.tax_rates.values())
    tax_type = (call.req.arg("TaxType") or "").strip().upper()
    if tax_type:
        records = [r for r in records if r["TaxType"] == tax_type]
    records = _filter(call, records, "TaxRate")
    return call.envelope("TaxRates", [render.tax_rate_out(r) for r in records])


def list_currencies(call):
    records = _filter(call, list(call.org.currencies.values()), "Currency")
    return call.envelope("Currencies", [render.currency_out(c) for c in records])


def list_branding_themes(call):
    themes = sorted(call.org.branding_themes.values(), key=lambda t: t["SortOrder"])
    return call.envelope(
        "BrandingThemes", [render.branding_theme_out(t) for t in themes]
    )


def get_branding_theme(call):
    theme = lookup(call.org.branding_themes, call.match["id"])
    if theme is None:
        return not_found()
    return call.envelope("BrandingThemes", [render.branding_theme_out(theme)])


def list_items(call):
    records = _select(call, list(call.org.items.values()), "Item")
    return call.envelope(
        "Items", [render.item_out(i, call.unitdp) for i in records]
    )


def get_item(call):
    item = lookup(call.org.items, call.match["id"], "Code")
    if item is None:
        return not_found()
    return call.envelope("Items", [render.item_out(item, call.unitdp)])


def get_executive_summary(call):
    day = parse_report_date(call.req.arg("date"), call.ctx.today)
    if day is None:
        return simple_validation_error(f"Invalid date '{call.req.arg('date')}'.")
    report = executive_summary(call.org, day, call.now)
    return call.envelope("Reports", [report])
