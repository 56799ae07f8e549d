"""Webhooks: intent to receive, signed event batches, retries, and the control API."""

import base64
import hashlib
import hmac
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import CLIENT_ID, ORG_A, ORG_B, ORG_C, PKCE_CLIENT, SPEC_DIR
from xero_python.accounting import Contact, Contacts

KEY = "d2VibW9vay1rZXktZm9yLXRlc3Rz"
EXISTING = "c0000000-0000-4000-8000-000000000001"


class Receiver:
    """A webhook endpoint: answers like a well-behaved receiver unless told."""

    def __init__(self, key=KEY):
        self.key = key
        self.requests = []
        self.mode = "good"
        self.failures_left = 0
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                signature = self.headers.get("x-xero-signature", "")
                expected = base64.b64encode(
                    hmac.new(receiver.key.encode(), body, hashlib.sha256).digest()
                ).decode()
                valid = hmac.compare_digest(signature, expected)
                receiver.requests.append(
                    {"body": body, "valid": valid, "json": json.loads(body)}
                )
                time.sleep(receiver.delay)
                status, answer = receiver.answer(valid, json.loads(body))
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/xero/webhook"
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def answer(self, valid, payload):
        if self.mode == "always200":
            return 200, b""
        if self.mode == "chatty" and valid:
            return 200, b'{"ok": true}'
        if not valid:
            return 401, b""
        if payload["events"] and self.failures_left:
            self.failures_left -= 1
            return 500, b"oops"
        return 200, b""

    def batches(self):
        return [r for r in self.requests if r["json"]["events"]]

    def events(self):
        return [e for r in self.batches() for e in r["json"]["events"]]

    def wait_for(self, count, seconds=5.0):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if len(self.batches()) >= count:
                return self.batches()
            time.sleep(0.02)
        raise AssertionError(f"{len(self.batches())} batches, expected {count}")

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    rcv = Receiver()
    yield rcv
    rcv.close()


@pytest.fixture
def hooked(sb, acme, receiver):
    """test-app connected to Acme and Beta, its webhook registered; no auto batching."""
    sb.ctl("POST", "config", {"webhook_batch_seconds": 3600})
    reg = sb.ctl("POST", "webhooks", {"client_id": CLIENT_ID, "url": receiver.url,
                                      "key": KEY})
    assert reg["status"] == "OK", reg
    receiver.requests.clear()
    return sb


def test_intent_to_receive_passes_for_a_correct_receiver(sb, receiver):
    reg = sb.ctl("POST", "webhooks", {"client_id": CLIENT_ID, "url": receiver.url,
                                      "key": KEY})
    assert reg["status"] == "OK" and reg["reason"] is None and reg["key"] == KEY
    assert sorted(r["valid"] for r in receiver.requests) == [False, False, True, True]
    for request in receiver.requests:
        payload = request["json"]
        assert payload["events"] == [] and payload["entropy"]
        assert payload["firstEventSequence"] == payload["lastEventSequence"] == 0
    assert sb.ctl("GET", "webhooks")[0]["status"] == "OK"
    log = sb.ctl("GET", "webhooks/deliveries")
    assert [d["kind"] for d in log] == ["intent"] * 4
    assert all(d["attempts"][0]["status"] in (200, 401) for d in log)


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("always200", "incorrectly signed request: answered 200, expected 401"),
        ("chatty", "correctly signed request: answered with a body; it must be empty"),
    ],
)
def test_intent_to_receive_fails_for_a_wrong_receiver(sb, receiver, mode, reason):
    receiver.mode = mode
    reg = sb.ctl("POST", "webhooks", {"client_id": CLIENT_ID, "url": receiver.url,
                                      "key": KEY})
    assert reg["status"] == "FAILED" and reg["reason"] == reason


def test_intent_to_receive_fails_for_a_slow_or_absent_receiver(sb, receiver):
    sb.ctl("POST", "config", {"webhook_timeout": 0.3})
    receiver.delay = 0.6
    reg = sb.ctl("POST", "webhooks", {"client_id": CLIENT_ID, "url": receiver.url,
                                      "key": KEY})
    assert reg["status"] == "FAILED" and "0.3" in reg["reason"]
    gone = sb.ctl("POST", "webhooks", {"client_id": CLIENT_ID,
                                       "url": "http://127.0.0.1:9/nothing", "key": KEY})
    assert gone["status"] == "FAILED"


