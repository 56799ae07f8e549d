"""Every Xero screen, clicked in a browser: the tour ``xero_click_every_button``
(static/tests/tours/click_every_button.js) finds the buttons each screen shows
(header, per line, form, smart buttons) and clicks them one by one through the
web client. A crash dialog, a JavaScript error or an error in the server log
fails the test."""

import json

from odoo.tests import new_test_user, tagged

from . import every_record as er
from .common import XeroCase
from .ui_checks import watch_server_log

LOGIN = "xero_clicker"
BUTTONS = ".o_notebook .tab-pane.active button"


@tagged("post_install", "-at_install")
class TestClickEveryScreen(XeroCase):
    @classmethod
    def sandbox_seed(cls):
        return er.seed()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.records = er.build(cls)
        new_test_user(cls.env, LOGIN, password=LOGIN, groups=(
            "base.group_user,base.group_partner_manager,account.group_account_manager,"
            f"base.group_system,{er.MANAGER_GROUP}"))
        cls.partner, cls.client = cls.records["res.partner"]
        cls.connection = cls.records["xero.connection"][0]
        cls.move = cls.records["account.move"][0]

    def click_everything(self, url, **config):
        """Open ``url`` and click every button the tour finds there; returns
        the names of the buttons clicked."""
        code = (f"window.xeroClickConfig = {json.dumps(config)}; "
                f"odoo.startTour('xero_click_every_button', "
                f"{json.dumps({'stepDelay': 0, 'startUrl': url})})")
        with watch_server_log() as log:
            self.start_tour(url, "xero_click_every_button", login=LOGIN, timeout=600, code=code)
        self.assertFalse(log.errors, "the server logged errors:\n" + "\n".join(log.errors))
        self.assertEqual(len(log.summaries), 1, "the tour wrote no summary")
        return log.summaries[0]

    def test_1_settings(self):
        done = self.click_everything("/odoo/settings#account",
                                     selectors=["button[name*='xero']"])
        self.assertIn("action_xero_set_client_secret", done["clicked"])

    def test_2_sync_screen_every_tab(self):
        done = self.click_everything(
            "/odoo/action-xero_connector.action_server_xero_sync_screen",
            tabs="searchpanel", selectAll=True)
        for name in ("action_refresh", "action_refresh_with_archived",
                     "action_import_all_unmatched", "action_ignore_suppliers",
                     "action_import", "action_ignore", "action_stop_ignoring",
                     "action_open_partner"):
            self.assertIn(name, done["clicked"])

    def test_3_partner_xero_tab(self):
        # Push all / Pull all / Ignore all leave nothing for the others to act
        # on: the tab is clicked once with each of them first, the per-field
        # buttons first the other time, each time on fresh differences.
        all_buttons = ["action_xero_push_all", "action_xero_pull_all", "action_xero_ignore_all"]
        clicked = set()
        for run, first in enumerate([None, *all_buttons]):
            self.partner.write({"city": f"Napier {run}", "zip": f"41{run}0",
                                "email": f"accounts{run}@northwind.example",
                                "phone": f"06 555 000{run}"})
            self.env.flush_all()
            self.env.invalidate_all()
            self.assertGreaterEqual(len(self.partner.xero_diff_ids), 4)
            done = self.click_everything(
                f"/odoo/res.partner/{self.partner.id}", tabs=["Xero"],
                selectors=[BUTTONS, ".oe_button_box button[name*='xero']"],
                first=[first] if first else [], last=[] if first else all_buttons)
            clicked.update(done["clicked"])
        for name in (*all_buttons, "action_push", "action_pull", "action_ignore",
                     "action_open_xero_contact"):
            self.assertIn(name, clicked)

    def test_4_sales_ledger(self):
        done = self.click_everything(
            f"/odoo/res.partner/{self.partner.id}", tabs=["Xero Sales Ledger"],
            selectors=[BUTTONS, ".oe_button_box button[name*='xero']"])
        self.assertIn("action_xero_ledger_refresh", done["clicked"])
        done = self.click_everything("/odoo/action-xero_connector.action_xero_ledger_invoice",
                                     selectAll=True)
        self.assertIn("action_toggle_pin", done["clicked"])

    def test_5_client_organisation_tab(self):
        done = self.click_everything(
            f"/odoo/res.partner/{self.client.id}", tabs=["Xero Organisation"],
            selectors=[BUTTONS], last=["action_xero_client_disconnect"])
        self.assertIn("action_xero_client_refresh", done["clicked"])
        self.assertIn("action_xero_client_disconnect", done["clicked"])

    def test_6_sync_log(self):
        done = self.click_everything("/odoo/action-xero_connector.action_xero_sync_log",
                                     selectAll=True)
        self.assertIn("action_retry", done["clicked"])

    def test_7_invoice_xero_box(self):
        done = self.click_everything(
            f"/odoo/account.move/{self.move.id}", tabs=[None, "Other Info"],
            selectors=["button[name*='xero']"])
        self.assertIn("action_xero_refresh", done["clicked"])

    def test_9_connection_form(self):
        # Disconnect and Revoke end the access the other buttons need: last.
        done = self.click_everything(
            f"/odoo/action-xero_connector.action_xero_connection/{self.connection.id}",
            tabs="notebook", last=["action_disconnect", "action_revoke"])
        for name in ("action_refresh_organisation", "action_refresh_xero_settings",
                     "action_disconnect", "action_revoke", "action_reconnect"):
            self.assertIn(name, done["clicked"])
        # Reconnect sends the browser to the OAuth start, kept in Odoo here.
        self.assertTrue(any(url.startswith("/xero/oauth/start") for url in done["opened"]))
