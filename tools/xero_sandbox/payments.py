"""Payments against invoices and credit note allocations."""

from decimal import Decimal

from . import messages as msg
from .dates import parse_date
from .invoices import emit_change, refresh_credit_note, refresh_invoice
from .money import dec, r2
from .rules import field_text, is_true, text
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


def _find_account(org, data, errors):
    ref = data.get("Account")
    if ref is not None and not isinstance(ref, dict):
        errors.append(msg.OBJECT_EXPECTED.format(field="Account"))
        ref = {}
    ref = ref or {}
    account_id = field_text(ref, "AccountID", errors).lower()
    code = field_text(ref, "Code", errors) or field_text(data, "Code", errors)
    if account_id:
        return org.accounts.get(account_id), True
    if code:
        return org.account_by_code(code), True
    return None, False


def _check_account(org, account, given, invoice, errors):
    if not given:
        errors.append(msg.PAYMENT_ACCOUNT_REQUIRED)
    elif account is None:
        errors.append(msg.PAYMENT_ACCOUNT_INVALID)
    elif account.get("Status", "ACTIVE") != "ACTIVE":
        errors.append(msg.PAYMENT_ACCOUNT_ARCHIVED)
    elif account.get("Type") != "BANK" and not account.get("EnablePaymentsToAccount"):
        errors.append(msg.PAYMENT_ACCOUNT_TYPE)
    elif invoice is not None and account.get("CurrencyCode") not in (
        None,
        org.base_currency,
        invoice["CurrencyCode"],
    ):
        errors.append(msg.PAYMENT_ACCOUNT_CURRENCY)


def _amount(value, errors, message):
    try:
        amount = dec(value)
    except ValueError:
        amount = None
    if amount is None or amount <= 0:
        errors.append(message)
        return None
    return r2(amount)


def _rate(org, data, invoice, errors):
    """The payment's CurrencyRate: 1 in the base currency, else given or the
    invoice's own."""
    if invoice is None or invoice["CurrencyCode"] == org.base_currency:
        return Decimal(1)
    if data.get("CurrencyRate") in (None, ""):
        return invoice["CurrencyRate"]
    try:
        rate = dec(data["CurrencyRate"])
    except ValueError:
        rate = None
    if rate is None or rate <= 0:
        errors.append(msg.CURRENCY_RATE_INVALID)
        return None
    return rate


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
    account, given = _find_account(org, data, errors)
    _check_account(org, account, given, invoice, errors)
    amount = _amount(data.get("Amount"), errors, msg.PAYMENT_AMOUNT_INVALID)
    rate = _rate(org, data, invoice, errors)
    pay_date = ctx.today
    if data.get("Date") not in (None, ""):
        pay_date = parse_date(data["Date"])
        if pay_date is None:
            errors.append(msg.DATE_INVALID.format(field="Date", value=data["Date"]))
    if field_text(data, "Status", errors).upper() == "DELETED":
        errors.append(msg.INVALID_VALUE.format(field="Status", value="DELETED"))
    reference = field_text(data, "Reference", errors, 255)
    if invoice is not None:
        if invoice["Status"] != "AUTHORISED":
            errors.append(msg.PAYMENT_NOT_AUTHORISED)
        if amount is not None and amount > invoice["AmountDue"]:
            errors.append(msg.PAYMENT_EXCEEDS)
    if errors:
        return None, errors
    bank_amount = amount
    if account.get("CurrencyCode", org.base_currency) != invoice["CurrencyCode"]:
        bank_amount = r2(amount / rate)
    payment = {
        "PaymentID": new_id(),
        "_invoice": invoice["InvoiceID"],
        "_account": account["AccountID"],
        "Date": pay_date,
        "Amount": amount,
        "BankAmount": bank_amount,
        "Reference": reference,
        "Status": "AUTHORISED",
        "PaymentType": PAYMENT_TYPES[invoice["Type"]],
        "IsReconciled": is_true(data.get("IsReconciled")),
        "CurrencyRate": rate,
        "_updated": ctx.now,
        "_created_by": ctx.client_id,
    }
    org.payments[payment["PaymentID"]] = payment
    invoice["_payments"].append(payment["PaymentID"])
    _touch(org, invoice, ctx)
    return payment, []


def _touch(org, invoice, ctx):
    """A payment changes its invoice: new amounts, UpdatedDateUTC, an event."""
    refresh_invoice(org, invoice)
    invoice["_updated"] = ctx.now
    emit_change(org, "invoice", invoice, "UPDATE", ctx)


def update_payment(org, payment, data, ctx):
    """Xero only lets a payment be deleted (``{"Status": "DELETED"}``)."""
    errors = []
    status = field_text(data, "Status", errors).upper()
    if errors:
        return None, errors
    if status != "DELETED":
        return None, [msg.PAYMENT_ONLY_DELETE]
    if payment["Status"] == "DELETED":
        return None, [msg.PAYMENT_ALREADY_DELETED]
    payment["Status"] = "DELETED"
    payment["_updated"] = ctx.now
    _touch(org, org.invoices[payment["_invoice"]], ctx)
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
        if invoice["CurrencyCode"] != note["CurrencyCode"]:
            errors.append(msg.ALLOCATION_CURRENCY_MISMATCH)
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
    note["_updated"] = ctx.now
    emit_change(org, "credit_note", note, "UPDATE", ctx)
    _touch(org, invoice, ctx)
    return allocation, []