def test_registration_is_checked(sb):
    resp = sb.http.post(f"{sb.url}/_sandbox/webhooks", json={"client_id": "nope",
                                                             "url": "http://x"})
    assert resp.status_code == 400 and resp.json()["error"] == "unknown client_id"
    resp = sb.http.post(f"{sb.url}/_sandbox/webhooks", json={"client_id": CLIENT_ID,
                                                             "url": "ftp://x"})
    assert resp.status_code == 400


def _validator():
    path = SPEC_DIR / "xero-webhooks.yaml"
    if not path.exists():
        pytest.skip("webhooks spec not found")
    import jsonschema
    import yaml

    doc = yaml.safe_load(path.read_text())
    return lambda name, payload: jsonschema.validate(
        payload, {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    )


def test_changes_become_signed_event_batches(hooked, acme, receiver):
    acc = acme.accounting
    created = acc.create_contacts(ORG_A, Contacts(contacts=[Contact(name="Hook Ltd")]))
    contact_id = created.contacts[0].contact_id
    acc.update_contact(ORG_A, contact_id, Contacts(contacts=[Contact(first_name="Hal")]))
    invoice = acc.create_invoices(ORG_A, {"Invoices": [{
        "Type": "ACCREC", "Contact": {"ContactID": contact_id}, "Status": "AUTHORISED",
        "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 50,
                       "AccountCode": "200"}]}]}).invoices[0]
    acc.create_payment(ORG_A, {"Invoice": {"InvoiceID": invoice.invoice_id},
                               "Account": {"Code": "090"}, "Amount": 10})
    note = acc.create_credit_notes(ORG_A, {"CreditNotes": [{
        "Type": "ACCRECCREDIT", "Contact": {"ContactID": contact_id},
        "LineItems": [{"Description": "c", "Quantity": 1, "UnitAmount": 5,
                       "AccountCode": "200"}]}]}).credit_notes[0]
    assert receiver.requests == []
    delivered = hooked.ctl("POST", "webhooks/flush")
    assert [d["status"] for d in delivered] == ["delivered"]
    (batch,) = receiver.batches()
    assert batch["valid"]
    payload = batch["json"]
    kinds = [(e["eventCategory"], e["eventType"], e["resourceId"]) for e in payload["events"]]
    assert kinds == [
        ("CONTACT", "CREATE", contact_id),
        ("CONTACT", "UPDATE", contact_id),
        ("INVOICE", "CREATE", invoice.invoice_id),
        ("INVOICE", "UPDATE", invoice.invoice_id),
        ("CREDITNOTE", "CREATE", note.credit_note_id),
    ]
    assert (payload["firstEventSequence"], payload["lastEventSequence"]) == (1, 5)
    first = payload["events"][0]
    assert first["tenantId"] == ORG_A and first["tenantType"] == "ORGANISATION"
    assert first["resourceUrl"] == f"{hooked.url}/api.xro/2.0/Contacts/{contact_id}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}", first["eventDateUtc"])
    assert payload["events"][4]["data"] == {"Type": "ACCRECCREDIT", "Status": "DRAFT"}
    validate = _validator()
    validate("WebhookEvent", {**payload, "events": payload["events"][:4]})
    validate("CreditNoteWebhookEvent", {**payload, "events": payload["events"][4:]})
    log = hooked.ctl("GET", "webhooks/deliveries", client_id=CLIENT_ID)[-1]
    assert log["kind"] == "events" and len(log["events"]) == 5
    assert log["attempts"][0]["status"] == 200


def test_unchanged_writes_and_other_organisations_send_nothing(hooked, acme, receiver):
    acme.accounting.update_contact(ORG_A, EXISTING, Contacts(contacts=[Contact()]))
    hooked.ctl("POST", "seed", {"organisations": [
        {"OrganisationID": ORG_C, "Contacts": [{"Name": "Elsewhere Ltd"}]}]})
    hooked.ctl("POST", "seed", {"organisations": [
        {"OrganisationID": ORG_B, "Contacts": [{"Name": "Made in Xero"}]}]})
    hooked.ctl("POST", "webhooks/flush")
    events = receiver.events()
    assert [(e["tenantId"], e["eventType"]) for e in events] == [(ORG_B, "CREATE")]


