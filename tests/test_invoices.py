import time
from datetime import date
from unittest.mock import patch

from lxml import etree

from odoo import Command, fields
from odoo.sql_db import TestCursor
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from ..xero_core.dates import parse_date
from .common import PRACTICE, XeroCase


@tagged("post_install", "-at_install")
class TestInvoicePush(XeroCase):
    def setUp(self):
        super().setUp()
        self.sandbox.reset(self.sandbox_seed())
        self.conn = self.connect_practice()
        self.customer = self.env["res.partner"].create({"name": "Invoice Customer Ltd",
                                                        "is_company": True})
        self.tax15 = self.env["account.tax"].create({
            "name": "GST 15% test", "amount": 15, "type_tax_use": "sale",
            "company_id": self.company.id})
        self.tax_incl = self.env["account.tax"].create({
            "name": "GST 15% incl test", "amount": 15, "type_tax_use": "sale",
            "price_include_override": "tax_included", "company_id": self.company.id})
        self.tax_free = self.env["account.tax"].create({
            "name": "Exempt test", "amount": 0, "type_tax_use": "sale",
            "company_id": self.company.id})
        self.sandbox.clear_log()

    def enable(self, **options):
        # The connection proposed its accounts and tax rates when it was made.
        self.conn.write(dict({"invoice_sync_enabled": True}, **options))

    def rate(self, tax_type):
        return self.conn.xero_tax_rate_ids.filtered(lambda r: r.tax_type == tax_type)

    def invoice(self, lines=None, partner=None, move_type="out_invoice", post=True, **vals):
        lines = lines or [(100.0, 1, 0, self.tax15)]
        move = self.env["account.move"].create(dict({
            "move_type": move_type,
            "partner_id": (partner or self.customer).id,
            "invoice_date": date(2026, 5, 1),
            "invoice_date_due": date(2026, 5, 31),
            "invoice_line_ids": [Command.create({
                "name": f"Line {i}", "quantity": qty, "price_unit": price,
                "discount": discount, "tax_ids": [Command.set(taxes.ids)]})
                for i, (price, qty, discount, taxes) in enumerate(lines)],
        }, **vals))
        if post:
            move.action_post()
        return move

    def push(self):
        return self.run_job(self.conn, "_run_job", "push_invoices")

    def xero_invoice(self, move):
        binding = move.xero_invoice_ids
        for entity in ("invoices", "creditnotes"):
            for doc in self.sandbox.state(PRACTICE, entity):
                if binding.external_id in (doc.get("InvoiceID"), doc.get("CreditNoteID")):
                    return doc
        return None

    def pay(self, move, amount, when=date(2026, 5, 10)):
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids).create(
            {"amount": amount, "payment_date": when})
        return wizard._create_payments()

    def test_historical_invoices_are_skipped(self):
        old = self.invoice()
        draft = self.invoice(post=False)
        self.enable()
        new = self.invoice()
        self.assertFalse(old.xero_invoice_ids)
        self.assertEqual(new.xero_invoice_ids.state, "queued")
        self.push()
        self.assertFalse(old.xero_invoice_ids)
        self.assertEqual(len(self.sandbox.state(PRACTICE, "invoices")), 1)
        # Edited and posted again after the cut-off: still historical.
        old.button_draft()
        old.invoice_line_ids[0].price_unit = 120
        old.action_post()
        self.push()
        self.assertFalse(old.xero_invoice_ids)
        self.assertEqual(len(self.sandbox.state(PRACTICE, "invoices")), 1)
        # A draft created before the cut-off and first posted after it is not.
        draft.action_post()
        self.assertEqual(draft.xero_invoice_ids.state, "queued")

    def test_push_writes_back_number_and_customer_first(self):
        self.enable()
        move = self.invoice(ref="PO-77")
        stats = self.push()
        self.assertEqual((stats["pushed"], stats["failed"]), (1, 0))
        binding = move.xero_invoice_ids
        doc = self.xero_invoice(move)
        self.assertEqual(doc["Reference"], move.name, "Odoo's number as the reference")
        self.assertEqual(move.xero_number, doc["InvoiceNumber"])
        self.assertEqual(move.xero_status, "DRAFT")
        self.assertEqual(binding.state, "synced")
        self.assertTrue(binding.xero_url)
        contact = self.customer.xero_contact_ids
        self.assertEqual(doc["Contact"]["ContactID"], contact.external_id,
                         "the customer was created in Xero first")
        self.assertEqual(doc["Total"], move.amount_total)
        log = self.env["xero.sync.log"].search([("res_model", "=", "account.move"),
                                                ("res_id", "=", move.id)])
        self.assertEqual(log.state, "done")
        self.assertEqual(log.attempts, 1)

    def test_authorised_status_and_number_mode(self):
        self.enable(invoice_status="AUTHORISED", invoice_number_mode="number")
        move = self.invoice()
        self.push()
        doc = self.xero_invoice(move)
        self.assertEqual(doc["Status"], "AUTHORISED")
        self.assertEqual(doc["InvoiceNumber"], move.name)

    def test_totals_match_with_discounts_four_decimals_inclusive_and_exclusive(self):
        self.env.ref("product.decimal_price").digits = 4
        self.enable()
        exclusive = self.invoice([(12.3456, 3, 10, self.tax15), (99.9999, 1, 0, self.tax15),
                                  (5.5, 2, 0, self.tax_free)])
        inclusive = self.invoice([(115.0, 1, 5, self.tax_incl), (23.4567, 2, 0, self.tax_incl)])
        self.push()
        for move, kind in ((exclusive, "Exclusive"), (inclusive, "Inclusive")):
            doc = self.xero_invoice(move)
            self.assertEqual(doc["LineAmountTypes"], kind)
            self.assertAlmostEqual(float(doc["Total"]), move.amount_total, places=2)
            self.assertEqual(move.xero_rounding_difference, 0.0)
        unit_amounts = [line["UnitAmount"] for line in self.xero_invoice(exclusive)["LineItems"]]
        self.assertIn(12.3456, unit_amounts)
        self.assertEqual(self.xero_invoice(exclusive)["LineItems"][0]["DiscountRate"], 10)

    def test_unmapped_tax_is_a_clear_error_and_nothing_is_sent(self):
        self.enable()
        other = self.env["account.tax"].create({"name": "Special 9%", "amount": 9,
                                                "type_tax_use": "sale"})
        move = self.invoice([(10, 1, 0, other)])
        self.push()
        self.assertEqual(move.xero_sync_state, "error")
        self.assertIn("Special 9%", move.xero_error)
        self.assertIn("not mapped", move.xero_error)
        self.assertFalse(self.sandbox.calls("/Invoices", "PUT"))
        log = self.env["xero.sync.log"].search([("res_id", "=", move.id),
                                                ("res_model", "=", "account.move")])
        self.assertEqual(log.state, "failed")
        # Map it, retry from the log: it goes.
        self.conn.tax_map_ids = [Command.create({"tax_id": other.id,
                                                 "xero_tax_rate_id": self.rate("OUTPUT").id})]
        log.action_retry()
        self.push()
        self.assertEqual(move.xero_sync_state, "synced")
        self.assertEqual(log.state, "done")

    def test_rounding_difference_is_flagged_on_the_invoice(self):
        # Odoo rounds the tax of the whole invoice, Xero line by line.
        self.company.tax_calculation_rounding_method = "round_globally"
        self.enable(rounding_policy="flag")
        move = self.invoice([(0.03, 1, 0, self.tax15)] * 3)
        self.assertAlmostEqual(move.amount_total, 0.10, places=2)
        self.push()
        self.assertAlmostEqual(float(self.xero_invoice(move)["Total"]), 0.09, places=2)
        self.assertAlmostEqual(move.xero_rounding_difference, -0.01, places=2)
        log = self.env["xero.sync.log"].search([("res_model", "=", "account.move"),
                                                ("res_id", "=", move.id)])
        self.assertIn("differs by -0.01", log.message)

    def test_sync_log_states_filters_bulk_retry_and_purge(self):
        Log = self.env["xero.sync.log"]
        self.enable()
        other = self.env["account.tax"].create({"name": "Special 9%", "amount": 9,
                                                "type_tax_use": "sale"})
        moves = [self.invoice([(10, 1, 0, other)]) for _i in range(2)]
        logs = Log.search([("res_model", "=", "account.move"), ("res_id", "in",
                                                                [m.id for m in moves])])
        self.assertEqual(logs.mapped("state"), ["queued", "queued"])
        self.push()
        self.assertEqual(logs.mapped("state"), ["failed", "failed"])
        # An entry created days ago that failed again today is a failure of today.
        self.env.cr.execute("UPDATE xero_sync_log SET create_date = now() - interval '3 days' "
                            "WHERE id = %s", [logs[0].id])
        logs.invalidate_recordset()
        arch = Log.get_views([(False, "search")])["views"]["search"]["arch"]
        domain = etree.fromstring(arch).xpath("//filter[@name='failed_today']")[0].get("domain")
        today = safe_eval(domain, {"context_today": lambda: fields.Date.context_today(Log)})
        self.assertEqual(Log.search(today) & logs, logs)
        # Bulk retry from the log once the tax is mapped.
        self.conn.tax_map_ids = [Command.create({"tax_id": other.id,
                                                 "xero_tax_rate_id": self.rate("OUTPUT").id})]
        logs.action_retry()
        self.assertEqual(logs.mapped("state"), ["queued", "queued"])
        self.push()
        self.assertEqual([m.xero_sync_state for m in moves], ["synced", "synced"])
        self.assertEqual(logs.mapped("state"), ["done", "done"])
        self.assertFalse(Log.search(today) & logs)
        # Purge: finished entries older than the retention only; failures stay.
        self.env["ir.config_parameter"].sudo().set_param(
            "xero_connector.log_retention_days", 10)
        old_failure = Log._record(self.conn, "push_contact", "failed", "refused")
        self.env.cr.execute("UPDATE xero_sync_log SET finished_at = now() - interval '11 days' "
                            "WHERE id IN %s", [(logs[1].id, old_failure.id)])
        self.env.cr.execute("UPDATE xero_sync_log SET create_date = now() - interval '11 days' "
                            "WHERE id = %s", [logs[0].id])
        Log.invalidate_model()
        Log._cron_purge()
        self.assertEqual((logs | old_failure).exists(), logs[0] | old_failure)

    def test_edit_while_draft_in_xero_then_reset_after_payment(self):
        self.enable()
        move = self.invoice()
        self.push()
        move.button_draft()
        move.invoice_line_ids[0].price_unit = 200
        move.action_post()
        self.push()
        self.assertEqual(float(self.xero_invoice(move)["Total"]), move.amount_total)
        self.assertEqual(len(self.sandbox.state(PRACTICE, "invoices")), 1, "updated, not added")
        self.pay(move, 50)
        self.push()
        self.assertEqual(self.xero_invoice(move)["Status"], "AUTHORISED")
        self.assertEqual(float(self.xero_invoice(move)["AmountPaid"]), 50.0)
        # Reset to draft after payment (Odoo unreconciles it): SalesBinder's
        # rule, its payment is removed in Xero first, then the edit goes.
        move.button_draft()
        move.invoice_line_ids[0].price_unit = 300
        move.action_post()
        self.push()
        self.assertFalse(move.xero_error)
        doc = self.xero_invoice(move)
        self.assertEqual(float(doc["AmountPaid"]), 0.0)
        self.assertEqual(float(doc["Total"]), move.amount_total)
        self.assertEqual(move.xero_invoice_ids.payment_ids.state, "deleted")
        self.assertEqual(move.invoice_line_ids[0].price_unit, 300, "nothing lost in Odoo")

    def test_payment_create_and_delete_and_draft_approved_first(self):
        self.enable()
        move = self.invoice()
        self.push()
        self.assertEqual(self.xero_invoice(move)["Status"], "DRAFT")
        payment = self.pay(move, 40.0, date(2026, 5, 12))
        self.push()
        doc = self.xero_invoice(move)
        self.assertEqual(doc["Status"], "AUTHORISED", "approved before the payment")
        [xero_payment] = [p for p in self.sandbox.state(PRACTICE, "payments")
                          if p["Invoice"]["InvoiceID"] == doc["InvoiceID"]]
        self.assertEqual((float(xero_payment["Amount"]), xero_payment["Account"]["Code"]),
                         (40.0, "090"))
        self.assertEqual(parse_date(xero_payment["Date"]), date(2026, 5, 12))
        self.assertEqual(float(doc["AmountDue"]), move.amount_total - 40)
        # Unreconcile in Odoo: the Xero payment goes.
        payment.move_id.line_ids.remove_move_reconcile()
        self.push()
        doc = self.xero_invoice(move)
        self.assertEqual(float(doc["AmountPaid"]), 0.0)
        self.assertEqual(move.xero_invoice_ids.payment_ids.state, "deleted")

    def test_payment_needs_a_payment_account(self):
        self.enable(payment_account_id=False, journal_map_ids=[Command.clear()])
        move = self.invoice()
        self.push()
        self.pay(move, 10)
        self.push()
        self.assertIn("no Xero bank account", move.xero_error)
        self.assertFalse(self.sandbox.state(PRACTICE, "payments"))

    def credited_invoice(self, status="AUTHORISED"):
        """An invoice in Xero, then a 20 + tax credit note reconciled with
        it in Odoo (not pushed yet)."""
        self.enable(invoice_status=status)
        move = self.invoice([(100.0, 1, 0, self.tax15)])
        self.push()
        refund = move._reverse_moves([{"invoice_date": date(2026, 5, 5)}])
        refund.invoice_line_ids[0].price_unit = 20
        refund.action_post()
        receivables = (move.line_ids | refund.line_ids).filtered(
            lambda x: x.account_id.account_type == "asset_receivable")
        if not receivables.matched_debit_ids | receivables.matched_credit_ids:
            receivables.reconcile()
        return move, refund

    def test_credit_note_is_allocated(self):
        move, refund = self.credited_invoice()
        self.push()  # the credit note goes first, then its allocation
        note = self.xero_invoice(refund)
        self.assertEqual(note["Type"], "ACCRECCREDIT")
        doc = self.xero_invoice(move)
        self.assertAlmostEqual(float(doc["AmountCredited"]), 23.0, places=2)
        self.assertAlmostEqual(float(doc["AmountDue"]), 92.0, places=2)
        self.assertEqual(move.xero_invoice_ids.payment_ids.kind, "allocation")

    def test_credit_note_allocated_when_both_were_sent_as_drafts(self):
        move, refund = self.credited_invoice("DRAFT")
        self.push()
        self.assertEqual(self.xero_invoice(refund)["Status"], "PAID", "approved, then used up")
        doc = self.xero_invoice(move)
        self.assertEqual(doc["Status"], "AUTHORISED", "approved before the allocation")
        self.assertAlmostEqual(float(doc["AmountCredited"]), 23.0, places=2)
        self.assertFalse(move.xero_error)

    def test_allocation_waits_for_the_credit_note(self):
        move, refund = self.credited_invoice()
        # Xero is unavailable for the credit note: every attempt fails.
        self.sandbox.fault(kind="status", status=503, count=3,
                           match={"path": "/CreditNotes", "method": "PUT"})
        self.push()
        self.assertEqual(refund.xero_sync_state, "queued", "pending: tried again later")
        self.assertTrue(refund.xero_invoice_ids.retry_after)
        self.assertTrue(move.xero_invoice_ids.need_payment_sync, "the allocation waits")
        self.assertAlmostEqual(float(self.xero_invoice(move)["AmountCredited"]), 0.0, places=2)
        refund.action_xero_retry()
        self.push()
        self.assertEqual(refund.xero_sync_state, "synced")
        self.assertAlmostEqual(float(self.xero_invoice(move)["AmountCredited"]), 23.0, places=2)
        self.assertFalse(move.xero_invoice_ids.need_payment_sync)
        self.assertEqual(len(self.sandbox.state(PRACTICE, "creditnotes")), 1)

    def test_retry_after_an_unanswered_push_binds_what_xero_has(self):
        """Xero applied the request but every answer was lost: the documents
        stay pending; a Retry looks them up in Xero and binds them instead
        of creating them twice."""
        self.enable()
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.timeout", 1)
        moves = [self.invoice() for _i in range(3)]
        self.sandbox.fault(kind="hang", seconds=3, apply=True, count=3,
                           match={"path": "/Invoices", "method": "PUT"})
        self.push()
        self.assertEqual([m.xero_sync_state for m in moves], ["queued"] * 3)
        self.assertTrue(all(m.xero_invoice_ids.retry_after for m in moves))
        time.sleep(3)  # the held-back answers are logged once they are sent
        self.assertEqual(len(self.sandbox.state(PRACTICE, "invoices")), 3, "Xero has them")
        self.sandbox.clear_log()
        moves[1].action_xero_retry()
        self.push()
        self.assertEqual([m.xero_sync_state for m in moves], ["queued", "synced", "queued"])
        for move in moves:
            move.xero_invoice_ids.retry_after = fields.Datetime.now()
        self.push()
        self.assertFalse(self.sandbox.calls("/Invoices", "PUT"), "nothing sent again")
        self.assertEqual(len(self.sandbox.calls("/Invoices", "GET")), 2, "looked up")
        self.assertEqual([m.xero_sync_state for m in moves], ["synced"] * 3)
        self.assertEqual(len(self.sandbox.state(PRACTICE, "invoices")), 3, "no duplicate")
        self.assertEqual(len({m.xero_invoice_ids.external_id for m in moves}), 3)

    def test_cancel_keep_and_mirror(self):
        self.enable()
        kept = self.invoice()
        self.push()
        kept.button_cancel()
        self.push()
        self.assertEqual(self.xero_invoice(kept)["Status"], "DRAFT", "non-destructive")
        self.assertEqual(kept.xero_sync_state, "cancelled")
        self.conn.deletion_mode = "mirror"
        draft = self.invoice()
        self.push()
        self.conn.invoice_status = "AUTHORISED"
        approved = self.invoice()
        self.push()
        (draft | approved).button_cancel()
        self.push()
        self.assertEqual(self.xero_invoice(draft)["Status"], "DELETED")
        self.assertEqual(self.xero_invoice(approved)["Status"], "VOIDED")

    def test_deleting_a_draft_never_touches_xero(self):
        self.enable()
        never_posted = self.invoice(post=False)
        synced = self.invoice()
        self.push()
        doc = self.xero_invoice(synced)
        number = synced.xero_number
        synced.button_draft()
        self.sandbox.clear_log()
        (never_posted | synced).unlink()
        self.push()
        self.assertFalse([c for c in self.sandbox.calls("/api.xro")
                          if c["method"] in ("PUT", "POST", "DELETE")], "nothing written")
        still = next(i for i in self.sandbox.state(PRACTICE, "invoices")
                     if i["InvoiceID"] == doc["InvoiceID"])
        self.assertEqual(still["Status"], doc["Status"])
        log = self.env["xero.sync.log"].search([("operation", "=", "delete_in_odoo")])
        self.assertIn(f"{number} stays in Xero", log.message)

    def test_edit_of_an_approved_invoice_with_nothing_applied(self):
        self.enable(invoice_status="AUTHORISED")
        move = self.invoice()
        self.push()
        self.assertEqual(self.xero_invoice(move)["Status"], "AUTHORISED")
        move.button_draft()
        move.invoice_line_ids[0].price_unit = 250
        move.action_post()
        self.push()
        self.assertEqual(move.xero_sync_state, "synced")
        self.assertEqual(float(self.xero_invoice(move)["Total"]), move.amount_total)
        self.assertEqual(len(self.sandbox.state(PRACTICE, "invoices")), 1)

    def test_retry_after_timeout_creates_no_duplicate(self):
        self.enable()
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.timeout", 1)
        move = self.invoice()
        # Xero saves the invoice, then the answer never comes in time.
        self.sandbox.fault(kind="hang", seconds=3, apply=True,
                           match={"path": "/Invoices", "method": "PUT"})
        self.push()
        self.assertEqual(move.xero_sync_state, "synced")
        time.sleep(2.5)  # the held-back first answer is logged once it is sent
        puts = self.sandbox.calls("/Invoices", "PUT")
        self.assertEqual(len(puts), 2, "sent once, retried once")
        self.assertEqual(len({p["idempotency_key"] for p in puts}), 1, "with the same key")
        self.assertEqual(len(self.sandbox.state(PRACTICE, "invoices")), 1, "no duplicate")

    def test_one_invalid_invoice_does_not_block_the_batch(self):
        self.enable(invoice_number_mode="number")
        moves = [self.invoice() for _i in range(3)]
        client = self.conn._xero_client()
        contact = self.customer.xero_contact_ids
        if not contact.external_id:
            self.run_job(self.conn, "_run_job", "push_contacts")
        # Another document already uses the second invoice's number in Xero.
        client.save_invoices([{"Type": "ACCREC", "InvoiceNumber": moves[1].name,
                               "Contact": {"Name": "Someone Else"}, "LineItems": [
                                   {"Description": "x", "Quantity": 1, "UnitAmount": 1,
                                    "AccountCode": "200"}]}], "taken-number")
        self.sandbox.clear_log()
        stats = self.push()
        self.assertEqual((stats["pushed"], stats["failed"]), (2, 1))
        self.assertEqual(len(self.sandbox.calls("/Invoices", "PUT")), 1)
        self.assertIn("must be unique", moves[1].xero_error)
        self.assertEqual([m.xero_sync_state for m in moves], ["synced", "error", "synced"])

    def test_batches_of_fifty(self):
        self.enable()
        moves = [self.invoice() for _i in range(60)]
        self.sandbox.clear_log()
        stats = self.push()
        self.assertEqual(stats["pushed"], 60)
        self.assertEqual(len(self.sandbox.calls("/Invoices", "PUT")), 2)
        self.assertTrue(all(m.xero_number for m in moves))

    def test_crash_after_xero_created_the_group_creates_no_duplicate(self):
        """Xero created the invoices, the run died before saving that: the
        rerun finds them in Xero and binds them; only the invoice posted in
        between is created."""
        self.enable()
        moves = [self.invoice() for _i in range(2)]
        real_commit = TestCursor.commit
        state = {"crashed": False}

        def dying_commit(cr):
            if not state["crashed"] and self.sandbox.calls("/Invoices", "PUT"):
                state["crashed"] = True
                raise RuntimeError("worker killed")
            return real_commit(cr)

        with patch.object(TestCursor, "commit", dying_commit):
            self.assertRaisesNoRollback(RuntimeError, self.push)
        self.assertFalse(any(m.xero_invoice_ids.external_id for m in moves))
        late = self.invoice()
        self.sandbox.clear_log()
        self.push()
        self.assertEqual(len(self.sandbox.calls("/Invoices", "PUT")), 1, "the late one only")
        self.assertEqual(len(self.sandbox.state(PRACTICE, "invoices")), 3, "no duplicate")
        self.assertTrue(all(m.xero_number for m in [*moves, late]))
