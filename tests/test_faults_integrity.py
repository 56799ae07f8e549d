"""Fault suite, integrity: a send whose answer was lost (run killed after
Xero applied it, a timeout after Xero applied it) is looked up in Xero
before anything is sent again, also when the record changed meanwhile;
transient failures wait and retry by themselves; an answer about another
record than the one sent is an error, not a new link."""

import json
import time
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import errors as pg_errors

from odoo import fields
from odoo.sql_db import TestCursor
from odoo.tests import tagged

from ..models import xero_binding
from ..xero_core.idempotency import request_key
from .accounting_common import AccountingCase
from .common import PRACTICE
from .test_faults import FaultTally


class KilledAfterCall:
    """The first commit after Xero received a call matching ``path`` and
    ``method`` dies, as a worker killed before it saved Xero's answer."""

    def __init__(self, sandbox, path, method):
        self.sandbox, self.path, self.method = sandbox, path, method
        self.crashed = False

    def __enter__(self):
        real_commit = TestCursor.commit

        def dying_commit(cr):
            if not self.crashed and self.sandbox.calls(self.path, self.method):
                self.crashed = True
                raise RuntimeError("worker killed")
            return real_commit(cr)

        self._patch = patch.object(TestCursor, "commit", dying_commit)
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()
        return False


