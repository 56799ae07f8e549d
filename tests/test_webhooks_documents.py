"""Documents raised in Xero come into Odoo through Xero's INVOICE and
CREDITNOTE webhook events (real HTTP): the records read by ID for the
ledger go through the document importer too, under its rules."""

import time
from datetime import date

from odoo.tests import tagged

from .accounting_common import AccountingCase
from .common import CLIENT_ID

KEY = "test-webhook-key-0123456789"
TODAY = date.today().isoformat()


@tagged("post_install", "-at_install")
class TestWebhooksDocuments(AccountingCase):
    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.webhook_key", KEY)
        self.run_job(self.conn, "_run_job", "pull_contacts")
        line = self.env["xero.contact"].search([("backend_id", "=", self.conn.id),
                                                ("xero_name", "=", "Northwind Traders")])
        self.run_job(line, "action_import")
        self.contact_id = line.external_id
        self.partner = line.odoo_id
        self.assertTrue(self.partner)
        # Documents come in the organisation's currency, NZD.
        self.env.ref("base.NZD").active = True
        self.client = self.conn._xero_client()
        registration = self.sandbox._call("POST", "webhooks", json={
            "client_id": CLIENT_ID, "url": f"{self.base_url()}/xero/webhook", "key": KEY})
        self.assertEqual(registration["status"], "OK", registration["reason"])

    def switch_on(self, **vals):
        # Xero's timestamps and the switch-on moment are to the second.
        time.sleep(1.1)
        self.conn.write(vals)
        time.sleep(1.1)

    def raise_in_xero(self, doc_type):
        body = {"Type": doc_type, "Contact": {"ContactID": self.contact_id}, "Date": TODAY,
                "Status": "AUTHORISED", "LineAmountTypes": "NoTax", "LineItems": [
                    {"Description": "Consulting", "Quantity": 2, "UnitAmount": 100,
                     "AccountCode": "429" if doc_type.startswith("ACCPAY") else "200"}]}
        if doc_type.endswith("CREDIT"):
            send = self.client.create_credit_notes
        else:
            send = self.client.create_invoices
            body["DueDate"] = TODAY
        [element] = send([body], f"raised-{time.monotonic()}")
        self.assertFalse(element.get("ValidationErrors"), element)
        return element.get("InvoiceID") or element.get("CreditNoteID")

    def by_webhook(self):
        """Xero delivers its batch; the processing job reads by ID only."""
        [delivery] = self.sandbox._call("POST", "webhooks/flush", json={})
        self.assertEqual(delivery["attempts"][-1]["status"], 200)
        self.sandbox.clear_log()
        self.run_job(self.env["xero.webhook.processor"], "_cron_process")
        calls = self.sandbox.calls()
        self.assertTrue(calls)
        for call in calls:
            self.assertEqual(call["method"], "GET")
            # Credit notes have no IDs parameter: their IDs go in a filter.
            by_id = "IDs" in call["query"] or "CreditNoteID==" in call["query"].get("where", "")
            self.assertTrue(by_id, f"read by ID, never a list of changes: {call['query']}")
            self.assertFalse(call["if_modified_since"])
        self.assertEqual(set(self.env["xero.webhook.event"].search([]).mapped("state")), {"done"})
        return calls

    def move(self, external_id):
        return self.env["xero.invoice"].search([("backend_id", "=", self.conn.id),
                                                ("external_id", "=", external_id)]).odoo_id

    def test_invoice_raised_in_xero_comes_in(self):
        self.switch_on(import_sales_enabled=True)
        invoice = self.raise_in_xero("ACCREC")
        calls = self.by_webhook()
        self.assertEqual(len(calls), 1, "the ledger's read serves the importer too")
        move = self.move(invoice)
        self.assertEqual((move.move_type, move.partner_id, move.amount_total),
                         ("out_invoice", self.partner, 200.0))
        self.assertEqual(move.xero_invoice_ids.origin, "xero")

    def test_bill_raised_in_xero_comes_in(self):
        self.switch_on(import_bills_enabled=True)
        bill = self.raise_in_xero("ACCPAY")
        self.by_webhook()
        move = self.move(bill)
        self.assertEqual((move.move_type, move.partner_id, move.amount_total),
                         ("in_invoice", self.partner, 200.0))

    def test_credit_note_raised_in_xero_comes_in(self):
        self.switch_on(import_sales_enabled=True)
        note = self.raise_in_xero("ACCRECCREDIT")
        self.by_webhook()
        move = self.move(note)
        self.assertEqual((move.move_type, move.partner_id, move.amount_total),
                         ("out_refund", self.partner, 200.0))

    def test_options_off_nothing_comes_in(self):
        bill = self.raise_in_xero("ACCPAY")
        invoice = self.raise_in_xero("ACCREC")
        moves_before = self.env["account.move"].search_count([])
        self.by_webhook()
        self.assertFalse(self.move(invoice) or self.move(bill))
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        # The sales ledger still follows.
        self.assertTrue(self.env["xero.ledger.invoice"].search(
            [("connection_id", "=", self.conn.id), ("external_id", "=", invoice)]))
