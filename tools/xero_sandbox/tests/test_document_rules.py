"""Xero's rules on invoice and credit note lines: currencies, items, accounts,
tax types, discounts, rounding, and bills."""

from decimal import Decimal

import pytest
from helpers import ORG_A
from xero_python.exceptions import AccountingBadRequestException
from xero_sandbox.demo import MAIN, demo_id

EXISTING = "c0000000-0000-4000-8000-000000000001"
CUSTOMER = demo_id(MAIN, "contact", "Boom FM")
SUPPLIER = demo_id(MAIN, "contact", "PowerDirect")


def _line(**kw):
    line = {"Description": "Work", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200",
            **kw}
    return {k: v for k, v in line.items() if v is not None}


def _doc(client, tenant, kind="ACCREC", lines=None, endpoint="invoices", **kw):
    body = {
        "Type": kind,
        "Contact": {"ContactID": EXISTING if tenant == ORG_A else CUSTOMER},
        "Date": "2024-03-01",
        "DueDate": "2024-03-31",
        "LineItems": lines or [_line()],
        **kw,
    }
    if endpoint == "invoices":
        return client.accounting.create_invoices(tenant, {"Invoices": [body]}).invoices[0]
    return client.accounting.create_credit_notes(
        tenant, {"CreditNotes": [body]}
    ).credit_notes[0]


def _refused(call, *args, **kw):
    with pytest.raises(AccountingBadRequestException) as exc:
        call(*args, **kw)
    return [m["Message"] for m in exc.value.error_data["Elements"][0]["ValidationErrors"]]


def test_currency_must_be_enabled(practice):
    messages = _refused(_doc, practice, MAIN, CurrencyCode="GBP")
    assert messages == [
        "The currency code GBP is not a valid currency code for this organisation."
    ]
    practice.accounting.create_currency(MAIN, {"Code": "GBP"})
    assert _doc(practice, MAIN, CurrencyCode="GBP").currency_code.value == "GBP"


def test_currency_rate_is_kept_on_foreign_documents(practice):
    inv = _doc(practice, MAIN, CurrencyCode="USD", CurrencyRate="0.6512")
    assert inv.currency_rate == Decimal("0.6512") and inv.total == Decimal("115")
    again = practice.accounting.update_invoice(
        MAIN, inv.invoice_id, {"Invoices": [{"Reference": "changed"}]}
    ).invoices[0]
    assert again.currency_rate == Decimal("0.6512")
    day_rate = _doc(practice, MAIN, CurrencyCode="AUD")
    assert day_rate.currency_rate == Decimal("0.921212")
    base = _doc(practice, MAIN, CurrencyCode="NZD", CurrencyRate="2")
    assert base.currency_rate == 1
    assert _refused(_doc, practice, MAIN, CurrencyCode="USD", CurrencyRate=0) == [
        "CurrencyRate must be a number greater than zero."
    ]


def test_item_codes_must_exist_and_fill_the_line(practice):
    messages = _refused(_doc, practice, MAIN, lines=[_line(ItemCode="NOPE")])
    assert messages == ["Item code 'NOPE' is not valid."]
    inv = _doc(practice, MAIN, lines=[{"ItemCode": "consult", "Quantity": 2}])
    line = inv.line_items[0]
    assert (line.item_code, line.description, line.unit_amount) == (
        "CONSULT",
        "Consulting services (hours)",
        Decimal("150"),
    )
    assert (line.account_code, line.tax_type, line.line_amount) == ("200", "OUTPUT2", 300)
    assert line.item.code == "CONSULT" and line.item.name == "Consulting (hours)"
    bill = _doc(
        practice,
        MAIN,
        kind="ACCPAY",
        Contact={"ContactID": SUPPLIER},
        InvoiceNumber="PD-1",
        lines=[{"ItemCode": "WIDGET", "Quantity": 10, "UnitAmount": "11.50"}],
    )
    line = bill.line_items[0]
    assert (line.description, line.unit_amount, line.account_code, line.tax_type) == (
        "Widget from the wholesaler",
        Decimal("11.5"),
        "310",
        "INPUT2",
    )


