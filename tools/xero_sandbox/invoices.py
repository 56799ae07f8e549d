"""Invoices and credit notes: lines, tax, totals, numbering and status flow."""

import copy
import re
from decimal import Decimal

from . import messages as msg
from .dates import parse_date
from .lines import SALES_TYPES, compute_lines, missing_accounts, totals
from .money import ZERO, dec
from .rules import (
    build_contact,
    field_text,
    find_contact,
    is_true,
    store_contact,
    text,
)
from .store import new_id

KINDS = {
    "invoice": {
        "id": "InvoiceID",
        "number": "InvoiceNumber",
        "types": ("ACCREC", "ACCPAY"),
        "type_error": msg.INVOICE_TYPE_INVALID,
        "unique_error": msg.INVOICE_NUMBER_UNIQUE,
        "table": "invoices",
        "index": "invoice_numbers",
    },
    "credit_note": {
        "id": "CreditNoteID",
        "number": "CreditNoteNumber",
        "types": ("ACCRECCREDIT", "ACCPAYCREDIT"),
        "type_error": msg.CREDIT_NOTE_TYPE_INVALID,
        "unique_error": msg.CREDIT_NOTE_NUMBER_UNIQUE,
        "table": "credit_notes",
        "index": "credit_note_numbers",
    },
}

AMOUNT_TYPES = {"exclusive": "Exclusive", "inclusive": "Inclusive", "notax": "NoTax"}
CREATE_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED")
TRANSITIONS = {
    "DRAFT": {"SUBMITTED", "AUTHORISED", "DELETED"},
    "SUBMITTED": {"DRAFT", "AUTHORISED", "DELETED"},
    "AUTHORISED": {"VOIDED"},
}
DATE_FIELDS = ("Date", "DueDate", "ExpectedPaymentDate", "PlannedPaymentDate")
# Fields Xero lets you change on paid/part-paid documents, without bumping
# UpdatedDateUTC (a known If-Modified-Since blind spot).
QUIET_FIELDS = {"DueDate", "ExpectedPaymentDate", "PlannedPaymentDate", "SentToContact"}
TEXT_FIELDS = ("Reference", "BrandingThemeID", "Url")
TEXT_LIMITS = {"Reference": 255, "Url": 2000}
NUMBER_MAX = 255


def is_sales(doc):
    return doc["Type"] in SALES_TYPES


def is_locked(org, doc):
    """True once payments or credit allocations touch the document."""
    if doc.get("_allocations"):
        return True
    return any(
        org.payments[p]["Status"] == "AUTHORISED" for p in doc.get("_payments", ())
    )


def _blank(kind, org, ctx):
    spec = KINDS[kind]
    return {
        spec["id"]: new_id(),
        "Type": None,
        spec["number"]: "",
        "Reference": "",
        "_contact": None,
        "Date": ctx.today,
        "Status": "DRAFT",
        "LineAmountTypes": "Exclusive",
        "LineItems": [],
        "CurrencyCode": org.info.get("BaseCurrency", "NZD"),
        "CurrencyRate": Decimal(1),
        "SentToContact": False,
        "SubTotal": ZERO,
        "TotalTax": ZERO,
        "Total": ZERO,
        "_payments": [],
        "_allocations": [],
    }


def _line_view(lines):
    keys = (
        "Description",
        "Quantity",
        "UnitAmount",
        "AccountCode",
        "TaxType",
        "DiscountRate",
        "DiscountAmount",
        "ItemCode",
        "LineAmount",
    )
    return [tuple(line.get(k) for k in keys) for line in lines]


def _content(kind, doc):
    spec = KINDS[kind]
    view = {
        k: doc.get(k)
        for k in (
            "Type",
            "_contact",
            "LineAmountTypes",
            spec["number"],
            "CurrencyCode",
            "CurrencyRate",
            *DATE_FIELDS,
            *TEXT_FIELDS,
            "SentToContact",
        )
    }
    view["LineItems"] = _line_view(doc["LineItems"])
    return view


