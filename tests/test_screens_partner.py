"""The partner's Xero tab and what the Xero buttons answer: no blank rows
when in sync, a link button that says what it opens, and a short
notification after link, import, push, pull and import-all."""

from odoo.tests import tagged

from . import every_record as er
from .browser import browser_page
from .test_screens import ScreenCase


@tagged("post_install", "-at_install")
class TestPartnerXeroTab(ScreenCase):
    browser_size = "1440x1000"

    def notified(self, result):
        self.assertEqual(result["tag"], "display_notification", result)
        self.assertTrue(result["params"]["message"])
        return result["params"]["message"]

    def test_in_sync_tab_has_no_blank_rows(self):
        line = self.line("Northwind Traders")
        self.click("action_import", line.ids)
        partner = line.odoo_id
        self.assertFalse(partner.xero_diff_count)
        with browser_page(self) as page:
            page.goto(f"/odoo/res.partner/{partner.id}")
            page.click_text(".o_notebook .nav", "Xero")
            page.wait("document.querySelector(\"button[name='action_open_xero_contact'].btn-link\")"
                      "?.offsetParent", what="the Xero tab")
            tab = "document.querySelector('.o_notebook .tab-pane.active')"
            self.assertIn("In sync with Xero", page.eval(f"{tab}.innerText"))
            self.assertEqual(page.eval(f"{tab}.querySelectorAll('table').length"), 0,
                             "an empty list of differences is shown")
            self.assertIn("Xero contact details", page.eval(
                f"{tab}.querySelector(\"button[name='action_open_xero_contact']\").innerText"))

    def test_link_and_import_notify(self):
        partner = self.env["res.partner"].create({"name": "Bayside Club Ltd",
                                                  "is_company": True})
        bayside = self.line("Bayside Club")
        bayside.link_partner_id = partner
        self.assertIn("Bayside Club Ltd", self.notified(self.click("action_link", bayside.ids)))
        self.assertIn("1 partner(s) created",
                      self.notified(self.click("action_import", self.line("Acme Supplies").ids)))
        wizard = self.env["xero.link.score.wizard"].create({})
        self.env.flush_all()
        result, error = er.call_kw(self, "xero.link.score.wizard", "action_import_all_unmatched",
                                   [wizard.ids], {"allowed_company_ids": [self.company.id]},
                                   route="call_button")
        self.assertIsNone(error)
        self.assertIn("created", self.notified(result))

    def test_push_and_pull_notify(self):
        partner = self.env["res.partner"].create({"name": "Northwind", "is_company": True,
                                                  "city": "Napier"})
        northwind = self.line("Northwind Traders")
        northwind._link(partner)
        self.assertTrue(partner.xero_diff_count)
        self.env.flush_all()
        for method, words in (("action_xero_push_all", "sent to Xero"),
                              ("action_xero_pull_all", "taken from Xero")):
            result, error = er.call_kw(self, "res.partner", method, [partner.ids],
                                       {"allowed_company_ids": [self.company.id]},
                                       route="call_button")
            self.assertIsNone(error, f"{method}: {error}")
            self.assertIn(words, self.notified(result))
        partner.city = "Hastings"
        self.env.flush_all()
        diff = partner.xero_diff_ids.filtered(lambda d: d.field == "city")
        result, error = er.call_kw(self, "xero.contact.diff", "action_push", [diff.ids],
                                   {"allowed_company_ids": [self.company.id]},
                                   route="call_button")
        self.assertIsNone(error)
        self.assertIn("Sent to Xero: City", self.notified(result))
