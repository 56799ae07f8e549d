"""Payments read back by invoice (with their account, deleted ones too),
against the sandbox over HTTP."""

import pytest
import requests
from xero_sandbox import SandboxServer

from xero_core import oauth
from xero_core import payment_mapping as pm
from xero_core.client import XeroClient
from xero_core.endpoints import XeroEndpoints

CLIENT_ID, SECRET = "pay-client", "pay-secret"
ORG = "cccccccc-3333-4333-8333-333333333333"
LINE = {"Description": "Work", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"}
SEED = {
    "apps": [{"client_id": CLIENT_ID, "client_secret": SECRET, "redirect_uris": []}],
    "organisations": [{
        "OrganisationID": ORG, "Name": "Pay Org", "Contacts": [{"Name": "Alpha Ltd"}],
        "Invoices": [{"Type": "ACCREC", "Contact": {"Name": "Alpha Ltd"},
                      "InvoiceNumber": f"INV-P{n}", "Status": "AUTHORISED",
                      "LineAmountTypes": "NoTax", "LineItems": [LINE]} for n in range(3)],
        "Payments": [{"Invoice": {"InvoiceNumber": "INV-P0"}, "Account": {"Code": "090"},
                      "Amount": 30},
                     {"Invoice": {"InvoiceNumber": "INV-P1"}, "Account": {"Code": "091"},
                      "Amount": 10}],
    }],
    "users": [{"email": "pay@example.com", "password": "pw", "organisations": [ORG]}],
}


class Tokens:
    def __init__(self, token):
        self.token = token

    def access_token(self):
        return self.token["access_token"]

    def token_rejected(self, stale):
        return self.token["access_token"]


@pytest.fixture(scope="module")
def client():
    server = SandboxServer(port=0).start()
    server.reset(seed=SEED)
    token = requests.post(f"{server.url}/_sandbox/connect", timeout=10,
                          json={"user": "pay@example.com", "client_id": CLIENT_ID}).json()
    endpoints = XeroEndpoints.from_urls(server.url, server.url, server.url)
    yield XeroClient(endpoints, CLIENT_ID, SECRET, Tokens(oauth.clean_token(token)),
                     tenant_id=ORG, limiter=False, retries=0)
    server.stop()


def test_find_payments_of_invoices_with_accounts_and_deletions(client):
    invoices = {i["InvoiceNumber"]: i for i in client.find_invoices_by_numbers(
        ["INV-P0", "INV-P1", "INV-P2"])}
    [first] = pm.listed_payment_ids(invoices["INV-P0"])
    client.delete_payment(first, "delete-first")
    calls = client.calls
    found = [pm.from_xero(p) for p in client.find_payments(
        [invoices[n]["InvoiceID"] for n in ("INV-P0", "INV-P1", "INV-P2")])]
    assert client.calls == calls + 1, "one call for the three invoices"
    by_invoice = {p.invoice_id: p for p in found}
    assert set(by_invoice) == {invoices["INV-P0"]["InvoiceID"], invoices["INV-P1"]["InvoiceID"]}
    deleted = by_invoice[invoices["INV-P0"]["InvoiceID"]]
    assert deleted.deleted and deleted.account_code == "090"
    live = by_invoice[invoices["INV-P1"]["InvoiceID"]]
    assert not live.deleted and live.account_code == "091" and live.amount == 10
