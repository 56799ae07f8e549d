"""Payments as Xero has them (GET /Payments, and the Payments listed on an
invoice), reduced to what the addon registers in Odoo."""

from dataclasses import dataclass
from decimal import Decimal

from .dates import parse_date, parse_datetime

AUTHORISED = "AUTHORISED"
DELETED = "DELETED"


@dataclass
class XeroPayment:
    external_id: str
    invoice_id: str
    invoice_type: str
    account_id: str
    account_code: str
    date: object
    amount: Decimal
    currency_rate: Decimal
    reference: str
    status: str
    updated_at: object

    @property
    def deleted(self):
        return self.status != AUTHORISED


def _decimal(value, default="0"):
    try:
        number = Decimal(str(value if value not in (None, "") else default))
    except ArithmeticError:
        raise ValueError(f"{value!r} is not an amount") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    return number


def from_xero(record):
    """Xero payment JSON -> XeroPayment; ValueError on data that cannot be
    read (the caller says so on the document concerned)."""
    if not isinstance(record, dict) or not record.get("PaymentID"):
        raise ValueError("not a payment")
    invoice = record.get("Invoice") or {}
    account = record.get("Account") or {}
    if not isinstance(invoice, dict) or not isinstance(account, dict):
        raise ValueError("a payment without its invoice or account")
    return XeroPayment(
        external_id=record["PaymentID"],
        invoice_id=invoice.get("InvoiceID") or "",
        invoice_type=invoice.get("Type") or "",
        account_id=account.get("AccountID") or "",
        account_code=account.get("Code") or "",
        date=parse_date(record.get("Date")),
        amount=_decimal(record.get("Amount")),
        currency_rate=_decimal(record.get("CurrencyRate"), "1"),
        reference=record.get("Reference") or "",
        status=str(record.get("Status") or AUTHORISED).upper(),
        updated_at=parse_datetime(record.get("UpdatedDateUTC")),
    )


def listed_payment_ids(document):
    """IDs of the payments an invoice lists (Xero lists live ones only)."""
    return {p.get("PaymentID") for p in document.get("Payments") or []
            if isinstance(p, dict) and p.get("PaymentID")}
