"""Payments against invoices and credit note allocations."""

from . import messages as msg
from .dates import parse_date
from .invoices import refresh_credit_note, refresh_invoice
from .money import dec, r2
from .rules import text
from .store import new_id

PAYMENT_TYPES = {"ACCREC": "ACCRECPAYMENT", "ACCPAY": "ACCPAYPAYMENT"}
ALLOCATION_TYPES = {"ACCRECCREDIT": "ACCREC", "ACCPAYCREDIT": "ACCPAY"}


def find_invoice(org, ref):
    if not isinstance(ref, dict):
        return None
    invoice_id = text(ref.get("InvoiceID")).strip().lower()
    if invoice_id:
        return org.invoices.get(invoice_id)
    number = text(ref.get("InvoiceNumber")).strip().lower()
    if number:
        owner = org.invoice_numbers.get(number)
        if owner:
            return org.invoices[owner]
        for inv in org.invoices.values():
            if inv["InvoiceNumber"].lower() == number and inv["Status"] != "DELETED":
                return inv
    return None


def _find_account(org, data):
    ref = data.get("Account") if isinstance(data.get("Account"), dict) else {}
    account_id = text(ref.get("AccountID")).strip().lower()
    code = text(ref.get("Code") or data.get("Code")).strip()
    if account_id:
        return org.accounts.get(account_id), True
    if code:
        return org.account_by_code(code), True
    return None, False


def _amount(value, errors, message):
    try:
        amount = dec(value)
    except ValueError:
        amount = None
    if amount is None or amount <= 0:
        errors.append(message)
        return None
    return r2(amount)


def create_payment(org, data, ctx):
    """Validate and apply one payment. Returns ``(payment, errors)``."""
    errors = []
    inv_ref = data.get("Invoice")
    if not isinstance(inv_ref, dict):
        inv_ref = {
            k: data.get(k) for k in ("InvoiceID", "InvoiceNumber") if data.get(k)
        }
    invoice = find_invoice(org, inv_ref)
    if invoice is None:
        errors.append(
            msg.INVOICE_NOT_FOUND if inv_ref else msg.PAYMENT_DOCUMENT_REQUIRED
        )
    account, given = _find_account(org, data)
    if not given:
        errors.append(msg.PAYMENT_ACCOUNT_REQUIRED)
    elif account is None:
        errors.append(msg.PAYMENT_ACCOUNT_INVALID)
    elif account.get("Type") != "BANK" and not account.get("EnablePaymentsToAccount"):
        errors.append(msg.PAYMENT_ACCOUNT_NOT_BANK)
    amount = _amount(data.get("Amount"), errors, msg.PAYMENT_AMOUNT_INVALID)
    pay_date = ctx.today
    if data.get("Date") not in (None, ""):
        pay_date = parse_date(data["Date"])
        if pay_date is None:
            errors.append(msg.DATE_INVALID.format(field="Date", value=data["Date"]))
    if text(data.get("Status")).upper() == "DELETED":
        errors.append(msg.INVALID_VALUE.format(field="Status", value="DELETED"))
    if invoice is not None:
        if invoice["Status"] != "AUTHORISED":
            errors.append(msg.PAYMENT_NOT_AUTHORISED)
        if amount is not None and amount > invoice["AmountDue"]:
            errors.append(msg.PAYMENT_EXCEEDS)
    if errors:
        return None, errors
    payment = {
        "PaymentID": new_id(),
        "_invoice": invoice["InvoiceID"],
        "_account": account["AccountID"],
        "Date": pay_date,
        "Amount": amount,
        "Reference": text(data.get("Reference")),
        "Status": "AUTHORISED",
        "PaymentType": PAYMENT_TYPES[invoice["Type"]],
        "IsReconciled": bool(data.get("IsReconciled", False)),
        "CurrencyRate": invoice["CurrencyRate"],
        "_updated": ctx.now,
        "_created_by": ctx.client_id,
    }
    org.payments[payment["PaymentID"]] = payment
    invoice["_payments"].append(payment["PaymentID"])
    refresh_invoice(org, invoice)
    invoice["_updated"] = ctx.now
    return payment, []


def update_payment(org, payment, data, ctx):
    """Xero only lets a payment be deleted (``{"Status": "DELETED"}``)."""
    status = text(data.get("Status")).strip().upper()
    if status != "DELETED":
        return None, [msg.PAYMENT_ONLY_DELETE]
    if payment["Status"] == "DELETED":
        return None, [msg.PAYMENT_ALREADY_DELETED]
    payment["Status"] = "DELETED"
    payment["_updated"] = ctx.now
    invoice = org.invoices[payment["_invoice"]]
    refresh_invoice(org, invoice)
    invoice["_updated"] = ctx.now
    return payment, []


def allocate_credit(org, note, data, ctx):
    """Allocate credit to an invoice. Returns ``(allocation, errors)``."""
    errors = []
    invoice = find_invoice(org, data.get("Invoice"))
    if invoice is None:
        errors.append(msg.INVOICE_NOT_FOUND)
    amount = _amount(data.get("Amount"), errors, msg.ALLOCATION_AMOUNT_INVALID)
    alloc_date = ctx.today
    if data.get("Date") not in (None, ""):
        alloc_date = parse_date(data["Date"])
        if alloc_date is None:
            errors.append(msg.DATE_INVALID.format(field="Date", value=data["Date"]))
    if note["Status"] != "AUTHORISED":
        errors.append(msg.ALLOCATION_NOT_AUTHORISED)
    elif amount is not None and amount > note["RemainingCredit"]:
        errors.append(msg.ALLOCATION_EXCEEDS_CREDIT)
    if invoice is not None:
        if ALLOCATION_TYPES[note["Type"]] != invoice["Type"]:
            errors.append(msg.ALLOCATION_TYPE_MISMATCH)
        if invoice["_contact"] != note["_contact"]:
            errors.append(msg.ALLOCATION_CONTACT_MISMATCH)
        if invoice["Status"] != "AUTHORISED":
            errors.append(msg.ALLOCATION_NOT_AUTHORISED)
        elif amount is not None and amount > invoice["AmountDue"]:
            errors.append(msg.ALLOCATION_EXCEEDS_DUE)
    if errors:
        return None, errors
    allocation = {
        "AllocationID": new_id(),
        "Amount": amount,
        "Date": alloc_date,
        "_invoice": invoice["InvoiceID"],
        "_credit_note": note["CreditNoteID"],
    }
    note["_allocations"].append(allocation)
    invoice["_allocations"].append(allocation)
    refresh_credit_note(org, note)
    refresh_invoice(org, invoice)
    note["_updated"] = invoice["_updated"] = ctx.now
    return allocation, []