@tagged("post_install", "-at_install")
class TestFaultsIntegrity(FaultTally, AccountingCase):

    # -- helpers -----------------------------------------------------------------------

    def compare_invoices(self, moves):
        """(checked, lost, duplicated): each move once in Xero, bound to it."""
        docs = [d for d in self.sandbox.state(PRACTICE, "invoices")
                if d.get("Status") not in ("DELETED", "VOIDED")]
        ids = {d["InvoiceID"] for d in docs}
        lost = sum(1 for m in moves if m.xero_invoice_ids.external_id not in ids
                   or m.xero_sync_state != "synced")
        return len(moves), lost, len(docs) - len(moves)

    def repost(self, move):
        move.button_draft()
        move.action_post()

    def xero_contacts(self):
        return self.sandbox.state(PRACTICE, "contacts")

    def waiting_is_over(self, bindings):
        bindings.write({"retry_after": fields.Datetime.now() - timedelta(seconds=1)})

    # -- invoices: an answer lost after Xero created them --------------------------------

    def test_invoices_killed_after_xero_created_them_then_one_reposted(self):
        moves = [self.invoice() for _i in range(5)]
        with KilledAfterCall(self.sandbox, "/Invoices", "PUT"):
            self.assertRaisesNoRollback(RuntimeError, self.push)
        self.assertEqual(len(self.sandbox.state(PRACTICE, "invoices")), 5, "Xero has them")
        self.assertFalse(any(m.xero_invoice_ids.external_id for m in moves))
        self.repost(moves[0])  # unchanged
        self.sandbox.clear_log()
        self.push()
        self.assertFalse(self.sandbox.calls("/Invoices", "PUT"), "nothing created again")
        self.survived(*self.compare_invoices(moves))

    def test_invoice_put_timed_out_after_xero_applied_then_repost_and_retry(self):
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.timeout", 1)
        self.addCleanup(time.sleep, 3)  # held-back answers end within this test
        moves = [self.invoice() for _i in range(10)]
        # Xero applies the request; every answer to it (and its retries) is lost.
        self.sandbox.fault(kind="hang", seconds=3, apply=True, count=3,
                           match={"path": "/Invoices", "method": "PUT"})
        self.push()
        self.assertEqual({m.xero_sync_state for m in moves}, {"queued"}, "still pending")
        self.assertTrue(all(m.xero_invoice_ids.retry_after for m in moves), "waiting")
        time.sleep(3)  # the held-back answers are gone
        self.repost(moves[3])
        for move in moves:
            if move != moves[3]:
                move.action_xero_retry()
        self.sandbox.clear_log()
        self.push()
        self.assertFalse(self.sandbox.calls("/Invoices", "PUT"), "nothing created again")
        self.survived(*self.compare_invoices(moves))

    def test_invoice_lost_before_xero_had_it_is_sent_once(self):
        """The run died before its call reached Xero: the lookup finds
        nothing and the documents go (once)."""
        moves = [self.invoice() for _i in range(3)]
        self.sandbox.fault(kind="drop", count=3, match={"path": "/Invoices", "method": "PUT"})
        self.push()
        self.assertEqual(self.sandbox.state(PRACTICE, "invoices"), [])
        self.waiting_is_over(self.env["xero.invoice"].search([("odoo_id", "in",
                                                               [m.id for m in moves])]))
        self.push()
        self.survived(*self.compare_invoices(moves))

    # -- transient failures wait, then go by themselves ---------------------------------

    def test_outage_longer_than_the_client_retries_leaves_the_work_pending(self):
        moves = [self.invoice() for _i in range(4)]
        bindings = self.env["xero.invoice"].search([("odoo_id", "in", [m.id for m in moves])])
        self.sandbox.fault(kind="status", status=503, count=6,
                           match={"path": "/Invoices", "method": "PUT"})
        self.push()
        self.assertEqual(set(bindings.mapped("state")), {"queued"})
        self.assertTrue(all(bindings.mapped("need_push")))
        self.assertIn("503", bindings[0].error_message)
        self.sandbox.clear_log()
        self.push()
        self.assertFalse(self.sandbox.calls("/Invoices"), "the back-off is respected")
        self.waiting_is_over(bindings)
        self.push()  # three more 503s, then Xero is back
        self.assertGreater(bindings[0].sync_attempts, 1, "the back-off grows")
        self.assertGreater(bindings[0].retry_after, fields.Datetime.now() + timedelta(
            seconds=90))
        self.waiting_is_over(bindings)
        self.push()
        self.survived(*self.compare_invoices(moves))

    def test_transient_failures_give_up_after_the_limit(self):
        move = self.invoice()
        binding = move.xero_invoice_ids
        self.push()  # the customer and the invoice go
        move.button_draft()
        move.invoice_line_ids[0].price_unit = 120
        move.action_post()
        binding.sync_attempts = xero_binding.MAX_ATTEMPTS - 1
        self.sandbox.fault(kind="status", status=502, count=3,
                           match={"path": "/Invoices", "method": "POST"})
        self.push()
        self.assertEqual(binding.state, "error")
        self.assertFalse(binding.need_push)
        self.assertIn("gave up after", binding.error_message)
        self.assertIn("502", binding.error_message)
        move.action_xero_retry()
        self.push()
        self.assertEqual(binding.state, "synced")
        self.assertEqual(self.xero_invoice(move)["Total"], 138.0)
        self.survived(*self.compare_invoices([move]))

    def test_contact_outage_then_recovery_without_retry(self):
        self.conn.create_in_xero = "all"
        partners = self.env["res.partner"].create(
            [{"name": f"Outage Customer {i}", "city": "Nelson"} for i in range(3)])
        self.sandbox.fault(kind="status", status=503, count=3,
                           match={"path": "/Contacts", "method": "POST"})
        self.run_job(self.conn, "_run_job", "push_contacts")
        bindings = partners.xero_contact_ids
        self.assertTrue(all(bindings.mapped("need_push")), "still pending, not failed")
        self.assertTrue(all(bindings.mapped("retry_after")))
        self.waiting_is_over(bindings)
        self.run_job(self.conn, "_run_job", "push_contacts")
        self.assertTrue(all(bindings.mapped("external_id")))
        names = [c["Name"] for c in self.xero_contacts()]
        self.survived(3, 3 - len(set(partners.mapped("name")) & set(names)),
                      len(names) - len(set(names)))

    # -- contacts: killed, then renamed --------------------------------------------------

    def test_contact_killed_after_xero_created_it_then_renamed(self):
        self.conn.create_in_xero = "all"
        partners = self.env["res.partner"].create(
            [{"name": f"Killed Contact {i}", "city": "Picton"} for i in range(3)])
        with KilledAfterCall(self.sandbox, "/Contacts", "POST"):
            self.assertRaisesNoRollback(
                RuntimeError, self.run_job, self.conn, "_run_job", "push_contacts")
        before = len(self.xero_contacts())
        self.assertFalse(partners.xero_contact_ids.filtered("external_id"), "answer lost")
        partners[0].name = "Killed Contact Renamed"
        self.run_job(self.conn, "_run_job", "push_contacts")
        contacts = self.xero_contacts()
        bindings = partners.xero_contact_ids
        by_id = {c["ContactID"]: c for c in contacts}
        lost = sum(1 for b in bindings if by_id.get(b.external_id, {}).get("Name")
                   != b.odoo_id.name)
        self.survived(len(partners), lost, len(contacts) - before)

    def test_contact_killed_after_xero_created_it_then_renamed_in_xero(self):
        """Renamed in Xero before the next run: the name sent no longer
        finds it; the ContactNumber sent with it does."""
        self.conn.create_in_xero = "all"
        partners = self.env["res.partner"].create(
            [{"name": f"Lost Answer {i}", "city": "Nelson"} for i in range(3)])
        with KilledAfterCall(self.sandbox, "/Contacts", "POST"):
            self.assertRaisesNoRollback(
                RuntimeError, self.run_job, self.conn, "_run_job", "push_contacts")
        before = len(self.xero_contacts())
        created = next(c for c in self.xero_contacts() if c["Name"] == "Lost Answer 1")
        payload = [{"ContactID": created["ContactID"], "Name": "Lost Answer One (renamed)"}]
        self.conn._xero_client().save_contacts(payload, request_key(["rename"], payload))
        self.run_job(self.conn, "_run_job", "push_contacts")
        contacts = self.xero_contacts()
        bindings = partners.xero_contact_ids
        self.assertEqual(partners[1].xero_contact_ids.external_id, created["ContactID"])
        known = {c["ContactID"] for c in contacts}
        lost = sum(1 for b in bindings if b.external_id not in known)
        self.survived(len(partners), lost, len(contacts) - before)

    # -- answers about another record -----------------------------------------------------

    def test_answer_naming_another_contact_is_an_error_not_a_relink(self):
        self.invoice()
        self.push()  # the customer goes first
        binding = self.customer.xero_contact_ids
        linked_to = binding.external_id
        self.assertTrue(linked_to)
        self.customer.city = "Blenheim"
        self.sandbox.fault(kind="wrong_id", fields=["ContactID"],
                           match={"path": "/Contacts", "method": "POST"})
        self.run_job(self.conn, "_run_job", "push_contacts")
        self.assertEqual(binding.external_id, linked_to, "the link stays")
        self.assertIn("another record", binding.error_message)
        self.survived(1, 0, 0)

    def test_answer_naming_another_invoice_is_an_error_not_a_relink(self):
        move = self.invoice()
        self.push()
        binding = move.xero_invoice_ids
        linked_to = binding.external_id
        move.button_draft()
        move.invoice_line_ids[0].price_unit = 90
        move.action_post()
        self.sandbox.fault(kind="wrong_id", fields=["InvoiceID"],
                           match={"path": "/Invoices", "method": "POST"})
        self.push()
        self.assertEqual(binding.external_id, linked_to, "the link stays")
        self.assertEqual(binding.state, "error")
        self.assertIn("another record", binding.error_message)
        self.survived(1, 0, 0)

    # -- concurrent jobs ------------------------------------------------------------------

    def test_serialization_failure_is_retried_not_logged_as_failed(self):
        """A job meeting another job's rows (PostgreSQL's serialization
        failure) ends cleanly and runs again soon; nothing is failed."""
        Reader = type(self.env["xero.contact.reader"])

        def concurrent(*_args, **_kwargs):
            raise pg_errors.SerializationFailure("could not serialize access")

        cron = self.conn._cron("pull_contacts")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        with patch.object(Reader, "_run", concurrent):
            self.run_job(self.conn, "_cron_run", "pull_contacts")
        self.assertFalse(self.env["xero.sync.log"].search(
            [("connection_id", "=", self.conn.id), ("state", "=", "failed")]))
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
                         triggers + 1, "run again in a minute")
        self.survived(0, 0, 0)

    # -- reads that may be incomplete --------------------------------------------------

    def test_an_incomplete_full_read_archives_nothing(self):
        """Xero's pagination says contacts are missing from the answer: the
        full read is incomplete, so no contact is taken as archived."""
        Reader = self.env["xero.contact.reader"]
        self.run_job(Reader, "_run", self.conn, full=True)
        lines = self.env["xero.contact"].search([("backend_id", "=", self.conn.id),
                                                 ("external_id", "!=", False)])
        self.assertEqual(set(lines.mapped("xero_status")), {"ACTIVE"})
        self.sandbox.fault(kind="body", match={"path": "/Contacts", "method": "GET"},
                           content_type="application/json", body=json.dumps({
                               "Contacts": [], "pagination": {
                                   "page": 1, "pageSize": 100, "pageCount": 1,
                                   "itemCount": len(lines)}}))
        self.run_job(Reader, "_run", self.conn, full=True)
        self.assertEqual(set(lines.mapped("xero_status")), {"ACTIVE"}, "none archived")
        self.survived(len(lines), 0, 0)
