"""Payments both ways: Odoo payments and credit note allocations go to Xero
in batches; a payment recorded in Xero is registered in Odoo and reconciled
in the mapped journal, once; a payment deleted in Xero is unreconciled."""

from psycopg2 import IntegrityError

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from . import every_record as er
from .accounting_common import AccountingCase


@tagged("post_install", "-at_install")
class TestPayments(AccountingCase):
    def bank(self, code="BNK1"):
        return self.env["account.journal"].search([("company_id", "=", self.company.id),
                                                   ("code", "=", code)])

    def pull(self):
        """The hourly ledger pull, then the payment job it triggers."""
        self.run_job(self.conn, "_run_job", "pull_ledger")
        return self.run_job(self.conn, "_run_job", "pull_payments")

    # -- Odoo → Xero ----------------------------------------------------------------

    def test_payments_go_in_batches(self):
        moves = self.env["account.move"].concat(*[self.invoice() for _i in range(60)])
        self.pay(moves)
        self.sandbox.clear_log()
        self.push()
        self.assertEqual(len(self.sandbox.calls("/Invoices", "PUT")), 2)
        self.assertEqual(len(self.sandbox.calls("/Payments", "PUT")), 2, "50 payments a call")
        self.assertFalse(self.sandbox.calls("/Invoices", "POST"),
                         "paid before the push: sent approved, no approval call")
        docs = [self.xero_invoice(m) for m in moves]
        self.assertEqual({d["Status"] for d in docs}, {"PAID"})
        self.assertTrue(all(m.xero_invoice_ids.payment_ids.state == "synced" for m in moves))
        self.assertEqual(len(self.sandbox.state("11111111-1111-4111-8111-111111111111",
                                                "payments")), 60)

    def test_drafts_are_approved_together_then_paid_together(self):
        moves = self.env["account.move"].concat(*[self.invoice() for _i in range(3)])
        self.push()
        self.assertEqual({self.xero_invoice(m)["Status"] for m in moves}, {"DRAFT"})
        self.pay(moves, amount=None)
        self.sandbox.clear_log()
        self.push()
        self.assertEqual(len(self.sandbox.calls("/Invoices", "POST")), 1, "one approval call")
        self.assertEqual(len(self.sandbox.calls("/Payments", "PUT")), 1, "one payment call")
        self.assertEqual({self.xero_invoice(m)["Status"] for m in moves}, {"PAID"})

    def test_credit_note_allocations_one_call_per_credit_note(self):
        self.conn.invoice_status = "AUTHORISED"
        # 46.00 of credit over two invoices of 23.00: two allocations, one credit note.
        first, second = (self.invoice([(20.0, 1, 0, self.tax15)]) for _i in range(2))
        refund = self.invoice([(40.0, 1, 0, self.tax15)], move_type="out_refund")
        self.push()
        lines = (first | second | refund).line_ids.filtered(
            lambda x: x.account_id.account_type == "asset_receivable")
        lines.reconcile()
        self.sandbox.clear_log()
        self.push()
        self.assertEqual(len(self.sandbox.calls("/Allocations", "PUT")), 1)
        credited = [float(self.xero_invoice(m)["AmountCredited"]) for m in (first, second)]
        self.assertEqual(credited, [23.0, 23.0], "the whole credit note, over both invoices")
        self.assertEqual(len((first | second).xero_invoice_ids.payment_ids), 2)

    # -- Xero → Odoo ----------------------------------------------------------------

    def test_payment_made_in_xero_is_registered_once(self):
        self.conn.invoice_status = "AUTHORISED"
        move = self.invoice()
        self.push()
        payment_id = self.pay_in_xero(move, 40)
        stats = self.pull()
        self.assertEqual(stats["registered"], 1)
        binding = move.xero_invoice_ids
        record = binding.payment_ids
        self.assertEqual((record.origin, record.external_id, record.state),
                         ("xero", payment_id, "synced"))
        payment = record.payment_id
        self.assertEqual(payment.journal_id, self.bank(), "the journal mapped to 090")
        self.assertEqual(payment.amount, 40)
        self.assertEqual(payment.memo, "Cheque")
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 40, places=2)
        self.assertIn(payment.move_id, move._get_reconciled_payments().move_id)
        # Seen again (another pull, the invoice's own refresh): never twice.
        self.pull()
        move.action_xero_refresh()
        self.assertEqual(len(binding.payment_ids), 1)
        self.assertEqual(len(self.env["account.payment"].search(
            [("partner_id", "=", self.customer.id)])), 1)
        # Not sent back to Xero as an Odoo payment.
        self.sandbox.clear_log()
        self.push()
        self.assertFalse(self.sandbox.calls("/Payments", "PUT"))
        self.assertEqual(len(self.xero_payments(move)), 1)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.env["xero.invoice.payment"].create({
                "binding_id": binding.id, "external_id": payment_id, "origin": "xero"})

    def test_paid_in_xero_shows_on_the_invoice_with_a_deep_link(self):
        self.conn.invoice_status = "AUTHORISED"
        move = self.invoice()
        self.push()
        self.pay_in_xero(move, move.amount_total)
        manager = new_test_user(
            self.env, "xero_pay_manager", password="xero-pay-pass",
            groups=f"base.group_user,account.group_account_invoice,{er.MANAGER_GROUP}")
        self.authenticate(manager.login, "xero-pay-pass")
        context = {"lang": "en_US", "tz": "UTC", "uid": manager.id,
                   "allowed_company_ids": [self.company.id]}
        _result, error = er.call_kw(self, "account.move", "action_xero_refresh", [move.ids],
                                    context, route="call_button")
        self.assertIsNone(error)
        self.env.invalidate_all()
        self.assertTrue(move.xero_paid)
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        result, error = er.call_kw(self, "account.move", "action_xero_open", [move.ids],
                                   context, route="call_button")
        self.assertIsNone(error)
        self.assertIn(move.xero_invoice_ids.external_id, result["url"])

    def test_payment_deleted_in_xero_is_unreconciled_in_odoo(self):
        self.conn.invoice_status = "AUTHORISED"
        from_xero, from_odoo = self.invoice(), self.invoice()
        self.push()
        xero_side = self.pay_in_xero(from_xero, 30)
        self.pay(from_odoo, 50)
        self.push()
        self.pull()
        odoo_side = from_odoo.xero_invoice_ids.payment_ids.external_id
        client = self.conn._xero_client()
        for payment_id in (xero_side, odoo_side):
            client.delete_payment(payment_id, f"delete-{payment_id}")
        stats = self.pull()
        self.assertEqual(stats["removed"], 2)
        for move in (from_xero, from_odoo):
            self.assertEqual(move.xero_invoice_ids.payment_ids.state, "deleted")
            self.assertAlmostEqual(move.amount_residual, move.amount_total, places=2)
        self.assertEqual(from_xero.xero_invoice_ids.payment_ids.payment_id.state, "canceled",
                         "registered from Xero: cancelled")
        kept = from_odoo.xero_invoice_ids.payment_ids.counterpart_move_id.origin_payment_id
        self.assertNotEqual(kept.state, "canceled", "made in Odoo: kept, unreconciled")
        # Nothing goes back to Xero.
        self.sandbox.clear_log()
        self.push()
        self.assertFalse(self.sandbox.calls("/Payments"))

    def test_payment_into_an_unmapped_account_says_what_to_map(self):
        self.conn.invoice_status = "AUTHORISED"
        move = self.invoice()
        self.push()
        self.pay_in_xero(move, 25, account="091")
        self.pull()
        self.assertIn("map that Xero account to an Odoo journal", move.xero_error)
        self.assertIn("091 Business Savings Account", move.xero_error)
        self.assertFalse(move.xero_invoice_ids.payment_ids)
        savings = self.env["account.journal"].create({
            "name": "Savings", "code": "SAV", "type": "bank", "company_id": self.company.id})
        self.conn.journal_map_ids = [(0, 0, {"journal_id": savings.id,
                                             "xero_account_id": self.account("091").id})]
        move.action_xero_retry()
        self.run_job(self.conn, "_run_job", "pull_payments")
        self.assertFalse(move.xero_error)
        self.assertEqual(move.xero_invoice_ids.payment_ids.payment_id.journal_id, savings)

    def test_reset_to_draft_removes_payments_made_in_xero_too(self):
        self.conn.invoice_status = "AUTHORISED"
        move = self.invoice()
        self.push()
        self.pay_in_xero(move, 20)
        self.pull()
        move.button_draft()
        move.invoice_line_ids[0].price_unit = 80
        move.action_post()
        self.push()
        self.assertFalse(move.xero_error)
        doc = self.xero_invoice(move)
        self.assertEqual(float(doc["AmountPaid"]), 0.0, "removed in Xero (SalesBinder's rule)")
        self.assertEqual(float(doc["Total"]), move.amount_total)
        self.assertEqual(move.xero_invoice_ids.payment_ids.state, "deleted")
