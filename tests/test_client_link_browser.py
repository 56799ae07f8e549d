import json
import time

from odoo.tests import tagged

from .browser import browser_page
from .common import CLIENT_A, XeroCase

TAB = "a.nav-link[name='xero_organisation']"


def read(page, record, field):
    """Read a field through the server, as the page's user (the test cursor
    is the server's while it runs)."""
    body = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {
            "model": record._name,
            "method": "read",
            "args": [[record.id], [field]],
            "kwargs": {},
        },
    }
    options = {
        "method": "POST",
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }
    return page.eval(
        f"fetch('/web/dataset/call_kw/{record._name}/read', {json.dumps(options)})"
        f".then(r => r.json()).then(d => d.result[0][{json.dumps(field)}])"
    )


@tagged("post_install", "-at_install")
class TestClientLinkInBrowser(XeroCase):
    def test_connect_dialog_and_import(self):
        """Company partner > Xero Organisation tab > Connect to Xero > pick
        Client A Ltd > OK > the tab shows it > Import the registration number,
        then the name (confirming the overwrite)."""
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.company.xero_client_level = True
        self.connect_practice()
        partner = self.env["res.partner"].create({"name": "Client A", "is_company": True})
        self.sandbox.clear_log()
        with browser_page(self) as page:
            page.goto(f"/odoo/res.partner/{partner.id}")
            page.click(TAB)
            page.click("button[name='action_xero_client_connect']")
            page.wait(
                "document.querySelector('.modal .o_xero_client_organisations')",
                what="the Connect to Xero dialog",
            )
            self.assertIn("Practice Ltd (practice organisation)", page.text())
            page.eval("""(function () {
                const item = [...document.querySelectorAll('.modal .o_radio_item')]
                    .find(el => el.innerText.includes('Client A Ltd'));
                item.querySelector('input').click();
            })()""")
            page.wait(
                "document.querySelector(\".modal button[name='action_link']\")",
                what="the OK button",
            )
            page.click(".modal button[name='action_link']")
            page.wait(
                "!document.querySelector('.modal') && "
                "document.body.innerText.includes('NZBN 9429041234567')",
                what="the organisation details on the tab",
            )
            self.assertIn("Cash received", page.text())  # the Executive Summary
            self.assertIn("Cara Client", page.text())
            page.click("button.o_xero_import_company_registry")
            self.wait_for(
                lambda: read(page, partner, "company_registry") == "NZBN 9429041234567",
                "the imported registration number",
            )
            # "Client A" -> "Client A Ltd" overwrites a value: a dialog asks first.
            # (Buttons stay disabled until the form has reloaded after the import.)
            page.click("button.o_xero_import_name:not([disabled])")
            page.wait(
                "document.querySelector(\".modal button[name='action_overwrite']\")",
                what="the overwrite confirmation",
            )
            self.assertIn("Client A Ltd", page.text())
            self.assertEqual(read(page, partner, "name"), "Client A")
            page.click(".modal button[name='action_overwrite']")
            self.wait_for(lambda: read(page, partner, "name") == "Client A Ltd", "the new name")
            page.wait("!document.querySelector('.modal')", what="the dialog to close")
        link = partner.xero_client_link_id
        self.assertEqual(link.tenant_id, CLIENT_A)
        self.assertEqual(partner.company_registry, "NZBN 9429041234567")
        self.assertFalse(
            [
                c
                for c in self.sandbox.calls()
                if c["path"].startswith(("/connect/token", "/identity/"))
            ]
        )

    def wait_for(self, condition, what, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if condition():
                return
            time.sleep(0.2)
        self.fail(f"timed out waiting for {what}")