def _resolve_contact(org, data, ctx, record, errors):
    """Work out the document's contact; returns a pending contact write or None."""
    ref = data.get("Contact")
    if ref is None:
        if record["_contact"] is None:
            errors.append(msg.CONTACT_REQUIRED)
        return None
    if not isinstance(ref, dict) or not any(
        text(ref.get(k)).strip()
        for k in ("ContactID", "ContactNumber", "Name")
        if not isinstance(ref.get(k), (dict, list))
    ):
        errors.append(msg.CONTACT_IDENTIFY)
        return None
    contact = find_contact(org, ref)
    if contact is None:
        contact_id = field_text(ref, "ContactID", errors)
        if contact_id:
            errors.append(msg.CONTACT_NOT_FOUND.format(id=contact_id))
            return None
        fields = {k: v for k, v in ref.items() if k != "ContactID"}
        built, problems = build_contact(org, fields)
        errors.extend(problems)
        record["_contact"] = built["ContactID"]
        return (built, None)
    if (
        contact["ContactStatus"] != "ACTIVE"
        and record["_contact"] != contact["ContactID"]
    ):
        errors.append(msg.CONTACT_ARCHIVED)
    record["_contact"] = contact["ContactID"]
    new_name = field_text(ref, "Name", errors)
    if text(ref.get("ContactID")).strip() and new_name and new_name != contact["Name"]:
        # Xero renames the contact to the name sent alongside its ContactID.
        built, problems = build_contact(org, {"Name": new_name}, contact)
        errors.extend(problems)
        return (built, contact)
    return None


def _currency(org, data, record, errors):
    """CurrencyCode must be enabled; CurrencyRate is kept on foreign documents."""
    if data.get("CurrencyCode") not in (None, ""):
        code = field_text(data, "CurrencyCode", errors).upper()
        if code not in org.currencies:
            errors.append(msg.CURRENCY_NOT_ENABLED.format(code=code))
            return
        if code != record["CurrencyCode"]:
            record["CurrencyRate"] = None
        record["CurrencyCode"] = code
    if record["CurrencyCode"] == org.base_currency:
        record["CurrencyRate"] = Decimal(1)
        return
    if data.get("CurrencyRate") not in (None, ""):
        try:
            rate = dec(data["CurrencyRate"])
        except ValueError:
            rate = None
        if rate is None or rate <= 0:
            errors.append(msg.CURRENCY_RATE_INVALID)
        else:
            record["CurrencyRate"] = rate
    if record["CurrencyRate"] is None:
        record["CurrencyRate"] = org.currencies[record["CurrencyCode"]]["_rate"]


def _texts(org, data, record, errors, new):
    for field in TEXT_FIELDS:
        if field in data and data[field] is not None:
            record[field] = field_text(data, field, errors, TEXT_LIMITS.get(field))
    if not is_sales(record):
        # Reference is for sales documents only; on bills InvoiceNumber is the
        # supplier's reference.
        record["Reference"] = ""
    theme = record.get("BrandingThemeID")
    if theme:
        if theme.lower() not in org.branding_themes:
            errors.append(msg.BRANDING_THEME_INVALID.format(id=theme))
        record["BrandingThemeID"] = theme.lower()
    elif new and org.default_branding_theme() is not None:
        record["BrandingThemeID"] = org.default_branding_theme()["BrandingThemeID"]