@pytest.mark.parametrize(
    ("kind", "endpoint"),
    [("ACCRECCREDIT", "credit_notes"), ("ACCPAYCREDIT", "credit_notes"),
     ("ACCPAY", "invoices")],
)
def test_discounts_only_on_sales_invoices(practice, kind, endpoint):
    contact = {"ContactID": SUPPLIER if "PAY" in kind else CUSTOMER}
    account = "429" if "PAY" in kind else "200"
    messages = _refused(
        _doc,
        practice,
        MAIN,
        kind=kind,
        endpoint=endpoint,
        Contact=contact,
        lines=[_line(DiscountRate=10, AccountCode=account)],
    )
    assert messages == [
        "Discounts are only supported on sales invoices (ACCREC); bills and credit "
        "notes take no DiscountRate or DiscountAmount."
    ]


def test_discount_rate_and_amount_on_sales_invoices(acme):
    inv = _doc(
        acme,
        ORG_A,
        lines=[_line(DiscountRate="12.5", TaxType="NONE"),
               _line(DiscountAmount=20, TaxType="NONE")],
    )
    assert [li.line_amount for li in inv.line_items] == [Decimal("87.5"), Decimal("80")]
    assert _refused(_doc, acme, ORG_A, lines=[_line(DiscountRate=150)]) == [
        "The discount rate '150.00' is invalid. Discount must not be greater than the "
        "line total."
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (_line(AccountCode="999"), "Account code '999' is not a valid code for this document."),
        (
            _line(AccountCode="205"),
            "Account code '205' has been archived, or has been deleted. Each line item "
            "must reference a valid account",
        ),
        (_line(AccountCode="090"), "Account code '090' is not a valid code for this document."),
        (_line(AccountCode="610"), "Account code '610' is not a valid code for this document."),
        (
            _line(TaxType="INPUT2"),
            "The TaxType code 'INPUT2' cannot be used with account code '200'.",
        ),
        (
            _line(TaxType="TAX001"),
            "The TaxType code TAX001 does not exist or cannot be used for this type of "
            "transaction.",
        ),
        (
            _line(AccountCode=None, TaxType="INPUT2"),
            "The TaxType code INPUT2 does not exist or cannot be used for this type of "
            "transaction.",
        ),
        (_line(Quantity="two"), "Quantity must be a valid number."),
        (
            _line(Quantity=3, UnitAmount=10, LineAmount=31),
            "The line total 31.00 does not match the expected line total 30.00",
        ),
    ],
)
def test_line_rules(practice, line, message):
    assert message in _refused(_doc, practice, MAIN, lines=[line])


def test_bill_lines_take_expense_accounts_and_input_tax(practice):
    bill = _doc(
        practice,
        MAIN,
        kind="ACCPAY",
        Contact={"ContactID": SUPPLIER},
        InvoiceNumber="SUP-77",
        Reference="ignored on bills",
        Status="AUTHORISED",
        lines=[_line(AccountCode="429", TaxType="INPUT2")],
    )
    assert bill.invoice_number == "SUP-77" and bill.reference == ""
    assert bill.total == Decimal("115") and bill.line_items[0].tax_amount == 15
    # A supplier's number need not be unique; bills are not numbered by Xero.
    same = _doc(practice, MAIN, kind="ACCPAY", Contact={"ContactID": SUPPLIER},
                InvoiceNumber="SUP-77", lines=[_line(AccountCode="429")])
    assert same.invoice_number == "SUP-77" and same.invoice_id != bill.invoice_id
    unnumbered = _doc(practice, MAIN, kind="ACCPAY", Contact={"ContactID": SUPPLIER},
                      lines=[_line(AccountCode="400")])
    assert unnumbered.invoice_number == "" and unnumbered.line_items[0].tax_type == "INPUT2"
    assert _refused(
        _doc, practice, MAIN, kind="ACCPAY", Contact={"ContactID": SUPPLIER},
        lines=[_line(AccountCode="429", TaxType="OUTPUT2")],
    ) == ["The TaxType code 'OUTPUT2' cannot be used with account code '429'."]
    sales = _doc(practice, MAIN, Reference="PO-1")
    assert sales.reference == "PO-1"


