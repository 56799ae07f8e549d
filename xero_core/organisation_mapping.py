"""A client's Xero organisation and its users, as a partner sees them.

The organisation JSON (``GET /Organisation``) becomes display details and the
values an accountant may import into the client's partner; a Xero user
(``GET /Users``) becomes the values of a child contact. Values are strings,
"" for empty, keyed like ``contact_mapping``'s sync values.
"""

import calendar
from dataclasses import dataclass

from .contact_mapping import join_person_name, text


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str


# What "Import" / "Import all" copy into the partner, in display order.
IMPORT_FIELDS = (
    ImportField("name", "Display name"),
    ImportField("company_registry", "Registration number"),
    ImportField("vat", "Tax number"),
    ImportField("street", "Postal address line 1"),
    ImportField("street2", "Postal address line 2"),
    ImportField("street3", "Postal address line 3"),
    ImportField("city", "Town / City"),
    ImportField("zip", "Postal / Zip code"),
    ImportField("state", "Region"),
    ImportField("country", "Country"),
)
IMPORT_KEYS = tuple(f.key for f in IMPORT_FIELDS)
IMPORT_LABELS = {f.key: f.label for f in IMPORT_FIELDS}

ADDRESS_KINDS = (
    ("POBOX", "Postal address"),
    ("STREET", "Street address"),
    ("DELIVERY", "Delivery address"),
)
PHONE_LABELS = {
    "DEFAULT": "Phone",
    "DDI": "Direct dial",
    "MOBILE": "Mobile",
    "FAX": "Fax",
    "OFFICE": "Office",
}
ROLE_LABELS = {
    "READONLY": "Read only",
    "INVOICEONLY": "Invoice only",
    "STANDARD": "Standard",
    "FINANCIALADVISER": "Adviser",
    "MANAGEDCLIENT": "Managed client",
    "CASHBOOKCLIENT": "Cashbook client",
    "UNKNOWN": "Unknown",
    "REMOVED": "Removed",
}


def _org(org):
    return org if isinstance(org, dict) else {}


def address(org, kind="POBOX"):
    """The organisation's address of one kind as flat lines ("" if none)."""
    found = next(
        (
            a
            for a in _org(org).get("Addresses") or []
            if isinstance(a, dict) and a.get("AddressType") == kind
        ),
        {},
    )
    return {
        "line1": text(found.get("AddressLine1")),
        "line2": text(found.get("AddressLine2")),
        "line3": text(found.get("AddressLine3")),
        "line4": text(found.get("AddressLine4")),
        "city": text(found.get("City")),
        "region": text(found.get("Region")),
        "zip": text(found.get("PostalCode")),
        "country": text(found.get("Country")),
        "attention": text(found.get("AttentionTo")),
    }


def format_address(lines):
    """Address lines -> one multi-line text, "" when empty."""
    locality = " ".join(p for p in (lines.get("city"), lines.get("region"), lines.get("zip")) if p)
    parts = [
        lines.get("attention") and f"Attn: {lines['attention']}",
        lines.get("line1"),
        lines.get("line2"),
        lines.get("line3"),
        lines.get("line4"),
        locality,
        lines.get("country"),
    ]
    return "\n".join(p for p in parts if p)


def phones(org):
    """``["Phone: 09 555 1234", ...]`` for the phones that have a number."""
    out = []
    for phone in _org(org).get("Phones") or []:
        if not isinstance(phone, dict):
            continue
        number = " ".join(
            p
            for p in (
                text(phone.get(k)) for k in ("PhoneCountryCode", "PhoneAreaCode", "PhoneNumber")
            )
            if p
        )
        if number:
            kind = text(phone.get("PhoneType")).upper()
            out.append(f"{PHONE_LABELS.get(kind, kind.title() or 'Phone')}: {number}")
    return out


def financial_year_end(org):
    """FinancialYearEndDay/Month as "31 March", "" if unknown."""
    org = _org(org)
    try:
        day, month = int(org.get("FinancialYearEndDay")), int(org.get("FinancialYearEndMonth"))
    except (TypeError, ValueError):
        return ""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return ""
    return f"{day} {calendar.month_name[month]}"


def label_of(code):
    """A Xero code as words: LOOK_THROUGH_COMPANY -> "Look through company"."""
    code = text(code)
    return code.replace("_", " ").capitalize() if code else ""


