"""Settings › Xero and the connection form at 1440 px: the redirect URI and
the webhook URL read whole, a status when not connected, each checkbox beside its label,
the state as a badge, and Disconnect / Revoke say what they do first."""

from odoo.tests import tagged

from .browser import browser_page
from .common import XeroCase

SETTINGS = "/odoo/action-account.action_account_config"
URI = ".o_field_widget[name='xero_redirect_uri']"
WEBHOOK = ".o_field_widget[name='xero_webhook_url']"


@tagged("post_install", "-at_install")
class TestSettingsScreen(XeroCase):
    browser_size = "1440x1000"

    def test_settings_read_whole(self):
        uri = self.env["xero.authorization"]._xero_redirect_uri()
        with browser_page(self) as page:
            page.goto(SETTINGS)
            page.wait(f"document.querySelector({URI!r})", what="the Xero block")
            page.eval(f"document.querySelector({URI!r}).scrollIntoView()")
            self.assertIn(uri, page.eval(f"document.querySelector({URI!r}).innerText"))
            for field in (URI, WEBHOOK):
                cut = page.eval(f"[document.querySelector({field!r}), ...document"
                                f".querySelectorAll({field + ' *'!r})].filter("
                                "e => e.scrollWidth > e.clientWidth + 1 && "
                                "e.innerText.includes('/xero/')).length")
                self.assertEqual(cut, 0, f"{field} is cut")
            self.assertIn("Not connected", page.eval(
                "document.querySelector('#xero_practice').innerText"))
            # The checkbox sits on its label's line, before it.
            box, label = page.eval(
                "[document.querySelector(\"[name='xero_broad_scopes'] input\"), "
                "document.querySelector(\"label[for^='xero_broad_scopes']\")]"
                ".map(e => e.getBoundingClientRect().toJSON())")
            self.assertLess(abs((box["top"] + box["bottom"]) - (label["top"] + label["bottom"]))
                            / 2, 8, (box, label))
            self.assertLess(box["right"], label["left"] + 1)

    def test_connection_state_is_a_badge_and_disconnect_asks(self):
        conn = self.connect_practice()
        with browser_page(self) as page:
            page.goto(f"/odoo/xero.connection/{conn.id}")
            page.wait("document.querySelector(\".o_form_view button[name='action_disconnect']\")",
                      what="the connection form")
            self.assertFalse(page.eval("!!document.querySelector('.o_statusbar_status')"))
            self.assertEqual(page.eval(
                "document.querySelector(\"div[name='state'] .badge\")?.innerText"), "Connected")
            for button, words in (("action_disconnect", "Links and settings are kept"),
                                  ("action_revoke", "Revoking access")):
                page.click(f".o_form_view button[name='{button}']")
                page.wait("document.querySelector('.o_dialog .modal-body')",
                          what="the confirmation")
                page.wait(f"document.querySelector('.o_dialog .modal-body').innerText"
                          f".includes({words!r})", what=words)
                page.click(".o_dialog .modal-footer .btn-secondary")
                page.wait("!document.querySelector('.o_dialog')", what="the dialog to close")
        conn.invalidate_recordset()
        self.assertEqual(conn.state, "connected", "nothing done without a yes")
