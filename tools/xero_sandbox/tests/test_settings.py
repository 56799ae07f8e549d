"""Settings endpoints: accounts, tax rates, items, currencies, branding themes."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from helpers import ORG_A, ORG_B
from xero_python.accounting import Currency, CurrencyCode, Item, Items, Purchase
from xero_python.exceptions import AccountingBadRequestException, NotFoundException
from xero_sandbox.demo import MAIN


def _by_code(accounts):
    return {a.code: a for a in accounts}


def test_demo_chart_of_accounts(practice):
    accounts = _by_code(practice.accounting.get_accounts(MAIN).accounts)
    sales = accounts["200"]
    assert (sales.name, sales.type.value, sales.status, sales.tax_type) == (
        "Sales",
        "REVENUE",
        "ACTIVE",
        "OUTPUT2",
    )
    assert sales._class == "REVENUE" and sales.updated_date_utc.tzinfo
    assert accounts["205"].status == "ARCHIVED"
    bank = accounts["090"]
    assert bank.type.value == "BANK" and bank.bank_account_type == "BANK"
    assert bank.currency_code == CurrencyCode.NZD and bank.enable_payments_to_account
    assert accounts["092"].currency_code == CurrencyCode.USD
    assert accounts["093"].status == "ARCHIVED"
    assert accounts["429"]._class == "EXPENSE" and accounts["880"]._class == "EQUITY"
    assert accounts["610"].system_account == "DEBTORS"


def test_accounts_where_order_and_if_modified_since(sb, practice):
    acc = practice.accounting
    banks = acc.get_accounts(MAIN, where='Type=="BANK" AND Status=="ACTIVE"').accounts
    assert [a.code for a in banks] == ["090", "091", "092"]
    ordered = acc.get_accounts(MAIN, order="Name DESC").accounts
    names = [a.name for a in ordered]
    assert names == sorted(names, key=str.lower, reverse=True)
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert acc.get_accounts(MAIN, if_modified_since=later).accounts == []
    one = acc.get_account(MAIN, banks[0].account_id).accounts[0]
    assert one.code == "090"


def test_tax_rates_carry_xeros_fields(practice):
    rates = {r.tax_type: r for r in practice.accounting.get_tax_rates(MAIN).tax_rates}
    income = rates["OUTPUT2"]
    assert income.name == "15% GST on Income" and income.report_tax_type == "OUTPUT"
    assert income.effective_rate == Decimal("15") == income.display_tax_rate
    assert income.can_apply_to_revenue and not income.can_apply_to_expenses
    assert rates["INPUT2"].can_apply_to_expenses and not rates["INPUT2"].can_apply_to_revenue
    assert rates["NONE"].can_apply_to_revenue and rates["NONE"].can_apply_to_equity
    assert rates["ZERORATED"].can_apply_to_revenue and not rates["ZERORATED"].can_apply_to_assets
    assert rates["TAX001"].status == "ARCHIVED"
    component = income.tax_components[0]
    assert (component.name, component.rate, component.is_compound) == ("GST", 15, False)
    active = practice.accounting.get_tax_rates(
        MAIN, where='Status=="ACTIVE" AND CanApplyToRevenue==true', order="Name"
    ).tax_rates
    assert "TAX001" not in {r.tax_type for r in active}
    assert "INPUT2" not in {r.tax_type for r in active}


def test_currencies_list_and_enable(practice):
    acc = practice.accounting
    assert [c.code for c in acc.get_currencies(MAIN).currencies] == [
        CurrencyCode.NZD,
        CurrencyCode.USD,
        CurrencyCode.AUD,
    ]
    added = acc.create_currency(MAIN, Currency(code=CurrencyCode.GBP)).currencies[0]
    assert added.code == CurrencyCode.GBP and added.description == "British Pound"
    codes = [c.code for c in acc.get_currencies(MAIN, where='Code=="GBP"').currencies]
    assert codes == [CurrencyCode.GBP]


def test_unknown_currency_is_refused(demo, practice):
    token = practice.token
    resp = demo.http.put(
        f"{demo.url}/api.xro/2.0/Currencies",
        json={"Code": "XXX"},
        headers={"Authorization": f"Bearer {token['access_token']}", "xero-tenant-id": MAIN},
    )
    assert resp.status_code == 400
    assert resp.json()["Elements"][0]["ValidationErrors"][0]["Message"] == (
        "The currency code XXX is not a valid ISO 4217 currency code."
    )


def test_branding_themes(practice):
    themes = practice.accounting.get_branding_themes(MAIN).branding_themes
    assert [(t.name, t.sort_order) for t in themes] == [
        ("Standard", 0),
        ("Special Projects", 1),
    ]
    one = practice.accounting.get_branding_theme(MAIN, themes[1].branding_theme_id)
    assert one.branding_themes[0].name == "Special Projects"


def test_demo_items_and_fetch_by_id_or_code(practice):
    items = {i.code: i for i in practice.accounting.get_items(MAIN).items}
    consult = items["CONSULT"]
    assert consult.sales_details.unit_price == 150
    assert consult.sales_details.account_code == "200"
    assert consult.sales_details.tax_type == "OUTPUT2"
    assert consult.is_sold and not consult.is_purchased
    assert consult.is_tracked_as_inventory is False
    widget = items["WIDGET"]
    assert widget.purchase_details.account_code == "310"
    assert practice.accounting.get_item(MAIN, widget.item_id).items[0].code == "WIDGET"
    assert practice.accounting.get_item(MAIN, "WIDGET").items[0].item_id == widget.item_id
    with pytest.raises(NotFoundException):
        practice.accounting.get_item(MAIN, "NOPE")


def test_create_update_and_filter_items(acme):
    acc = acme.accounting
    created = acc.create_items(
        ORG_A,
        Items(
            items=[
                Item(
                    code="HOURS",
                    name="Hourly work",
                    description="Work by the hour",
                    sales_details=Purchase(
                        unit_price=Decimal("95.5"), account_code="200", tax_type="OUTPUT"
                    ),
                    purchase_details=Purchase(
                        unit_price=Decimal("40"), account_code="429", tax_type="INPUT"
                    ),
                )
            ]
        ),
    ).items[0]
    assert created.item_id and created.is_sold and created.is_purchased
    assert created.sales_details.unit_price == Decimal("95.5")
    updated = acc.update_item(
        ORG_A, created.item_id, Items(items=[Item(code="HOURS", name="Hours", is_purchased=False)])
    ).items[0]
    assert updated.name == "Hours" and updated.purchase_details.unit_price is None
    assert updated.sales_details.account_code == "200"
    upsert = acc.update_or_create_items(
        ORG_A, Items(items=[Item(code="HOURS", description="Changed by code")])
    ).items[0]
    assert upsert.item_id == created.item_id and upsert.description == "Changed by code"
    sold = acc.get_items(ORG_A, where="IsSold==true", order="Code").items
    assert [i.code for i in sold] == ["HOURS"]
    four = acc.get_items(ORG_A, unitdp=4).items[0]
    assert four.sales_details.unit_price == Decimal("95.5")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"Name": "No code"}, "The Code field is mandatory."),
        ({"Code": "C" * 31}, "Code must not be more than 30 characters long."),
        ({"Code": "OK", "Name": "N" * 51}, "Name must not be more than 50 characters long."),
        (
            {"Code": "OK", "SalesDetails": {"AccountCode": "999"}},
            "Account code '999' is not a valid code for this document.",
        ),
        (
            {"Code": "OK", "SalesDetails": {"AccountCode": "090"}},
            "Account code '090' is not a valid code for this document.",
        ),
        (
            {"Code": "OK", "SalesDetails": {"AccountCode": "200", "TaxType": "INPUT"}},
            "The TaxType code 'INPUT' cannot be used with account code '200'.",
        ),
        (
            {"Code": "OK", "PurchaseDetails": {"TaxType": "OUTPUT"}},
            "The TaxType code OUTPUT does not exist or cannot be used for this type of "
            "transaction.",
        ),
        (
            {"Code": "OK", "SalesDetails": {"TaxType": "BOGUS"}},
            "The TaxType code BOGUS does not exist or cannot be used for this type of "
            "transaction.",
        ),
        (
            {"Code": "OK", "SalesDetails": {"UnitPrice": "abc"}},
            "UnitPrice must be a valid number.",
        ),
    ],
)
def test_item_validation(acme, item, message):
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.create_items(ORG_A, {"Items": [item]})
    assert exc.value.reason == message


def test_item_codes_are_unique(acme):
    acme.accounting.create_items(ORG_A, Items(items=[Item(code="DUP")]))
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.create_items(ORG_A, Items(items=[Item(code="dup")]))
    assert exc.value.reason == "Price List Item with Code 'dup' already exists"


def test_seed_sets_every_setting(sb):
    created = sb.ctl(
        "POST",
        "seed",
        {
            "organisations": [
                {
                    "OrganisationID": ORG_B,
                    "Currencies": ["EUR", {"Code": "USD", "Rate": "1.3"}],
                    "Accounts": [
                        {"Code": "450", "Name": "Entertainment", "Type": "OVERHEADS",
                         "TaxType": "INPUT", "Status": "ARCHIVED"},
                        {"Code": "095", "Name": "Card", "Type": "BANK",
                         "BankAccountType": "CREDITCARD", "CurrencyCode": "EUR"},
                    ],
                    "TaxRates": [
                        {"TaxType": "REDUCED", "Name": "5% VAT", "Rate": 5,
                         "ReportTaxType": "OUTPUT", "CanApplyToAssets": False},
                    ],
                    "Items": [{"Code": "TEA", "Name": "Tea",
                               "SalesDetails": {"UnitPrice": 4, "AccountCode": "200"}}],
                    "BrandingThemes": [{"Name": "Plain", "SortOrder": 1}],
                }
            ]
        },
    )["created"]
    assert len(created["organisations"][0]["Items"]) == 1
    currencies = [c["Code"] for c in sb.state(ORG_B, "Currencies")]
    assert currencies == ["GBP", "AUD", "EUR", "NZD", "USD"]
    accounts = {a["Code"]: a for a in sb.state(ORG_B, "Accounts")}
    assert accounts["450"]["Status"] == "ARCHIVED" and accounts["450"]["Class"] == "EXPENSE"
    assert accounts["095"]["BankAccountType"] == "CREDITCARD"
    assert accounts["095"]["CurrencyCode"] == "EUR"
    rates = {r["TaxType"]: r for r in sb.state(ORG_B, "TaxRates")}
    assert rates["REDUCED"]["CanApplyToRevenue"] and not rates["REDUCED"]["CanApplyToAssets"]
    assert rates["REDUCED"]["CanApplyToExpenses"] is False
    assert [t["Name"] for t in sb.state(ORG_B, "BrandingThemes")] == ["Standard", "Plain"]
    assert sb.state(ORG_B, "Items")[0]["SalesDetails"]["UnitPrice"] == 4


def test_seed_with_its_own_currencies_enables_only_those(sb):
    org = sb.ctl(
        "POST", "seed", {"organisations": [{"Name": "Solo", "Currencies": []}]}
    )["created"]["organisations"][0]
    assert [c["Code"] for c in sb.state(org["OrganisationID"], "Currencies")] == ["NZD"]
    resp = sb.http.post(
        f"{sb.url}/_sandbox/seed",
        json={"organisations": [{"Name": "Bad", "Currencies": ["ZZZ"]}]},
    )
    assert resp.status_code == 400 and "ZZZ" in resp.json()["errors"][0]
    resp = sb.http.post(
        f"{sb.url}/_sandbox/seed",
        json={"organisations": [{"Name": "Bad item", "Items": [{"Code": "X",
              "SalesDetails": {"AccountCode": "nope"}}]}]},
    )
    assert resp.status_code == 400 and "nope" in resp.json()["errors"][0]


def test_settings_need_the_settings_scope(sb):
    client = sb.client(sb.connect(scope="offline_access accounting.contacts"))
    with pytest.raises(Exception) as exc:
        client.accounting.get_currencies(ORG_A)
    assert exc.value.status == 403
    items_only = sb.client(sb.connect(scope="offline_access accounting.invoices.read"))
    assert items_only.accounting.get_items(ORG_A).items == []


def test_delete_item(acme):
    acc = acme.accounting
    item = acc.create_items(ORG_A, Items(items=[Item(code="GONE", name="Gone soon")])).items[0]
    acc.delete_item(ORG_A, item.item_id)
    assert "GONE" not in [i.code for i in acc.get_items(ORG_A).items]
    with pytest.raises(NotFoundException):
        acc.delete_item(ORG_A, item.item_id)
