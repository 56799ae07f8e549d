"""An Odoo product as a Xero item (PUT /Items): code, name, sales price,
sales account and tax. Values Xero cannot hold are refused, never cut."""

from decimal import ROUND_HALF_UP, Decimal

# Xero's limits (the spec's Item schema).
CODE_MAX = 30
NAME_MAX = 50
DESCRIPTION_MAX = 4000


class ItemMappingError(ValueError):
    """The product cannot be a Xero item as it is."""


def to_xero(code, name, description=None, price=0.0, account_code=None, tax_type=None,
            external_id=None):
    code = (code or "").strip()
    name = (name or "").strip()
    if not code:
        raise ItemMappingError("Xero items need a code: give the product an internal "
                               "reference.")
    for label, value, limit in (("code", code, CODE_MAX), ("name", name, NAME_MAX),
                                ("description", description or "", DESCRIPTION_MAX)):
        if len(value) > limit:
            raise ItemMappingError(f"The {label} has {len(value)} characters; Xero takes at "
                                   f"most {limit} in an item's {label}.")
    sales = {"UnitPrice": float(Decimal(str(price or 0)).quantize(Decimal("0.0001"),
                                                                  ROUND_HALF_UP))}
    if account_code:
        sales["AccountCode"] = account_code
    if tax_type:
        sales["TaxType"] = tax_type
    payload = {"Code": code, "Name": name or code, "IsSold": True, "SalesDetails": sales}
    if description:
        payload["Description"] = description
    if external_id:
        payload["ItemID"] = external_id
    return payload
