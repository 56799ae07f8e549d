"""An organisation's settings: chart of accounts, tax rates, currencies, branding themes.

Seeds set them (``Accounts``, ``TaxRates``, ``Currencies``, ``BrandingThemes``);
what a seed leaves out gets the defaults below, as a new Xero organisation would.
"""

import hashlib
import uuid
from datetime import timedelta
from decimal import Decimal

from . import currencies
from .dates import parse_datetime
from .money import dec
from .rules import text

# Ids the loader derives itself are stable for the same seed.
SEED_NS = uuid.UUID("0b7d3f5e-1f55-4d2b-8c51-3a7b8e0f6c21")

ACCOUNT_CLASSES = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "FIXED": "ASSET",
    "INVENTORY": "ASSET",
    "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET",
    "CURRLIAB": "LIABILITY",
    "LIABILITY": "LIABILITY",
    "TERMLIAB": "LIABILITY",
    "PAYG": "LIABILITY",
    "EQUITY": "EQUITY",
    "DEPRECIATN": "EXPENSE",
    "DIRECTCOSTS": "EXPENSE",
    "EXPENSE": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "OTHERINCOME": "REVENUE",
    "REVENUE": "REVENUE",
    "SALES": "REVENUE",
}
# Account class -> the tax rate flag that allows a rate on it.
CLASS_FLAGS = {
    "ASSET": "CanApplyToAssets",
    "EQUITY": "CanApplyToEquity",
    "EXPENSE": "CanApplyToExpenses",
    "LIABILITY": "CanApplyToLiabilities",
    "REVENUE": "CanApplyToRevenue",
}
FLAGS = tuple(CLASS_FLAGS.values())

DEFAULT_ACCOUNTS = [
    ("090", "Business Bank Account", "BANK", "NONE"),
    ("091", "Business Savings Account", "BANK", "NONE"),
    ("200", "Sales", "REVENUE", "OUTPUT"),
    ("260", "Other Revenue", "REVENUE", "OUTPUT"),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "INPUT"),
    ("400", "Advertising", "OVERHEADS", "INPUT"),
    ("429", "General Expenses", "OVERHEADS", "INPUT"),
    ("610", "Accounts Receivable", "CURRENT", "NONE"),
    ("800", "Accounts Payable", "CURRLIAB", "NONE"),
    ("820", "GST", "CURRLIAB", "NONE"),
]
SYSTEM_ACCOUNTS = {"610": "DEBTORS", "800": "CREDITORS", "820": "GST"}

_SALES = dict.fromkeys(FLAGS, True) | {"CanApplyToExpenses": False}
_PURCHASES = dict.fromkeys(FLAGS, True) | {"CanApplyToRevenue": False}
_ANY = dict.fromkeys(FLAGS, True)
# Xero's NZ defaults (the spec's GET /TaxRates example) for each built-in type.
DEFAULT_TAX_FLAGS = {
    "OUTPUT": _SALES,
    "OUTPUT2": _SALES,
    "EXEMPTOUTPUT": _SALES,
    "INPUT": _PURCHASES,
    "INPUT2": _PURCHASES,
    "EXEMPTINPUT": _PURCHASES,
    "NONE": _ANY,
    "ZERORATED": dict.fromkeys(FLAGS, False)
    | {"CanApplyToRevenue": True, "CanApplyToLiabilities": True},
    "GSTONIMPORTS": dict.fromkeys(FLAGS, False) | {"CanApplyToLiabilities": True},
}
TAX_STATUSES = ("ACTIVE", "DELETED", "ARCHIVED", "PENDING")


def default_tax_rates(percent, tax="GST"):
    rate = Decimal(percent)
    return [
        ("OUTPUT", f"{percent}% {tax} on Income", rate, "OUTPUT"),
        ("OUTPUT2", f"{percent}% {tax} on Income", rate, "OUTPUT"),
        ("INPUT", f"{percent}% {tax} on Expenses", rate, "INPUT"),
        ("INPUT2", f"{percent}% {tax} on Expenses", rate, "INPUT"),
        ("NONE", f"No {tax}", Decimal(0), "NONE"),
        ("EXEMPTOUTPUT", f"{tax} Exempt Income", Decimal(0), "EXEMPTOUTPUT"),
        ("EXEMPTINPUT", f"{tax} Exempt Expenses", Decimal(0), "EXEMPTINPUT"),
        ("ZERORATED", "Zero Rated", Decimal(0), "OUTPUT"),
    ]


def _flags_for(tax_type, report_type):
    if tax_type in DEFAULT_TAX_FLAGS:
        return DEFAULT_TAX_FLAGS[tax_type]
    report = report_type or ""
    if "OUTPUT" in report:
        return _SALES
    if "INPUT" in report or report in ("EXEMPTEXPENSES", "GSTONIMPORTS"):
        return _PURCHASES
    return _ANY


def tax_rate_record(item, label="GST"):
    """A stored tax rate from seed data (unknown keys are ignored)."""
    tax_type = text(item.get("TaxType")).strip().upper()
    rate = item.get("EffectiveRate", item.get("Rate", item.get("DisplayTaxRate", 0)))
    effective = dec(rate, Decimal(0))
    report = text(item.get("ReportTaxType")).strip().upper() or "NONE"
    flags = _flags_for(tax_type, report)
    record = {
        "TaxType": tax_type,
        "Name": text(item.get("Name")) or tax_type,
        "EffectiveRate": effective,
        "DisplayTaxRate": dec(item.get("DisplayTaxRate"), effective),
        "ReportTaxType": report,
        "Status": text(item.get("Status")).strip().upper() or "ACTIVE",
    }
    for flag in FLAGS:
        record[flag] = bool(item.get(flag, flags[flag]))
    components = item.get("TaxComponents")
    if isinstance(components, list) and components:
        record["TaxComponents"] = [
            {
                "Name": text(c.get("Name")) or label,
                "Rate": dec(c.get("Rate"), effective),
                "IsCompound": bool(c.get("IsCompound", False)),
                "IsNonRecoverable": bool(c.get("IsNonRecoverable", False)),
            }
            for c in components
            if isinstance(c, dict)
        ]
    else:
        record["TaxComponents"] = [
            {
                "Name": label,
                "Rate": effective,
                "IsCompound": False,
                "IsNonRecoverable": False,
            }
        ]
    return record