def build_document(org, kind, data, ctx, existing=None):
    """Validate ``data`` against ``existing`` (or as a new document).

    Returns ``(record, pending_contact, errors)`` without storing anything.
    """
    spec = KINDS[kind]
    errors = []
    record = copy.deepcopy(existing) if existing else _blank(kind, org, ctx)
    if "Type" in data or existing is None:
        doc_type = field_text(data, "Type", errors).upper()
        if doc_type not in spec["types"] or (existing and doc_type != existing["Type"]):
            errors.append(spec["type_error"])
            return None, None, errors
        record["Type"] = doc_type
    pending = _resolve_contact(org, data, ctx, record, errors)
    for field in DATE_FIELDS:
        if field in data and data[field] not in (None, ""):
            value = parse_date(data[field])
            if value is None:
                errors.append(msg.DATE_INVALID.format(field=field, value=data[field]))
            else:
                record[field] = value
    _texts(org, data, record, errors, existing is None)
    sent = data.get("SentToContact")
    if sent is not None:
        record["SentToContact"] = is_true(sent) if isinstance(sent, str) else bool(sent)
    _currency(org, data, record, errors)
    amount_type = record["LineAmountTypes"]
    if data.get("LineAmountTypes"):
        key = field_text(data, "LineAmountTypes", errors).replace(" ", "").lower()
        if key not in AMOUNT_TYPES:
            errors.append(
                msg.LINE_AMOUNT_TYPES_INVALID.format(value=data["LineAmountTypes"])
            )
        else:
            amount_type = AMOUNT_TYPES[key]
    if "LineItems" in data and data["LineItems"] is not None:
        raw_lines = data
    elif amount_type != record["LineAmountTypes"]:
        raw_lines = {"LineItems": record["LineItems"]}
    else:
        raw_lines = None
    record["LineAmountTypes"] = amount_type
    if raw_lines is not None:
        record["LineItems"] = compute_lines(
            org,
            record["Type"],
            amount_type,
            raw_lines,
            ctx.unitdp,
            errors,
            existing["LineItems"] if existing else None,
        )
    record["SubTotal"], record["TotalTax"], record["Total"] = totals(
        record["LineItems"], amount_type
    )
    number_field = spec["number"]
    if number_field in data and data[number_field] is not None:
        record[number_field] = field_text(data, number_field, errors, NUMBER_MAX)
    status = field_text(data, "Status", errors).upper() or record["Status"]
    errors.extend(_status_errors(org, existing, status))
    record["Status"] = status
    if existing is not None:
        errors.extend(_lock_errors(org, kind, existing, record))
    if status in ("SUBMITTED", "AUTHORISED"):
        if not record["LineItems"]:
            errors.append(msg.LINE_ITEMS_REQUIRED)
        elif missing_accounts(record["LineItems"]):
            errors.append(msg.ACCOUNT_REQUIRED)
    if record["Total"] < 0:
        errors.append(msg.TOTAL_NEGATIVE)
    number = record[number_field]
    if number and is_sales(record) and status != "DELETED":
        owner = getattr(org, spec["index"]).get(number.lower())
        if owner and owner != record[spec["id"]]:
            errors.append(spec["unique_error"])
    return record, pending, errors


def _status_errors(org, existing, status):
    if existing is None:
        return [] if status in CREATE_STATUSES else [msg.STATUS_FOR_CREATION]
    old = existing["Status"]
    if status == old:
        return []
    if status not in TRANSITIONS.get(old, ()):
        return [msg.STATUS_FOR_MODIFICATION]
    if old == "AUTHORISED" and is_locked(org, existing):
        return [msg.STATUS_FOR_MODIFICATION, msg.HAS_PAYMENTS]
    return []


def _lock_errors(org, kind, existing, record):
    locked = is_locked(org, existing)
    if existing["Status"] not in ("PAID", "VOIDED", "DELETED") and not locked:
        return []
    before, after = _content(kind, existing), _content(kind, record)
    changed = {k for k in before if before[k] != after[k]} - QUIET_FIELDS
    if not changed:
        return []
    errors = [msg.STATUS_FOR_MODIFICATION]
    if locked and "Date" in changed:
        errors.append(msg.DATE_HAS_PAYMENTS)
    if locked and changed - {"Date"}:
        errors.append(msg.HAS_PAYMENTS)
    return errors


def next_number(org, kind):
    index = org.invoice_numbers if kind == "invoice" else org.credit_note_numbers
    while True:
        if kind == "invoice":
            org.invoice_seq += 1
            number = f"{org.invoice_prefix}{org.invoice_seq:04d}"
        else:
            org.credit_note_seq += 1
            number = f"{org.credit_note_prefix}{org.credit_note_seq:04d}"
        if number.lower() not in index:
            return number


def _track_number(org, kind, number):
    prefix = org.invoice_prefix if kind == "invoice" else org.credit_note_prefix
    match = re.fullmatch(re.escape(prefix) + r"(\d+)", number, re.IGNORECASE)
    if match:
        if kind == "invoice":
            org.invoice_seq = max(org.invoice_seq, int(match.group(1)))
        else:
            org.credit_note_seq = max(org.credit_note_seq, int(match.group(1)))


