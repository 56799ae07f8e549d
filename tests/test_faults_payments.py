"""Fault suite, payments: a payment push that fails halfway (the second
batch of a run refused by an outage, lost after Xero applied it, or a
worker killed after Xero applied it) sends no payment twice on retry."""

from collections import Counter
from unittest.mock import patch

from odoo.sql_db import TestCursor
from odoo.tests import tagged

from .accounting_common import AccountingCase
from .common import PRACTICE
from .test_faults import FaultTally

INVOICES = 60  # two batches: 50, then 10


@tagged("post_install", "-at_install")
class TestPaymentFaults(FaultTally, AccountingCase):
    def setUp(self):
        super().setUp()
        self.conn.invoice_status = "AUTHORISED"
        self.moves = self.env["account.move"].concat(
            *[self.invoice() for _i in range(INVOICES)])
        self.push()
        self.pay(self.moves)
        self.sandbox.clear_log()

    def compare(self):
        """(checked, lost, duplicated): each invoice has one payment in Xero."""
        ids = {m.xero_invoice_ids.external_id for m in self.moves}
        per_invoice = Counter(p["Invoice"]["InvoiceID"]
                              for p in self.sandbox.state(PRACTICE, "payments")
                              if p["Status"] == "AUTHORISED" and p["Invoice"]["InvoiceID"] in ids)
        lost = sum(1 for i in ids if not per_invoice[i])
        duplicated = sum(n - 1 for n in per_invoice.values() if n > 1)
        bound = self.env["xero.invoice.payment"].search(
            [("binding_id", "in", self.moves.xero_invoice_ids.ids), ("state", "=", "synced")])
        self.assertEqual(len(bound), INVOICES, "each Xero payment bound once")
        return len(ids), lost, duplicated

    def test_second_batch_refused_by_an_outage_goes_on_the_next_run(self):
        self.sandbox.fault(kind="status", status=503, count=3, skip=1,
                           match={"path": "/Payments", "method": "PUT"})
        self.push()
        puts = self.sandbox.calls("/Payments", "PUT")
        self.assertEqual([p["status"] for p in puts], [200, 503, 503, 503])
        pending = self.env["xero.invoice.payment"].search(
            [("binding_id", "in", self.moves.xero_invoice_ids.ids), ("state", "=", "pending")])
        self.assertEqual(len(pending), INVOICES - 50, "the second batch waits, nothing lost")
        self.push()
        later = self.sandbox.calls("/Payments", "PUT")[len(puts):]
        self.assertEqual(len({p["idempotency_key"] for p in later} | {puts[1]["idempotency_key"]}),
                         1, "the same request again")
        self.survived(*self.compare())

    def test_second_batch_applied_but_its_answer_lost(self):
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.timeout", 1)
        # Xero applies the second batch; every answer to it is lost.
        self.sandbox.fault(kind="hang", seconds=2, apply=True, count=3, skip=1,
                           match={"path": "/Payments", "method": "PUT"})
        self.push()
        self.push()
        self.assertFalse(self.env["xero.invoice.payment"].search(
            [("binding_id", "in", self.moves.xero_invoice_ids.ids), ("state", "!=", "synced")]))
        self.survived(*self.compare())

    def test_worker_killed_after_xero_applied_a_batch(self):
        real_commit = TestCursor.commit
        state = {"crashed": False}

        def dying_commit(cr):
            if not state["crashed"] and len(self.sandbox.calls("/Payments", "PUT")) == 2:
                state["crashed"] = True
                raise RuntimeError("worker killed")
            return real_commit(cr)

        with patch.object(TestCursor, "commit", dying_commit):
            self.assertRaisesNoRollback(RuntimeError, self.push)
        self.push()
        puts = self.sandbox.calls("/Payments", "PUT")
        self.assertEqual(puts[1]["idempotency_key"], puts[2]["idempotency_key"],
                         "sent again under its key: Xero replays it")
        self.survived(*self.compare())
