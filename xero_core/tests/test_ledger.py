from datetime import date
from decimal import Decimal

import pytest

from xero_core import ledger

TODAY = date(2026, 5, 15)


@pytest.mark.parametrize("status, due, paid, due_date, expected", [
    ("DRAFT", 100, 0, None, ledger.DRAFT),
    ("SUBMITTED", 100, 0, None, ledger.DRAFT),
    ("AUTHORISED", 100, 0, date(2026, 6, 1), ledger.AWAITING),
    ("AUTHORISED", 100, 0, TODAY, ledger.AWAITING),  # due today is not overdue
    ("AUTHORISED", 100, 0, date(2026, 5, 14), ledger.OVERDUE),
    ("AUTHORISED", 50, 50, date(2026, 6, 1), ledger.PARTIAL),
    ("AUTHORISED", 50, 50, date(2026, 5, 1), ledger.OVERDUE),
    ("PAID", 0, 100, date(2026, 5, 1), ledger.PAID),
    ("VOIDED", 0, 0, date(2026, 5, 1), ledger.VOIDED),
    ("DELETED", 0, 0, None, ledger.DELETED),
])
def test_display_status(status, due, paid, due_date, expected):
    assert ledger.display_status(status, Decimal(due), Decimal(paid), due_date, TODAY) == expected


def test_invoice_with_instalments():
    line = ledger.from_invoice({
        "InvoiceID": "i1", "InvoiceNumber": "INV-0007", "Type": "ACCREC",
        "Contact": {"ContactID": "c1"}, "Date": "/Date(1714953600000+0000)/",
        "DueDate": "2024-06-05T00:00:00", "Status": "AUTHORISED", "CurrencyCode": "NZD",
        "Total": 115.0, "AmountPaid": 60.0, "AmountDue": 55.0,
        "UpdatedDateUTC": "/Date(1714953600000+0000)/",
        "Payments": [
            {"PaymentID": "p1", "Date": "/Date(1715040000000+0000)/", "Amount": 40,
             "Reference": "first"},
            {"PaymentID": "p2", "Date": "/Date(1715126400000+0000)/", "Amount": 20},
        ],
    })
    assert (line.number, line.contact_id, line.currency) == ("INV-0007", "c1", "NZD")
    assert line.date == date(2024, 5, 6) and line.due_date == date(2024, 6, 5)
    assert line.amount_due == Decimal("55.0")
    assert [p["amount"] for p in line.payments] == [Decimal(40), Decimal(20)]
    assert line.payments[0]["date"] == date(2024, 5, 7)


def test_credit_note_balance_is_remaining_credit():
    line = ledger.from_credit_note({"CreditNoteID": "n1", "CreditNoteNumber": "CN-1",
                                    "Total": 30, "RemainingCredit": 10, "Status": "AUTHORISED",
                                    "Contact": {"ContactID": "c1"}})
    assert (line.kind, line.amount_paid, line.amount_due) == (
        ledger.CREDIT_NOTE, Decimal(20), Decimal(10))


def test_bad_records_raise_value_error():
    with pytest.raises(ValueError):
        ledger.from_invoice({"Total": 1})
    with pytest.raises(ValueError):
        ledger.from_invoice({"InvoiceID": "x", "Total": "abc"})
    with pytest.raises(ValueError):
        ledger.from_invoice({"InvoiceID": "x", "Date": "/Date(bad)/"})
    # Whatever the shape, a bad record is a ValueError the caller notes.
    for bad in ({"InvoiceID": "x", "Contact": "abc"},
                {"InvoiceID": "x", "Date": "/Date(99999999999999999999)/"},
                {"InvoiceID": "x", "Total": "Infinity"},
                {"InvoiceID": "x", "AmountDue": "NaN"}):
        with pytest.raises(ValueError):
            ledger.from_invoice(bad)
    with pytest.raises(ValueError):
        ledger.from_credit_note({"CreditNoteID": "n", "Contact": ["x"]})
