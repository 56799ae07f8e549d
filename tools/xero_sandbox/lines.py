"""Line items of invoices and credit notes: item defaults, accounts, tax, amounts.

Amounts follow Xero: LineAmount = Quantity x UnitAmount x (1 - DiscountRate/100)
rounded to the cent; tax is worked out and rounded per line (Exclusive: on top
of the line amount, Inclusive: inside it), and the document's totals add up the
rounded line figures.
"""

from decimal import Decimal

from . import messages as msg
from .money import ZERO, dec, r2, r4
from .rules import field_list, field_text
from .settings import CLASS_FLAGS
from .store import new_id

SALES_TYPES = ("ACCREC", "ACCRECCREDIT")
# Accounts no line may be coded to.
NOT_FOR_LINES = {"DEBTORS", "CREDITORS", "GST"}
DESCRIPTION_MAX = 4000


def _number(raw, field, errors):
    try:
        return dec(raw.get(field))
    except ValueError:
        errors.append(msg.NUMBER_INVALID.format(field=field))
        return None


def _item_defaults(org, raw, sales, errors):
    """The line with what its item fills in where the line is silent."""
    code = field_text(raw, "ItemCode", errors)
    if not code:
        return raw, None
    item = org.item_by_code(code)
    if item is None:
        errors.append(msg.ITEM_CODE_INVALID.format(code=code))
        return raw, None
    details = item.get("SalesDetails" if sales else "PurchaseDetails") or {}
    description = item.get("Description" if sales else "PurchaseDescription")
    filled = dict(raw)
    for field, value in (
        ("Description", description),
        ("UnitAmount", details.get("UnitPrice")),
        ("AccountCode", details.get("AccountCode")),
        ("TaxType", details.get("TaxType")),
    ):
        if filled.get(field) in (None, "") and value not in (None, ""):
            filled[field] = value
    return filled, item


def _account(org, raw, errors):
    code = field_text(raw, "AccountCode", errors)
    account_id = field_text(raw, "AccountID", errors).lower()
    if not code and not account_id:
        return None
    account = org.accounts.get(account_id) if account_id else org.account_by_code(code)
    label = code or account_id
    if account is None:
        errors.append(msg.ACCOUNT_CODE_INVALID.format(code=label))
    elif account.get("Status", "ACTIVE") != "ACTIVE":
        errors.append(msg.ACCOUNT_CODE_ARCHIVED.format(code=account["Code"]))
    elif account["Type"] == "BANK" or account.get("SystemAccount") in NOT_FOR_LINES:
        errors.append(msg.ACCOUNT_CODE_INVALID.format(code=account["Code"]))
    else:
        return account
    return None


def _tax_type(org, raw, account, doc_type, amount_type, errors):
    """The line's tax type and rate, checked against its account or side."""
    if amount_type == "NoTax":
        return "NONE", ZERO
    sales = doc_type in SALES_TYPES
    tax_type = field_text(raw, "TaxType", errors).upper()
    if not tax_type and account is not None:
        tax_type = account.get("TaxType") or ""
    if not tax_type:
        tax_type = org.default_tax(sales)
    rate = org.tax_rates.get(tax_type)
    if rate is None or rate.get("Status", "ACTIVE") != "ACTIVE":
        errors.append(msg.TAX_TYPE_INVALID.format(code=tax_type))
        return tax_type, ZERO
    if account is not None:
        if not rate.get(CLASS_FLAGS.get(account["Class"], ""), True):
            errors.append(
                msg.TAX_TYPE_ACCOUNT.format(code=tax_type, account=account["Code"])
            )
    elif not rate.get("CanApplyToRevenue" if sales else "CanApplyToExpenses", True):
        errors.append(msg.TAX_TYPE_INVALID.format(code=tax_type))
    return tax_type, dec(rate.get("EffectiveRate"), ZERO)


