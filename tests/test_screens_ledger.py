"""The partner's Xero Sales Ledger tab as users read it: every unpaid
invoice (open and overdue) newest first, "not read yet" rather than 0.00
until the ledger is read, totals that match the lists they open, credit
notes labelled, dates in the user's language, badges not cut."""

from freezegun import freeze_time

from odoo.tests import tagged

from . import every_record as er
from .browser import browser_page
from .common import PRACTICE, XeroCase
from .test_ledger import TODAY, TestLedger


@tagged("post_install", "-at_install")
class TestLedgerScreen(XeroCase):
    """On TestLedger's data: a customer with open, overdue, part-paid, paid,
    draft, voided, USD invoices and a credit note."""

    browser_size = "1440x1000"

    @classmethod
    def sandbox_seed(cls):
        return TestLedger.sandbox_seed()

    def setUp(self):
        super().setUp()
        self.sandbox.reset(self.sandbox_seed())
        self.conn = self.connect_practice()
        self.run_job(self.conn, "_run_job", "pull_contacts")
        bayside = self.env["xero.contact"].search([("xero_name", "=", "Bayside Club")])
        self.run_job(bayside, "action_import")
        self.partner = bayside.odoo_id
        void = next(i for i in self.sandbox.state(PRACTICE, "invoices")
                    if i["InvoiceNumber"] == "INV-VOID")
        self.conn._xero_client().save_invoices(
            [{"InvoiceID": void["InvoiceID"], "Status": "VOIDED"}], "void-1")
        self.Ledger = self.env["xero.ledger.invoice"]

    def pull(self):
        return self.run_job(self.conn, "_run_job", "pull_ledger")

    def line(self, number):
        return self.Ledger.search([("number", "=", number)])

    filtered = TestLedger.filtered

    def test_tab_lists_every_unpaid_invoice_newest_first(self):
        self.pull()
        with freeze_time(TODAY):
            self.partner.invalidate_recordset()
            numbers = self.partner.xero_ledger_open_ids.mapped("number")
        # Overdue INV-OVER too; not the draft, the paid one or the credit note.
        self.assertEqual(numbers, ["INV-USD", "INV-OPEN", "INV-PART", "INV-OVER"])

    def test_all_invoices_opens_the_unpaid_ones(self):
        self.pull()
        self.authenticate("admin", "admin")
        action, error = er.call_kw(self, "res.partner", "action_xero_ledger", [self.partner.ids],
                                   {"allowed_company_ids": [self.company.id]},
                                   route="call_button")
        self.assertIsNone(error)
        self.assertEqual(action["context"].get("search_default_unpaid"), 1)
        self.assertEqual(self.filtered("unpaid"), set(self.partner.xero_ledger_open_ids.mapped(
            "number")))

    def test_total_unpaid_matches_its_list_per_currency(self):
        self.pull()
        action = self.partner.action_xero_ledger_unpaid()
        self.assertEqual(action["context"].get("group_by"), ["currency_code"])
        sums = dict(self.Ledger._read_group(action["domain"], ["currency_code"],
                                            ["amount_due:sum"]))
        self.assertEqual(sums, {"NZD": 270.0, "USD": 40.0})
        self.assertEqual(self.partner.xero_ledger_unpaid_text, "NZD 270.00 · USD 40.00")

    def test_not_read_yet_until_the_ledger_is_read(self):
        # setUp imported Bayside Club; its ledger was never read.
        self.partner.invalidate_recordset()
        self.assertEqual(self.partner.xero_ledger_unpaid_text, "Not read yet")
        self.assertEqual(self.partner.xero_ledger_paid_text, "Not read yet")
        # The import asked the ledger job to run now, in the background.
        cron = self.conn._cron("pull_ledger")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        self.pull()
        self.partner.invalidate_recordset()
        self.assertEqual(self.partner.xero_ledger_unpaid_text, "NZD 270.00 · USD 40.00")

    def test_link_reads_the_ledger_soon(self):
        self.pull()
        northwind = self.env["xero.contact"].search([("xero_name", "=", "Northwind Traders")])
        partner = self.env["res.partner"].create({"name": "Northwind", "is_company": True})
        cron = self.conn._cron("pull_ledger")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        northwind._link(partner)
        self.assertEqual(partner.xero_ledger_unpaid_text, "Not read yet")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))

    def test_payment_dates_in_the_users_language(self):
        self.pull()
        self.env["res.lang"]._activate_lang("fr_FR")
        paid = self.line("INV-PAID").with_context(lang="fr_FR")
        self.assertIn("02/04/2026", paid.payments_summary)
        self.assertNotIn("2026-04-02", paid.payments_summary)

    def test_ledger_reads_well_at_1440(self):
        self.pull()
        with browser_page(self) as page:
            page.goto(f"/odoo/res.partner/{self.partner.id}")
            page.click_text(".o_notebook .nav", "Xero Sales Ledger")
            page.wait("document.querySelector('.o_xero_total_unpaid') && "
                      "document.querySelectorAll('.o_notebook .o_data_row').length",
                      what="the tab's invoices")
            self.assertIn("INV-OVER", page.text())
            page.click("button[name='action_xero_ledger']")
            page.wait("document.querySelector('.o_list_view .o_data_row')", what="the ledger")
            # Every status badge reads whole; credit notes say so.
            page.click(".o_searchview_dropdown_toggler")
            page.click_text(".o_filter_menu", "Credit to use")
            page.wait("[...document.querySelectorAll('.o_data_row')].some("
                      "r => r.innerText.includes('CN-1'))", what="the credit note")
            self.assertIn("Credit note", page.eval(
                "[...document.querySelectorAll('.o_data_row')].find("
                "r => r.innerText.includes('CN-1')).innerText"))
            cut = page.eval("[...document.querySelectorAll('.o_data_row .o_field_badge .badge, "
                            ".o_data_row .o_field_badge span')].filter("
                            "b => b.scrollWidth > b.clientWidth + 1).map(b => b.innerText)")
            self.assertEqual(cut, [], "cut badges")
            renderer = "document.querySelector('.o_list_renderer')"
            self.assertTrue(page.eval(f"{renderer}.scrollWidth <= {renderer}.clientWidth + 1"))
