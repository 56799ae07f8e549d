"""An organisation's settings as Xero answers them (Accounts, TaxRates,
Currencies, BrandingThemes, Items) turned into plain values, and the
defaults proposed from them for a new connection."""

from decimal import Decimal

from rapidfuzz import fuzz, utils

from .dates import parse_datetime

ACTIVE = "ACTIVE"
# Account classes lines of each side may be coded to.
LINE_CLASSES = {"sale": ("REVENUE",), "purchase": ("EXPENSE", "ASSET")}
# Account class -> the tax rate flag that allows a rate on it.
CLASS_FLAGS = {
    "ASSET": "CanApplyToAssets",
    "EQUITY": "CanApplyToEquity",
    "EXPENSE": "CanApplyToExpenses",
    "LIABILITY": "CanApplyToLiabilities",
    "REVENUE": "CanApplyToRevenue",
}
SIDE_FLAGS = {"sale": "CanApplyToRevenue", "purchase": "CanApplyToExpenses"}
# Tax types of zero rates, the most neutral first.
ZERO_TYPES = ("NONE", "BASEXCLUDED", "EXEMPTOUTPUT", "EXEMPTINPUT", "ZERORATED")


def _text(value):
    return str(value).strip() if value not in (None, "") else ""


def _flag(record, name, default=True):
    value = record.get(name)
    return default if value is None else bool(value)


def account(record):
    """Values of one Xero account."""
    account_type = _text(record.get("Type")).upper()
    return {
        "external_id": _text(record.get("AccountID")),
        "code": _text(record.get("Code")),
        "name": _text(record.get("Name")),
        "account_type": account_type,
        "account_class": _text(record.get("Class")).upper(),
        "status": _text(record.get("Status")).upper() or ACTIVE,
        "tax_type": _text(record.get("TaxType")).upper(),
        "currency_code": _text(record.get("CurrencyCode")).upper(),
        "enable_payments": bool(record.get("EnablePaymentsToAccount")),
        "system_account": _text(record.get("SystemAccount")).upper(),
        "updated_at": parse_datetime(record.get("UpdatedDateUTC")),
    }


def tax_rate(record):
    """Values of one Xero tax rate (its percent is the effective rate)."""
    rate = record.get("EffectiveRate", record.get("DisplayTaxRate"))
    return {
        "tax_type": _text(record.get("TaxType")).upper(),
        "name": _text(record.get("Name")),
        "rate": float(Decimal(str(rate if rate not in (None, "") else 0))),
        "status": _text(record.get("Status")).upper() or ACTIVE,
        "report_tax_type": _text(record.get("ReportTaxType")).upper(),
        "can_apply_to_revenue": _flag(record, "CanApplyToRevenue"),
        "can_apply_to_expenses": _flag(record, "CanApplyToExpenses"),
        "can_apply_to_assets": _flag(record, "CanApplyToAssets"),
        "can_apply_to_liabilities": _flag(record, "CanApplyToLiabilities"),
        "can_apply_to_equity": _flag(record, "CanApplyToEquity"),
    }


def currency(record):
    return {"code": _text(record.get("Code")).upper(),
            "description": _text(record.get("Description"))}


def branding_theme(record):
    return {"external_id": _text(record.get("BrandingThemeID")),
            "name": _text(record.get("Name")),
            "sort_order": int(record.get("SortOrder") or 0)}


def item(record):
    """Values of one Xero item (its sales side)."""
    sales = record.get("SalesDetails") or {}
    price = sales.get("UnitPrice")
    return {
        "external_id": _text(record.get("ItemID")),
        "code": _text(record.get("Code")),
        "name": _text(record.get("Name")),
        "description": _text(record.get("Description")),
        "sale_price": float(Decimal(str(price))) if price not in (None, "") else 0.0,
        "sales_account_code": _text(sales.get("AccountCode")),
        "sales_tax_type": _text(sales.get("TaxType")).upper(),
        "is_sold": _flag(record, "IsSold"),
        "is_purchased": _flag(record, "IsPurchased", False),
        "updated_at": parse_datetime(record.get("UpdatedDateUTC")),
    }


