"""Xero's sales ledger as a customer sees it: statuses and balances."""

from dataclasses import dataclass
from decimal import Decimal

from .dates import parse_date, parse_datetime

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"

# Display statuses, in the words of Xero's own screens.
DRAFT = "draft"
AWAITING = "awaiting"
OVERDUE = "overdue"
PARTIAL = "partial"
PAID = "paid"
VOIDED = "voided"
DELETED = "deleted"
STATUS_LABELS = {
    DRAFT: "Draft",
    AWAITING: "Awaiting payment",
    OVERDUE: "Overdue",
    PARTIAL: "Partially paid",
    PAID: "Paid",
    VOIDED: "Voided",
    DELETED: "Deleted",
}


def display_status(xero_status, amount_due, amount_paid, due_date, today):
    if xero_status in ("DRAFT", "SUBMITTED"):
        return DRAFT
    if xero_status == "VOIDED":
        return VOIDED
    if xero_status == "DELETED":
        return DELETED
    if xero_status == "PAID" or (amount_due <= 0 and xero_status == "AUTHORISED"):
        return PAID
    if due_date and due_date < today:
        return OVERDUE
    if amount_paid > 0:
        return PARTIAL
    return AWAITING


def parse_amount(value):
    """A Xero amount as a Decimal; ValueError when it is not one."""
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except ArithmeticError:
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    return amount


def _contact_id(document):
    contact = document.get("Contact")
    if contact is None:
        return ""
    if not isinstance(contact, dict):
        raise ValueError(f"{contact!r} is not a contact")
    return contact.get("ContactID") or ""


@dataclass
class LedgerLine:
    external_id: str
    contact_id: str
    kind: str
    number: str
    reference: str
    date: object
    due_date: object
    status: str
    currency: str
    total: Decimal
    amount_paid: Decimal
    amount_due: Decimal
    amount_credited: Decimal
    updated_at: object
    payments: list


def from_invoice(invoice):
    """Xero invoice JSON -> LedgerLine. Raises ValueError on data that
    cannot be read (the caller notes it on that record only)."""
    if not isinstance(invoice, dict) or not invoice.get("InvoiceID"):
        raise ValueError("not an invoice")
    payments = []
    for payment in invoice.get("Payments") or []:
        if not isinstance(payment, dict):
            continue
        payments.append({
            "external_id": payment.get("PaymentID"),
            "date": parse_date(payment.get("Date")),
            "amount": parse_amount(payment.get("Amount")),
            "reference": payment.get("Reference") or "",
        })
    return LedgerLine(
        external_id=invoice["InvoiceID"],
        contact_id=_contact_id(invoice),
        kind=INVOICE,
        number=invoice.get("InvoiceNumber") or "",
        reference=invoice.get("Reference") or "",
        date=parse_date(invoice.get("Date")),
        due_date=parse_date(invoice.get("DueDate")),
        status=str(invoice.get("Status") or "DRAFT").upper(),
        currency=invoice.get("CurrencyCode") or "",
        total=parse_amount(invoice.get("Total")),
        amount_paid=parse_amount(invoice.get("AmountPaid")),
        amount_due=parse_amount(invoice.get("AmountDue")),
        amount_credited=parse_amount(invoice.get("AmountCredited")),
        updated_at=parse_datetime(invoice.get("UpdatedDateUTC")),
        payments=payments,
    )


def from_credit_note(note):
    if not isinstance(note, dict) or not note.get("CreditNoteID"):
        raise ValueError("not a credit note")
    total = parse_amount(note.get("Total"))
    remaining = parse_amount(note.get("RemainingCredit"))
    return LedgerLine(
        external_id=note["CreditNoteID"],
        contact_id=_contact_id(note),
        kind=CREDIT_NOTE,
        number=note.get("CreditNoteNumber") or "",
        reference=note.get("Reference") or "",
        date=parse_date(note.get("Date")),
        due_date=parse_date(note.get("DueDate")),
        status=str(note.get("Status") or "DRAFT").upper(),
        currency=note.get("CurrencyCode") or "",
        total=total,
        amount_paid=total - remaining,
        amount_due=remaining,
        amount_credited=Decimal(0),
        updated_at=parse_datetime(note.get("UpdatedDateUTC")),
        payments=[],
    )
