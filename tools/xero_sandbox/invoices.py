"""Invoices and credit notes: lines, tax, totals, numbering and status flow."""

import copy
import re
from decimal import Decimal

from . import messages as msg
from .dates import parse_date
from .money import ZERO, dec, r2, r4
from .rules import build_contact, find_contact, store_contact, text
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

SALES_TYPES = ("ACCREC", "ACCRECCREDIT")
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


def compute_lines(org, doc_type, amount_type, raw_lines, unitdp, errors, old=None):
    old_ids = {line["LineItemID"] for line in old or ()}
    lines = []
    for raw in raw_lines or ():
        if not isinstance(raw, dict):
            continue
        try:
            qty = dec(raw.get("Quantity"))
            unit = dec(raw.get("UnitAmount"))
            given = dec(raw.get("LineAmount"))
            discount = dec(raw.get("DiscountRate"))
        except ValueError:
            errors.append(msg.NUMBER_INVALID.format(field="Line item amount"))
            continue
        if qty is None and unit is None and given is not None:
            qty, unit = Decimal(1), given
        if qty is None:
            qty = Decimal(1) if unit is not None else ZERO
        unit = unit if unit is not None else ZERO
        unit = r4(unit) if unitdp == 4 else r2(unit)
        qty = r4(qty)
        factor = 1 - (discount or ZERO) / 100
        amount = r2(qty * unit * factor)
        code = text(raw.get("AccountCode")).strip()
        account = org.account_by_code(code) if code else None
        if code and account is None:
            errors.append(msg.ACCOUNT_CODE_INVALID.format(code=code))
        elif account is not None and account.get("Status", "ACTIVE") != "ACTIVE":
            errors.append(msg.ACCOUNT_CODE_ARCHIVED.format(code=code))
        if amount_type == "NoTax":
            tax_type = "NONE"
        else:
            tax_type = text(raw.get("TaxType")).strip().upper()
            if not tax_type and account is not None:
                tax_type = account.get("TaxType") or ""
            if not tax_type:
                tax_type = org.default_tax(doc_type in SALES_TYPES)
        rate = org.tax_rates.get(tax_type)
        if rate is None or rate.get("Status", "ACTIVE") != "ACTIVE":
            errors.append(msg.TAX_TYPE_INVALID.format(code=tax_type))
            percent = ZERO
        else:
            percent = dec(rate.get("EffectiveRate", rate.get("DisplayTaxRate", 0)))
        if amount_type == "Exclusive":
            tax = r2(amount * percent / 100)
        elif amount_type == "Inclusive":
            tax = r2(amount - amount / (1 + percent / 100))
        else:
            tax = ZERO
        line_id = text(raw.get("LineItemID")).strip().lower()
        line = {
            "LineItemID": line_id if line_id in old_ids else new_id(),
            "Description": text(raw.get("Description")),
            "Quantity": qty,
            "UnitAmount": unit,
            "AccountCode": code,
            "TaxType": tax_type,
            "TaxAmount": tax,
            "LineAmount": amount,
            "Tracking": list(raw.get("Tracking") or []),
        }
        if raw.get("ItemCode"):
            line["ItemCode"] = text(raw["ItemCode"])
        if discount is not None:
            line["DiscountRate"] = r2(discount)
        lines.append(line)
    return lines


def totals(lines, amount_type):
    line_sum = sum((line["LineAmount"] for line in lines), ZERO)
    tax = sum((line["TaxAmount"] for line in lines), ZERO)
    subtotal = line_sum - tax if amount_type == "Inclusive" else line_sum
    return subtotal, tax, subtotal + tax


def _line_view(lines):
    keys = (
        "Description",
        "Quantity",
        "UnitAmount",
        "AccountCode",
        "TaxType",
        "DiscountRate",
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
    if not isinstance(ref, dict) or not any(
        text(ref.get(k)).strip() for k in ("ContactID", "ContactNumber", "Name")
    ):
        if record["_contact"] is None:
            errors.append(msg.CONTACT_REQUIRED)
        return None
    contact = find_contact(org, ref)
    if contact is None:
        if text(ref.get("ContactID")).strip():
            errors.append(msg.CONTACT_NOT_FOUND.format(id=ref["ContactID"]))
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
    new_name = text(ref.get("Name")).strip()
    if text(ref.get("ContactID")).strip() and new_name and new_name != contact["Name"]:
        # Xero renames the contact to the name sent alongside its ContactID.
        built, problems = build_contact(org, {"Name": new_name}, contact)
        errors.extend(problems)
        return (built, contact)
    return None


def build_document(org, kind, data, ctx, existing=None):
    """Validate ``data`` against ``existing`` (or as a new document).

    Returns ``(record, pending_contact, errors)`` without storing anything.
    """
    spec = KINDS[kind]
    errors = []
    record = copy.deepcopy(existing) if existing else _blank(kind, org, ctx)
    if "Type" in data or existing is None:
        doc_type = text(data.get("Type")).strip().upper()
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
    for field in TEXT_FIELDS:
        if field in data and data[field] is not None:
            record[field] = text(data[field])
    if "SentToContact" in data and data["SentToContact"] is not None:
        record["SentToContact"] = bool(data["SentToContact"])
    if data.get("CurrencyCode"):
        record["CurrencyCode"] = text(data["CurrencyCode"]).upper()
    if data.get("CurrencyRate") not in (None, ""):
        try:
            record["CurrencyRate"] = dec(data["CurrencyRate"])
        except ValueError:
            errors.append(msg.NUMBER_INVALID.format(field="CurrencyRate"))
    amount_type = record["LineAmountTypes"]
    if data.get("LineAmountTypes"):
        key = text(data["LineAmountTypes"]).replace(" ", "").lower()
        if key not in AMOUNT_TYPES:
            errors.append(
                msg.LINE_AMOUNT_TYPES_INVALID.format(value=data["LineAmountTypes"])
            )
        else:
            amount_type = AMOUNT_TYPES[key]
    if "LineItems" in data and data["LineItems"] is not None:
        raw_lines = data["LineItems"]
    elif amount_type != record["LineAmountTypes"]:
        raw_lines = record["LineItems"]
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
        record[number_field] = text(data[number_field]).strip()
    status = text(data.get("Status")).strip().upper() or record["Status"]
    errors.extend(_status_errors(org, existing, status))
    record["Status"] = status
    if existing is not None:
        errors.extend(_lock_errors(org, kind, existing, record))
    if status in ("SUBMITTED", "AUTHORISED") and not record["LineItems"]:
        errors.append(msg.LINE_ITEMS_REQUIRED)
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
    return record


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
