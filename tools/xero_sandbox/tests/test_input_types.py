"""Whatever JSON a client sends, the answer is a result or a 400 ValidationException,
never a 500; contact limits are refused, never cut."""

import copy

import pytest
from helpers import ORG_A
from xero_python.accounting import Contact, ContactPerson, Contacts
from xero_python.exceptions import AccountingBadRequestException

EXISTING = "c0000000-0000-4000-8000-000000000001"
ODD_VALUES = [123, 1.5, True, None, "", "x" * 600, [], {}, [1], {"a": 1}, -5, "abc"]

CONTACT = {
    "Name": "Fuzz Ltd",
    "ContactNumber": "F-1",
    "AccountNumber": "A-1",
    "EmailAddress": "fuzz@example.com",
    "FirstName": "Fay",
    "DefaultCurrency": "NZD",
    "ContactStatus": "ACTIVE",
    "TaxNumberType": "SSN",
    "PaymentTerms": {"Sales": {"Day": 1, "Type": "DAYSAFTERBILLDATE"}},
    "Addresses": [{"AddressType": "STREET", "City": "Nelson"}],
    "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": "555"}],
    "ContactPersons": [{"FirstName": "Al", "EmailAddress": "al@example.com",
                        "IncludeInEmails": True}],
}
LINE = {"Description": "d", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200",
        "TaxType": "OUTPUT", "DiscountRate": 5, "LineAmount": 9.5, "ItemCode": "X",
        "Tracking": [], "LineItemID": "x"}
INVOICE = {"Type": "ACCREC", "Contact": {"ContactID": EXISTING}, "Date": "2024-01-01",
           "DueDate": "2024-02-01", "Status": "DRAFT", "LineAmountTypes": "Exclusive",
           "LineItems": [LINE], "CurrencyCode": "NZD", "CurrencyRate": 1,
           "InvoiceNumber": "F-1", "Reference": "r", "SentToContact": False,
           "BrandingThemeID": "x", "Url": "http://x", "InvoiceID": "x"}
NOTE = {**{k: v for k, v in INVOICE.items() if k not in ("InvoiceNumber", "InvoiceID")},
        "Type": "ACCRECCREDIT", "CreditNoteNumber": "CN-F", "CreditNoteID": "x"}
PAYMENT = {"Invoice": {"InvoiceID": "x"}, "Account": {"Code": "090"}, "Date": "2024-01-01",
           "Amount": 1, "Reference": "r", "CurrencyRate": 1, "IsReconciled": False,
           "Status": "AUTHORISED", "Code": "090", "InvoiceNumber": "x", "PaymentID": "x"}
ITEM = {"Code": "FZ", "Name": "Fuzz", "Description": "d", "IsSold": True,
        "SalesDetails": {"UnitPrice": 1, "AccountCode": "200", "TaxType": "OUTPUT"},
        "PurchaseDetails": {"UnitPrice": 1, "AccountCode": "429", "TaxType": "INPUT"}}


def _paths(obj, prefix=()):
    for key, value in obj.items():
        yield (*prefix, key)
        if isinstance(value, dict):
            yield from _paths(value, (*prefix, key))
        if isinstance(value, list) and value and isinstance(value[0], dict):
            yield from _paths(value[0], (*prefix, key, 0))


def _set(obj, path, value):
    obj = copy.deepcopy(obj)
    cur = obj
    for part in path[:-1]:
        cur = cur[part]
    cur[path[-1]] = value
    return obj


@pytest.mark.parametrize(
    ("method", "path", "key", "base"),
    [
        ("PUT", "Contacts", "Contacts", CONTACT),
        ("POST", "Contacts", "Contacts", CONTACT),
        ("PUT", "Invoices", "Invoices", INVOICE),
        ("POST", "Invoices", "Invoices", INVOICE),
        ("PUT", "CreditNotes", "CreditNotes", NOTE),
        ("PUT", "Payments", "Payments", PAYMENT),
        ("PUT", "Items", "Items", ITEM),
        ("POST", "Items", "Items", ITEM),
        ("PUT", "Currencies", "Currencies", {"Code": "USD"}),
    ],
)
def test_no_field_type_gives_a_500(sb, acme, method, path, key, base):
    headers = {"Authorization": f"Bearer {acme.token['access_token']}",
               "xero-tenant-id": ORG_A}
    url = f"{sb.url}/api.xro/2.0/{path}"
    bodies = [{key: [_set(base, p, v)]} for p in _paths(base) for v in ODD_VALUES]
    bodies += [*ODD_VALUES, [None], ["x"], {key: None}, {key: "x"}, {key: [5]}]
    for body in bodies:
        resp = sb.http.request(method, url, json=body, headers=headers)
        assert resp.status_code in (200, 400), (body, resp.status_code, resp.text[:300])
        if resp.status_code == 400:
            assert resp.json()["Type"] in ("ValidationException", "PostDataInvalidException")


