"""Accounting as Xero keeps it: totals worked out as Xero does, the rounding
policy, discounts per document type, currencies, settings read from Xero and
the defaults proposed from them, items, payments."""

from datetime import date
from decimal import Decimal

import pytest

from xero_core import invoice_mapping as im
from xero_core import item_mapping
from xero_core import payment_mapping as pm
from xero_core import settings_mapping as sm


def line(**kw):
    base = {"description": "Work", "quantity": 1, "unit_amount": 100, "discount": 0,
            "account_code": "200", "tax_type": "OUTPUT2", "tax_rate": 15,
            "price_include": False, "taxed": True}
    base.update(kw)
    return base


def doc(lines, **kw):
    base = {"kind": "invoice", "contact_id": "c1", "number": "INV/1", "date": date(2026, 5, 1),
            "currency": "NZD", "status": "DRAFT", "lines": lines}
    base.update(kw)
    return base


ROUNDING = {"policy": "line", "tolerance": 0.05, "account_code": "200", "tax_type": "NONE"}


# --- totals as Xero works them out ----------------------------------------------------


def test_expected_total_exclusive_inclusive_and_discounts():
    exclusive = im.to_xero(doc([line(quantity=3, unit_amount=12.3456, discount=10),
                                line(unit_amount=99.9999)]))
    # 3 x 12.3456 x 0.9 = 33.33312 -> 33.33 (+5.00 tax); 100.00 (+15.00)
    assert im.expected_total(exclusive, {"OUTPUT2": 15}) == Decimal("153.33")
    inclusive = im.to_xero(doc([line(unit_amount=115, discount=5, price_include=True)]))
    assert inclusive["LineAmountTypes"] == "Inclusive"
    assert im.expected_total(inclusive, {"OUTPUT2": 15}) == Decimal("109.25")


def test_rounding_line_within_tolerance_only_and_only_for_the_line_policy():
    lines = [line(unit_amount=0.03)] * 3
    # Xero: 3 x (0.03 + 0.00 tax) = 0.09; Odoo rounding globally says 0.10.
    payload = im.to_xero(doc(lines, odoo_total=0.10, rounding=ROUNDING))
    rounding = payload["LineItems"][-1]
    assert rounding == {"Description": "Rounding", "Quantity": 1.0, "UnitAmount": 0.01,
                        "AccountCode": "200", "TaxType": "NONE"}
    assert im.expected_total(payload, {"OUTPUT2": 15, "NONE": 0}) == Decimal("0.10")
    flagged = im.to_xero(doc(lines, odoo_total=0.10, rounding=dict(ROUNDING, policy="flag")))
    assert len(flagged["LineItems"]) == 3
    too_far = im.to_xero(doc(lines, odoo_total=0.50, rounding=ROUNDING))
    assert len(too_far["LineItems"]) == 3, "beyond the tolerance: flagged, not hidden"
    exact = im.to_xero(doc(lines, odoo_total=0.09, rounding=ROUNDING))
    assert len(exact["LineItems"]) == 3
    with pytest.raises(im.InvoiceMappingError, match="rounding"):
        im.to_xero(doc(lines, odoo_total=0.10, rounding=dict(ROUNDING, tax_type=None)))


def test_rounding_added_reads_xero_answer():
    element = {"LineItems": [{"Description": "Work", "LineAmount": 10},
                             {"Description": "Rounding", "LineAmount": -0.01}]}
    assert im.rounding_added(element) == pytest.approx(-0.01)
    assert im.rounding_added({"LineItems": []}) == 0


# --- discounts per document type --------------------------------------------------------


def test_credit_notes_take_no_discount_rate():
    note = im.to_xero(doc([line(quantity=2, unit_amount=50, discount=10, amount=90)],
                          kind="credit_note"))
    [item] = note["LineItems"]
    assert "DiscountRate" not in item
    assert (item["Quantity"], item["UnitAmount"]) == (2.0, 45.0)


