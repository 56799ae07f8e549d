"""A document raised in Xero (invoice, credit note, bill, supplier credit),
read into a plain dict the addon turns into an Odoo invoice; its content
fingerprint (what a change in Xero is measured against) and the
differences between two versions, in words."""

import hashlib
import json
from decimal import Decimal

from .dates import parse_date, parse_datetime
from .ledger import parse_amount

# Xero type -> (kind, side)
TYPES = {
    "ACCREC": ("invoice", "sale"),
    "ACCRECCREDIT": ("credit_note", "sale"),
    "ACCPAY": ("invoice", "purchase"),
    "ACCPAYCREDIT": ("credit_note", "purchase"),
}
# Statuses of a document Xero no longer counts.
GONE = ("VOIDED", "DELETED")
APPROVED = ("AUTHORISED", "PAID")


def _text(value):
    return value.strip() if isinstance(value, str) else ""


def from_xero(record):
    """The document as the addon reads it; ValueError when Xero's record
    cannot be read (no id, no type, a bad amount or date)."""
    if not isinstance(record, dict):
        raise ValueError(f"{record!r} is not a document")
    doc_type = _text(record.get("Type")).upper()
    if doc_type not in TYPES:
        raise ValueError(f"unknown document type {doc_type!r}")
    kind, side = TYPES[doc_type]
    credit = kind == "credit_note"
    external_id = _text(record.get("CreditNoteID" if credit else "InvoiceID")).lower()
    if not external_id:
        raise ValueError("a document without its id")
    contact = record.get("Contact") or {}
    if not isinstance(contact, dict):
        raise ValueError(f"{contact!r} is not a contact")
    lines = []
    for raw in record.get("LineItems") or []:
        if not isinstance(raw, dict):
            raise ValueError(f"{raw!r} is not a line")
        lines.append({
            "description": _text(raw.get("Description")),
            "quantity": parse_amount(raw.get("Quantity") if raw.get("Quantity") is not None else 1),
            "unit_amount": parse_amount(raw.get("UnitAmount")),
            "discount": parse_amount(raw.get("DiscountRate")),
            "account_code": _text(raw.get("AccountCode")),
            "tax_type": _text(raw.get("TaxType")).upper(),
            "tax_amount": parse_amount(raw.get("TaxAmount")),
            "line_amount": parse_amount(raw.get("LineAmount")),
            "item_code": _text(raw.get("ItemCode")),
        })
    return {
        "type": doc_type,
        "kind": kind,
        "side": side,
        "external_id": external_id,
        "number": _text(record.get("CreditNoteNumber" if credit else "InvoiceNumber")),
        "reference": _text(record.get("Reference")),
        "contact_id": _text(contact.get("ContactID")).lower(),
        "contact_name": _text(contact.get("Name")),
        "status": _text(record.get("Status")).upper(),
        "date": parse_date(record.get("Date")),
        "due_date": parse_date(record.get("DueDate")),
        "currency": _text(record.get("CurrencyCode")).upper(),
        "currency_rate": parse_amount(record.get("CurrencyRate")),
        "amount_types": _text(record.get("LineAmountTypes")) or "Exclusive",
        "lines": lines,
        "total": parse_amount(record.get("Total")),
        "amount_paid": parse_amount(record.get("AmountPaid")),
        "has_payments": bool(record.get("Payments")) or parse_amount(record.get("AmountPaid")) > 0,
        "updated_at": parse_datetime(record.get("UpdatedDateUTC")),
    }


def content_key(doc):
    """Fingerprint of what an Odoo copy holds (not the status nor the
    payments): a change of it in Xero is a change to apply or review."""
    content = {
        "number": doc["number"], "reference": doc["reference"], "contact": doc["contact_id"],
        "date": str(doc["date"]), "due": str(doc["due_date"]), "currency": doc["currency"],
        "amount_types": doc["amount_types"], "total": str(doc["total"]),
        "lines": [{k: str(v) for k, v in line.items()} for line in doc["lines"]],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _line_words(line):
    parts = [line["description"] or "-", f"{_plain(line['quantity'])} × "
             f"{_plain(line['unit_amount'])}"]
    if line["discount"]:
        parts.append(f"-{_plain(line['discount'])}%")
    parts.append(line["tax_type"] or "no tax")
    parts.append(f"= {_plain(line['line_amount'])}")
    return " ".join(parts)


def _plain(value):
    return format(Decimal(value).normalize(), "f")


def differences(old, new):
    """What changed between two versions of a document, one line each
    (``old`` may be None: everything is new)."""
    if not old:
        return ["Xero's version: " + "; ".join(_line_words(x) for x in new["lines"])]
    changes = []
    for key, label in (("number", "Number"), ("reference", "Reference"), ("date", "Date"),
                       ("due_date", "Due date"), ("currency", "Currency"),
                       ("amount_types", "Amounts"), ("total", "Total")):
        if str(old.get(key)) != str(new.get(key)):
            changes.append(f"{label}: {old.get(key) or '-'} → {new.get(key) or '-'}")
    old_lines = [_line_words(x) for x in old["lines"]]
    new_lines = [_line_words(x) for x in new["lines"]]
    changes += [f"Line removed: {x}" for x in old_lines if x not in new_lines]
    changes += [f"Line added: {x}" for x in new_lines if x not in old_lines]
    return changes


def to_json(doc):
    """The document, JSON-safe (kept with a document set aside or waiting
    for review)."""
    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, Decimal):
            return str(value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value
    return plain(doc)


def from_json(data):
    """``to_json``'s inverse."""
    from datetime import date, datetime  # noqa: PLC0415

    doc = dict(data)
    for key in ("currency_rate", "total", "amount_paid"):
        doc[key] = Decimal(doc[key])
    for key in ("date", "due_date"):
        doc[key] = date.fromisoformat(doc[key]) if doc.get(key) else None
    doc["updated_at"] = datetime.fromisoformat(doc["updated_at"]) if doc.get("updated_at") \
        else None
    doc["lines"] = [{k: (v if k in ("description", "account_code", "tax_type", "item_code")
                         else Decimal(v)) for k, v in line.items()} for line in doc["lines"]]
    return doc