def test_element_of_the_wrong_shape_is_a_validation_error(sb, acme):
    headers = {"Authorization": f"Bearer {acme.token['access_token']}",
               "xero-tenant-id": ORG_A}
    resp = sb.http.put(
        f"{sb.url}/api.xro/2.0/Contacts",
        json={"Contacts": [{"Name": "Fine Ltd", "Addresses": "Main St"}, 5]},
        headers=headers,
        params={"summarizeErrors": "false"},
    )
    assert resp.status_code == 200
    first, second = resp.json()["Contacts"]
    assert first["ValidationErrors"] == [{"Message": "Addresses must be a list."}]
    assert second["ValidationErrors"] == [
        {"Message": "Contacts must contain objects, not values."}
    ]
    assert [c["Name"] for c in sb.state(ORG_A, "Contacts")] == ["Existing Co", "Archived Co"]


def test_numeric_contact_number_is_text(sb, acme):
    headers = {"Authorization": f"Bearer {acme.token['access_token']}",
               "xero-tenant-id": ORG_A}
    resp = sb.http.post(
        f"{sb.url}/api.xro/2.0/Contacts",
        json={"Contacts": [{"Name": "Numbered Ltd", "ContactNumber": 4711,
                            "AccountNumber": 99}]},
        headers=headers,
    )
    assert resp.status_code == 200, resp.text
    contact = resp.json()["Contacts"][0]
    assert (contact["ContactNumber"], contact["AccountNumber"]) == ("4711", "99")
    again = sb.http.post(
        f"{sb.url}/api.xro/2.0/Contacts",
        json={"Contacts": [{"ContactNumber": 4711, "EmailAddress": "n@example.com"}]},
        headers=headers,
    ).json()["Contacts"][0]
    assert again["ContactID"] == contact["ContactID"]
    assert again["EmailAddress"] == "n@example.com"


def test_account_number_and_contact_persons_are_kept(acme):
    persons = [
        ContactPerson(first_name=f"P{i}", last_name="Person",
                      email_address=f"p{i}@example.com", include_in_emails=i == 0)
        for i in range(5)
    ]
    created = acme.accounting.create_contacts(
        ORG_A,
        Contacts(contacts=[Contact(name="People Ltd", account_number="ACC-42",
                                   contact_persons=persons)]),
    ).contacts[0]
    fetched = acme.accounting.get_contact(ORG_A, created.contact_id).contacts[0]
    assert fetched.account_number == "ACC-42"
    assert [p.first_name for p in fetched.contact_persons] == [f"P{i}" for i in range(5)]
    assert fetched.contact_persons[0].include_in_emails is True
    by_number = acme.accounting.get_contacts(ORG_A, where='AccountNumber=="ACC-42"')
    assert [c.name for c in by_number.contacts] == ["People Ltd"]


def test_a_sixth_contact_person_is_refused(sb, acme):
    persons = [ContactPerson(first_name=f"P{i}") for i in range(6)]
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.update_contact(
            ORG_A, EXISTING, Contacts(contacts=[Contact(contact_persons=persons)])
        )
    assert exc.value.reason == "A contact can have a maximum of 5 contact persons."
    assert sb.state(ORG_A, "Contacts")[0]["ContactPersons"] == []


@pytest.mark.parametrize(
    ("field", "limit"),
    [("Name", 255), ("ContactNumber", 50), ("AccountNumber", 50), ("TaxNumber", 50),
     ("EmailAddress", 255), ("CompanyNumber", 50)],
)
def test_values_over_xeros_maxima_are_refused_not_cut(sb, acme, field, limit):
    value = ("a" * (limit - 12) + "@example.com") if field == "EmailAddress" else "x" * limit
    headers = {"Authorization": f"Bearer {acme.token['access_token']}",
               "xero-tenant-id": ORG_A}
    ok = sb.http.put(
        f"{sb.url}/api.xro/2.0/Contacts",
        json={"Contacts": [{"Name": f"Fits {field}", field: value}]},
        headers=headers,
    )
    assert ok.status_code == 200 and ok.json()["Contacts"][0][field] == value
    too_long = "y" + value
    resp = sb.http.put(
        f"{sb.url}/api.xro/2.0/Contacts",
        json={"Contacts": [{"Name": f"Long {field}", field: too_long}]},
        headers=headers,
    )
    assert resp.status_code == 400
    messages = [m["Message"] for m in resp.json()["Elements"][0]["ValidationErrors"]]
    assert f"{field} must not be more than {limit} characters long." in messages


def test_long_address_and_person_fields_are_refused(acme):
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.create_contacts(
            ORG_A,
            {"Contacts": [{"Name": "Addr Ltd",
                           "Addresses": [{"AddressType": "STREET", "PostalCode": "9" * 51}],
                           "ContactPersons": [{"FirstName": "f" * 256}]}]},
        )
    messages = [m["Message"] for m in exc.value.error_data["Elements"][0]["ValidationErrors"]]
    assert messages == [
        "PostalCode must not be more than 50 characters long.",
        "FirstName must not be more than 255 characters long.",
    ]
