"""Xero's webhooks over real HTTP: the sandbox registers Odoo's route (with
its intent-to-receive check) and delivers signed batches of events; the
processing job reads the changed records by ID."""

import json
import uuid
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..xero_core.idempotency import request_key
from ..xero_core.webhooks import signature
from .common import CLIENT_ID, PRACTICE, XeroCase

KEY = "test-webhook-key-0123456789"


def _event(tenant, contact_id, category="CONTACT", when="2026-05-01T10:00:00.000"):
    return {"resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{contact_id}",
            "resourceId": contact_id, "eventDateUtc": when, "eventType": "UPDATE",
            "eventCategory": category, "tenantId": tenant, "tenantType": "ORGANISATION"}


@tagged("post_install", "-at_install")
class TestWebhooks(XeroCase):
    def setUp(self):
        super().setUp()
        self.sandbox.reset(self.sandbox_seed())
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.webhook_key", KEY)
        self.conn = self.connect_practice()
        self.conn.auto_pull = True
        self.run_job(self.conn, "_run_job", "pull_contacts")
        self.Event = self.env["xero.webhook.event"]

    def register(self):
        return self.sandbox._call("POST", "webhooks", json={
            "client_id": CLIENT_ID, "url": f"{self.base_url()}/xero/webhook", "key": KEY})

    def deliver(self):
        """Xero's batch now (the sandbox batches events for a second)."""
        return self.sandbox._call("POST", "webhooks/flush", json={})

    def post(self, body, key=KEY, sign=True):
        raw = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if sign:
            headers["x-xero-signature"] = signature(raw, key)
        return self.url_open("/xero/webhook", data=raw, headers=headers)

    def line(self, name):
        return self.env["xero.contact"].search([("backend_id", "=", self.conn.id),
                                                ("xero_name", "=", name)])

    def xero_update(self, contacts):
        client = self.conn._xero_client()
        client.save_contacts(contacts, request_key(["test", str(uuid.uuid4())], contacts))

    def process(self):
        return self.run_job(self.env["xero.webhook.processor"], "_cron_process")

    def test_intent_to_receive_passes(self):
        registration = self.register()
        self.assertEqual(registration["status"], "OK", registration["reason"])
        intents = [d for d in self.sandbox._call("GET", "webhooks/deliveries")
                   if d["kind"] == "intent"]
        self.assertGreaterEqual(len(intents), 2)
        for delivery in intents:
            [attempt] = delivery["attempts"]
            self.assertEqual(attempt["status"], 200 if delivery["signed"] else 401)
            self.assertEqual(attempt["response_body"], "")
            self.assertLess(attempt["duration_ms"], 5000)

    def test_signed_event_changes_odoo_without_a_list_call(self):
        self.register()
        line = self.line("Northwind Traders")
        self.run_job(line, "action_import")
        partner = line.odoo_id
        self.xero_update([{"ContactID": line.external_id,
                           "EmailAddress": "billing@northwind.example"}])
        [delivery] = self.deliver()
        self.assertEqual(delivery["attempts"][-1]["status"], 200)
        self.assertEqual(self.Event.search_count([("state", "=", "pending")]), 1)
        self.assertEqual(self.conn.webhook_last_at.date(), self.Event.search([]).received_at.date())
        # Xero sends a batch again when unsure it arrived: stored once.
        self.sandbox._call("POST", "webhooks/flush", json={"retries": True})
        self.assertEqual(self.Event.search_count([]), 1)
        self.sandbox.clear_log()
        self.process()
        calls = self.sandbox.calls()
        self.assertEqual([(c["method"], c["path"].rsplit("/", 1)[-1]) for c in calls],
                         [("GET", "Contacts")])
        self.assertIn("IDs", calls[0]["query"])  # read by ID, not a list of changes
        partner.invalidate_recordset()
        self.assertEqual(partner.email, "billing@northwind.example")
        self.assertEqual(self.Event.search([]).state, "done")

    @mute_logger("odoo.addons.xero_connector.controllers.webhook")
    def test_bad_signature_is_refused_and_changes_nothing(self):
        line = self.line("Northwind Traders")
        body = {"events": [_event(PRACTICE, line.external_id)], "firstEventSequence": 1,
                "lastEventSequence": 1, "entropy": "ABC"}
        for response in (self.post(body, key="not-the-key"), self.post(body, sign=False)):
            self.assertEqual(response.status_code, 401)
        # Signed, then altered on the way.
        raw = json.dumps(body).encode()
        response = self.url_open("/xero/webhook", data=raw + b" ", headers={
            "Content-Type": "application/json", "x-xero-signature": signature(raw, KEY)})
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self.Event.search([]))
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.webhook_key", False)
        self.assertEqual(self.post(body, key="").status_code, 401)
        self.assertFalse(self.Event.search([]))

    def test_burst_of_120_contacts_costs_3_reads(self):
        self.sandbox.seed({"organisations": [{"OrganisationID": PRACTICE, "Contacts": [
            {"Name": f"Burst {i:03d}", "ContactStatus": "ACTIVE"} for i in range(120)]}]})
        self.register()
        ids = [c["ContactID"] for c in self.sandbox.state(PRACTICE, "contacts")
               if c["Name"].startswith("Burst")]
        self.assertEqual(len(ids), 120)
        for start in range(0, 120, 50):
            self.xero_update([{"ContactID": i, "Website": "https://burst.example"}
                              for i in ids[start:start + 50]])
        self.deliver()
        self.assertEqual(self.Event.search_count([("state", "=", "pending")]), 120)
        self.sandbox.clear_log()
        self.process()
        calls = self.sandbox.calls()
        self.assertEqual(len(calls), 3, [(c["method"], c["path"]) for c in calls])
        lines = self.env["xero.contact"].search([("backend_id", "=", self.conn.id),
                                                 ("external_id", "in", ids)])
        self.assertEqual(len(lines), 120)
        self.assertEqual(self.Event.search_count([("state", "=", "done")]), 120)

    @mute_logger("odoo.addons.xero_connector.models.xero_webhook_processor")
    def test_events_of_unknown_organisation_are_dropped_and_logged(self):
        stranger = str(uuid.uuid4())
        body = {"events": [_event(stranger, str(uuid.uuid4()))], "entropy": "X",
                "firstEventSequence": 1, "lastEventSequence": 1}
        self.assertEqual(self.post(body).status_code, 200)
        self.sandbox.clear_log()
        self.process()
        self.assertFalse(self.sandbox.calls())
        self.assertEqual(self.Event.search([]).state, "dropped")
        log = self.env["xero.sync.log"].search([("operation", "=", "webhook_events")], limit=1)
        self.assertEqual(log.state, "failed")
        self.assertIn(stranger, log.message)

    def test_invoice_event_updates_the_ledger(self):
        self.register()
        line = self.line("Northwind Traders")
        self.run_job(line, "action_import")
        client = self.conn._xero_client()
        invoices = [{"Type": "ACCREC", "Contact": {"ContactID": line.external_id},
                     "Date": "2026-05-01", "DueDate": "2026-05-31", "Status": "AUTHORISED",
                     "LineItems": [{"Description": "Advice", "Quantity": 1,
                                    "UnitAmount": 100, "AccountCode": "200"}]}]
        client.create_invoices(invoices, request_key(["test-inv"], invoices))
        self.deliver()
        self.sandbox.clear_log()
        self.process()
        self.assertTrue(all("IDs" in c["query"] for c in self.sandbox.calls()))
        ledger = self.env["xero.ledger.invoice"].search([("connection_id", "=", self.conn.id)])
        self.assertEqual(len(ledger), 1)
        self.assertEqual(ledger.partner_id, line.odoo_id)

    def test_polling_slows_while_webhooks_arrive(self):
        self.sandbox.clear_log()
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        self.assertTrue(self.sandbox.calls())  # no webhooks: polled as scheduled
        self.register()
        line = self.line("Acme Supplies")
        self.xero_update([{"ContactID": line.external_id, "Website": "https://acme.example"}])
        self.deliver()
        self.sandbox.clear_log()
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        self.assertFalse(self.sandbox.calls())
        # The fallback still runs when its last run is old enough.
        self.env["xero.sync.log"].search([("operation", "=", "pull_contacts")]).write(
            {"finished_at": fields.Datetime.now() - timedelta(hours=7)})
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        self.assertTrue(self.sandbox.calls())
