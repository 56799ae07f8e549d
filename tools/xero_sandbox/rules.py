"""Xero's validation rules for contacts, and the write context shared by all rules."""

import copy
import re

from . import messages as msg
from .store import new_id

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}$"
)

CONTACT_TEXT = {
    "Name": 255,
    "ContactNumber": 50,
    "AccountNumber": 50,
    "FirstName": 255,
    "LastName": 255,
    "CompanyNumber": 50,
    "EmailAddress": 255,
    "BankAccountDetails": None,
    "TaxNumber": 50,
    "AccountsReceivableTaxType": None,
    "AccountsPayableTaxType": None,
    "SalesDefaultAccountCode": None,
    "PurchasesDefaultAccountCode": None,
    "XeroNetworkKey": None,
    "Website": None,
}
CONTACT_ENUMS = {
    "TaxNumberType": ("SSN", "EIN", "ITIN", "ATIN"),
    "SalesDefaultLineAmountType": ("INCLUSIVE", "EXCLUSIVE", "NONE"),
    "PurchasesDefaultLineAmountType": ("INCLUSIVE", "EXCLUSIVE", "NONE"),
}
CONTACT_STATUSES = ("ACTIVE", "ARCHIVED")
ADDRESS_TYPES = ("STREET", "POBOX")
ADDRESS_FIELDS = {
    "AddressLine1": 500,
    "AddressLine2": 500,
    "AddressLine3": 500,
    "AddressLine4": 500,
    "City": 255,
    "Region": 255,
    "PostalCode": 50,
    "Country": 50,
    "AttentionTo": 255,
}
PHONE_TYPES = ("DEFAULT", "DDI", "FAX", "MOBILE", "OFFICE")
PHONE_FIELDS = {"PhoneNumber": 50, "PhoneAreaCode": 10, "PhoneCountryCode": 20}
PERSON_FIELDS = {"FirstName": 255, "LastName": 255, "EmailAddress": 255}
MAX_CONTACT_PERSONS = 5
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


class Ctx:
    """What a write needs to know: when, who, and how precise unit amounts are."""

    def __init__(self, now, client_id=None, unitdp=2):
        self.now = now
        self.today = now.date()
        self.client_id = client_id
        self.unitdp = 4 if str(unitdp) == "4" else 2


def is_guid(value):
    return isinstance(value, str) and bool(GUID_RE.match(value.strip()))


def text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def is_true(value):
    return value is True or (isinstance(value, str) and value.lower() == "true")


def field_text(data, field, errors, limit=None):
    """The text of ``data[field]``: numbers become text (as Xero's JSON reader
    does), objects and lists are refused; values over ``limit`` are refused,
    never cut."""
    value = data.get(field)
    if isinstance(value, (dict, list)):
        errors.append(msg.TEXT_EXPECTED.format(field=field))
        return ""
    value = text(value).strip()
    if limit and len(value) > limit:
        errors.append(msg.TOO_LONG.format(field=field, max=limit))
    return value


def field_list(data, field, errors):
    """``data[field]`` as a list of objects; anything else is a validation error."""
    value = data.get(field)
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(msg.LIST_EXPECTED.format(field=field))
        return []
    if not all(isinstance(item, dict) for item in value):
        errors.append(msg.OBJECT_EXPECTED.format(field=field))
        return [item for item in value if isinstance(item, dict)]
    return value


def blank_contact(contact_id):
    return {
        "ContactID": contact_id,
        "ContactStatus": "ACTIVE",
        "Name": "",
        "Addresses": [{"AddressType": t} for t in ("STREET", "POBOX")],
        "Phones": [{"PhoneType": t} for t in ("DEFAULT", "DDI", "FAX", "MOBILE")],
        "ContactPersons": [],
        "_is_customer": False,
        "_is_supplier": False,
    }


def _merge_slots(current, incoming, key, allowed, fields, errors):
    slots = {item[key]: dict(item) for item in current}
    order = [item[key] for item in current]
    for item in incoming:
        kind = field_text(item, key, errors).upper() or allowed[0]
        if kind not in allowed:
            errors.append(msg.INVALID_VALUE.format(field=key, value=item.get(key)))
            continue
        slot = slots.setdefault(kind, {key: kind})
        if kind not in order:
            order.append(kind)
        for field, limit in fields.items():
            if field in item:
                slot[field] = field_text(item, field, errors, limit)
    return [slots[k] for k in order]