def record_values(org):
    """What the organisation record keeps (name, deep-link ShortCode,
    currency, country); a value Xero did not send is left out, so the
    record keeps what it had."""
    org = _org(org)
    values = {
        "name": text(org.get("Name")),
        "short_code": text(org.get("ShortCode")),
        "base_currency": text(org.get("BaseCurrency")),
        "country_code": text(org.get("CountryCode")).upper(),
    }
    return {key: value for key, value in values.items() if value}


def tenants(connections):
    """Organisations in Xero's /connections answer: tenant id, name and the
    connection's ids; other tenant types and malformed entries are left out."""
    found = []
    for conn in connections if isinstance(connections, list) else []:
        if not isinstance(conn, dict) or not conn.get("tenantId"):
            continue
        if (conn.get("tenantType") or "ORGANISATION") != "ORGANISATION":
            continue
        found.append({
            "tenant_id": text(conn["tenantId"]),
            "name": text(conn.get("tenantName")) or text(conn["tenantId"]),
            "connection_uid": text(conn.get("id")) or False,
            "auth_event_id": text(conn.get("authEventId")) or False,
            "updated": text(conn.get("updatedDateUtc")),
        })
    return found


def details(org):
    """What the Xero Organisation tab shows about the organisation."""
    org = _org(org)
    return {
        "name": text(org.get("Name")),
        "legal_name": text(org.get("LegalName")),
        "registration_number": text(org.get("RegistrationNumber")),
        "tax_number": text(org.get("TaxNumber")),
        "base_currency": text(org.get("BaseCurrency")),
        "country_code": text(org.get("CountryCode")).upper(),
        "organisation_type": label_of(org.get("OrganisationType")),
        "financial_year_end": financial_year_end(org),
        "short_code": text(org.get("ShortCode")),
        "postal": address(org, "POBOX"),
        "addresses": {kind: format_address(address(org, kind)) for kind, _l in ADDRESS_KINDS},
        "phones": "\n".join(phones(org)),
    }


def partner_values(org):
    """Import values keyed by ``IMPORT_KEYS``: the display name, numbers and
    the postal address. The country falls back on the organisation's country
    when the postal address names none."""
    org = _org(org)
    postal = address(org, "POBOX")
    return {
        "name": text(org.get("Name")),
        "company_registry": text(org.get("RegistrationNumber")),
        "vat": text(org.get("TaxNumber")),
        "street": postal["line1"],
        "street2": postal["line2"],
        "street3": postal["line3"],
        "city": postal["city"],
        "zip": postal["zip"],
        "state": postal["region"],
        "country": postal["country"] or text(org.get("CountryCode")).upper(),
    }


def missing_parts(org):
    """What the organisation does not record, among "registration_number",
    "tax_number" and "address" (the tab says so instead of a blank)."""
    org = _org(org)
    missing = []
    if not text(org.get("RegistrationNumber")):
        missing.append("registration_number")
    if not text(org.get("TaxNumber")):
        missing.append("tax_number")
    if not any(format_address(address(org, kind)) for kind, _l in ADDRESS_KINDS):
        missing.append("address")
    return missing


def user_values(user):
    """A Xero user -> the cached user line."""
    user = user if isinstance(user, dict) else {}
    role = text(user.get("OrganisationRole")).upper()
    return {
        "xero_user_id": text(user.get("UserID")),
        "first_name": text(user.get("FirstName")),
        "last_name": text(user.get("LastName")),
        "email": text(user.get("EmailAddress")),
        "role": role,
        "role_label": ROLE_LABELS.get(role, label_of(role)),
        "is_subscriber": bool(user.get("IsSubscriber")),
    }


def contact_values(user):
    """A Xero user (or its cached line) -> a child contact's name and email.
    A user without a name is named after its email."""
    first = text(user.get("first_name", user.get("FirstName")))
    last = text(user.get("last_name", user.get("LastName")))
    email = text(user.get("email", user.get("EmailAddress")))
    return {"name": join_person_name(first, last) or email, "email": email}


def same(current, incoming):
    return text(current).casefold() == text(incoming).casefold()


def overwrites(current, incoming, keys=None):
    """Keys whose import would replace a non-empty, different value.
    ``current`` and ``incoming`` map keys to strings."""
    keys = IMPORT_KEYS if keys is None else keys
    return [
        k
        for k in keys
        if text(incoming.get(k))
        and text(current.get(k))
        and not same(current.get(k), incoming.get(k))
    ]