def store_document(org, kind, record, pending, ctx, existing=None):
    spec = KINDS[kind]
    table = getattr(org, spec["table"])
    index = getattr(org, spec["index"])
    if pending is not None:
        built, old_contact = pending
        store_contact(org, built, ctx, old_contact)
    doc_id = record[spec["id"]]
    number_field = spec["number"]
    if is_sales(record):
        if existing is not None and existing[number_field]:
            if index.get(existing[number_field].lower()) == doc_id:
                del index[existing[number_field].lower()]
        if not record[number_field] and record["Status"] != "DELETED":
            record[number_field] = next_number(org, kind)
        if record[number_field]:
            _track_number(org, kind, record[number_field])
            if record["Status"] != "DELETED":
                index[record[number_field].lower()] = doc_id
    contact = org.contacts[record["_contact"]]
    flag = "_is_customer" if is_sales(record) else "_is_supplier"
    contact[flag] = True
    if kind == "invoice":
        if existing is not None and existing["_contact"] != record["_contact"]:
            org.contact_invoices[existing["_contact"]].remove(doc_id)
        if existing is None or existing["_contact"] != record["_contact"]:
            org.contact_invoices[record["_contact"]].append(doc_id)
    bump = existing is None
    if existing is not None:
        before, after = _content(kind, existing), _content(kind, record)
        changed = {k for k in before if before[k] != after[k]}
        if record["Status"] != existing["Status"]:
            changed.add("Status")
        if is_locked(org, existing):
            changed -= QUIET_FIELDS
        bump = bool(changed)
    if existing is None:
        record["_created_by"] = ctx.client_id
    table[doc_id] = record
    if kind == "invoice":
        refresh_invoice(org, record)
    else:
        refresh_credit_note(org, record)
    if bump or "_updated" not in record:
        record["_updated"] = ctx.now
    if bump:
        emit_change(org, kind, record, "CREATE" if existing is None else "UPDATE", ctx)
    return record


def emit_change(org, kind, record, event_type, ctx):
    if kind == "invoice":
        org.emit("INVOICE", record["InvoiceID"], event_type, ctx.now)
    else:
        org.emit(
            "CREDITNOTE",
            record["CreditNoteID"],
            event_type,
            ctx.now,
            {"Type": record["Type"], "Status": record["Status"]},
        )


def save_document(org, kind, data, ctx, existing=None):
    record, pending, errors = build_document(org, kind, data, ctx, existing)
    if errors:
        return None, errors
    return store_document(org, kind, record, pending, ctx, existing), []


def refresh_invoice(org, inv):
    """Recompute paid/credited/due amounts and the PAID status."""
    payments = [org.payments[p] for p in inv["_payments"]]
    live = [p for p in payments if p["Status"] == "AUTHORISED"]
    paid = sum((p["Amount"] for p in live), ZERO)
    credited = sum((a["Amount"] for a in inv["_allocations"]), ZERO)
    inv["AmountPaid"], inv["AmountCredited"] = paid, credited
    if inv["Status"] in ("VOIDED", "DELETED"):
        inv["AmountDue"] = ZERO
        return
    inv["AmountDue"] = inv["Total"] - paid - credited
    settled = [p["Date"] for p in live] + [a["Date"] for a in inv["_allocations"]]
    if inv["Status"] == "AUTHORISED" and inv["AmountDue"] <= 0:
        inv["Status"] = "PAID"
        inv["FullyPaidOnDate"] = max(settled) if settled else inv["Date"]
    elif inv["Status"] == "PAID" and inv["AmountDue"] > 0:
        inv["Status"] = "AUTHORISED"
        inv.pop("FullyPaidOnDate", None)


def refresh_credit_note(org, note):
    allocated = sum((a["Amount"] for a in note["_allocations"]), ZERO)
    if note["Status"] in ("VOIDED", "DELETED"):
        note["RemainingCredit"] = ZERO
        return
    note["RemainingCredit"] = note["Total"] - allocated
    if note["Status"] == "AUTHORISED" and note["RemainingCredit"] <= 0:
        note["Status"] = "PAID"
        dates = [a["Date"] for a in note["_allocations"]]
        note["FullyPaidOnDate"] = max(dates) if dates else note["Date"]
    elif note["Status"] == "PAID" and note["RemainingCredit"] > 0:
        note["Status"] = "AUTHORISED"
        note.pop("FullyPaidOnDate", None)