def _persons(incoming, errors):
    if len(incoming) > MAX_CONTACT_PERSONS:
        errors.append(msg.CONTACT_PERSONS_MAX.format(max=MAX_CONTACT_PERSONS))
    persons = []
    for item in incoming:
        email = field_text(item, "EmailAddress", errors, PERSON_FIELDS["EmailAddress"])
        if email and not EMAIL_RE.match(email):
            errors.append(msg.EMAIL_INVALID)
        persons.append(
            {
                "FirstName": field_text(
                    item, "FirstName", errors, PERSON_FIELDS["FirstName"]
                ),
                "LastName": field_text(
                    item, "LastName", errors, PERSON_FIELDS["LastName"]
                ),
                "EmailAddress": email,
                "IncludeInEmails": is_true(item.get("IncludeInEmails")),
            }
        )
    return persons


def build_contact(org, data, existing=None):
    """Apply ``data`` onto a copy of ``existing`` (or a new contact).

    Returns ``(record, errors)``; nothing is stored.
    """
    errors = []
    record = copy.deepcopy(existing) if existing else blank_contact(new_id())
    for field, limit in CONTACT_TEXT.items():
        if field in data:
            record[field] = field_text(data, field, errors, limit)
    for field, allowed in CONTACT_ENUMS.items():
        value = field_text(data, field, errors).upper()
        if value:
            if value not in allowed:
                errors.append(msg.INVALID_VALUE.format(field=field, value=value))
            record[field] = value
    if data.get("DefaultCurrency"):
        value = field_text(data, "DefaultCurrency", errors).upper()
        if not CURRENCY_RE.match(value):
            errors.append(msg.CURRENCY_INVALID.format(value=value))
        record["DefaultCurrency"] = value
    if "ContactStatus" in data and data["ContactStatus"] not in (None, ""):
        status = field_text(data, "ContactStatus", errors).upper()
        if status not in CONTACT_STATUSES:
            errors.append(msg.CONTACT_STATUS_INVALID.format(value=status))
        else:
            record["ContactStatus"] = status
    if "Addresses" in data:
        record["Addresses"] = _merge_slots(
            record["Addresses"],
            field_list(data, "Addresses", errors),
            "AddressType",
            ADDRESS_TYPES,
            ADDRESS_FIELDS,
            errors,
        )
    if "Phones" in data:
        record["Phones"] = _merge_slots(
            record["Phones"],
            field_list(data, "Phones", errors),
            "PhoneType",
            PHONE_TYPES,
            PHONE_FIELDS,
            errors,
        )
    if "ContactPersons" in data:
        record["ContactPersons"] = _persons(
            field_list(data, "ContactPersons", errors), errors
        )
    terms = data.get("PaymentTerms")
    if isinstance(terms, dict):
        record["PaymentTerms"] = copy.deepcopy(terms)
    elif terms is not None:
        errors.append(msg.OBJECT_EXPECTED.format(field="PaymentTerms"))
    if not record.get("Name"):
        errors.append(msg.CONTACT_NAME_EMPTY)
    email = record.get("EmailAddress") or ""
    if email and not EMAIL_RE.match(email):
        errors.append(msg.EMAIL_INVALID)
    if record["ContactStatus"] == "ACTIVE" and record.get("Name"):
        other = org.active_names.get(record["Name"].lower())
        if other and other != record["ContactID"]:
            errors.append(msg.CONTACT_NAME_UNIQUE.format(name=record["Name"]))
    return record, errors


def store_contact(org, record, ctx, existing=None):
    """Persist a built contact, keeping the name index in step."""
    if existing is not None and _same(existing, record):
        return existing
    if existing is not None:
        if org.active_names.get(existing["Name"].lower()) == existing["ContactID"]:
            del org.active_names[existing["Name"].lower()]
    else:
        record["_created_by"] = ctx.client_id
    record["_updated"] = ctx.now
    org.contacts[record["ContactID"]] = record
    if record["ContactStatus"] == "ACTIVE":
        org.active_names[record["Name"].lower()] = record["ContactID"]
    org.emit(
        "CONTACT",
        record["ContactID"],
        "CREATE" if existing is None else "UPDATE",
        ctx.now,
    )
    return record


def save_contact(org, data, ctx, existing=None):
    record, errors = build_contact(org, data, existing)
    if errors:
        return None, errors
    return store_contact(org, record, ctx, existing), []


def _same(a, b):
    keys = (set(a) | set(b)) - {"_updated"}
    return all(a.get(k) == b.get(k) for k in keys)


def find_contact(org, ref):
    """Locate the contact an inbound reference (ID, number or name) points to."""
    contact_id = text(ref.get("ContactID")).strip().lower()
    if contact_id:
        return org.contacts.get(contact_id)
    found = org.contact_by_number(ref.get("ContactNumber"))
    if found:
        return found
    name = text(ref.get("Name")).strip().lower()
    if name:
        active = org.active_names.get(name)
        if active:
            return org.contacts[active]
        for contact in org.contacts.values():
            if contact["Name"].lower() == name:
                return contact
    return None
