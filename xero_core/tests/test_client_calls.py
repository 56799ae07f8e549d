"""The client's calls against the sandbox: If-Modified-Since on the wire,
lookups by IDs/numbers/reference/name, bills, payments in one call, server
time and the usage meter."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
from xero_sandbox import SandboxServer

from xero_core import oauth
from xero_core.client import XeroClient, element_errors, element_failed
from xero_core.endpoints import XeroEndpoints
from xero_core.errors import XeroTransientError

CLIENT_ID, SECRET = "calls-client", "calls-secret"
ORG = "eeeeeeee-5555-4555-8555-555555555555"
QUOTED = 'The "Best" Ltd'
SEED = {
    "apps": [{"client_id": CLIENT_ID, "client_secret": SECRET,
              "redirect_uris": ["http://localhost:9999/cb"]}],
    "organisations": [{
        "OrganisationID": ORG, "Name": "Calls Org", "CountryCode": "NZ",
        "Contacts": [{"Name": "Alpha Ltd", "ContactNumber": "A-1"},
                     {"Name": QUOTED, "ContactNumber": 'N"1'},
                     {"Name": "Back\\slash Ltd"},
                     {"Name": "Gone Ltd", "ContactStatus": "ARCHIVED"},
                     {"Name": "Supplier Co"}],
    }],
    "users": [{"email": "calls@example.com", "password": "pw", "organisations": [ORG]}],
}


@pytest.fixture(scope="module")
def server():
    srv = SandboxServer(port=0).start()
    yield srv
    srv.stop()


@pytest.fixture
def sandbox(server):
    server.reset(seed=SEED)
    return server


def control(server, method, path, **kw):
    response = requests.request(method, f"{server.url}/_sandbox/{path}", timeout=10, **kw)
    assert response.ok, response.text
    return response.json() if response.content else None


def request_log(server):
    log = control(server, "GET", "requests")
    return log["requests"] if isinstance(log, dict) else log


class Tokens:
    def __init__(self, token):
        self.token = token

    def access_token(self):
        return self.token["access_token"]

    def token_rejected(self, stale):
        return self.token["access_token"]


def make_client(server, **options):
    endpoints = XeroEndpoints.from_urls(server.url, server.url, server.url)
    token = oauth.clean_token(control(server, "POST", "connect", json={
        "user": "calls@example.com", "client_id": CLIENT_ID}))
    options.setdefault("retries", 1)
    options.setdefault("backoff", 0.01)
    options.setdefault("limiter", False)
    return XeroClient(endpoints, CLIENT_ID, SECRET, Tokens(token), tenant_id=ORG, **options)


def contact_id(client, name):
    return client.find_contacts(name=name)[0]["ContactID"]


def invoice(contact, kind="ACCREC", number=None, reference=None, amount=100):
    body = {"Type": kind, "Contact": {"ContactID": contact}, "Date": "2024-03-01",
            "DueDate": "2024-03-31", "Status": "AUTHORISED",
            "LineItems": [{"Description": "Work", "Quantity": 1, "UnitAmount": amount,
                           "AccountCode": "200" if kind == "ACCREC" else "400",
                           "TaxType": "OUTPUT" if kind == "ACCREC" else "INPUT"}]}
    if number:
        body["InvoiceNumber"] = number
    if reference:
        body["Reference"] = reference
    return body


def create(client, documents, key):
    answers = client.create_invoices(documents, key)
    assert not any(element_failed(a) for a in answers), [element_errors(a) for a in answers]
    return answers


# -- If-Modified-Since -------------------------------------------------------------


def test_if_modified_since_goes_out_as_utc_whole_seconds_with_offset(sandbox):
    client = make_client(sandbox)
    naive = datetime(2026, 11, 26, 10, 18, 59, 123456)  # naive = UTC
    aware = datetime(2026, 11, 26, 23, 18, 59, 999, tzinfo=UTC) + timedelta(hours=-13)
    control(sandbox, "DELETE", "requests")
    list(client.iter_contact_pages(modified_since=naive))
    list(client.iter_invoice_pages(modified_since=aware))
    list(client.iter_credit_note_pages(modified_since=naive))
    client.accounts(modified_since=naive)
    sent = [(r["path"], r["if_modified_since"]) for r in request_log(sandbox)]
    assert len(sent) == 4
    for path, value in sent:
        assert value == "2026-11-26T10:18:59+00:00", (path, value)


def test_if_modified_since_filters_in_the_sandbox(sandbox):
    client = make_client(sandbox)
    control(sandbox, "POST", "clock", json={"advance_seconds": 1200})
    client.save_contacts([{"Name": "Later Ltd"}], "later-1")
    since = client.last_server_time - timedelta(seconds=5)
    names = [c["Name"] for _p, page in client.iter_contact_pages(modified_since=since)
             for c in page]
    assert names == ["Later Ltd"]


# -- server time and the usage meter ---------------------------------------------------


def test_last_server_time_is_xeros_clock(sandbox):
    client = make_client(sandbox)
    assert client.last_server_time is None
    control(sandbox, "POST", "clock", json={"advance_seconds": 1200})
    client.organisation()
    skew = client.last_server_time - datetime.now(UTC)
    assert client.last_server_time.tzinfo is not None
    assert timedelta(seconds=1100) < skew < timedelta(seconds=1300), "the envelope wins"
    client.connections()  # no envelope: the HTTP Date header
    assert abs(client.last_server_time - datetime.now(UTC)) < timedelta(seconds=60)


def test_usage_meter_reports_every_call(sandbox):
    control(sandbox, "POST", "config", json={"rate_limits": {"minute": 60, "day": 5000,
                                                             "concurrent": 5}})
    seen = []
    client = make_client(sandbox, on_response=seen.append, job="pull")
    control(sandbox, "POST", "faults", json={"kind": "status", "status": 503,
                                             "match": {"path": "/Organisation"}})
    client.organisation()
    with client.job_label("push"):
        client.save_contacts([{"Name": "Metered Ltd"}], "meter-1")
    assert client.job == "pull"
    assert [(i["job"], i["method"], i["endpoint"], i["status"]) for i in seen] == [
        ("pull", "GET", "/Organisation", 503),
        ("pull", "GET", "/Organisation", 200),
        ("push", "POST", "/Contacts", 200),
    ]
    ok = seen[1]
    assert ok["tenant"] == ORG
    assert isinstance(ok["day_remaining"], int) and 0 < ok["day_remaining"] < 5000
    assert isinstance(ok["minute_remaining"], int)
    assert ok["bytes"] > 100
    assert seen[2]["day_remaining"] < ok["day_remaining"]
    assert client.last_usage == seen[-1]


def test_usage_meter_notes_calls_without_answer_and_survives_its_own_failure(sandbox):
    seen = []

    def meter(info):
        seen.append(info)
        raise RuntimeError("meter storage down")

    client = make_client(sandbox, on_response=meter, retries=0)
    control(sandbox, "POST", "faults", json={"kind": "drop",
                                             "match": {"path": "/Organisation"}})
    with pytest.raises(XeroTransientError):
        client.organisation()
    assert seen[-1]["status"] is None and seen[-1]["bytes"] == 0
    assert client.organisation()["Name"] == "Calls Org", "a failing meter breaks nothing"


# -- lookups ----------------------------------------------------------------------------


def test_find_contacts_by_number_and_name(sandbox):
    client = make_client(sandbox)
    assert [c["Name"] for c in client.find_contacts(contact_number="a-1")] == ["Alpha Ltd"]
    assert [c["Name"] for c in client.find_contacts(name="alpha ltd")] == ["Alpha Ltd"]
    assert client.find_contacts(contact_number="A-1", name="Supplier Co") == []
    assert [c["Name"] for c in client.find_contacts(name="Gone Ltd")] == ["Gone Ltd"]
    assert client.find_contacts(name="Gone Ltd", include_archived=False) == []
    assert client.find_active_contacts_by_name("Gone Ltd") == []
    with pytest.raises(ValueError):
        client.find_contacts()


def test_quotes_in_values_neither_break_nor_inject(sandbox):
    client = make_client(sandbox)
    assert [c["Name"] for c in client.find_contacts(name=QUOTED)] == [QUOTED]
    assert [c["Name"] for c in client.find_contacts(contact_number='N"1')] == [QUOTED]
    assert [c["Name"] for c in client.find_contacts(name="Back\\slash Ltd")] == \
        ["Back\\slash Ltd"]
    for attack in ('x" OR Name!="x', 'x\\" OR Name!=\\"x', "x&quot; OR Name!=&quot;x"):
        assert client.find_contacts(name=attack) == [], attack
    for entry in request_log(sandbox):
        where = entry["query"].get("where") or ""
        assert '\\"' not in where and "&quot;" not in where, where
        assert entry["status"] == 200, entry


def test_invoices_by_ids_numbers_and_reference(sandbox):
    client = make_client(sandbox)
    alpha = contact_id(client, "Alpha Ltd")
    answers = []
    for start in range(0, 120, 50):
        answers += create(client, [invoice(alpha, number=f"INV-{n:04d}",
                                           reference="Order 7" if n % 40 == 0 else None)
                                   for n in range(start, min(start + 50, 120))],
                          f"inv-{start}")
    ids = [a["InvoiceID"] for a in answers]
    control(sandbox, "DELETE", "requests")
    found = client.get_invoices_by_ids(ids + ids[:3])
    assert sorted(i["InvoiceID"] for i in found) == sorted(ids)
    assert all(i["LineItems"] for i in found), "full invoices, with their lines"
    calls = [r for r in request_log(sandbox) if r["path"].endswith("/Invoices")]
    assert len(calls) == 3, "50 IDs a call"
    numbers = client.find_invoices_by_numbers(["inv-0001", "INV-0119", "INV-9999", None])
    assert sorted(i["InvoiceNumber"] for i in numbers) == ["INV-0001", "INV-0119"]
    by_ref = client.find_invoices_by_reference("order 7")
    assert sorted(i["InvoiceNumber"] for i in by_ref) == ["INV-0000", "INV-0040", "INV-0080"]
    create(client, [invoice(alpha, number="INV-Q", reference='Job "12"')], "inv-q")
    assert [i["InvoiceNumber"] for i in client.find_invoices_by_reference('job "12"')] == \
        ["INV-Q"]
    with pytest.raises(ValueError):
        client.get_invoices_by_ids(["not-an-id"])


def test_numbers_with_commas_are_looked_up_alone(sandbox):
    client = make_client(sandbox)
    alpha = contact_id(client, "Alpha Ltd")
    create(client, [invoice(alpha, number="A,1"), invoice(alpha, number="A2")], "commas")
    found = client.find_invoices_by_numbers(["A,1", "A2"])
    assert sorted(i["InvoiceNumber"] for i in found) == ["A,1", "A2"]


def test_bills_and_supplier_credit_notes(sandbox):
    client = make_client(sandbox)
    supplier = contact_id(client, "Supplier Co")
    alpha = contact_id(client, "Alpha Ltd")
    create(client, [invoice(supplier, kind="ACCPAY", number="SUP-1"),
                    invoice(supplier, kind="ACCPAY", number="SUP-1"),
                    invoice(alpha, number="INV-1")], "mixed")
    bills = [i for _p, page in client.iter_invoice_pages(invoice_type="ACCPAY") for i in page]
    assert [b["Type"] for b in bills] == ["ACCPAY", "ACCPAY"]
    assert len(client.find_invoices_by_numbers(["SUP-1"], invoice_type="ACCPAY")) == 2
    sales = [i for _p, page in client.iter_invoice_pages(where='Type=="ACCREC"') for i in page]
    assert [s["InvoiceNumber"] for s in sales] == ["INV-1"]
    notes = client.create_credit_notes([
        {"Type": kind, "Contact": {"ContactID": who}, "Date": "2024-03-02",
         "Status": "AUTHORISED",
         "LineItems": [{"Description": "Credit", "Quantity": 1, "UnitAmount": 10,
                        "AccountCode": code, "TaxType": tax}]}
        for kind, who, code, tax in (("ACCPAYCREDIT", supplier, "400", "INPUT"),
                                     ("ACCRECCREDIT", alpha, "200", "OUTPUT"))], "notes")
    assert not any(element_failed(n) for n in notes), notes
    supplier_notes = [n for _p, page in client.iter_credit_note_pages(
        credit_note_type="ACCPAYCREDIT") for n in page]
    assert [n["Type"] for n in supplier_notes] == ["ACCPAYCREDIT"]
    with pytest.raises(ValueError):
        list(client.iter_invoice_pages(invoice_type='ACCPAY" OR Type!="'))


def test_credit_notes_by_ids(sandbox):
    client = make_client(sandbox)
    alpha = contact_id(client, "Alpha Ltd")
    notes = []
    for start in range(0, 60, 30):
        notes += client.create_credit_notes([
            {"Type": "ACCRECCREDIT", "Contact": {"ContactID": alpha}, "Date": "2024-03-02",
             "Status": "AUTHORISED",
             "LineItems": [{"Description": f"Credit {n}", "Quantity": 1, "UnitAmount": 5,
                            "AccountCode": "200", "TaxType": "OUTPUT"}]}
            for n in range(30)], f"cn-{start}")
    ids = [n["CreditNoteID"] for n in notes]
    control(sandbox, "DELETE", "requests")
    found = client.get_credit_notes_by_ids(ids)
    assert sorted(n["CreditNoteID"] for n in found) == sorted(ids)
    calls = request_log(sandbox)
    assert all(c["status"] == 200 for c in calls), "no URL too long for the gateway"
    assert 2 <= len(calls) <= 4


# -- payments ---------------------------------------------------------------------------


def test_many_payments_in_one_call_with_per_element_results(sandbox):
    client = make_client(sandbox)
    alpha = contact_id(client, "Alpha Ltd")
    invoices = create(client, [invoice(alpha, number=f"P-{n}") for n in range(3)], "pay-inv")
    payments = [{"Invoice": {"InvoiceID": inv["InvoiceID"]}, "Account": {"Code": "090"},
                 "Date": "2024-03-10", "Amount": amount}
                for inv, amount in zip(invoices, (10, 5000, 20), strict=True)]
    control(sandbox, "DELETE", "requests")
    results = client.create_payments(payments, "pay-1")
    writes = [r for r in request_log(sandbox) if r["method"] in ("PUT", "POST")]
    assert len(writes) == 1 and writes[0]["idempotency_key"] == "pay-1"
    assert writes[0]["query"].get("summarizeErrors", "").lower() == "false"
    assert [element_failed(r) for r in results] == [False, True, False]
    assert "exceeds" in element_errors(results[1])[0].lower()
    paid = [r["PaymentID"] for r in results if not element_failed(r)]
    control(sandbox, "DELETE", "requests")
    deleted = client.delete_payments(paid, "del-1")
    assert [element_failed(d) for d in deleted] == [False, False]
    assert len(request_log(sandbox)) == 2, "Xero deletes one payment per call"
    # Deleting one again (another key) is refused for that payment only.
    again = client.delete_payments(paid[:1] + paid[1:], "del-2")
    assert [element_failed(d) for d in again] == [True, True]
    assert again[0]["PaymentID"] == paid[0] and element_errors(again[0])
    assert {p["Status"] for p in control(sandbox, "GET", "state", params={
        "organisation": ORG, "entity": "payments"})["payments"]} == {"DELETED"}


def test_more_than_fifty_payments_go_in_batches_with_their_own_keys(sandbox):
    client = make_client(sandbox)
    alpha = contact_id(client, "Alpha Ltd")
    inv = create(client, [invoice(alpha, number="BIG", amount=1000)], "big")[0]
    payments = [{"Invoice": {"InvoiceID": inv["InvoiceID"]}, "Account": {"Code": "090"},
                 "Date": "2024-03-10", "Amount": 1} for _n in range(60)]
    control(sandbox, "DELETE", "requests")
    results = client.create_payments(payments, "many")
    assert len(results) == 60 and not any(element_failed(r) for r in results)
    keys = [r["idempotency_key"] for r in request_log(sandbox) if r["method"] == "PUT"]
    assert len(keys) == 2 and len(set(keys)) == 2 and "many" not in keys
    again = client.create_payments(payments, "many")  # replayed, not applied twice
    assert [r["PaymentID"] for r in again] == [r["PaymentID"] for r in results]
    assert len(control(sandbox, "GET", "state", params={
        "organisation": ORG, "entity": "payments"})["payments"]) == 60


# -- settings -------------------------------------------------------------------------------


def test_accounts_and_tax_rates(sandbox):
    client = make_client(sandbox)
    codes = {a["Code"] for a in client.accounts()}
    assert {"090", "200", "400"} <= codes
    types = {t["TaxType"] for t in client.tax_rates()}
    assert {"OUTPUT", "INPUT", "NONE"} <= types
    future = datetime.now(UTC) + timedelta(days=1)
    assert client.accounts(modified_since=future) == []



def test_sales_documents_found_by_number_or_reference(sandbox):
    """What a create whose answer was lost may have left in Xero: sales
    documents whose number or Reference is an Odoo number, voided ones and
    bills left out, a number that cannot be quoted in a filter included."""
    client = make_client(sandbox)
    alpha = contact_id(client, "Alpha Ltd")
    supplier = contact_id(client, "Supplier Co")
    answers = create(client, [
        invoice(alpha, number="INV/2026/0001"),
        invoice(alpha, number="X-7", reference="INV/2026/0002"),
        invoice(alpha, number="INV/2026/0003"),
        invoice(alpha, number='INV "4"'),
        invoice(supplier, kind="ACCPAY", number="INV/2026/0005"),
    ], "lost-answers")
    client.save_invoices([{"InvoiceID": answers[2]["InvoiceID"], "Status": "VOIDED"}], "void")
    wanted = [f"INV/2026/000{n}" for n in range(1, 6)] + ['INV "4"']
    found = client.find_sales_documents(wanted)
    assert sorted(i["InvoiceNumber"] for i in found) == ['INV "4"', "INV/2026/0001", "X-7"]
    assert client.find_sales_documents(wanted, credit_notes=True) == []