def test_exclusive_tax_is_rounded_per_line(acme):
    inv = _doc(
        acme,
        ORG_A,
        lines=[_line(Quantity=1, UnitAmount="0.10", TaxType="OUTPUT") for _ in range(3)]
        + [_line(Quantity=3, UnitAmount="3.33", TaxType="OUTPUT")],
    )
    assert [li.tax_amount for li in inv.line_items] == [Decimal("0.02")] * 3 + [
        Decimal("1.50")
    ]
    assert (inv.sub_total, inv.total_tax, inv.total) == (
        Decimal("10.29"),
        Decimal("1.56"),
        Decimal("11.85"),
    )


def test_inclusive_tax_is_inside_each_line(acme):
    inv = _doc(
        acme,
        ORG_A,
        LineAmountTypes="Inclusive",
        lines=[_line(UnitAmount="1.00", TaxType="OUTPUT") for _ in range(3)]
        + [_line(UnitAmount="10.00", TaxType="OUTPUT")],
    )
    assert [li.tax_amount for li in inv.line_items] == [Decimal("0.13")] * 3 + [
        Decimal("1.30")
    ]
    assert [li.line_amount for li in inv.line_items] == [1, 1, 1, 10]
    assert (inv.sub_total, inv.total_tax, inv.total) == (
        Decimal("11.31"),
        Decimal("1.69"),
        Decimal("13.00"),
    )


def test_no_tax_and_four_decimal_unit_amounts(acme):
    inv = acme.accounting.create_invoices(
        ORG_A,
        {"Invoices": [{"Type": "ACCREC", "Contact": {"ContactID": EXISTING},
                       "LineAmountTypes": "NoTax",
                       "LineItems": [_line(Quantity=3, UnitAmount="1.3333")]}]},
        unitdp=4,
    ).invoices[0]
    line = inv.line_items[0]
    assert (line.unit_amount, line.line_amount, line.tax_type, line.tax_amount) == (
        Decimal("1.3333"),
        Decimal("4"),
        "NONE",
        0,
    )
    assert inv.total == Decimal("4")


def test_approving_needs_an_account_on_every_priced_line(acme):
    draft = _doc(acme, ORG_A, lines=[_line(AccountCode=None), {"Description": "Note only"}])
    assert draft.status == "DRAFT"
    assert _refused(
        acme.accounting.update_invoice,
        ORG_A,
        draft.invoice_id,
        {"Invoices": [{"Status": "AUTHORISED"}]},
    ) == ["Account code must be specified"]


def test_contact_must_be_identified(acme):
    assert _refused(_doc, acme, ORG_A, Contact={"EmailAddress": "x@example.com"}) == [
        "The Contact must contain at least 1 of the following elements to identify the "
        "contact: Name, ContactID, ContactNumber"
    ]


def test_branding_theme_defaults_and_must_exist(practice):
    themes = practice.accounting.get_branding_themes(MAIN).branding_themes
    assert str(_doc(practice, MAIN).branding_theme_id) == themes[0].branding_theme_id
    chosen = _doc(practice, MAIN, BrandingThemeID=themes[1].branding_theme_id)
    assert str(chosen.branding_theme_id) == themes[1].branding_theme_id
    bogus = "5e0d6a1b-0000-4000-8000-000000000000"
    assert _refused(_doc, practice, MAIN, BrandingThemeID=bogus) == [
        f"The BrandingThemeID {bogus} is not valid for this organisation."
    ]


def test_credit_notes_follow_the_same_line_rules(practice):
    note = _doc(practice, MAIN, kind="ACCRECCREDIT", endpoint="credit_notes",
                CurrencyCode="USD", CurrencyRate="0.62", Status="AUTHORISED")
    assert note.currency_rate == Decimal("0.62") and note.total == Decimal("115")
    assert _refused(
        _doc, practice, MAIN, kind="ACCRECCREDIT", endpoint="credit_notes",
        lines=[_line(AccountCode="205")],
    )[0].startswith("Account code '205' has been archived")
