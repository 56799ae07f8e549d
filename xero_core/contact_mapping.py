"""The one place where a Xero contact meets a partner.

Both sides are reduced to the same flat dict of *sync values* (strings, ""
for empty) keyed by the names in ``FIELDS``. Xero's side is built from its
JSON here; the Odoo side is built by the addon from the partner. Diffs,
pushes and imports all work on these dicts.
"""

import re
from dataclasses import dataclass

from .contact_persons import (
    MAX_PERSONS,
    PERSON_LIST,
    persons_from_xero,
    persons_problems,
    persons_text,
    persons_to_xero,
)
from .names import join_person_name, split_person_name, text  # noqa: F401 - used by callers


@dataclass(frozen=True)
class SyncField:
    key: str
    label: str
    max_len: int = 255
    pull_only: bool = False  # Xero does not accept it on writes


FIELDS = (
    SyncField("name", "Name"),
    SyncField("first_name", "First name"),
    SyncField("last_name", "Last name"),
    SyncField("email", "Email"),
    SyncField("phone", "Phone", 50),
    SyncField("mobile", "Mobile", 50),
    SyncField("street", "Address line 1", 500),
    SyncField("street2", "Address line 2", 500),
    SyncField("street3", "Address line 3", 500),
    SyncField("street4", "Address line 4", 500),
    SyncField("city", "City"),
    SyncField("state", "Region"),
    SyncField("zip", "Postal code", 50),
    SyncField("country", "Country", 50),
    SyncField("vat", "Tax number", 50),
    SyncField("company_registry", "Company number", 50),
    SyncField("ref", "Account number", 50),
    SyncField("persons", "Contact persons", 0),  # limits: see too_long
    SyncField("website", "Website", pull_only=True),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
PUSHABLE_KEYS = tuple(f.key for f in FIELDS if not f.pull_only)
ADDRESS_TYPE = "address_type"  # not a field: which of Xero's addresses the values are
ADDRESS_KEYS = ("street", "street2", "street3", "street4", "city", "state", "zip",
                "country")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CODE = re.compile(r"^[A-Z]{2,3}$")


def _records(value):
    """Xero's list of phones / addresses; anything else reads as none."""
    return value if isinstance(value, list) else []


def _phone(phones, kind):
    for phone in _records(phones):
        if isinstance(phone, dict) and phone.get("PhoneType") == kind:
            parts = [text(phone.get(k)) for k in
                     ("PhoneCountryCode", "PhoneAreaCode", "PhoneNumber")]
            return " ".join(p for p in parts if p)
    return ""


def _address(addresses, kind="POBOX"):
    for address in _records(addresses):
        if isinstance(address, dict) and address.get("AddressType") == kind:
            return address
    return {}


def _filled(address):
    return any(text(address.get(k)) for k in (
        "AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4", "City", "Region",
        "PostalCode", "Country"))


def from_xero(contact):
    """Xero contact JSON -> (sync values, notes about what could not map)."""
    if not isinstance(contact, dict):
        return dict.fromkeys(FIELD_KEYS, ""), ["The Xero record is not a contact."]
    notes = []
    address = _address(contact.get("Addresses"))
    if not _filled(address):
        # Xero returns every address slot; fall back to the street address
        # when the postal one is empty (and the street one is not).
        street = _address(contact.get("Addresses"), "STREET")
        address = street if _filled(street) else address
    values = {
        # Where the address came from: a push writes it back there.
        ADDRESS_TYPE: address.get("AddressType") or "POBOX",
        "name": text(contact.get("Name")),
        "first_name": text(contact.get("FirstName")),
        "last_name": text(contact.get("LastName")),
        "email": text(contact.get("EmailAddress")),
        "phone": _phone(contact.get("Phones"), "DEFAULT"),
        "mobile": _phone(contact.get("Phones"), "MOBILE"),
        "street": text(address.get("AddressLine1")),
        "street2": text(address.get("AddressLine2")),
        "street3": text(address.get("AddressLine3")),
        "street4": text(address.get("AddressLine4")),
        "city": text(address.get("City")),
        "state": text(address.get("Region")),
        "zip": text(address.get("PostalCode")),
        "country": text(address.get("Country")),
        "vat": text(contact.get("TaxNumber")),
        "company_registry": text(contact.get("CompanyNumber")),
        "ref": text(contact.get("AccountNumber")),
        "website": text(contact.get("Website")),
    }
    persons = contact.get("ContactPersons")
    if isinstance(persons, list):
        # Left out when absent: an answer without them says nothing of them.
        values[PERSON_LIST] = persons_from_xero(persons)
        values["persons"] = persons_text(values[PERSON_LIST])
    if not values["name"]:
        values["name"] = join_person_name(values["first_name"], values["last_name"]) or values[
            "email"]
        notes.append(
            "The Xero contact has no name; "
            + (f"used “{values['name']}”." if values["name"] else "it needs one in Odoo.")
        )
    if values["email"] and not _EMAIL.match(values["email"]):
        notes.append(f"Email “{values['email']}” is not a valid address; it was not imported.")
        values["email"] = ""
    return values, notes


def as_held(code, name, held):
    """Odoo's country or state (its ``code`` and English ``name``) in the
    form Xero holds it: Xero keeps free text, "NSW" or "New South Wales" as
    it was typed. The same place keeps Xero's spelling; another place is
    written as a code where Xero held a code, else by name."""
    code, name, held = text(code), text(name), text(held)
    if not code and not name:
        return ""
    if held and held.casefold() in (code.casefold(), name.casefold()):
        return held
    if code and _CODE.match(held):
        return code
    return name or code


def to_xero(values, contact_id=None, keys=None, current=None, contact_number=None):
    """Sync values -> Xero contact payload with the given keys only
    (all pushable keys by default). Pull-only fields are never sent.

    Xero replaces an address as a whole, so when some address keys are sent
    the others take ``current`` (Xero's values), never Odoo's: a change made
    in Xero and still waiting for review must not be overwritten.

    ``contact_number``: Xero's ContactNumber of a contact created now, the
    key a lost answer is looked up by.

    Values are never cut: check ``too_long`` first, Xero refuses them."""
    keys = [k for k in (keys or PUSHABLE_KEYS) if k in PUSHABLE_KEYS]
    if current is not None and any(k in keys for k in ADDRESS_KEYS):
        values = dict(values)
        values.update({k: current.get(k, "") for k in ADDRESS_KEYS if k not in keys})
    payload = {}
    if contact_id:
        payload["ContactID"] = contact_id
    if contact_number and not contact_id:
        payload["ContactNumber"] = contact_number
    simple = {
        "name": "Name",
        "first_name": "FirstName",
        "last_name": "LastName",
        "email": "EmailAddress",
        "vat": "TaxNumber",
        "company_registry": "CompanyNumber",
        "ref": "AccountNumber",
    }
    for key, xero_key in simple.items():
        if key in keys:
            payload[xero_key] = text(values.get(key))
    phones = []
    for key, kind in (("phone", "DEFAULT"), ("mobile", "MOBILE")):
        if key in keys:
            phones.append({"PhoneType": kind, "PhoneNumber": text(values.get(key)),
                           "PhoneAreaCode": "", "PhoneCountryCode": ""})
    if phones:
        payload["Phones"] = phones
    if "persons" in keys:
        # Xero replaces the list as a whole.
        payload["ContactPersons"] = persons_to_xero(
            values.get(PERSON_LIST), (current or {}).get(PERSON_LIST))
    if any(k in keys for k in ADDRESS_KEYS):
        payload["Addresses"] = [{
            "AddressType": (current or {}).get(ADDRESS_TYPE) or values.get(ADDRESS_TYPE)
            or "POBOX",
            "AddressLine1": text(values.get("street")),
            "AddressLine2": text(values.get("street2")),
            "AddressLine3": text(values.get("street3")),
            "AddressLine4": text(values.get("street4")),
            "City": text(values.get("city")),
            "Region": text(values.get("state")),
            "PostalCode": text(values.get("zip")),
            "Country": text(values.get("country")),
        }]
    return payload


def sent_keys(keys, current=None):
    """The keys whose Odoo value ``to_xero`` puts in the payload: without
    Xero's current address, an address goes whole from Odoo's values."""
    keys = [k for k in (keys or PUSHABLE_KEYS) if k in PUSHABLE_KEYS]
    if current is None and any(k in keys for k in ADDRESS_KEYS):
        keys += [k for k in ADDRESS_KEYS if k not in keys]
    return keys


def too_long(values, keys=None, current=None):
    """Why Xero cannot hold these values (one message per field), [] when
    it can: Xero refuses longer values, and cutting them would lose data."""
    problems = []
    for key in sent_keys(keys, current):
        if key == "persons":
            problems += persons_problems(values.get(PERSON_LIST) or [])
            continue
        value = text(values.get(key))
        limit = FIELD_BY_KEY[key].max_len
        if len(value) > limit:
            problems.append(
                f"{FIELD_BY_KEY[key].label} is {len(value)} characters long; Xero holds at "
                f"most {limit}. Shorten it in Odoo: the change is then sent again.")
    return problems


def cut_by_xero(key, odoo_value, xero_value):
    """Xero's value is Odoo's longer one cut at Xero's limit (sent by an
    older version, or typed in Xero): it must not come back over Odoo's."""
    odoo_value, limit = text(odoo_value), FIELD_BY_KEY[key].max_len
    return bool(limit) and len(odoo_value) > limit and text(odoo_value[:limit]) == text(xero_value)


def nonblank_keys(values):
    """Keys with a value: what may overwrite an existing Xero contact found by
    name (blank Odoo values never wipe Xero data)."""
    keys = [k for k in PUSHABLE_KEYS if text(values.get(k))]
    if "persons" in keys and len(values.get(PERSON_LIST) or []) > MAX_PERSONS:
        # More than Xero holds: the rest is sent, the persons stay a
        # difference on the partner (refused with the reason when pushed).
        keys.remove("persons")
    return keys


def looks_like_person(values):
    """A Xero contact whose name is just its primary person's name."""
    person = join_person_name(values.get("first_name"), values.get("last_name"))
    return bool(person) and person.casefold() == text(values.get("name")).casefold()
