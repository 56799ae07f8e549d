"""The payables side: posted vendor bills and refunds go to Xero as ACCPAY /
ACCPAYCREDIT with the invoices' rules (enable date, status setting, vendor
reference, purchase accounts and tax rates, totals, payments both ways)."""

from datetime import date

from odoo.tests import tagged

from . import every_record as er
from .accounting_common import AccountingCase
from .common import PRACTICE


@tagged("post_install", "-at_install")
class TestBills(AccountingCase):
    def setUp(self):
        super().setUp()
        self.supplier = self.env["res.partner"].create({"name": "Bills Supplier Ltd",
                                                        "is_company": True})
        Tax = self.env["account.tax"]
        self.ptax15 = Tax.create({"name": "GST 15% purchases (bills)", "amount": 15,
                                  "type_tax_use": "purchase", "company_id": self.company.id})
        self.ptax0 = Tax.create({"name": "Exempt purchases (bills)", "amount": 0,
                                 "type_tax_use": "purchase", "company_id": self.company.id})
        self.conn.write({"bill_sync_enabled": True})

    def bill(self, lines=None, move_type="in_invoice", post=True, **vals):
        lines = lines or [(100.0, 2, 0, self.ptax15), (50.0, 1, 0, self.ptax0)]
        return self.invoice(lines, move_type=move_type, post=post, partner=self.supplier,
                            **dict({"ref": "SUP-77"}, **vals))

    def push_bills(self):
        return self.run_job(self.conn, "_run_job", "push_bills")

    def post_from_ui(self, move):
        """Confirm, as the button of the bill's form does."""
        self.authenticate("admin", "admin")
        _result, error = er.call_kw(self, "account.move", "action_post", [move.ids],
                                    route="call_button")
        self.assertFalse(error, error and er.describe(error))
        move.invalidate_recordset()

    def test_bill_with_two_rates_and_a_partial_payment_matches_xero(self):
        self.assertEqual(self.conn.purchase_account_id.code, "429", "proposed on connect")
        move = self.bill(post=False)
        self.post_from_ui(move)
        self.pay(move, amount=100.0)
        self.sandbox.clear_log()
        stats = self.push_bills()
        self.assertEqual(stats["pushed"], 1)
        doc = self.xero_invoice(move)
        self.assertEqual(doc["Type"], "ACCPAY")
        self.assertEqual(doc["InvoiceNumber"], "SUP-77", "the vendor reference")
        self.assertEqual(doc["Contact"]["Name"], "Bills Supplier Ltd", "created in Xero")
        self.assertEqual({line["TaxType"] for line in doc["LineItems"]},
                         set(self.conn.tax_map_ids.filtered(
                             lambda m: m.tax_id in (self.ptax15 | self.ptax0))
                             .mapped("xero_tax_type")))
        self.assertEqual({line["AccountCode"] for line in doc["LineItems"]}, {"429"})
        self.assertEqual(float(doc["Total"]), move.amount_total)
        self.assertEqual(float(doc["Total"]), 280.0)
        self.assertEqual(float(doc["AmountPaid"]), 100.0)
        self.assertEqual(float(doc["AmountDue"]), move.amount_residual)
        binding = move.xero_invoice_ids
        self.assertEqual((binding.side, binding.state, binding.rounding_difference),
                         ("purchase", "synced", 0.0))
        self.assertIn("AccountsPayable", binding.xero_url)
        self.assertEqual(len(self.sandbox.calls("/Payments", "PUT")), 1)
        # Re-running sends nothing again.
        self.sandbox.clear_log()
        self.push_bills()
        self.assertFalse(self.sandbox.calls("/Invoices", "PUT"))
        self.assertFalse(self.sandbox.calls("/Payments", "PUT"))

    def test_from_cron_bills_are_batched_and_invoices_left_to_their_job(self):
        bills = self.env["account.move"].concat(*[self.bill(ref=f"SUP-{i}") for i in range(3)])
        sale = self.invoice()
        self.sandbox.clear_log()
        self.env.flush_all()
        self.run_job(self.conn, "_cron_run", "push_bills")
        self.assertEqual(len(self.sandbox.calls("/Invoices", "PUT")), 1, "one call")
        self.assertEqual({self.xero_invoice(m)["Type"] for m in bills}, {"ACCPAY"})
        self.assertEqual({self.xero_invoice(m)["Status"] for m in bills}, {"DRAFT"})
        self.assertEqual(sale.xero_invoice_ids.state, "queued", "the invoice job sends it")

    def test_bill_status_setting_and_vendor_refund(self):
        self.conn.bill_status = "AUTHORISED"
        move = self.bill()
        refund = self.bill([(40.0, 1, 0, self.ptax15)], move_type="in_refund", ref="CN-9")
        self.push_bills()
        self.assertEqual(self.xero_invoice(move)["Status"], "AUTHORISED")
        note = self.xero_invoice(refund)
        self.assertEqual((note["Type"], note["CreditNoteNumber"], float(note["Total"])),
                         ("ACCPAYCREDIT", "CN-9", 46.0))

    def test_bills_posted_before_the_switch_on_stay_out(self):
        self.conn.bill_sync_enabled = False
        old = self.bill()
        self.conn.bill_sync_enabled = True
        self.assertFalse(old.xero_invoice_ids)
        old.button_draft()
        old.action_post()
        self.assertFalse(old.xero_invoice_ids, "historical, also when re-posted")

    def test_a_sales_tax_on_a_bill_is_refused_before_sending(self):
        move = self.bill([(10.0, 1, 0, self.tax15)])
        self.sandbox.clear_log()
        self.push_bills()
        self.assertFalse(self.sandbox.calls("/Invoices", "PUT"))
        self.assertEqual(move.xero_sync_state, "error")
        self.assertIn("does not allow on purchases", move.xero_error)

    def test_sandbox_refuses_a_sales_tax_type_on_a_bill(self):
        """What Xero refuses: a bill line with a sales-only tax type."""
        client = self.conn._xero_client()
        [element] = client.create_invoices([{
            "Type": "ACCPAY", "Contact": {"Name": "Bills Supplier Ltd"}, "Date": "2026-05-01",
            "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 10,
                           "AccountCode": "429", "TaxType": "OUTPUT2"}]}], "bill-refusal")
        self.assertTrue(element.get("ValidationErrors"), element)

    def test_payment_made_in_xero_on_a_bill_is_registered(self):
        self.conn.bill_status = "AUTHORISED"
        move = self.bill()
        self.push_bills()
        self.pay_in_xero(move, 80.0)
        self.run_job(self.conn, "_run_job", "import_documents")
        stats = self.run_job(self.conn, "_run_job", "pull_payments")
        self.assertEqual(stats["registered"], 1)
        self.assertEqual(move.amount_residual, 200.0)
        record = move.xero_invoice_ids.payment_ids
        self.assertEqual((record.origin, record.state), ("xero", "synced"))
        self.assertEqual(record.payment_id.payment_type, "outbound")
        self.assertEqual(len(self.sandbox.state(PRACTICE, "payments")), 1, "not sent back")

    def test_cancelled_bill_is_voided_in_xero_under_the_mirror_policy(self):
        self.conn.write({"bill_status": "AUTHORISED", "deletion_mode": "mirror"})
        move = self.bill()
        self.push_bills()
        move.button_draft()
        move.button_cancel()
        self.push_bills()
        self.assertEqual(self.xero_invoice(move)["Status"], "VOIDED")
        self.assertEqual(move.xero_invoice_ids.state, "cancelled")

    def test_bill_dates_and_due_date(self):
        move = self.bill(invoice_date=date(2026, 6, 2), invoice_date_due=date(2026, 7, 2))
        self.push_bills()
        doc = self.xero_invoice(move)
        self.assertTrue(doc["DateString"].startswith("2026-06-02"))
        self.assertTrue(doc["DueDateString"].startswith("2026-07-02"))
