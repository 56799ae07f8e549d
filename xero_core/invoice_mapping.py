"""An Odoo invoice, credit note or bill, reduced to a plain dict by the
addon, turned into Xero's JSON; and Xero's answer checked against it.

Totals. Xero works a line out as Quantity x UnitAmount x (1 - DiscountRate/100)
rounded to the cent, rounds the tax of each line (Exclusive: on top,
Inclusive: inside the amount) and adds the rounded lines up. ``expected_total``
does the same sums, so a document whose Odoo total Xero would not reproduce
(a tax rounded globally in Odoo, a unit price with more than four decimals)
is known before it is sent. The rounding policy then decides: ``line`` adds
a rounding line (a zero-rated line of the difference) when the difference is
within the tolerance; ``flag`` sends the document as it is. Either way the
total Xero answers is compared with Odoo's, and a difference left is shown
on the invoice and in the log.
"""

from decimal import ROUND_HALF_UP, Decimal

ACCREC = "ACCREC"
ACCRECCREDIT = "ACCRECCREDIT"
ACCPAY = "ACCPAY"
ACCPAYCREDIT = "ACCPAYCREDIT"
# (kind, side) -> Xero's document type. Sales documents are ACCREC*,
# purchase ones (bills) ACCPAY*.
DOCUMENT_TYPES = {
    ("invoice", "sale"): ACCREC,
    ("credit_note", "sale"): ACCRECCREDIT,
    ("invoice", "purchase"): ACCPAY,
    ("credit_note", "purchase"): ACCPAYCREDIT,
}
EXCLUSIVE = "Exclusive"
INCLUSIVE = "Inclusive"
# Xero only lets these statuses be edited.
EDITABLE = ("DRAFT", "SUBMITTED")
ROUNDING_TOLERANCE = Decimal("0.005")
ROUNDING_DESCRIPTION = "Rounding"
CENT = Decimal("0.01")
UNIT = Decimal("0.0001")


class InvoiceMappingError(ValueError):
    """The Odoo document cannot be expressed in Xero as it is."""


def _dec(value):
    return Decimal(str(value or 0))


def _money(value, places="0.0001"):
    return float(_dec(value).quantize(Decimal(places), ROUND_HALF_UP))


def _cents(value):
    return _dec(value).quantize(CENT, ROUND_HALF_UP)


def document_type(kind, side="sale"):
    return DOCUMENT_TYPES[(kind or "invoice", side or "sale")]


def push_status(current, configured, settled=False):
    """Status to send: the configured one (Draft or Awaiting payment) for a
    new or still-draft document; an approved one stays approved (Xero never
    takes PAID on a write). A document already settled in Odoo (paid, or a
    credit note allocated) goes approved: Xero only settles approved
    documents, and approving it in the same write saves a call."""
    if current in ("AUTHORISED", "PAID") or settled:
        return "AUTHORISED"
    return configured


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
    """``doc`` keys: kind (invoice/credit_note), side (sale/purchase,
    default sale), contact_id, number, number_mode (reference/number),
    reference, date, due_date, currency, currency_rate (only when the rate
    is to be sent), branding_theme_id, status, external_id, lines
    [description, quantity, unit_amount, discount, account_code, tax_type,
    tax_rate (percent), item_code, price_include, taxed, amount (Odoo's
    amount of the line, tax included for tax-included prices)], and for
    the totals check odoo_total and rounding {policy, tolerance,
    account_code, tax_type}."""
    if not doc.get("contact_id"):
        raise InvoiceMappingError("The customer is not in Xero yet.")
    if not doc.get("lines"):
        raise InvoiceMappingError("The invoice has no lines to send.")
    credit = doc.get("kind") == "credit_note"
    sale = (doc.get("side") or "sale") == "sale"
    # The spec: DiscountRate is for sales invoices only.
    discounts = sale and not credit
    payload = {
        "Type": document_type(doc.get("kind"), doc.get("side")),
        "Contact": {"ContactID": doc["contact_id"]},
        "Date": doc["date"].isoformat(),
        "LineAmountTypes": line_amount_types(doc["lines"]),
        "Status": doc.get("status") or "DRAFT",
        "CurrencyCode": doc.get("currency"),
        "LineItems": [_line(line, discounts) for line in doc["lines"]],
    }
    if doc.get("currency_rate"):
        payload["CurrencyRate"] = _money(doc["currency_rate"], "0.000001")
    if doc.get("branding_theme_id"):
        payload["BrandingThemeID"] = doc["branding_theme_id"]
    if doc.get("external_id"):
        payload["CreditNoteID" if credit else "InvoiceID"] = doc["external_id"]
    if doc.get("due_date") and not credit:
        payload["DueDate"] = doc["due_date"].isoformat()
    number_key = "CreditNoteNumber" if credit else "InvoiceNumber"
    if not sale:
        # A bill's number is the supplier's; Reference is for sales documents.
        payload[number_key] = doc.get("reference") or doc["number"]
    elif doc.get("number_mode") == "number":
        payload[number_key] = doc["number"]
        if doc.get("reference"):
            payload["Reference"] = doc["reference"]
    else:
        payload["Reference"] = doc["number"]
    rounding = rounding_line(payload, tax_rates(doc["lines"]), doc.get("odoo_total"),
                             doc.get("rounding"))
    if rounding:
        payload["LineItems"].append(rounding)
    return payload


