"""Documents raised in Xero come into Odoo: only after the switch-on, for
linked contacts, with their lines, taxes and totals; changes, voids and
payments follow; the others are set aside with their reason."""

import time
from datetime import date

from odoo.tests import tagged

from . import every_record as er
from .accounting_common import AccountingCase
from .common import PRACTICE

TODAY = date.today().isoformat()


@tagged("post_install", "-at_install")
class TestDocumentsIn(AccountingCase):
    def setUp(self):
        super().setUp()
        self.run_job(self.conn, "_run_job", "pull_contacts")
        line = self.contact_line("Northwind Traders")
        self.run_job(line, "action_import")
        self.partner = line.odoo_id
        self.assertTrue(self.partner)
        self.ptax15 = self.env["account.tax"].create({
            "name": "GST 15% purchases (in)", "amount": 15, "type_tax_use": "purchase",
            "company_id": self.company.id})
        # Documents come in the organisation's currency, NZD.
        self.env.ref("base.NZD").active = True
        self.env["xero.tax.map"]._add_defaults(self.conn)
        self.client = self.conn._xero_client()
        # The Xero rates the taxes are mapped to (by rate and type).
        self.sales_type, self.purchase_type = (
            self.conn.tax_map_ids.filtered(lambda m, t=tax: m.tax_id == t).xero_tax_type
            for tax in (self.tax15, self.ptax15))
        self.assertTrue(self.sales_type and self.purchase_type)
        self.sandbox.clear_log()

    def mapped_type(self, tax):
        self.assertEqual(len(tax), 1)
        return self.conn.tax_map_ids.filtered(lambda m: m.tax_id == tax).xero_tax_type

    def other_sales_type(self):
        """A sales rate of 15% no Odoo tax is mapped to."""
        return "OUTPUT" if self.sales_type == "OUTPUT2" else "OUTPUT2"

    def contact_line(self, name):
        return self.env["xero.contact"].with_context(active_test=False).search(
            [("backend_id", "=", self.conn.id), ("xero_name", "=", name)])

    def switch_on(self, **vals):
        # Xero's timestamps and the switch-on moment are to the second.
        time.sleep(1.1)
        self.conn.write(dict({"import_sales_enabled": True, "import_bills_enabled": True},
                             **vals))
        time.sleep(1.1)

    def raise_in_xero(self, doc_type="ACCREC", contact="Northwind Traders", lines=None,
                      status="AUTHORISED", day=TODAY, **extra):
        sales = doc_type.startswith("ACCREC")
        lines = lines or [
            {"Description": "Consulting", "Quantity": 2, "UnitAmount": 100,
             "AccountCode": "200" if sales else "429",
             "TaxType": self.sales_type if sales else self.purchase_type},
            {"Description": "Exempt part", "Quantity": 1, "UnitAmount": 30.5,
             "AccountCode": "200" if sales else "429", "TaxType": "NONE"},
        ]
        body = dict({"Type": doc_type, "Contact": {"ContactID": self.contact_line(
            contact).external_id}, "Date": day, "DueDate": day, "Status": status,
            "LineAmountTypes": "Exclusive", "LineItems": lines}, **extra)
        credit = doc_type.endswith("CREDIT")
        if credit:
            body.pop("DueDate")
        send = self.client.create_credit_notes if credit else self.client.create_invoices
        [element] = send([body], f"raised-{time.monotonic()}")
        self.assertFalse(element.get("ValidationErrors"), element)
        return element

    def edit_in_xero(self, element, **changes):
        [answer] = self.client.save_invoices([dict({"InvoiceID": element["InvoiceID"]},
                                                   **changes)], f"edit-{time.monotonic()}")
        self.assertFalse(answer.get("ValidationErrors"), answer)
        return answer

    def pull(self):
        return self.run_job(self.conn, "_run_job", "import_documents")

    def moves(self, element):
        key = element.get("InvoiceID") or element.get("CreditNoteID")
        return self.env["xero.invoice"].search([("backend_id", "=", self.conn.id),
                                                ("external_id", "=", key)]).odoo_id

    # -- what comes in -------------------------------------------------------------------

    def test_invoice_and_bill_after_the_switch_on_come_in_and_older_ones_do_not(self):
        before = self.raise_in_xero()
        self.switch_on()
        invoice = self.raise_in_xero(Reference="PO-1")
        bill = self.raise_in_xero("ACCPAY", InvoiceNumber="SUP-5")
        note = self.raise_in_xero("ACCRECCREDIT", lines=[
            {"Description": "Refund", "Quantity": 1, "UnitAmount": 20, "AccountCode": "200",
             "TaxType": self.sales_type}])
        stats = self.pull()
        self.assertEqual(stats["imported"], 3)
        self.assertFalse(self.moves(before), "raised before the switch-on: never")
        move = self.moves(invoice)
        self.assertEqual((move.move_type, move.state, move.partner_id), ("out_invoice", "draft",
                                                                         self.partner))
        self.assertEqual(move.ref, "PO-1")
        self.assertEqual(move.xero_number, invoice["InvoiceNumber"])
        self.assertEqual(move.invoice_line_ids.mapped("price_unit"), [100.0, 30.5])
        self.assertEqual(self.mapped_type(move.invoice_line_ids[0].tax_ids), self.sales_type)
        self.assertFalse(move.invoice_line_ids[1].tax_ids)
        self.assertEqual(move.amount_total, float(invoice["Total"]))
        self.assertEqual(move.amount_total, 260.5)
        bill_move = self.moves(bill)
        self.assertEqual((bill_move.move_type, bill_move.ref), ("in_invoice", "SUP-5"))
        self.assertEqual(self.mapped_type(bill_move.invoice_line_ids[0].tax_ids),
                         self.purchase_type)
        self.assertEqual(bill_move.amount_total, float(bill["Total"]))
        self.assertEqual(self.moves(note).move_type, "out_refund")
        self.assertEqual(self.moves(note).amount_total, 23.0)

    def test_rerun_creates_nothing_twice_and_reads_from_the_watermark(self):
        self.switch_on()
        self.raise_in_xero()
        self.raise_in_xero("ACCPAY")
        self.pull()
        count = self.env["account.move"].search_count([("partner_id", "=", self.partner.id)])
        self.sandbox.clear_log()
        stats = self.pull()
        self.assertEqual(stats["imported"], 0)
        self.assertEqual(self.env["account.move"].search_count(
            [("partner_id", "=", self.partner.id)]), count)
        self.assertTrue(self.conn.accrec_synced_at and self.conn.accpay_synced_at)
        calls = self.sandbox.calls(method="GET")
        self.assertEqual(len(calls), 4, "one list call per document type")
        self.assertTrue(all(c["if_modified_since"] for c in calls))
        self.assertEqual(sorted(c["query"].get("where") for c in calls),
                         sorted(f'Type=="{t}"' for t in ("ACCREC", "ACCRECCREDIT", "ACCPAY",
                                                          "ACCPAYCREDIT")))

    def test_posted_setting_and_no_echo(self):
        self.conn.write({"import_post": "posted"})
        self.switch_on()
        element = self.raise_in_xero()
        self.pull()
        move = self.moves(element)
        self.assertEqual(move.state, "posted")
        binding = move.xero_invoice_ids
        self.assertEqual((binding.origin, binding.need_push), ("xero", False))
        self.sandbox.clear_log()
        self.push()
        self.assertFalse(self.sandbox.calls("/Invoices", "PUT"), "never sent back")
        self.assertFalse(self.sandbox.calls("/Invoices", "POST"), "never sent back")

    def test_paid_in_xero_is_reconciled_in_odoo(self):
        self.conn.write({"import_post": "posted"})
        self.switch_on()
        element = self.raise_in_xero()
        self.pull()
        move = self.moves(element)
        self.pay_in_xero(move, 60.5)
        self.pull()
        stats = self.run_job(self.conn, "_run_job", "pull_payments")
        self.assertEqual(stats["registered"], 1)
        self.assertEqual(move.amount_residual, 200.0)
        self.assertEqual(len(self.sandbox.state(PRACTICE, "payments")), 1, "not sent back")

    # -- changes in Xero -----------------------------------------------------------------

    def test_edit_of_a_posted_copy_is_shown_not_applied_until_a_user_decides(self):
        self.conn.write({"import_post": "posted"})
        self.switch_on()
        element = self.raise_in_xero()
        self.pull()
        move = self.moves(element)
        self.edit_in_xero(element, LineItems=[
            {"Description": "Consulting", "Quantity": 3, "UnitAmount": 100,
             "AccountCode": "200", "TaxType": self.sales_type}])
        self.pull()
        self.assertEqual(move.amount_total, 260.5, "not changed silently")
        self.assertTrue(move.xero_change_pending)
        self.assertIn("Line added: Consulting 3 × 100", move.xero_change_text)
        self.authenticate("admin", "admin")
        _result, error = er.call_kw(self, "account.move", "action_xero_apply_change",
                                    [move.ids], route="call_button")
        self.assertFalse(error, error and er.describe(error))
        move.invalidate_recordset()
        self.assertEqual((move.state, move.amount_total), ("posted", 345.0))
        self.assertFalse(move.xero_change_pending)

    def test_keep_odoo_version_dismisses_the_difference(self):
        self.conn.write({"import_post": "posted"})
        self.switch_on()
        element = self.raise_in_xero()
        self.pull()
        move = self.moves(element)
        self.edit_in_xero(element, Reference="Changed")
        self.pull()
        self.assertIn("Reference", move.xero_change_text)
        self.authenticate("admin", "admin")
        _result, error = er.call_kw(self, "account.move", "action_xero_keep_odoo",
                                    [move.ids], route="call_button")
        self.assertFalse(error, error and er.describe(error))
        move.invalidate_recordset()
        self.assertFalse(move.xero_change_pending)
        self.pull()
        self.assertFalse(move.xero_change_pending, "the same version is not shown again")

    def test_draft_copy_follows_xero_and_a_void_cancels_it(self):
        self.switch_on()
        element = self.raise_in_xero(status="DRAFT")
        self.pull()
        move = self.moves(element)
        self.edit_in_xero(element, LineItems=[
            {"Description": "Consulting", "Quantity": 1, "UnitAmount": 100,
             "AccountCode": "200", "TaxType": self.sales_type}])
        self.pull()
        self.assertEqual((move.state, move.amount_total), ("draft", 115.0))
        self.edit_in_xero(element, Status="DELETED")
        self.pull()
        self.assertEqual(move.state, "cancel")

    def test_draft_change_that_cannot_be_mapped_is_an_error_and_retry_applies_it(self):
        self.switch_on()
        element = self.raise_in_xero(status="DRAFT")
        self.pull()
        move = self.moves(element)
        self.edit_in_xero(element, LineItems=[
            {"Description": "Old rate", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200",
             "TaxType": self.other_sales_type()}])
        self.pull()
        self.assertEqual(move.amount_total, 260.5, "left as it was")
        self.assertIn("not mapped to an Odoo tax", move.xero_error)
        other = self.env["account.tax"].create({"name": "GST 15% old rate (retry)",
                                                "amount": 15, "type_tax_use": "sale",
                                                "company_id": self.company.id})
        self.env["xero.tax.map"].create({"connection_id": self.conn.id, "tax_id": other.id,
                                         "xero_tax_rate_id": self.rate(self.other_sales_type()).id})
        self.authenticate("admin", "admin")
        _result, error = er.call_kw(self, "account.move", "action_xero_retry", [move.ids],
                                    route="call_button")
        self.assertFalse(error, error and er.describe(error))
        move.invalidate_recordset()
        self.assertEqual((move.amount_total, move.xero_error), (11.5, False))

    def test_void_of_a_posted_copy_flags_it_with_an_activity(self):
        self.conn.write({"import_post": "posted"})
        self.switch_on()
        element = self.raise_in_xero()
        self.pull()
        move = self.moves(element)
        self.edit_in_xero(element, Status="VOIDED")
        self.pull()
        self.assertEqual(move.state, "posted", "nothing reversed without a user")
        self.assertTrue(move.xero_change_pending)
        self.assertIn("Voided in Xero", move.xero_change_text)
        self.assertTrue(move.activity_ids.filtered(lambda a: a.summary == "Voided in Xero"))

    # -- set aside -----------------------------------------------------------------------

    def test_contact_not_linked_is_listed_then_comes_in_once_linked(self):
        self.switch_on()
        element = self.raise_in_xero(contact="Bayside Club")
        self.pull()
        self.assertFalse(self.moves(element))
        review = self.env["xero.document.review"].search(
            [("external_id", "=", element["InvoiceID"])])
        self.assertEqual(review.state, "unlinked")
        self.assertIn("Bayside Club is not linked", review.reason)
        self.authenticate("admin", "admin")
        action, error = er.call_kw(self, "xero.document.review", "action_link_contact",
                                   [review.ids], route="call_button")
        self.assertFalse(error, error and er.describe(error))
        self.assertEqual((action["res_model"], action["res_id"]),
                         ("xero.contact", self.contact_line("Bayside Club").id))
        self.run_job(self.contact_line("Bayside Club"), "action_import")
        self.pull()
        move = self.moves(element)
        self.assertEqual(move.partner_id, self.contact_line("Bayside Club").odoo_id)
        review.invalidate_recordset()
        self.assertEqual((review.state, review.move_id), ("done", move))

    def test_linking_the_contact_brings_its_waiting_documents_in_now(self):
        """Not at the next scheduled read: the documents job runs at once."""
        self.switch_on()
        element = self.raise_in_xero(contact="Bayside Club")
        self.pull()
        cron = self.conn._cron("import_documents")
        Trigger = self.env["ir.cron.trigger"]
        Trigger.search([("cron_id", "=", cron.id)]).unlink()
        self.authenticate("admin", "admin")
        _result, error = er.call_kw(self, "xero.contact", "action_import",
                                    [self.contact_line("Bayside Club").ids], route="call_button")
        self.assertFalse(error, error and er.describe(error))
        self.assertTrue(Trigger.search([("cron_id", "=", cron.id)]), "the job is due now")
        # A contact with nothing waiting does not wake it.
        Trigger.search([("cron_id", "=", cron.id)]).unlink()
        _result, error = er.call_kw(self, "xero.contact", "action_import",
                                    [self.contact_line("Acme Supplies").ids], route="call_button")
        self.assertFalse(error, error and er.describe(error))
        self.assertFalse(Trigger.search([("cron_id", "=", cron.id)]))
        self.pull()  # the job it woke
        self.assertEqual(self.moves(element).partner_id,
                         self.contact_line("Bayside Club").odoo_id)

    def test_unmapped_tax_rate_is_set_aside_the_rest_goes_on_and_retry_brings_it(self):
        self.switch_on()
        odd = self.raise_in_xero(lines=[{"Description": "Old rate", "Quantity": 1,
                                         "UnitAmount": 10, "AccountCode": "200",
                                         "TaxType": self.other_sales_type()}])
        fine = self.raise_in_xero()
        stats = self.pull()
        self.assertEqual((stats["imported"], stats["set_aside"]), (1, 1))
        self.assertTrue(self.moves(fine))
        review = self.env["xero.document.review"].search([("external_id", "=", odd["InvoiceID"])])
        self.assertEqual(review.state, "unmapped")
        self.assertIn("not mapped to an Odoo tax for sales", review.reason)
        other = self.env["account.tax"].create({"name": "GST 15% old rate", "amount": 15,
                                                "type_tax_use": "sale",
                                                "company_id": self.company.id})
        self.env["xero.tax.map"].create({"connection_id": self.conn.id, "tax_id": other.id,
                                         "xero_tax_rate_id": self.rate(self.other_sales_type()).id})
        self.authenticate("admin", "admin")
        _result, error = er.call_kw(self, "xero.document.review", "action_retry",
                                    [review.ids], route="call_button")
        self.assertFalse(error, error and er.describe(error))
        move = self.moves(odd)
        self.assertEqual(move.invoice_line_ids.tax_ids, other)
        self.assertEqual(move.amount_total, 11.5)

    def test_unknown_item_is_set_aside(self):
        self.seed_practice(Items=[{"Code": "WIDGET", "Name": "Widget", "IsSold": True}])
        self.switch_on()
        element = self.raise_in_xero(lines=[{"ItemCode": "WIDGET", "Quantity": 1,
                                             "UnitAmount": 10, "AccountCode": "200",
                                             "TaxType": self.sales_type}])
        self.pull()
        review = self.env["xero.document.review"].search(
            [("external_id", "=", element["InvoiceID"])])
        self.assertIn("WIDGET is not linked to an Odoo product", review.reason)

    def test_cron_runs_only_when_an_option_is_on(self):
        self.raise_in_xero()
        self.sandbox.clear_log()
        self.run_job(self.conn, "_cron_run", "import_documents")
        self.assertFalse(self.sandbox.calls("/Invoices"), "off by default")
        self.switch_on()
        element = self.raise_in_xero()
        self.run_job(self.conn, "_cron_run", "import_documents")
        self.assertTrue(self.moves(element))
