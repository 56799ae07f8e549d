"""Payments: batches, payment accounts, foreign currencies, payments made in Xero."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from xero_python.accounting import Account, Invoice, Payment, PaymentDelete, Payments
from xero_python.exceptions import AccountingBadRequestException
from xero_sandbox.demo import MAIN, demo_id

CUSTOMER = demo_id(MAIN, "contact", "Boom FM")
SUPPLIER = demo_id(MAIN, "contact", "PowerDirect")


def _invoice(client, amount=100, kind="ACCREC", **kw):
    body = {
        "Type": kind,
        "Contact": {"ContactID": SUPPLIER if kind == "ACCPAY" else CUSTOMER},
        "Date": "2024-03-01",
        "DueDate": "2024-03-31",
        "Status": "AUTHORISED",
        "LineAmountTypes": "NoTax",
        "LineItems": [{"Description": "Work", "Quantity": 1, "UnitAmount": amount,
                       "AccountCode": "429" if kind == "ACCPAY" else "200"}],
        **kw,
    }
    return client.accounting.create_invoices(MAIN, {"Invoices": [body]}).invoices[0]


def _fresh(demo):
    """A new client once the clock has moved past the token's life."""
    token = demo.connect(user="demo@example.com", client_id="sandbox-client-id")
    return demo.client(token, client_id="sandbox-client-id", secret="sandbox-client-secret")


def _payment(invoice_id, amount, code="090", **kw):
    return Payment(
        invoice=Invoice(invoice_id=invoice_id),
        account=Account(code=code),
        date=date(2024, 3, 10),
        amount=Decimal(amount),
        **kw,
    )


def test_many_payments_in_one_call(practice):
    acc = practice.accounting
    one, two = _invoice(practice), _invoice(practice, 50)
    result = acc.create_payments(
        MAIN,
        Payments(payments=[_payment(one.invoice_id, "60"), _payment(one.invoice_id, "40"),
                           _payment(two.invoice_id, "20")]),
    ).payments
    assert [p.amount for p in result] == [60, 40, 20]
    assert acc.get_invoice(MAIN, one.invoice_id).invoices[0].status == "PAID"
    assert acc.get_invoice(MAIN, two.invoice_id).invoices[0].amount_due == 30


def test_summarized_payment_errors_keep_the_good_ones(sb, practice):
    acc = practice.accounting
    inv = _invoice(practice)
    with pytest.raises(AccountingBadRequestException) as exc:
        acc.create_payments(
            MAIN,
            Payments(payments=[_payment(inv.invoice_id, "30"),
                               _payment(inv.invoice_id, "999")]),
        )
    elements = exc.value.error_data["Elements"]
    assert len(elements) == 1 and elements[0]["Amount"] == 999
    assert elements[0]["ValidationErrors"][0]["Message"] == (
        "Payment amount exceeds the amount outstanding on this document"
    )
    assert acc.get_invoice(MAIN, inv.invoice_id).invoices[0].amount_paid == 30
    per_element = acc.create_payments(
        MAIN,
        Payments(payments=[_payment(inv.invoice_id, "999"), _payment(inv.invoice_id, "5")]),
        summarize_errors=False,
    ).payments
    assert [p.status_attribute_string for p in per_element] == ["ERROR", "OK"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("200", "Account type is invalid for making a payment to/from"),
        ("610", "Account type is invalid for making a payment to/from"),
        ("093", "Account must be valid."),
        ("092", "The bank account must be in the base currency or in the currency of "
                "the document."),
        ("777", "Account could not be found"),
    ],
)
def test_payment_accounts(practice, code, message):
    inv = _invoice(practice)
    with pytest.raises(AccountingBadRequestException) as exc:
        practice.accounting.create_payment(MAIN, _payment(inv.invoice_id, "10", code))
    assert exc.value.reason == message


