"""Odoo's click-everywhere bot (web's clickbot, as web/tests/test_click_everywhere.py
runs it) over the Xero menus: every menu opens, every view switcher and every
filter of its views works, without an error dialog, a JavaScript error or an
error in the server log.

The bot clicks whole apps; the Xero menus sit in Odoo's Invoicing and Contacts
apps, whose own menus are Odoo's to test. So the test gathers the addon's menus
that open something into an app of their own (same actions, same groups) and
lets the bot click that app."""

from odoo.tests import new_test_user, tagged

from . import every_record as er
from .common import XeroCase
from .ui_checks import watch_server_log

LOGIN = "xero_clickbot"
APP_XMLID = "xero_connector.menu_xero_clickbot_app"


@tagged("post_install", "-at_install")
class TestClickbotXeroMenus(XeroCase):
    allow_end_on_form = True  # as Odoo's own clickbot test

    @classmethod
    def sandbox_seed(cls):
        return er.seed()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        er.build(cls)
        new_test_user(cls.env, LOGIN, password=LOGIN, groups=(
            "base.group_user,base.group_partner_manager,account.group_account_manager,"
            f"base.group_system,{er.MANAGER_GROUP}"))

    def xero_menus(self):
        data = self.env["ir.model.data"].search([("module", "=", "xero_connector"),
                                                 ("model", "=", "ir.ui.menu")])
        menus = self.env["ir.ui.menu"].browse(data.mapped("res_id")).filtered("action")
        return menus.sorted(lambda m: m.complete_name)

    def gather_into_app(self, menus):
        Menu = self.env["ir.ui.menu"]
        app = Menu.create({"name": "Xero (every menu)", "sequence": 1})
        self.env["ir.model.data"].create({"module": "xero_connector",
                                          "name": APP_XMLID.split(".")[1],
                                          "model": "ir.ui.menu", "res_id": app.id})
        for sequence, menu in enumerate(menus):
            Menu.create({"name": menu.complete_name, "parent_id": app.id,
                         "action": f"{menu.action._name},{menu.action.id}",
                         "groups_id": [(6, 0, menu.groups_id.ids)], "sequence": sequence})
        return app

    def test_click_every_xero_menu(self):
        menus = self.xero_menus()
        self.assertGreaterEqual(len(menus), 8)
        self.gather_into_app(menus)
        code = ("odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
                f".startClickEverywhere('{APP_XMLID}');")
        with watch_server_log() as log:
            self.browser_js("/odoo", code, "odoo.isReady === true", login=LOGIN, timeout=600,
                            success_signal="clickbot test succeeded")
        self.assertFalse(log.errors, "the server logged errors:\n" + "\n".join(log.errors))
        tested = "\n".join(line for line in log.console if line.startswith("Testing menu"))
        for menu in menus:
            self.assertIn(menu.complete_name, tested)