def test_credit_note_discount_that_cannot_be_a_unit_price_goes_as_one_unit():
    # 7 x 0.7437 (1.11 less 33 %) gives 5.21 in Xero; Odoo's amount says 5.20.
    note = im.to_xero(doc([line(quantity=7, unit_amount=1.11, discount=33, amount=5.20)],
                          kind="credit_note"))
    [item] = note["LineItems"]
    assert (item["Quantity"], item["UnitAmount"]) == (1.0, 5.2)
    assert "7 × 1.11, 33% discount" in item["Description"]
    assert "DiscountRate" not in item


def test_sales_invoices_keep_the_discount_rate():
    [item] = im.to_xero(doc([line(discount=12.5)]))["LineItems"]
    assert item["DiscountRate"] == 12.5


# --- currencies, branding, bills ----------------------------------------------------------


def test_currency_rate_and_branding_theme():
    payload = im.to_xero(doc([line()], currency="USD", currency_rate=0.6123456789,
                             branding_theme_id="b1"))
    assert payload["CurrencyCode"] == "USD"
    assert payload["CurrencyRate"] == 0.612346
    assert payload["BrandingThemeID"] == "b1"
    assert "CurrencyRate" not in im.to_xero(doc([line()]))


def test_bills_are_accpay_with_the_supplier_number():
    bill = im.to_xero(doc([line(tax_type="INPUT2")], side="purchase", reference="SUP-77"))
    assert bill["Type"] == "ACCPAY"
    assert bill["InvoiceNumber"] == "SUP-77" and "Reference" not in bill
    assert im.document_type("credit_note", "purchase") == "ACCPAYCREDIT"
    [item] = im.to_xero(doc([line(discount=10, amount=90, tax_type="INPUT2")],
                            side="purchase"))["LineItems"]
    assert "DiscountRate" not in item, "bills take no discount either"


def test_push_status_settled_documents_go_approved():
    assert im.push_status(None, "DRAFT", settled=True) == "AUTHORISED"
    assert im.push_status("DRAFT", "DRAFT") == "DRAFT"


def test_payment_with_account_id_and_rate():
    values = im.payment("i1", {"AccountID": "a1"}, date(2026, 5, 2), 10, "PBNK1/1", 0.61)
    assert values["Account"] == {"AccountID": "a1"}
    assert values["CurrencyRate"] == 0.61


# --- settings read from Xero --------------------------------------------------------------


ACCOUNTS = [sm.account(a) for a in [
    {"AccountID": "a090", "Code": "090", "Name": "Business Bank Account", "Type": "BANK",
     "Class": "ASSET", "Status": "ACTIVE"},
    {"AccountID": "a092", "Code": "092", "Name": "USD Account", "Type": "BANK",
     "Class": "ASSET", "Status": "ACTIVE", "CurrencyCode": "USD"},
    {"AccountID": "a093", "Code": "093", "Name": "Old", "Type": "BANK", "Class": "ASSET",
     "Status": "ARCHIVED"},
    {"AccountID": "a205", "Code": "205", "Name": "Sales", "Type": "REVENUE", "Class": "REVENUE",
     "Status": "ARCHIVED"},
    {"AccountID": "a200", "Code": "200", "Name": "Sales", "Type": "REVENUE", "Class": "REVENUE",
     "Status": "ACTIVE", "TaxType": "OUTPUT2"},
    {"AccountID": "a260", "Code": "260", "Name": "Other Revenue", "Type": "REVENUE",
     "Class": "REVENUE", "Status": "ACTIVE"},
    {"AccountID": "a610", "Code": "610", "Name": "Accounts Receivable", "Type": "CURRENT",
     "Class": "ASSET", "Status": "ACTIVE", "SystemAccount": "DEBTORS"},
    {"AccountID": "a880", "Code": "880", "Name": "Drawings", "Type": "EQUITY",
     "Class": "EQUITY", "Status": "ACTIVE", "EnablePaymentsToAccount": True},
]]
SALES = {"CanApplyToRevenue": True, "CanApplyToExpenses": False}
PURCHASES = {"CanApplyToRevenue": False, "CanApplyToExpenses": True}
RATES = [sm.tax_rate(r) for r in [
    {"TaxType": "OUTPUT", "Name": "15% GST on Income", "EffectiveRate": 15, **SALES},
    {"TaxType": "OUTPUT2", "Name": "15% GST on Income", "EffectiveRate": 15, **SALES},
    {"TaxType": "INPUT2", "Name": "15% GST on Expenses", "EffectiveRate": 15, **PURCHASES},
    {"TaxType": "TAX001", "Name": "Old 12.5%", "EffectiveRate": 12.5, "Status": "ARCHIVED",
     **SALES},
    {"TaxType": "NONE", "Name": "No GST", "EffectiveRate": 0},
    {"TaxType": "EXEMPTOUTPUT", "Name": "GST Exempt Income", "EffectiveRate": 0, **SALES},
    {"TaxType": "ZERORATED", "Name": "Zero Rated", "EffectiveRate": 0, **SALES},
]]


