"""Each endpoint's answer checked against Xero's OpenAPI spec and xero-python."""

import json
from datetime import date
from decimal import Decimal

import pytest
import requests
from helpers import SPEC_DIR
from openapi_core.contrib.requests import (
    RequestsOpenAPIRequest,
    RequestsOpenAPIResponse,
)
from openapi_core.exceptions import OpenAPIError
from xero_python.accounting import (
    Account,
    Allocation,
    Allocations,
    Contact,
    Contacts,
    Invoice,
    Payment,
    PaymentDelete,
)
from xero_sandbox.demo import MAIN

XERO_API = "https://api.xero.com"


def _validate(spec, resp, base):
    prepared = resp.request.copy()
    prepared.url = prepared.url.replace(base, XERO_API)
    spec.validate_response(
        RequestsOpenAPIRequest(prepared), RequestsOpenAPIResponse(resp)
    )


def _call(demo, token, method, path, **kwargs):
    headers = {
        "Authorization": f"Bearer {token['access_token']}",
        "xero-tenant-id": MAIN,
    }
    resp = requests.request(
        method, f"{demo.url}/api.xro/2.0/{path}", headers=headers, **kwargs
    )
    assert resp.status_code == 200, (path, resp.status_code, resp.text[:300])
    return resp


@pytest.fixture
def ids(demo):
    token = demo.connect(user="demo@example.com", client_id="sandbox-client-id")
    invoices = _call(demo, token, "GET", "Invoices").json()["Invoices"]
    return {
        "token": token,
        "contact": _call(demo, token, "GET", "Contacts").json()["Contacts"][0][
            "ContactID"
        ],
        "paid": next(i["InvoiceID"] for i in invoices if i["Status"] == "PAID"),
        "open": next(
            i
            for i in invoices
            if i["Status"] == "AUTHORISED"
            and i["Type"] == "ACCREC"
            and not i["Payments"]
            and not i["CreditNotes"]
        ),
        "payment": _call(demo, token, "GET", "Payments").json()["Payments"][0][
            "PaymentID"
        ],
        "credit": _call(demo, token, "GET", "CreditNotes").json()["CreditNotes"][0],
        "user": _call(demo, token, "GET", "Users").json()["Users"][0]["UserID"],
        "account": _call(demo, token, "GET", "Accounts").json()["Accounts"][0][
            "AccountID"
        ],
        "item": _call(demo, token, "GET", "Items").json()["Items"][0]["ItemID"],
        "theme": _call(demo, token, "GET", "BrandingThemes").json()["BrandingThemes"][0][
            "BrandingThemeID"
        ],
    }


def test_read_endpoints_match_the_spec(openapi_spec, demo, ids):
    token = ids["token"]
    paths = [
        "Organisation",
        "Users",
        f"Users/{ids['user']}",
        "Accounts",
        'Accounts?where=Type=="BANK"&order=Name',
        f"Accounts/{ids['account']}",
        "TaxRates",
        'TaxRates?where=Status=="ACTIVE"',
        "Currencies",
        "BrandingThemes",
        f"BrandingThemes/{ids['theme']}",
        "Items",
        "Items?unitdp=4",
        f"Items/{ids['item']}",
        "Contacts",
        "Contacts?page=1&pageSize=5",
        "Contacts?summaryOnly=true",
        f"Contacts/{ids['contact']}",
        "Invoices",
        "Invoices?page=1",
        "Invoices?summaryOnly=true&page=1",
        f"Invoices/{ids['paid']}",
        f"Invoices/{ids['paid']}/OnlineInvoice",
        "Payments",
        f"Payments/{ids['payment']}",
        "CreditNotes",
        f"CreditNotes/{ids['credit']['CreditNoteID']}",
        f"Reports/ExecutiveSummary?date={date.today().isoformat()}",
    ]
    for path in paths:
        _validate(openapi_spec, _call(demo, token, "GET", path), demo.url)


def test_write_endpoints_match_the_spec(openapi_spec, demo, ids):
    token, invoice = ids["token"], ids["open"]
    writes = [
        ("PUT", "Contacts", {"Contacts": [{"Name": "Spec Check Ltd"}]}),
        ("POST", "Contacts", {"Contacts": [{"Name": "Spec Check Two"}]}),
        ("POST", f"Contacts/{ids['contact']}", {"Contacts": [{"FirstName": "Spec"}]}),
        (
            "PUT",
            "Invoices",
            {
                "Invoices": [
                    {
                        "Type": "ACCREC",
                        "Contact": {"ContactID": ids["contact"]},
                        "LineItems": [
                            {"Description": "x", "Quantity": 1, "UnitAmount": 9}
                        ],
                    }
                ]
            },
        ),
        (
            "POST",
            f"Invoices/{invoice['InvoiceID']}",
            {"Invoices": [{"Reference": "spec"}]},
        ),
        (
            "PUT",
            "Payments",
            {
                "Payments": [
                    {
                        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                        "Account": {"Code": "090"},
                        "Date": "2024-01-02",
                        "Amount": 1,
                    }
                ]
            },
        ),
        (
            "PUT",
            "CreditNotes",
            {
                "CreditNotes": [
                    {
                        "Type": "ACCRECCREDIT",
                        "Contact": {"ContactID": invoice["Contact"]["ContactID"]},
                        "Status": "AUTHORISED",
                        "LineItems": [
                            {
                                "Description": "c",
                                "Quantity": 1,
                                "UnitAmount": 2,
                                "AccountCode": "200",
                            }
                        ],
                    }
                ]
            },
        ),
    ]
    item = {
        "Code": "SPEC",
        "Name": "Spec item",
        "SalesDetails": {"UnitPrice": 5, "AccountCode": "200", "TaxType": "OUTPUT2"},
    }
    writes += [
        ("PUT", "Items", {"Items": [item]}),
        ("POST", "Items", {"Items": [{**item, "Description": "changed"}]}),
        ("POST", f"Items/{ids['item']}", {"Items": [{"Name": "Renamed"}]}),
        ("PUT", "Currencies", {"Code": "EUR", "Description": "Euro"}),
        (
            "PUT",
            "Payments",
            {
                "Payments": [
                    {
                        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                        "Account": {"Code": "090"},
                        "Amount": amount,
                    }
                    for amount in (1, 2)
                ]
            },
        ),
    ]
    for method, path, body in writes:
        _validate(openapi_spec, _call(demo, token, method, path, json=body), demo.url)
    for method, path, body in writes[:2]:
        params = {"summarizeErrors": "false"}
        bad = {"Contacts": [{"Name": ""}]} if "Contacts" in body else body
        _validate(
            openapi_spec,
            _call(demo, token, method, path, json=bad, params=params),
            demo.url,
        )