def _amounts(raw, doc_type, unitdp, errors):
    """``(quantity, unit, line amount, discount rate, discount amount)``."""
    qty = _number(raw, "Quantity", errors)
    unit = _number(raw, "UnitAmount", errors)
    given = _number(raw, "LineAmount", errors)
    discount = _number(raw, "DiscountRate", errors)
    discount_amount = _number(raw, "DiscountAmount", errors)
    if (discount or discount_amount) and doc_type != "ACCREC":
        errors.append(msg.DISCOUNT_NOT_SUPPORTED)
        discount = discount_amount = None
    if discount is not None and not ZERO <= discount <= 100:
        errors.append(msg.DISCOUNT_INVALID.format(value=r2(discount)))
        discount = None
    if qty is None and unit is None and given is not None:
        qty, unit = Decimal(1), given
    elif unit is None and given is not None and qty:
        unit = given / qty
    elif qty is None and given is not None and unit:
        qty = given / unit
    if qty is None:
        qty = Decimal(1) if unit is not None else ZERO
    unit = unit if unit is not None else ZERO
    unit = r4(unit) if unitdp == 4 else r2(unit)
    qty = r4(qty)
    gross = qty * unit
    if discount_amount is not None:
        amount = r2(gross - discount_amount)
        if discount_amount < 0 or abs(discount_amount) > abs(gross):
            errors.append(msg.DISCOUNT_INVALID.format(value=r2(discount_amount)))
    else:
        amount = r2(gross * (1 - (discount or ZERO) / 100))
    both_given = raw.get("Quantity") is not None and raw.get("UnitAmount") is not None
    if given is not None and both_given and r2(given) != amount:
        errors.append(msg.LINE_TOTAL_MISMATCH.format(given=r2(given), expected=amount))
    return qty, unit, amount, discount, discount_amount


def line_tax(amount, percent, amount_type):
    if amount_type == "Exclusive":
        return r2(amount * percent / 100)
    if amount_type == "Inclusive":
        return r2(amount * percent / (100 + percent))
    return ZERO


def compute_lines(org, doc_type, amount_type, data, unitdp, errors, old=None):
    """Validate and price ``data["LineItems"]``; errors go to ``errors``."""
    old_ids = {line["LineItemID"] for line in old or ()}
    sales = doc_type in SALES_TYPES
    lines = []
    for raw in field_list(data, "LineItems", errors):
        raw, item = _item_defaults(org, raw, sales, errors)
        qty, unit, amount, discount, discount_amount = _amounts(
            raw, doc_type, unitdp, errors
        )
        account = _account(org, raw, errors)
        tax_type, percent = _tax_type(org, raw, account, doc_type, amount_type, errors)
        line_id = field_text(raw, "LineItemID", errors).lower()
        line = {
            "LineItemID": line_id if line_id in old_ids else new_id(),
            "Description": field_text(raw, "Description", errors, DESCRIPTION_MAX),
            "Quantity": qty,
            "UnitAmount": unit,
            "AccountCode": account["Code"] if account else "",
            "AccountID": account["AccountID"] if account else "",
            "TaxType": tax_type,
            "TaxAmount": line_tax(amount, percent, amount_type),
            "LineAmount": amount,
            "Tracking": field_list(raw, "Tracking", errors),
        }
        if item is not None:
            line["ItemCode"] = item["Code"]
            line["_item"] = item["ItemID"]
        if discount is not None:
            line["DiscountRate"] = r2(discount)
        if discount_amount is not None:
            line["DiscountAmount"] = r2(discount_amount)
        lines.append(line)
    return lines


def missing_accounts(lines):
    """Lines with an amount but no account: Xero will not approve those."""
    return [line for line in lines if line["LineAmount"] and not line["AccountCode"]]


def totals(lines, amount_type):
    line_sum = sum((line["LineAmount"] for line in lines), ZERO)
    tax = sum((line["TaxAmount"] for line in lines), ZERO)
    subtotal = line_sum - tax if amount_type == "Inclusive" else line_sum
    return subtotal, tax, subtotal + tax
