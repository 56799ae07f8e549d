from odoo.tests import tagged

from .browser import browser_page
from .common import LOGIN, PRACTICE, XeroCase


@tagged("post_install", "-at_install")
class TestConnectInBrowser(XeroCase):
    def test_connect_from_settings(self):
        """Settings > Connect to Xero > sandbox login and consent with three
        organisations > pick the practice one > back on the connection."""
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        with browser_page(self) as page:
            page.goto("/odoo/action-account.action_account_config")
            page.click("button[name='action_xero_connect']")
            page.fill("#email", LOGIN)
            page.fill("#password", "secret")
            page.click("#login-submit")
            page.wait("document.querySelector('#consent-form')", what="consent screen")
            page.eval("document.querySelectorAll(\"input[name='tenant']\")"
                      ".forEach(el => { el.checked = true; })")
            page.click("#allow")
            page.wait("document.querySelector('#xero_pick_organisation')", what="picker")
            self.assertIn("Client A Ltd", page.text())
            page.click(f"input[data-tenant='{PRACTICE}']")
            page.click("button[name='choose']")
            page.wait("document.querySelector('.o_form_view') && "
                      "document.body.innerText.includes('Practice Ltd')",
                      what="the connection form")
            self.assertIn("Connected", page.text())
        conn = self.env["xero.connection"].search([("company_id", "=", self.company.id)])
        self.assertEqual(conn.tenant_id, PRACTICE)
        self.assertEqual(conn.state, "connected")
