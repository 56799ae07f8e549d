"""The Sync with Xero screen and the sales ledger, clicked in a browser."""

from odoo.tests import tagged

from .browser import browser_page
from .common import XeroCase
from .test_ledger import TestLedger


def click_row_button(page, row_text, button):
    """Click ``button`` in the list row whose text contains ``row_text``."""
    page.wait(f"[...document.querySelectorAll('.o_data_row')].some("
              f"r => r.innerText.includes({row_text!r}))", what=row_text)
    page.eval(f"[...document.querySelectorAll('.o_data_row')].find("
              f"r => r.innerText.includes({row_text!r}))"
              f".querySelector(\"button[name='{button}']\").click()")


def toggle_filter(page, label):
    if not page.eval("!!document.querySelector('.o_filter_menu')"):
        page.click(".o_searchview_dropdown_toggler")
    page.click_text(".o_filter_menu", label)


@tagged("post_install", "-at_install")
class TestSyncScreenInBrowser(XeroCase):
    def test_link_one_and_ignore_another(self):
        conn = self.connect_practice()
        partner = self.env["res.partner"].create({"name": "Bayside Club Ltd",
                                                  "is_company": True})
        self.run_job(conn, "_run_job", "pull_contacts")
        with browser_page(self) as page:
            page.goto("/odoo/action-xero_connector.action_server_xero_sync_screen")
            page.wait("document.querySelector('.o_search_panel')", what="the tabs")
            click_row_button(page, "Bayside Club", "action_link_dialog")
            page.click(".modal footer button[name='action_link']")
            page.wait("![...document.querySelectorAll('.o_data_row')].some("
                      "r => r.innerText.includes('Bayside Club'))", what="the line to go")
            click_row_button(page, "Acme Supplies", "action_ignore")
            page.wait("![...document.querySelectorAll('.o_data_row')].some("
                      "r => r.innerText.includes('Acme Supplies'))", what="the line to go")
            # The Synced tab shows the partner next to the Xero contact.
            page.click_text(".o_search_panel", "Synced")
            page.wait("[...document.querySelectorAll('.o_data_row')].some("
                      "r => r.innerText.includes('Bayside Club Ltd'))", what="synced line")
        bindings = self.env["xero.contact"].search([("backend_id", "=", conn.id)])
        bayside = bindings.filtered(lambda b: b.xero_name == "Bayside Club")
        self.assertEqual((bayside.state, bayside.odoo_id), ("linked", partner))
        self.assertEqual(bindings.filtered(lambda b: b.xero_name == "Acme Supplies").state,
                         "ignored")


@tagged("post_install", "-at_install")
class TestLedgerInBrowser(XeroCase):
    @classmethod
    def sandbox_seed(cls):
        return TestLedger.sandbox_seed()

    def test_filters_and_pin(self):
        conn = self.connect_practice()
        self.run_job(conn, "_run_job", "pull_contacts")
        line = self.env["xero.contact"].search([("xero_name", "=", "Bayside Club")])
        self.run_job(line, "action_import")
        self.run_job(conn, "_run_job", "pull_ledger")
        partner = line.odoo_id
        with browser_page(self) as page:
            page.goto(f"/odoo/res.partner/{partner.id}")
            page.click_text(".o_notebook .nav", "Xero Sales Ledger")
            page.wait("document.querySelector('.o_xero_total_unpaid')", what="totals")
            self.assertIn("NZD", page.text())
            page.click("button[name='action_xero_ledger']")
            page.wait("document.querySelector('.o_list_view')", what="ledger")
            # Unpaid invoices by default (open and overdue).
            toggle_filter(page, "Unpaid invoices")
            toggle_filter(page, "Paid")
            page.wait("[...document.querySelectorAll('.o_data_row')].length === 1 && "
                      "document.querySelector('.o_data_row').innerText.includes('INV-PAID')",
                      what="only the paid invoice")
            click_row_button(page, "INV-PAID", "action_toggle_pin")
            toggle_filter(page, "Paid")
            toggle_filter(page, "Pinned")
            page.wait("[...document.querySelectorAll('.o_data_row')].length === 1",
                      what="only the pinned invoice")
            self.assertIn("INV-PAID", page.text())
        pinned = self.env["xero.ledger.invoice"].search([("number", "=", "INV-PAID")])
        self.assertIn(self.env.ref("base.user_admin"), pinned.pinned_user_ids)