def load_tax_rates(org, data, percent):
    label = "VAT" if org.info["CountryCode"] == "GB" else "GST"
    if not org.tax_rates:
        for tax_type, name, rate, report in default_tax_rates(percent, label):
            org.tax_rates[tax_type] = tax_rate_record(
                {
                    "TaxType": tax_type,
                    "Name": name,
                    "EffectiveRate": rate,
                    "ReportTaxType": report,
                },
                label,
            )
    for item in data.get("TaxRates") or []:
        record = tax_rate_record(item, label)
        if record["Status"] not in TAX_STATUSES:
            raise ValueError(f"tax rate {record['TaxType']}: bad Status")
        org.tax_rates[record["TaxType"]] = record


def load_accounts(org, data, now):
    if not org.accounts:
        for code, name, acc_type, tax in DEFAULT_ACCOUNTS:
            add_account(
                org, {"Code": code, "Name": name, "Type": acc_type, "TaxType": tax}, now
            )
    for item in data.get("Accounts") or []:
        existing = org.account_by_code(item.get("Code"))
        merged = {**(existing or {}), **item}
        if existing:
            merged["AccountID"] = existing["AccountID"]
            merged.pop("_updated", None)
            del org.accounts[existing["AccountID"]]
        add_account(org, merged, parse_datetime(item.get("UpdatedDateUTC")) or now)


def add_account(org, item, now):
    account_id = text(item.get("AccountID")).lower() or str(
        uuid.uuid5(SEED_NS, f"{org.id}/account/{item.get('Code')}")
    )
    acc_type = text(item.get("Type")).upper() or "REVENUE"
    account = {
        "AccountID": account_id,
        "Code": text(item.get("Code")),
        "Name": text(item.get("Name")) or text(item.get("Code")),
        "Status": text(item.get("Status")).upper() or "ACTIVE",
        "Type": acc_type,
        "TaxType": text(item.get("TaxType")) or "NONE",
        "Class": text(item.get("Class")) or ACCOUNT_CLASSES.get(acc_type, "REVENUE"),
        "EnablePaymentsToAccount": bool(item.get("EnablePaymentsToAccount", False)),
        "ShowInExpenseClaims": bool(item.get("ShowInExpenseClaims", False)),
        "ReportingCode": text(item.get("ReportingCode")),
        "HasAttachments": False,
        "AddToWatchlist": False,
        "_updated": now,
    }
    if item.get("Description"):
        account["Description"] = text(item["Description"])
    if acc_type == "BANK":
        account["BankAccountType"] = text(item.get("BankAccountType")) or "BANK"
        digits = int(hashlib.sha256(account_id.encode()).hexdigest()[:8], 16) % 10**7
        account["BankAccountNumber"] = text(item.get("BankAccountNumber")) or (
            f"12-3456-{digits:07d}-00"
        )
        account["CurrencyCode"] = (
            text(item.get("CurrencyCode")).upper() or org.info["BaseCurrency"]
        )
    system = item.get("SystemAccount") or SYSTEM_ACCOUNTS.get(account["Code"])
    if system:
        account["SystemAccount"] = system
    org.accounts[account_id] = account
    return account


def load_currencies(org, data):
    base = org.info["BaseCurrency"]
    given = data.get("Currencies")
    if not org.currencies:
        codes = [base] if given is not None else [base, *currencies.DEFAULT_ENABLED]
        for code in codes:
            enable_currency(org, {"Code": code})
    for item in given or []:
        enable_currency(org, item if isinstance(item, dict) else {"Code": item})


def enable_currency(org, item):
    """Add a currency (``{"Code", "Description"?, "Rate"?}``); returns its record."""
    code = text(item.get("Code")).strip().upper()
    if code not in currencies.CODES:
        raise ValueError(f"unknown currency code {code!r}")
    record = org.currencies.get(code) or {
        "Code": code,
        "Description": currencies.description(code),
        "_rate": currencies.sample_rate(org.info["BaseCurrency"], code),
    }
    if item.get("Description"):
        record["Description"] = text(item["Description"])
    if item.get("Rate") not in (None, ""):
        record["_rate"] = dec(item["Rate"])
    org.currencies[code] = record
    return record


def load_branding_themes(org, data, now):
    if not org.branding_themes:
        add_branding_theme(org, {"Name": "Standard", "SortOrder": 0}, now)
    for item in data.get("BrandingThemes") or []:
        add_branding_theme(org, item, now)


def add_branding_theme(org, item, now):
    name = text(item.get("Name")) or "Standard"
    theme_id = text(item.get("BrandingThemeID")).lower() or str(
        uuid.uuid5(SEED_NS, f"{org.id}/theme/{name}")
    )
    order = item.get("SortOrder", len(org.branding_themes))
    created = parse_datetime(item.get("CreatedDateUTC")) or now - timedelta(days=400)
    theme = {
        "BrandingThemeID": theme_id,
        "Name": name,
        "Type": "INVOICE",
        "SortOrder": int(order),
        "CreatedDateUTC": created,
    }
    if item.get("LogoUrl"):
        theme["LogoUrl"] = text(item["LogoUrl"])
    org.branding_themes[theme_id] = theme
    return theme