def test_account_is_required_and_payments_enabled_accounts_take_payments(practice):
    inv = _invoice(practice)
    with pytest.raises(AccountingBadRequestException) as exc:
        practice.accounting.create_payment(
            MAIN, Payment(invoice=Invoice(invoice_id=inv.invoice_id), amount=Decimal(1))
        )
    assert exc.value.reason == "You must specify an Account code or Account ID for the payment"
    paid = practice.accounting.create_payment(MAIN, _payment(inv.invoice_id, "10", "880"))
    assert paid.payments[0].account.code == "880"


def test_payment_in_the_documents_currency(practice):
    inv = _invoice(practice, 200, CurrencyCode="USD", CurrencyRate="0.6")
    into_nzd = practice.accounting.create_payment(
        MAIN, _payment(inv.invoice_id, "60", currency_rate=Decimal("0.64"))
    ).payments[0]
    assert into_nzd.amount == 60 and into_nzd.currency_rate == Decimal("0.64")
    assert into_nzd.bank_amount == Decimal("93.75")
    into_usd = practice.accounting.create_payment(
        MAIN, _payment(inv.invoice_id, "40", "092")
    ).payments[0]
    assert into_usd.bank_amount == 40 and into_usd.currency_rate == Decimal("0.6")
    shown = practice.accounting.get_invoice(MAIN, inv.invoice_id).invoices[0]
    assert shown.amount_due == 100 and shown.currency_rate == Decimal("0.6")
    assert [p.currency_rate for p in shown.payments] == [Decimal("0.64"), Decimal("0.6")]
    base = _invoice(practice, 10)
    plain = practice.accounting.create_payment(
        MAIN, _payment(base.invoice_id, "10", currency_rate=Decimal("3"))
    ).payments[0]
    assert plain.currency_rate == 1 and plain.bank_amount == 10


def test_paying_a_bill(practice):
    bill = _invoice(practice, 80, kind="ACCPAY", InvoiceNumber="PD-900")
    payment = practice.accounting.create_payment(
        MAIN, _payment(bill.invoice_id, "80")
    ).payments[0]
    assert payment.payment_type == "ACCPAYPAYMENT"
    assert practice.accounting.get_invoice(MAIN, bill.invoice_id).invoices[0].status == "PAID"


def test_deleting_a_payment_reopens_the_invoice_and_bumps_it(demo, practice):
    inv = _invoice(practice)
    payment = practice.accounting.create_payment(
        MAIN, _payment(inv.invoice_id, "100")
    ).payments[0]
    assert practice.accounting.get_invoice(MAIN, inv.invoice_id).invoices[0].status == "PAID"
    # Past the demo's own stamps of today.
    demo.advance(86400)
    cursor = datetime.now(UTC) + timedelta(seconds=86390)
    practice = _fresh(demo)
    practice.accounting.delete_payment(MAIN, payment.payment_id, PaymentDelete(status="DELETED"))
    changed = practice.accounting.get_invoices(MAIN, if_modified_since=cursor).invoices
    assert [i.invoice_id for i in changed] == [inv.invoice_id]
    assert changed[0].status == "AUTHORISED" and changed[0].amount_due == 100


def test_payment_made_in_xero_shows_on_the_invoice(demo, practice):
    inv = _invoice(practice)
    demo.advance(86400)
    cursor = datetime.now(UTC) + timedelta(seconds=86390)
    demo.ctl(
        "POST",
        "seed",
        {"organisations": [{"OrganisationID": MAIN, "Payments": [
            {"Invoice": {"InvoiceID": inv.invoice_id}, "Account": {"Code": "090"},
             "Date": "2024-03-15", "Amount": "25", "Reference": "Paid in Xero"}]}]},
    )
    practice = _fresh(demo)
    changed = practice.accounting.get_invoices(MAIN, if_modified_since=cursor).invoices
    assert [i.invoice_id for i in changed] == [inv.invoice_id]
    full = practice.accounting.get_invoice(MAIN, inv.invoice_id).invoices[0]
    assert [(p.amount, p.reference) for p in full.payments] == [(25, "Paid in Xero")]
    assert full.amount_paid == 25 and full.updated_date_utc > inv.updated_date_utc
    assert [p.amount for p in practice.accounting.get_payments(
        MAIN, if_modified_since=cursor).payments] == [25]
