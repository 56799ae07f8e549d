from datetime import date
from decimal import Decimal

import pytest

from xero_core import document_mapping as dm


def _record(**extra):
    record = {
        "Type": "ACCPAY", "InvoiceID": "ABC-1", "InvoiceNumber": "SUP-5", "Reference": "",
        "Contact": {"ContactID": "CON-1", "Name": "Acme"}, "Status": "AUTHORISED",
        "Date": "/Date(1777593600000+0000)/", "DueDate": "2026-05-31",
        "CurrencyCode": "nzd", "CurrencyRate": 1, "LineAmountTypes": "Exclusive",
        "LineItems": [{"Description": "Widgets", "Quantity": 2, "UnitAmount": "10.50",
                       "TaxType": "input2", "TaxAmount": 3.15, "LineAmount": 21,
                       "AccountCode": "429"}],
        "Total": 24.15, "AmountPaid": 0, "Payments": [],
        "UpdatedDateUTC": "/Date(1777600000000+0000)/",
    }
    record.update(extra)
    return record


def test_a_bill_is_read_with_its_lines():
    doc = dm.from_xero(_record())
    assert (doc["kind"], doc["side"], doc["external_id"], doc["contact_id"]) == (
        "invoice", "purchase", "abc-1", "con-1")
    assert (doc["date"], doc["due_date"], doc["currency"]) == (
        date(2026, 5, 1), date(2026, 5, 31), "NZD")
    [line] = doc["lines"]
    assert (line["quantity"], line["unit_amount"], line["tax_type"]) == (
        Decimal(2), Decimal("10.50"), "INPUT2")
    assert not doc["has_payments"]


def test_credit_notes_use_their_own_id_and_number():
    doc = dm.from_xero(_record(Type="ACCRECCREDIT", CreditNoteID="CN-1",
                               CreditNoteNumber="CN-0001"))
    assert (doc["kind"], doc["side"], doc["external_id"], doc["number"]) == (
        "credit_note", "sale", "cn-1", "CN-0001")


@pytest.mark.parametrize("change", [
    {"Type": "SPEND"}, {"InvoiceID": ""}, {"Contact": "Acme"}, {"LineItems": ["x"]},
    {"Total": "lots"}, {"Date": "yesterday"},
])
def test_unreadable_documents_say_why(change):
    with pytest.raises(ValueError):
        dm.from_xero(_record(**change))


def test_the_content_key_ignores_status_and_payments_only():
    doc = dm.from_xero(_record())
    paid = dm.from_xero(_record(Status="PAID", AmountPaid=24.15, Payments=[{"PaymentID": "p"}]))
    assert dm.content_key(doc) == dm.content_key(paid)
    edited = dm.from_xero(_record(LineItems=[dict(_record()["LineItems"][0], Quantity=3)]))
    assert dm.content_key(doc) != dm.content_key(edited)


def test_differences_in_words_and_json_round_trip():
    doc = dm.from_xero(_record())
    edited = dm.from_xero(_record(InvoiceNumber="SUP-6",
                                  LineItems=[dict(_record()["LineItems"][0], Quantity=3,
                                                  LineAmount="31.5")]))
    changes = dm.differences(doc, edited)
    assert "Number: SUP-5 → SUP-6" in changes
    assert "Line removed: Widgets 2 × 10.5 INPUT2 = 21" in changes
    assert "Line added: Widgets 3 × 10.5 INPUT2 = 31.5" in changes
    again = dm.from_json(dm.to_json(doc))
    assert again == doc
    assert dm.content_key(again) == dm.content_key(doc)
