"""Invoices, payments and credit notes: totals, numbering, status rules, balances."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from helpers import ORG_A
from xero_python.accounting import (
    Account,
    Allocation,
    Allocations,
    Contact,
    Invoice,
    Invoices,
    LineAmountTypes,
    LineItem,
    Payment,
    PaymentDelete,
    Payments,
)
from xero_python.exceptions import AccountingBadRequestException

EXISTING = "c0000000-0000-4000-8000-000000000001"
ARCHIVED = "c0000000-0000-4000-8000-000000000002"
NOT_MODIFIABLE = "Invoice not of valid status for modification"


def _invoice(acme, status="AUTHORISED", lines=None, number=None, kind="ACCREC", **kw):
    body = {
        "Type": kind,
        "Contact": {"ContactID": EXISTING},
        "Date": "2024-03-01",
        "DueDate": "2024-03-31",
        "Status": status,
        "LineItems": lines
        or [
            {
                "Description": "Work",
                "Quantity": 2,
                "UnitAmount": 100,
                "AccountCode": "200",
                "TaxType": "OUTPUT",
            }
        ],
    }
    if number:
        body["InvoiceNumber"] = number
    body.update(kw)
    return acme.accounting.create_invoices(ORG_A, {"Invoices": [body]}).invoices[0]


def _pay(acme, invoice_id, amount, day="2024-03-10"):
    return acme.accounting.create_payment(
        ORG_A,
        Payment(
            invoice=Invoice(invoice_id=invoice_id),
            account=Account(code="090"),
            date=date.fromisoformat(day),
            amount=Decimal(amount),
            reference="Bank transfer",
        ),
    ).payments[0]


def test_exclusive_totals_with_discount_and_tax(acme):
    inv = _invoice(
        acme,
        lines=[
            {
                "Description": "Hours",
                "Quantity": 2,
                "UnitAmount": 100,
                "AccountCode": "200",
                "TaxType": "OUTPUT",
            },
            {
                "Description": "Discounted",
                "Quantity": 1,
                "UnitAmount": 50,
                "DiscountRate": 10,
                "AccountCode": "200",
                "TaxType": "NONE",
            },
        ],
    )
    assert [li.line_amount for li in inv.line_items] == [Decimal("200"), Decimal("45")]
    assert [li.tax_amount for li in inv.line_items] == [Decimal("30"), Decimal("0")]
    assert (inv.sub_total, inv.total_tax, inv.total) == (245, 30, 275)
    assert inv.amount_due == 275 and inv.amount_paid == 0
    assert inv.line_amount_types == LineAmountTypes.EXCLUSIVE
    assert inv.date == date(2024, 3, 1) and inv.is_discounted is True


def test_inclusive_and_no_tax(acme):
    inc = _invoice(
        acme,
        LineAmountTypes="Inclusive",
        lines=[
            {
                "Description": "Gross",
                "Quantity": 1,
                "UnitAmount": 115,
                "AccountCode": "200",
            }
        ],
    )
    assert (inc.sub_total, inc.total_tax, inc.total) == (100, 15, 115)
    none = _invoice(
        acme,
        LineAmountTypes="NoTax",
        lines=[
            {
                "Description": "Untaxed",
                "Quantity": 3,
                "UnitAmount": "9.99",
                "AccountCode": "200",
                "TaxType": "OUTPUT",
            }
        ],
    )
    assert none.line_items[0].tax_type == "NONE"
    assert (none.sub_total, none.total_tax, none.total) == (
        Decimal("29.97"),
        0,
        Decimal("29.97"),
    )


def test_invoice_with_sdk_models_and_ms_dates(acme):
    created = acme.accounting.create_invoices(
        ORG_A,
        Invoices(
            invoices=[
                Invoice(
                    type="ACCREC",
                    contact=Contact(contact_id=EXISTING),
                    date=date(2024, 5, 1),
                    due_date=date(2024, 5, 20),
                    status="DRAFT",
                    line_items=[
                        LineItem(
                            description="SDK line",
                            quantity=Decimal(1),
                            unit_amount=Decimal("10.50"),
                            account_code="200",
                        )
                    ],
                )
            ]
        ),
    ).invoices[0]
    assert created.date == date(2024, 5, 1) and created.due_date == date(2024, 5, 20)
    assert created.total == Decimal("12.08")
    assert created.invoice_number == "INV-0001"


def test_auto_numbering_and_uniqueness(acme):
    assert _invoice(acme).invoice_number == "INV-0001"
    assert _invoice(acme, number="INV-0010").invoice_number == "INV-0010"
    assert _invoice(acme).invoice_number == "INV-0011"
    with pytest.raises(AccountingBadRequestException) as exc:
        _invoice(acme, number="inv-0010")
    assert exc.value.reason == "Invoice # must be unique."
    bills = [_invoice(acme, kind="ACCPAY", number="SUP-1") for _ in range(2)]
    assert bills[0].invoice_id != bills[1].invoice_id


def test_unitdp_four_keeps_unit_precision(sb, acme):
    lines = [
        {
            "Description": "Fine",
            "Quantity": 2,
            "UnitAmount": "12.3456",
            "AccountCode": "200",
            "TaxType": "NONE",
        }
    ]
    body = {
        "Invoices": [
            {"Type": "ACCREC", "Contact": {"ContactID": EXISTING}, "LineItems": lines}
        ]
    }
    four = acme.accounting.create_invoices(ORG_A, body, unitdp=4).invoices[0]
    assert four.line_items[0].unit_amount == Decimal("12.3456")
    assert four.line_items[0].line_amount == Decimal("24.69")
    again = acme.accounting.get_invoice(ORG_A, four.invoice_id).invoices[0]
    assert again.line_items[0].unit_amount == Decimal("12.35")
    two = acme.accounting.create_invoices(ORG_A, body).invoices[0]
    assert two.line_items[0].unit_amount == Decimal("12.35")
    assert two.line_items[0].line_amount == Decimal("24.70")


def test_payments_drive_amount_due_and_paid_status(sb, acme):
    inv = _invoice(acme)
    first = _pay(acme, inv.invoice_id, "100.00", "2024-03-05")
    assert first.payment_type == "ACCRECPAYMENT" and first.status == "AUTHORISED"
    part = acme.accounting.get_invoice(ORG_A, inv.invoice_id).invoices[0]
    assert (part.amount_paid, part.amount_due, part.status) == (100, 130, "AUTHORISED")
    assert part.updated_date_utc >= inv.updated_date_utc
    with pytest.raises(AccountingBadRequestException) as exc:
        _pay(acme, inv.invoice_id, "500")
    assert (
        exc.value.reason
        == "Payment amount exceeds the amount outstanding on this document"
    )
    _pay(acme, inv.invoice_id, "130.00", "2024-03-20")
    paid = acme.accounting.get_invoice(ORG_A, inv.invoice_id).invoices[0]
    assert paid.status == "PAID" and paid.amount_due == 0
    assert paid.fully_paid_on_date == date(2024, 3, 20)
    assert [p.amount for p in paid.payments] == [100, 130]
    listed = acme.accounting.get_invoices(ORG_A, i_ds=[inv.invoice_id]).invoices[0]
    assert listed.payments[0].reference == "Bank transfer"
    with pytest.raises(AccountingBadRequestException) as exc:
        _pay(acme, inv.invoice_id, "1")
    assert exc.value.reason == "Payments can only be made against Authorised documents."


def test_deleting_a_payment_reopens_the_invoice(sb, acme):
    inv = _invoice(acme)
    payment = _pay(acme, inv.invoice_id, "230.00")
    sb.advance(5)
    deleted = acme.accounting.delete_payment(
        ORG_A, payment.payment_id, PaymentDelete(status="DELETED")
    ).payments[0]
    assert deleted.status == "DELETED"
    reopened = acme.accounting.get_invoice(ORG_A, inv.invoice_id).invoices[0]
    assert reopened.status == "AUTHORISED" and reopened.amount_due == 230
    assert reopened.fully_paid_on_date is None and reopened.payments == []
    assert reopened.updated_date_utc > inv.updated_date_utc
    assert acme.accounting.get_payments(ORG_A, where='Status=="DELETED"').payments


def test_edits_refused_once_paid_or_part_paid(sb, acme):
    inv = _invoice(acme)
    _pay(acme, inv.invoice_id, "50")
    change = {
        "Invoices": [
            {
                "LineItems": [
                    {
                        "Description": "Changed",
                        "Quantity": 1,
                        "UnitAmount": 10,
                        "AccountCode": "200",
                    }
                ]
            }
        ]
    }
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.update_invoice(ORG_A, inv.invoice_id, change)
    assert exc.value.reason == NOT_MODIFIABLE
    before = acme.accounting.get_invoice(ORG_A, inv.invoice_id).invoices[0]
    sb.advance(5)
    moved = acme.accounting.update_invoice(
        ORG_A, inv.invoice_id, {"Invoices": [{"DueDate": "2024-04-30"}]}
    ).invoices[0]
    assert moved.due_date == date(2024, 4, 30)
    assert moved.updated_date_utc == before.updated_date_utc
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.update_invoice(
            ORG_A, inv.invoice_id, {"Invoices": [{"Status": "VOIDED"}]}
        )
    assert exc.value.reason == NOT_MODIFIABLE


def test_status_flow(acme):
    draft = _invoice(acme, status="DRAFT")
    edited = acme.accounting.update_invoice(
        ORG_A,
        draft.invoice_id,
        {"Invoices": [{"Reference": "Edited", "Status": "SUBMITTED"}]},
    ).invoices[0]
    assert (edited.reference, edited.status) == ("Edited", "SUBMITTED")
    deleted = acme.accounting.update_invoice(
        ORG_A, draft.invoice_id, {"Invoices": [{"Status": "DELETED"}]}
    ).invoices[0]
    assert deleted.status == "DELETED" and deleted.amount_due == 0
    approved = _invoice(acme)
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.update_invoice(
            ORG_A, approved.invoice_id, {"Invoices": [{"Status": "DELETED"}]}
        )
    assert exc.value.reason == NOT_MODIFIABLE
    voided = acme.accounting.update_invoice(
        ORG_A, approved.invoice_id, {"Invoices": [{"Status": "VOIDED"}]}
    ).invoices[0]
    assert voided.status == "VOIDED" and voided.amount_due == 0
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.update_invoice(
            ORG_A, approved.invoice_id, {"Invoices": [{"Reference": "too late"}]}
        )
    assert exc.value.reason == NOT_MODIFIABLE
    with pytest.raises(AccountingBadRequestException) as exc:
        _invoice(acme, status="PAID")
    assert exc.value.reason == "Invoice not of valid status for creation"


def test_post_matches_invoice_number(acme):
    inv = _invoice(acme, status="DRAFT", number="INV-0100")
    same = acme.accounting.update_or_create_invoices(
        ORG_A,
        {
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "InvoiceNumber": "INV-0100",
                    "Reference": "via number",
                }
            ]
        },
    )
    assert same.invoices[0].invoice_id == inv.invoice_id
    assert same.invoices[0].reference == "via number"


def test_contact_by_name_archived_contact_and_customer_flag(sb, acme):
    inv = acme.accounting.create_invoices(
        ORG_A,
        {
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Contact": {"Name": "Walk-in Customer"},
                    "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 5}],
                }
            ]
        },
    ).invoices[0]
    contact = acme.accounting.get_contact(ORG_A, inv.contact.contact_id).contacts[0]
    assert contact.name == "Walk-in Customer" and contact.is_customer is True
    assert contact.is_supplier is False
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.create_invoices(
            ORG_A,
            {
                "Invoices": [
                    {
                        "Type": "ACCREC",
                        "Contact": {"ContactID": ARCHIVED},
                        "LineItems": [
                            {"Description": "x", "Quantity": 1, "UnitAmount": 5}
                        ],
                    }
                ]
            },
        )
    assert exc.value.reason.startswith(
        "The contact with the specified contact details has been archived."
    )
    bill = _invoice(acme, kind="ACCPAY")
    supplier = acme.accounting.get_contact(ORG_A, bill.contact.contact_id).contacts[0]
    assert supplier.is_supplier is True


def test_bad_tax_type_and_account_code(acme):
    result = acme.accounting.create_invoices(
        ORG_A,
        {
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": EXISTING},
                    "LineItems": [
                        {
                            "Description": "x",
                            "Quantity": 1,
                            "UnitAmount": 5,
                            "TaxType": "BOGUS",
                        }
                    ],
                },
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": EXISTING},
                    "LineItems": [
                        {
                            "Description": "x",
                            "Quantity": 1,
                            "UnitAmount": 5,
                            "AccountCode": "999",
                        }
                    ],
                },
            ]
        },
        summarize_errors=False,
    ).invoices
    assert result[0].has_errors is True and result[0].status_attribute_string == "ERROR"
    assert (
        "The TaxType code BOGUS does not exist"
        in result[0].validation_errors[0].message
    )
    assert result[1].validation_errors[0].message == (
        "Account code '999' is not a valid code for this document."
    )


def test_credit_note_allocation_reduces_amount_due(sb, acme):
    inv = _invoice(acme)
    note = acme.accounting.create_credit_notes(
        ORG_A,
        {
            "CreditNotes": [
                {
                    "Type": "ACCRECCREDIT",
                    "Contact": {"ContactID": EXISTING},
                    "Status": "AUTHORISED",
                    "Date": "2024-03-15",
                    "LineItems": [
                        {
                            "Description": "Credit",
                            "Quantity": 1,
                            "UnitAmount": 40,
                            "AccountCode": "200",
                            "TaxType": "OUTPUT",
                        }
                    ],
                }
            ]
        },
    ).credit_notes[0]
    assert note.credit_note_number == "CN-0001" and note.remaining_credit == 46
    allocation = acme.accounting.create_credit_note_allocation(
        ORG_A,
        note.credit_note_id,
        Allocations(
            allocations=[
                Allocation(
                    invoice=Invoice(invoice_id=inv.invoice_id),
                    amount=Decimal("46.00"),
                    date=date(2024, 3, 16),
                )
            ]
        ),
    ).allocations[0]
    assert allocation.amount == 46
    updated = acme.accounting.get_invoice(ORG_A, inv.invoice_id).invoices[0]
    assert (updated.amount_credited, updated.amount_due) == (46, 184)
    assert updated.credit_notes[0].applied_amount == 46
    note = acme.accounting.get_credit_note(ORG_A, note.credit_note_id).credit_notes[0]
    assert note.remaining_credit == 0 and note.status == "PAID"
    with pytest.raises(AccountingBadRequestException):
        acme.accounting.create_credit_note_allocation(
            ORG_A,
            note.credit_note_id,
            {
                "Allocations": [
                    {
                        "Invoice": {"InvoiceID": inv.invoice_id},
                        "Amount": 1,
                        "Date": "2024-03-17",
                    }
                ]
            },
        )
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.update_invoice(
            ORG_A, inv.invoice_id, {"Invoices": [{"Date": "2024-02-01"}]}
        )
    assert exc.value.error_data["Elements"][0]["ValidationErrors"][1][
        "Message"
    ].startswith("Date cannot be changed")


def test_invoice_list_shapes_and_filters(sb, acme):
    a = _invoice(acme, Reference="alpha", Date="2024-01-10")
    b = _invoice(acme, status="DRAFT", Date="2024-02-10")
    c = _invoice(acme, kind="ACCPAY", Date="2024-03-10")
    unpaged = acme.accounting.get_invoices(ORG_A).invoices
    assert all(i.line_items == [] for i in unpaged)
    paged = acme.accounting.get_invoices(ORG_A, page=1).invoices
    assert all(i.line_items for i in paged)
    raw = sb.api_get(
        "Invoices", acme.token, ORG_A, params={"summaryOnly": "true", "page": "1"}
    ).json()
    assert (
        "LineItems" not in raw["Invoices"][0] and "Payments" not in raw["Invoices"][0]
    )

    def ids(**kw):
        return [
            i.invoice_id for i in acme.accounting.get_invoices(ORG_A, **kw).invoices
        ]

    assert ids(where='Status=="DRAFT"') == [b.invoice_id]
    assert ids(where='Type=="ACCPAY"') == [c.invoice_id]
    assert ids(
        where=f'Contact.ContactID==GUID("{EXISTING}") AND Reference=="alpha"'
    ) == [a.invoice_id]
    assert ids(where="Date >= DateTime(2024,02,01)", order="Date DESC") == [
        c.invoice_id,
        b.invoice_id,
    ]
    assert ids(statuses=["DRAFT", "AUTHORISED"], order="Date") == [
        a.invoice_id,
        b.invoice_id,
        c.invoice_id,
    ]
    assert ids(invoice_numbers=[b.invoice_number]) == [b.invoice_id]
    assert len(ids(contact_i_ds=[EXISTING])) == 3
    assert ids(created_by_my_app=True, where='Type=="ACCPAY"') == [c.invoice_id]


def test_if_modified_since_picks_up_payment_bumps(sb, acme):
    inv = _invoice(acme)
    _invoice(acme)
    sb.advance(120)
    cursor = datetime.now(UTC) + timedelta(seconds=119)
    _pay(acme, inv.invoice_id, "10")
    changed = acme.accounting.get_invoices(ORG_A, if_modified_since=cursor)
    assert [i.invoice_id for i in changed.invoices] == [inv.invoice_id]
    assert (
        len(acme.accounting.get_payments(ORG_A, if_modified_since=cursor).payments) == 1
    )


def test_online_invoice(acme):
    draft = _invoice(acme, status="DRAFT")
    with pytest.raises(AccountingBadRequestException):
        acme.accounting.get_online_invoice(ORG_A, draft.invoice_id)
    approved = _invoice(acme)
    url = acme.accounting.get_online_invoice(ORG_A, approved.invoice_id)
    assert url.online_invoices[0].online_invoice_url.startswith("https://in.xero.com/")


def test_batch_payments_and_get_payment(acme):
    inv = _invoice(acme)
    result = acme.accounting.create_payments(
        ORG_A,
        Payments(
            payments=[
                Payment(
                    invoice=Invoice(invoice_id=inv.invoice_id),
                    account=Account(code="090"),
                    date=date(2024, 3, 2),
                    amount=Decimal("30"),
                ),
                Payment(
                    invoice=Invoice(invoice_id=inv.invoice_id),
                    account=Account(code="200"),
                    date=date(2024, 3, 2),
                    amount=Decimal("30"),
                ),
            ]
        ),
        summarize_errors=False,
    ).payments
    assert result[0].status_attribute_string == "OK"
    assert result[1].status_attribute_string == "ERROR"
    fetched = acme.accounting.get_payment(ORG_A, result[0].payment_id).payments[0]
    assert (
        fetched.invoice.invoice_id == inv.invoice_id and fetched.account.code == "090"
    )