# --- what an account or a rate may be used for ----------------------------------------


def usable_for_lines(values, side="sale"):
    """Whether document lines of ``side`` may be coded to this account."""
    return (values["status"] == ACTIVE and values["account_type"] != "BANK"
            and not values["system_account"]
            and values["account_class"] in LINE_CLASSES[side])


def accepts_payments(values):
    """Xero takes payments into bank accounts and accounts with payments
    enabled."""
    return values["account_type"] == "BANK" or values["enable_payments"]


def rate_allowed_on(rate_values, account_class):
    """Whether a tax rate may be used on an account of ``account_class``."""
    flag = CLASS_FLAGS.get(account_class)
    return True if flag is None else rate_values[_snake(flag)]


def rate_for_side(rate_values, side):
    return rate_values[_snake(SIDE_FLAGS[side])]


def _snake(flag):
    # CanApplyToRevenue -> can_apply_to_revenue
    return "can_apply_to_" + flag[len("CanApplyTo"):].lower()


# --- defaults proposed to a new connection ----------------------------------------------


def default_sales_account(accounts):
    """The "Sales" revenue account (else code 200, else the first revenue
    account): ``accounts`` are values of ``account``."""
    usable = [a for a in accounts if usable_for_lines(a, "sale")]
    for test in (lambda a: a["name"].casefold() == "sales", lambda a: a["code"] == "200",
                 lambda a: True):
        found = sorted((a for a in usable if test(a)), key=lambda a: a["code"])
        if found:
            return found[0]
    return None


def default_purchase_account(accounts):
    """The "General Expenses" account (else code 429, else the first
    expense account): where bill lines go unless the admin chooses."""
    usable = [a for a in accounts if usable_for_lines(a, "purchase")]
    for test in (lambda a: a["name"].casefold() == "general expenses",
                 lambda a: a["code"] == "429", lambda a: a["account_class"] == "EXPENSE",
                 lambda a: True):
        found = sorted((a for a in usable if test(a)), key=lambda a: a["code"])
        if found:
            return found[0]
    return None


def default_bank_account(accounts, currency_code, base_currency):
    """An active bank account in ``currency_code`` (a bank account without
    a currency is in the base currency); the lowest code."""
    def in_currency(a):
        return (a["currency_code"] or base_currency) == currency_code

    found = sorted((a for a in accounts if a["status"] == ACTIVE
                    and a["account_type"] == "BANK" and in_currency(a)),
                   key=lambda a: a["code"])
    return found[0] if found else None


def zero_rate(rates, side="sale"):
    """An active zero tax rate for ``side``, NONE first (untaxed lines and
    rounding lines)."""
    usable = [r for r in rates if r["status"] == ACTIVE and not r["rate"]
              and rate_for_side(r, side)]
    usable.sort(key=lambda r: (ZERO_TYPES.index(r["tax_type"]) if r["tax_type"] in ZERO_TYPES
                               else len(ZERO_TYPES), r["tax_type"]))
    return usable[0] if usable else None


def propose_tax_rate(percent, side, name, rates, preferred=None):
    """The Xero rate an Odoo tax of ``percent`` on ``side`` ("sale" or
    "purchase") most likely is: an active rate of that percent valid for the
    side, ``preferred`` (e.g. the sales account's own tax type) first, then
    the name closest to the Odoo tax's, then the most neutral. None when no
    rate has that percent."""
    candidates = [r for r in rates if r["status"] == ACTIVE and rate_for_side(r, side)
                  and abs(Decimal(str(r["rate"])) - Decimal(str(percent or 0))) < Decimal("0.0001")]
    if not candidates:
        return None
    if preferred:
        for rate in candidates:
            if rate["tax_type"] == preferred:
                return rate

    def score(rate):
        neutral = ZERO_TYPES.index(rate["tax_type"]) if rate["tax_type"] in ZERO_TYPES else 0
        similarity = fuzz.token_set_ratio(name or "", f"{rate['name']} {rate['tax_type']}",
                                          processor=utils.default_process)
        return (-similarity, neutral, rate["tax_type"])

    return sorted(candidates, key=score)[0]
