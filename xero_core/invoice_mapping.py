"""An Odoo customer invoice or credit note, reduced to a plain dict by the
addon, turned into Xero's JSON; and Xero's answer checked against it."""

from decimal import ROUND_HALF_UP, Decimal

ACCREC = "ACCREC"
ACCRECCREDIT = "ACCRECCREDIT"
EXCLUSIVE = "Exclusive"
INCLUSIVE = "Inclusive"
# Xero only lets these statuses be edited.
EDITABLE = ("DRAFT", "SUBMITTED")
ROUNDING_TOLERANCE = Decimal("0.005")


class InvoiceMappingError(ValueError):
    """The Odoo document cannot be expressed in Xero as it is."""


def _money(value, places="0.0001"):
    return float(Decimal(str(value or 0)).quantize(Decimal(places), ROUND_HALF_UP))


def push_status(current, configured):
    """Status to send: the configured one (Draft or Awaiting payment) for a
    new or still-draft document; an approved one stays approved (Xero never
    takes PAID on a write)."""
    return "AUTHORISED" if current in ("AUTHORISED", "PAID") else configured


def line_amount_types(lines):
    """Exclusive / Inclusive from the lines' taxes; Xero wants one kind per
    invoice."""
    kinds = {line["price_include"] for line in lines if line.get("taxed")}
    if len(kinds) > 1:
        raise InvoiceMappingError(
            "The invoice mixes tax-included and tax-excluded prices; Xero needs one kind "
            "per invoice.")
    if kinds == {True}:
        return INCLUSIVE
    return EXCLUSIVE


def to_xero(doc):
    """``doc`` keys: kind (invoice/credit_note), contact_id, number,
    number_mode (reference/number), reference, date, due_date, currency,
    status, external_id, lines [description, quantity, unit_amount,
    discount, account_code, tax_type, item_code, price_include, taxed]."""
    if not doc.get("contact_id"):
        raise InvoiceMappingError("The customer is not in Xero yet.")
    if not doc.get("lines"):
        raise InvoiceMappingError("The invoice has no lines to send.")
    credit = doc.get("kind") == "credit_note"
    payload = {
        "Type": ACCRECCREDIT if credit else ACCREC,
        "Contact": {"ContactID": doc["contact_id"]},
        "Date": doc["date"].isoformat(),
        "LineAmountTypes": line_amount_types(doc["lines"]),
        "Status": doc.get("status") or "DRAFT",
        "CurrencyCode": doc.get("currency"),
        "LineItems": [_line(line) for line in doc["lines"]],
    }
    if doc.get("external_id"):
        payload["CreditNoteID" if credit else "InvoiceID"] = doc["external_id"]
    if doc.get("due_date") and not credit:
        payload["DueDate"] = doc["due_date"].isoformat()
    number_key = "CreditNoteNumber" if credit else "InvoiceNumber"
    if doc.get("number_mode") == "number":
        payload[number_key] = doc["number"]
        if doc.get("reference"):
            payload["Reference"] = doc["reference"]
    else:
        payload["Reference"] = doc["number"]
    return payload


def _line(line):
    if not line.get("tax_type"):
        raise InvoiceMappingError(f"No Xero tax type for line “{line.get('description')}”.")
    item = {
        "Description": (line.get("description") or "").strip() or "-",
        "Quantity": _money(line.get("quantity")),
        "UnitAmount": _money(line.get("unit_amount")),
        "AccountCode": line.get("account_code"),
        "TaxType": line["tax_type"],
    }
    if line.get("discount"):
        item["DiscountRate"] = _money(line["discount"], "0.01")
    if line.get("item_code"):
        item["ItemCode"] = line["item_code"]
    return item


def rounding_difference(xero_total, odoo_total):
    """Xero's total minus Odoo's, or 0 when they agree to the cent."""
    diff = Decimal(str(xero_total or 0)) - Decimal(str(odoo_total or 0))
    return float(diff) if abs(diff) >= ROUNDING_TOLERANCE else 0.0


def status_change(kind, external_id, status):
    """Approve, void or delete a document (Xero's own way: a status)."""
    id_key = "CreditNoteID" if kind == "credit_note" else "InvoiceID"
    return {id_key: external_id, "Status": status}


def cancel_status(xero_status):
    """How Xero lets a document go: drafts are deleted, others voided."""
    return "DELETED" if xero_status in EDITABLE else "VOIDED"


def payment(invoice_id, account_code, on_date, amount, reference=""):
    return {
        "Invoice": {"InvoiceID": invoice_id},
        "Account": {"Code": account_code},
        "Date": on_date.isoformat(),
        "Amount": _money(amount, "0.01"),
        "Reference": reference or "",
    }


def allocation(invoice_id, on_date, amount):
    return {
        "Invoice": {"InvoiceID": invoice_id},
        "Amount": _money(amount, "0.01"),
        "Date": on_date.isoformat(),
    }
