"""Items (Xero's price list): codes, names, sales and purchase details."""

import copy

from . import messages as msg
from .money import dec, r4
from .rules import field_text, is_true
from .settings import CLASS_FLAGS
from .store import new_id

ITEM_TEXT = {"Code": 30, "Name": 50, "Description": 4000, "PurchaseDescription": 4000}
DETAILS = {"SalesDetails": "CanApplyToRevenue", "PurchaseDetails": "CanApplyToExpenses"}


def blank_item():
    return {
        "ItemID": new_id(),
        "Code": "",
        "Name": "",
        "IsSold": True,
        "IsPurchased": True,
        "IsTrackedAsInventory": False,
        "SalesDetails": {},
        "PurchaseDetails": {},
    }


def _details(org, data, field, errors):
    """One of SalesDetails / PurchaseDetails, its account and tax type checked."""
    raw = data.get(field)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        errors.append(msg.OBJECT_EXPECTED.format(field=field))
        return {}
    out = {}
    if raw.get("UnitPrice") not in (None, ""):
        try:
            out["UnitPrice"] = r4(dec(raw["UnitPrice"]))
        except ValueError:
            errors.append(msg.NUMBER_INVALID.format(field="UnitPrice"))
    account = None
    code = field_text(raw, "AccountCode", errors)
    if code:
        account = org.account_by_code(code)
        if account is None or account["Type"] == "BANK":
            errors.append(msg.ACCOUNT_CODE_INVALID.format(code=code))
            account = None
        elif account.get("Status", "ACTIVE") != "ACTIVE":
            errors.append(msg.ACCOUNT_CODE_ARCHIVED.format(code=code))
            account = None
        else:
            out["AccountCode"] = account["Code"]
    tax_type = field_text(raw, "TaxType", errors).upper()
    if tax_type:
        rate = org.tax_rates.get(tax_type)
        flag = CLASS_FLAGS[account["Class"]] if account else DETAILS[field]
        if rate is None or rate.get("Status", "ACTIVE") != "ACTIVE":
            errors.append(msg.TAX_TYPE_INVALID.format(code=tax_type))
        elif not rate.get(flag, True):
            if account:
                errors.append(
                    msg.TAX_TYPE_ACCOUNT.format(code=tax_type, account=account["Code"])
                )
            else:
                errors.append(msg.TAX_TYPE_INVALID.format(code=tax_type))
        else:
            out["TaxType"] = tax_type
    if raw.get("COGSAccountCode"):
        errors.append(msg.ITEM_TRACKED)
    return out


def build_item(org, data, existing=None):
    """Apply ``data`` onto a copy of ``existing`` (or a new item): ``(item, errors)``."""
    errors = []
    item = copy.deepcopy(existing) if existing else blank_item()
    for field, limit in ITEM_TEXT.items():
        if field in data and data[field] is not None:
            item[field] = field_text(data, field, errors, limit)
    if not item["Code"]:
        errors.append(msg.ITEM_CODE_REQUIRED)
    other = org.item_by_code(item["Code"])
    if other is not None and other["ItemID"] != item["ItemID"]:
        errors.append(msg.ITEM_CODE_UNIQUE.format(code=item["Code"]))
    for field in ("IsSold", "IsPurchased"):
        if data.get(field) is not None:
            item[field] = is_true(data[field])
    for field in DETAILS:
        if field in data:
            item[field] = _details(org, data, field, errors)
    if data.get("InventoryAssetAccountCode") or is_true(data.get("IsTrackedAsInventory")):
        errors.append(msg.ITEM_TRACKED)
    # Xero clears what belongs to a side the item is no longer used on.
    if not item["IsSold"]:
        item["SalesDetails"] = {}
        item.pop("Description", None)
    if not item["IsPurchased"]:
        item["PurchaseDetails"] = {}
        item.pop("PurchaseDescription", None)
    return item, errors


def save_item(org, data, ctx, existing=None):
    item, errors = build_item(org, data, existing)
    if errors:
        return None, errors
    if existing is not None and _same(item, existing):
        return existing, []
    item["_updated"] = ctx.now
    org.items[item["ItemID"]] = item
    return item, []


def _same(a, b):
    keys = (set(a) | set(b)) - {"_updated"}
    return all(a.get(k) == b.get(k) for k in keys)