def test_default_sales_and_bank_accounts():
    assert sm.default_sales_account(ACCOUNTS)["code"] == "200", "the active Sales account"
    assert sm.default_bank_account(ACCOUNTS, "NZD", "NZD")["code"] == "090"
    assert sm.default_bank_account(ACCOUNTS, "USD", "NZD")["code"] == "092"
    assert sm.default_bank_account(ACCOUNTS, "EUR", "NZD") is None


def test_what_accounts_are_for():
    by_code = {a["code"]: a for a in ACCOUNTS}
    assert sm.usable_for_lines(by_code["200"])
    assert not sm.usable_for_lines(by_code["205"]), "archived"
    assert not sm.usable_for_lines(by_code["090"]), "a bank account"
    assert not sm.usable_for_lines(by_code["610"]), "a system account"
    assert sm.accepts_payments(by_code["880"]) and sm.accepts_payments(by_code["090"])
    assert not sm.accepts_payments(by_code["200"])


def test_tax_rates_proposed_by_rate_side_and_name():
    assert sm.propose_tax_rate(15, "sale", "GST 15%", RATES, preferred="OUTPUT2")["tax_type"] \
        == "OUTPUT2"
    assert sm.propose_tax_rate(15, "purchase", "GST 15%", RATES)["tax_type"] == "INPUT2"
    assert sm.propose_tax_rate(0, "sale", "Exempt sales", RATES)["tax_type"] == "EXEMPTOUTPUT"
    assert sm.propose_tax_rate(0, "sale", "0%", RATES)["tax_type"] == "NONE"
    assert sm.propose_tax_rate(12.5, "sale", "Old", RATES) is None, "archived rates never"
    assert sm.propose_tax_rate(9, "sale", "Special 9%", RATES) is None
    assert sm.zero_rate(RATES)["tax_type"] == "NONE"
    by_type = {r["tax_type"]: r for r in RATES}
    assert not sm.rate_allowed_on(by_type["INPUT2"], "REVENUE")
    assert sm.rate_allowed_on(by_type["OUTPUT2"], "REVENUE")


# --- items and payments -------------------------------------------------------------------


def test_item_payload_and_refusals():
    payload = item_mapping.to_xero("ADVICE", "Advice", "Advice by the hour", 150.005, "200",
                                   "OUTPUT2")
    assert payload == {"Code": "ADVICE", "Name": "Advice", "Description": "Advice by the hour",
                       "IsSold": True, "SalesDetails": {"UnitPrice": 150.005,
                                                        "AccountCode": "200",
                                                        "TaxType": "OUTPUT2"}}
    with pytest.raises(item_mapping.ItemMappingError, match="internal reference"):
        item_mapping.to_xero("", "Advice")
    with pytest.raises(item_mapping.ItemMappingError, match="at most 50"):
        item_mapping.to_xero("LONG", "x" * 51)


def test_payment_from_xero():
    payment = pm.from_xero({
        "PaymentID": "p1", "Invoice": {"InvoiceID": "i1", "Type": "ACCREC"},
        "Account": {"AccountID": "a090", "Code": "090"}, "Date": "/Date(1777593600000+0000)/",
        "Amount": 40, "CurrencyRate": 1, "Reference": "Cheque 12", "Status": "DELETED"})
    assert (payment.invoice_id, payment.account_code, payment.amount) == ("i1", "090",
                                                                          Decimal(40))
    assert payment.deleted
    assert pm.listed_payment_ids({"Payments": [{"PaymentID": "p1"}, {"x": 1}]}) == {"p1"}
    with pytest.raises(ValueError):
        pm.from_xero({"PaymentID": "p1", "Amount": "lots"})