def test_webhooks_only_for_their_categories_and_connected_apps(sb, acme, receiver):
    sb.ctl("POST", "config", {"webhook_batch_seconds": 3600})
    sb.ctl("POST", "webhooks", {"client_id": CLIENT_ID, "url": receiver.url, "key": KEY,
                                "categories": ["INVOICE"]})
    other = Receiver()
    try:
        reg = sb.ctl("POST", "webhooks", {"client_id": PKCE_CLIENT, "url": other.url,
                                          "key": KEY})
        assert reg["status"] == "OK"
        receiver.requests.clear()
        other.requests.clear()
        acme.accounting.create_contacts(ORG_A, Contacts(contacts=[Contact(name="Quiet")]))
        sb.ctl("POST", "webhooks/flush")
        assert receiver.requests == [] and other.requests == []
    finally:
        other.close()


def test_batches_go_out_on_their_own(sb, acme, receiver):
    sb.ctl("POST", "config", {"webhook_batch_seconds": 0.2})
    sb.ctl("POST", "webhooks", {"client_id": CLIENT_ID, "url": receiver.url, "key": KEY})
    acme.accounting.create_contacts(
        ORG_A, Contacts(contacts=[Contact(name="One Ltd"), Contact(name="Two Ltd")])
    )
    batches = receiver.wait_for(1)
    time.sleep(0.3)
    assert len(receiver.events()) == 2 and len(receiver.batches()) == 1
    assert batches[0]["json"]["lastEventSequence"] == 2


def test_failed_deliveries_are_retried(hooked, acme, receiver):
    hooked.ctl("POST", "config", {"webhook_retry_delays": [0.1, 0.1]})
    receiver.failures_left = 1
    acme.accounting.create_contacts(ORG_A, Contacts(contacts=[Contact(name="Retry Ltd")]))
    first = hooked.ctl("POST", "webhooks/flush")
    assert first[0]["status"] == "pending" and first[0]["attempts"][0]["status"] == 500
    receiver.wait_for(2)
    deadline = time.monotonic() + 5
    while hooked.ctl("GET", "webhooks/deliveries")[-1]["status"] != "delivered":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    batches = receiver.batches()
    assert batches[0]["body"] == batches[1]["body"]
    assert hooked.ctl("GET", "webhooks")[0]["status"] == "OK"


def test_a_webhook_that_keeps_failing_is_disabled(hooked, acme, receiver):
    hooked.ctl("POST", "config", {"webhook_retry_delays": [0.05, 0.05]})
    receiver.failures_left = 99
    acme.accounting.create_contacts(ORG_A, Contacts(contacts=[Contact(name="Down Ltd")]))
    hooked.ctl("POST", "webhooks/flush")
    receiver.wait_for(3)
    deadline = time.monotonic() + 5
    while hooked.ctl("GET", "webhooks")[0]["status"] != "DISABLED":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    log = hooked.ctl("GET", "webhooks/deliveries")[-1]
    assert log["status"] == "failed" and len(log["attempts"]) == 3
    acme.accounting.create_contacts(ORG_A, Contacts(contacts=[Contact(name="Later Ltd")]))
    assert hooked.ctl("POST", "webhooks/flush") == []


def test_flush_can_retry_at_once(hooked, acme, receiver):
    receiver.failures_left = 1
    acme.accounting.create_contacts(ORG_A, Contacts(contacts=[Contact(name="Now Ltd")]))
    assert hooked.ctl("POST", "webhooks/flush")[0]["status"] == "pending"
    assert hooked.ctl("POST", "webhooks/flush") == []
    again = hooked.ctl("POST", "webhooks/flush", {"retries": True})
    assert again[0]["status"] == "delivered" and len(again[0]["attempts"]) == 2


def test_deliveries_never_block_api_calls(hooked, acme, receiver):
    hooked.ctl("POST", "config", {"webhook_batch_seconds": 0})
    receiver.delay = 1.0
    acme.accounting.create_contacts(ORG_A, Contacts(contacts=[Contact(name="Slow Ltd")]))
    time.sleep(0.2)
    started = time.monotonic()
    acme.accounting.get_contacts(ORG_A)
    acme.accounting.create_contacts(ORG_A, Contacts(contacts=[Contact(name="Fast Ltd")]))
    assert time.monotonic() - started < 0.5
    receiver.wait_for(2, seconds=5)


def test_removing_and_reset(hooked, acme, receiver):
    hooked.ctl("DELETE", "webhooks", client_id=CLIENT_ID)
    assert hooked.ctl("GET", "webhooks") == []
    acme.accounting.create_contacts(ORG_A, Contacts(contacts=[Contact(name="Gone Ltd")]))
    assert hooked.ctl("POST", "webhooks/flush") == []
    hooked.server.reset()
    assert hooked.ctl("GET", "webhooks/deliveries") == []