def test_validation_really_checks_the_body(openapi_spec, demo, ids):
    demo.ctl(
        "POST",
        "faults",
        {"kind": "body", "mutate": {"set_fields": {"ContactStatus": "WEIRD"}}},
    )
    resp = _call(demo, ids["token"], "GET", "Contacts")
    with pytest.raises(OpenAPIError):
        _validate(openapi_spec, resp, demo.url)


def test_connections_match_the_identity_spec(demo, ids):
    path = SPEC_DIR / "xero-identity.yaml"
    if not path.exists():
        pytest.skip("identity spec not found")
    from openapi_core import Config, OpenAPI

    spec = OpenAPI.from_file_path(str(path), config=Config(spec_validator_cls=None))
    resp = requests.get(
        f"{demo.url}/Connections",
        headers={"Authorization": f"Bearer {ids['token']['access_token']}"},
    )
    body = resp.json()
    # Xero sends these without a zone ("2019-12-07T18:46:19.5165400", as in the
    # spec's own example), which the spec's date-time format does not allow.
    assert all(len(c["createdDateUtc"]) == 27 for c in body)
    for conn in body:
        conn["createdDateUtc"] += "Z"
        conn["updatedDateUtc"] += "Z"
    resp._content = json.dumps(body).encode()
    _validate(spec, resp, demo.url)


def test_xero_python_deserialises_every_endpoint(demo, ids):
    client = demo.client(
        ids["token"], client_id="sandbox-client-id", secret="sandbox-client-secret"
    )
    acc = client.accounting
    assert acc.get_organisations(MAIN).organisations[0].short_code.startswith("!")
    assert acc.get_users(MAIN).users and acc.get_user(MAIN, ids["user"]).users
    assert acc.get_accounts(MAIN).accounts and acc.get_tax_rates(MAIN).tax_rates
    assert len(acc.get_contacts(MAIN).contacts) >= 29
    assert acc.get_contacts(MAIN, page=1, summary_only=True).contacts
    assert acc.get_contact(MAIN, ids["contact"]).contacts[0].addresses
    invoices = acc.get_invoices(MAIN, page=1, page_size=1000)
    assert invoices.pagination.item_count == len(invoices.invoices) == 100
    assert acc.get_invoice(MAIN, ids["paid"]).invoices[0].fully_paid_on_date
    assert acc.get_online_invoice(MAIN, ids["paid"]).online_invoices
    assert acc.get_payments(MAIN, page=1).payments
    assert acc.get_payment(MAIN, ids["payment"]).payments[0].invoice
    notes = acc.get_credit_notes(MAIN).credit_notes
    assert acc.get_credit_note(MAIN, notes[0].credit_note_id).credit_notes
    report = acc.get_report_executive_summary(MAIN, date=date.today()).reports[0]
    assert [r.title for r in report.rows[1:]] == [
        "Cash",
        "Profitability",
        "Balance Sheet",
        "Income",
        "Performance",
        "Position",
    ]
    assert report.rows[0].cells[3].value == "Variance"
    created = acc.create_contacts(MAIN, Contacts(contacts=[Contact(name="SDK Ltd")]))
    contact_id = created.contacts[0].contact_id
    assert (
        acc.update_contact(
            MAIN,
            contact_id,
            Contacts(contacts=[Contact(email_address="sdk@example.com")]),
        )
        .contacts[0]
        .email_address
    )
    open_invoice = ids["open"]
    payment = acc.create_payment(
        MAIN,
        Payment(
            invoice=Invoice(invoice_id=open_invoice["InvoiceID"]),
            account=Account(code="090"),
            date=date.today(),
            amount=Decimal("1.00"),
        ),
    ).payments[0]
    assert acc.delete_payment(MAIN, payment.payment_id, PaymentDelete(status="DELETED"))
    note = acc.create_credit_notes(
        MAIN,
        {
            "CreditNotes": [
                {
                    "Type": "ACCRECCREDIT",
                    "Status": "AUTHORISED",
                    "Contact": {"ContactID": open_invoice["Contact"]["ContactID"]},
                    "LineItems": [
                        {
                            "Description": "c",
                            "Quantity": 1,
                            "UnitAmount": 5,
                            "AccountCode": "200",
                        }
                    ],
                }
            ]
        },
    )
    allocation = acc.create_credit_note_allocation(
        MAIN,
        note.credit_notes[0].credit_note_id,
        Allocations(
            allocations=[
                Allocation(
                    invoice=Invoice(invoice_id=open_invoice["InvoiceID"]),
                    amount=Decimal("2"),
                    date=date.today(),
                )
            ]
        ),
    )
    assert allocation.allocations[0].amount == 2
