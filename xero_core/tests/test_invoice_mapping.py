from datetime import date

import pytest

from xero_core import invoice_mapping as im


def doc(**kw):
    base = {
        "kind": "invoice", "contact_id": "c1", "number": "INV/2026/0001",
        "number_mode": "reference", "reference": "PO-1", "date": date(2026, 5, 1),
        "due_date": date(2026, 5, 31), "currency": "NZD", "status": "DRAFT",
        "external_id": None,
        "lines": [{"description": "Work", "quantity": 3, "unit_amount": 12.34567,
                   "discount": 10, "account_code": "200", "tax_type": "OUTPUT2",
                   "item_code": "ODOO", "price_include": False, "taxed": True}],
    }
    base.update(kw)
    return base


def test_invoice_payload():
    payload = im.to_xero(doc())
    assert payload["Type"] == "ACCREC"
    assert payload["Contact"] == {"ContactID": "c1"}
    assert payload["Reference"] == "INV/2026/0001" and "InvoiceNumber" not in payload
    assert payload["Date"] == "2026-05-01" and payload["DueDate"] == "2026-05-31"
    assert payload["LineAmountTypes"] == "Exclusive"
    [line] = payload["LineItems"]
    assert line == {"Description": "Work", "Quantity": 3.0, "UnitAmount": 12.3457,
                    "AccountCode": "200", "TaxType": "OUTPUT2", "DiscountRate": 10.0,
                    "ItemCode": "ODOO"}


def test_number_mode_and_update_and_credit_note():
    payload = im.to_xero(doc(number_mode="number", external_id="x1"))
    assert payload["InvoiceNumber"] == "INV/2026/0001" and payload["Reference"] == "PO-1"
    assert payload["InvoiceID"] == "x1"
    note = im.to_xero(doc(kind="credit_note", external_id="n1"))
    assert note["Type"] == "ACCRECCREDIT" and note["CreditNoteID"] == "n1"
    assert "DueDate" not in note


def test_inclusive_mixed_and_untaxed():
    inclusive = dict(doc()["lines"][0], price_include=True)
    assert im.to_xero(doc(lines=[inclusive]))["LineAmountTypes"] == "Inclusive"
    with pytest.raises(im.InvoiceMappingError, match="mixes"):
        im.to_xero(doc(lines=[inclusive, doc()["lines"][0]]))
    untaxed = dict(doc()["lines"][0], taxed=False, price_include=True, tax_type="NONE")
    assert im.to_xero(doc(lines=[untaxed]))["LineAmountTypes"] == "Exclusive"


def test_refusals_are_clear():
    with pytest.raises(im.InvoiceMappingError, match="customer"):
        im.to_xero(doc(contact_id=None))
    with pytest.raises(im.InvoiceMappingError, match="no lines"):
        im.to_xero(doc(lines=[]))
    with pytest.raises(im.InvoiceMappingError, match="tax type"):
        im.to_xero(doc(lines=[dict(doc()["lines"][0], tax_type=None)]))


def test_rounding_difference():
    assert im.rounding_difference(115.01, 115.0) == pytest.approx(0.01)
    assert im.rounding_difference(115.004, 115.0) == 0.0


def test_small_payloads():
    assert im.status_change("credit_note", "n1", "VOIDED") == {"CreditNoteID": "n1",
                                                               "Status": "VOIDED"}
    assert im.cancel_status("DRAFT") == "DELETED" and im.cancel_status("AUTHORISED") == "VOIDED"
    assert im.payment("i1", "090", date(2026, 5, 2), 40.005, "r") == {
        "Invoice": {"InvoiceID": "i1"}, "Account": {"Code": "090"}, "Date": "2026-05-02",
        "Amount": 40.01, "Reference": "r"}
    assert im.allocation("i1", date(2026, 5, 2), 23)["Amount"] == 23.0


def test_push_status():
    assert im.push_status(None, "DRAFT") == "DRAFT"
    assert im.push_status("DRAFT", "AUTHORISED") == "AUTHORISED"
    assert im.push_status("AUTHORISED", "DRAFT") == "AUTHORISED"
    assert im.push_status("PAID", "DRAFT") == "AUTHORISED"