def _line(line, discounts=True):
    if not line.get("tax_type"):
        raise InvoiceMappingError(f"No Xero tax type for line “{line.get('description')}”.")
    description = (line.get("description") or "").strip() or "-"
    quantity = _money(line.get("quantity"))
    unit = _money(line.get("unit_amount"))
    discount = line.get("discount") or 0
    if discount and not discounts:
        # Credit notes and bills take no DiscountRate: the discount goes
        # into the unit price, or, where that cannot give Odoo's amount to
        # the cent, the line goes as one unit of its amount.
        unit = _money(_dec(line.get("unit_amount")) * (1 - _dec(discount) / 100))
        amount = line.get("amount")
        if amount is not None and _cents(_dec(quantity) * _dec(unit)) != _cents(amount):
            description = (f"{description} ({_plain(quantity)} × "
                           f"{_plain(line.get('unit_amount'))}, {_plain(discount)}% discount)")
            quantity, unit = 1.0, _money(amount)
        discount = 0
    item = {
        "Description": description,
        "Quantity": quantity,
        "UnitAmount": unit,
        "AccountCode": line.get("account_code"),
        "TaxType": line["tax_type"],
    }
    if discount:
        item["DiscountRate"] = _money(discount, "0.01")
    if line.get("item_code"):
        item["ItemCode"] = line["item_code"]
    return item


def _plain(value):
    return format(_dec(value).normalize(), "f")


def tax_rates(lines):
    """{TaxType: percent} of the document's lines."""
    return {line["tax_type"]: line.get("tax_rate") or 0 for line in lines
            if line.get("tax_type")}


def expected_total(payload, rates):
    """The Total Xero will work out for ``payload`` (see the module's
    docstring); ``rates`` {TaxType: percent}."""
    kind = payload.get("LineAmountTypes") or EXCLUSIVE
    total = Decimal(0)
    for line in payload.get("LineItems") or []:
        quantity = _dec(line.get("Quantity")).quantize(UNIT, ROUND_HALF_UP)
        unit = _dec(line.get("UnitAmount")).quantize(UNIT, ROUND_HALF_UP)
        discount = _dec(line.get("DiscountRate"))
        amount = _cents(quantity * unit * (1 - discount / 100))
        percent = _dec(rates.get(line.get("TaxType"), 0))
        total += amount
        if kind == EXCLUSIVE:
            total += _cents(amount * percent / 100)
    return total


def rounding_line(payload, rates, odoo_total, rounding):
    """The line that makes Xero's total Odoo's, under the ``line`` policy
    and within its tolerance; None otherwise."""
    if not rounding or odoo_total is None or rounding.get("policy") != "line":
        return None
    difference = _cents(odoo_total) - expected_total(payload, rates)
    if not difference or abs(difference) > _dec(rounding.get("tolerance")):
        return None
    if not rounding.get("account_code") or not rounding.get("tax_type"):
        raise InvoiceMappingError(
            "A rounding line is needed but no Xero account or zero tax rate is set for it.")
    return {
        "Description": ROUNDING_DESCRIPTION,
        "Quantity": 1.0,
        "UnitAmount": float(difference),
        "AccountCode": rounding["account_code"],
        "TaxType": rounding["tax_type"],
    }


def rounding_added(element):
    """The amount of the rounding line in Xero's answer (0 without one)."""
    return float(sum((_dec(line.get("LineAmount") or line.get("UnitAmount"))
                      for line in element.get("LineItems") or []
                      if isinstance(line, dict)
                      and line.get("Description") == ROUNDING_DESCRIPTION), Decimal(0)))


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


def payment(invoice_id, account, on_date, amount, reference="", currency_rate=None):
    """A payment of ``amount`` (in the document's currency) into
    ``account``: {"AccountID": ...} or an account code."""
    account_ref = account if isinstance(account, dict) else {"Code": account}
    values = {
        "Invoice": {"InvoiceID": invoice_id},
        "Account": account_ref,
        "Date": on_date.isoformat(),
        "Amount": _money(amount, "0.01"),
        "Reference": reference or "",
    }
    if currency_rate:
        values["CurrencyRate"] = _money(currency_rate, "0.000001")
    return values


def allocation(invoice_id, on_date, amount):
    return {
        "Invoice": {"InvoiceID": invoice_id},
        "Amount": _money(amount, "0.01"),
        "Date": on_date.isoformat(),
    }
