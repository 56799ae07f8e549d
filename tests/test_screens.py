"""What users see on the Sync with Xero screen: it fits 1440 px, each tab
shows its own columns, suggestions follow the partners of today, Import
asks before duplicating, Link asks which side's data wins, and an expired
login says so with the way to reconnect. Buttons are clicked in Chromium or
called as the web client calls them (``/web/dataset/call_button``)."""

from odoo.tests import tagged

from . import every_record as er
from .browser import browser_page
from .common import XeroCase, _contact, base_seed
from .test_ui_browser import click_row_button

SCREEN = "/odoo/action-xero_connector.action_server_xero_sync_screen"
ROWS = "[...document.querySelectorAll('.o_data_row')]"


def seed():
    """The base seed, with a contact whose name and email are long, and
    "Boom FM", which Odoo may already know as "Boom FM Ltd"."""
    data = base_seed()
    data["organisations"][0]["Contacts"] += [
        _contact("The Greater Auckland Community Sports and Recreation Trust Incorporated",
                 FirstName="Marguerite", LastName="Featherstonehaugh-Wolfeschlegel",
                 EmailAddress="accounts.receivable.department@greater-auckland-trust.example.org",
                 Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": "+64 9 555 123 456 789"}],
                 Addresses=[{"AddressType": "POBOX", "City": "Palmerston North Central"}]),
        _contact("Boom FM", EmailAddress="studio@boomfm.example"),
    ]
    return data


def headers(page):
    return page.eval("[...document.querySelectorAll('.o_list_table thead th[data-name]')]"
                     ".map(th => th.innerText.trim())")


class ScreenCase(XeroCase):
    @classmethod
    def sandbox_seed(cls):
        return seed()

    def setUp(self):
        super().setUp()
        self.conn = self.connect_practice()
        self.run_job(self.conn, "_run_job", "pull_contacts")
        self.lines = self.env["xero.contact"].search([("backend_id", "=", self.conn.id)])
        self.authenticate("admin", "admin")

    def line(self, name):
        return self.lines.filtered(lambda b: b.xero_name == name)

    def click(self, method, ids, context=None):
        """One button, as the web client calls it; the result (or the
        failure) of the call."""
        self.env.flush_all()
        result, error = er.call_kw(
            self, "xero.contact", method, [ids],
            dict({"lang": "en_US", "tz": "UTC", "allowed_company_ids": [self.company.id]},
                 **(context or {})),
            route="call_button")
        self.env.invalidate_all()
        self.assertIsNone(error, f"{method}: {error}")
        return result


@tagged("post_install", "-at_install")
class TestSyncScreenLayout(ScreenCase):
    browser_size = "1440x1000"

    def test_review_tab_fits_1440(self):
        with browser_page(self) as page:
            page.goto(SCREEN)
            page.wait(f"{ROWS}.some(r => r.innerText.includes('Greater Auckland'))",
                      what="the lines to review")
            renderer = "document.querySelector('.o_list_renderer')"
            self.assertTrue(page.eval(f"{renderer}.scrollWidth <= {renderer}.clientWidth + 1"),
                            "the list scrolls sideways at 1440 px")
            columns = headers(page)
            self.assertLessEqual(len(columns), 9, columns)
            self.assertIn("Score", columns)
            # Each line's Import / Link / Ignore is on screen, not past the edge.
            for button in ("action_import", "action_link_dialog", "action_ignore"):
                self.assertTrue(page.eval(
                    f"{ROWS}.every(r => {{ const b = r.querySelector(\"button[name='{button}']\");"
                    f" const box = b && b.getBoundingClientRect();"
                    f" return b && b.offsetParent && box.right <= window.innerWidth; }})"),
                    f"{button} is not visible on every line")
            # A few short header buttons; the title is not cut.
            visible = page.eval("[...document.querySelectorAll('.o_control_panel_main_buttons "
                                "button')].filter(b => b.offsetParent).map(b => b.innerText)")
            self.assertLessEqual(len(visible), 3, visible)
            self.assertTrue(page.eval(
                "(s => s.scrollWidth <= s.clientWidth)(document.querySelector("
                "'.o_last_breadcrumb_item .text-truncate'))"), "the title is cut")

    def test_synced_tab_shows_partner_and_last_sync(self):
        partner = self.env["res.partner"].create({"name": "Bayside Club Ltd", "is_company": True})
        self.line("Bayside Club")._link(partner)
        self.line("Acme Supplies").state = "ignored"
        with browser_page(self) as page:
            page.goto(SCREEN)
            page.wait("document.querySelector('.o_search_panel')", what="the tabs")
            page.click_text(".o_search_panel", "Synced")
            page.wait(f"{ROWS}.length === 1 && {ROWS}[0].innerText.includes('Bayside Club Ltd')",
                      what="the synced line")
            columns = headers(page)
            self.assertIn("Odoo partner", columns)
            self.assertIn("Last synced", columns)
            for review_only in ("Score", "Link to", "Action", "Best match"):
                self.assertNotIn(review_only, columns)
            page.click_text(".o_search_panel", "Ignored")
            page.wait(f"{ROWS}.length === 1 && {ROWS}[0].innerText.includes('Acme')",
                      what="the ignored line")
            self.assertNotIn("Score", headers(page))

    def test_all_tab_fits_1440(self):
        """Lines of both kinds: the columns of both, without the score and
        the last sync (their own tabs have them), and no sideways scroll."""
        partner = self.env["res.partner"].create({"name": "Bayside Club Ltd", "is_company": True})
        self.line("Bayside Club")._link(partner)
        with browser_page(self) as page:
            page.goto(SCREEN)
            page.wait("document.querySelector('.o_search_panel')", what="the tabs")
            page.click_text(".o_search_panel", "All")
            page.wait(f"{ROWS}.some(r => r.innerText.includes('Bayside Club Ltd'))",
                      what="every line")
            columns = headers(page)
            self.assertLessEqual(len(columns), 9, columns)
            self.assertIn("Odoo partner", columns)
            for tab_only in ("Score", "Last synced"):
                self.assertNotIn(tab_only, columns)
            renderer = "document.querySelector('.o_list_renderer')"
            self.assertTrue(page.eval(f"{renderer}.scrollWidth <= {renderer}.clientWidth + 1"),
                            "the list scrolls sideways at 1440 px")
            # Long names and addresses wrap instead of ending in "…".
            cut = page.eval("[...document.querySelectorAll('.o_data_cell, .o_data_cell *, th')]"
                            ".filter(e => e.innerText && e.scrollWidth > e.clientWidth + 1)"
                            ".map(e => e.innerText)")
            self.assertFalse(cut, f"cut at 1440 px: {cut}")

    def test_link_asks_which_data_wins(self):
        partner = self.env["res.partner"].create({"name": "Bayside Club Ltd", "is_company": True})
        self.click("action_refresh", [])
        self.assertEqual(self.line("Bayside Club").link_partner_id, partner)
        with browser_page(self) as page:
            page.goto(SCREEN)
            click_row_button(page, "Bayside Club", "action_link_dialog")
            page.wait("document.querySelector('.modal .o_field_radio')", what="the dialog")
            page.click_text(".modal .o_field_radio", "Take data from Xero")
            page.click(".modal footer button[name='action_link']")
            page.wait(f"!document.querySelector('.modal') && !{ROWS}.some("
                      f"r => r.innerText.includes('Bayside Club'))", what="the line to go")
        self.env.invalidate_all()
        line = self.line("Bayside Club")
        self.assertEqual((line.state, line.odoo_id), ("linked", partner))
        self.assertEqual(partner.name, "Bayside Club", "Xero's data was taken")


@tagged("post_install", "-at_install")
class TestSuggestionsCurrent(ScreenCase):
    def test_partner_created_later_is_suggested_after_refresh(self):
        self.assertFalse(self.line("Bayside Club").match_partner_id)
        partner = self.env["res.partner"].create({"name": "Bayside Club Ltd", "is_company": True})
        self.click("action_refresh", [])
        line = self.line("Bayside Club")
        self.assertEqual(line.match_partner_id, partner)
        self.assertGreaterEqual(line.match_score, 80)
        self.assertEqual(line.link_partner_id, partner)

    def test_partner_edited_later_is_suggested_after_refresh(self):
        partner = self.env["res.partner"].create({"name": "Someone else", "is_company": True})
        self.click("action_refresh", [])
        self.assertFalse(self.line("Northwind Traders").match_partner_id)
        partner.email = "accounts@northwind.example"
        self.click("action_refresh", [])
        self.assertEqual(self.line("Northwind Traders").match_partner_id, partner)

    def test_import_of_a_likely_duplicate_asks_first(self):
        boom = self.line("Boom FM")
        existing = self.env["res.partner"].create({"name": "Boom FM Ltd", "is_company": True})
        Partner = self.env["res.partner"].with_context(active_test=False)
        result = self.click("action_import", boom.ids)
        self.assertEqual((result["type"], result["target"], result["res_id"]),
                         ("ir.actions.act_window", "new", boom.id))
        self.assertFalse(Partner.search_count([("name", "=", "Boom FM")]))
        self.assertEqual((boom.state, boom.link_partner_id), ("review", existing))
        # The dialog's Link links to the partner already there.
        self.click("action_link", boom.ids, result["context"])
        self.assertEqual((boom.state, boom.odoo_id), ("linked", existing))

    def test_import_anyway_after_asking(self):
        boom = self.line("Boom FM")
        self.env["res.partner"].create({"name": "Boom FM Ltd", "is_company": True})
        self.click("action_import", boom.ids, {"xero_import_anyway": True})
        self.assertEqual(boom.state, "linked")
        self.assertEqual(boom.odoo_id.name, "Boom FM")

    def test_import_all_unmatched_skips_partners_created_since(self):
        self.env["res.partner"].create({"name": "Boom FM Ltd", "is_company": True})
        wizard = self.env["xero.link.score.wizard"].create({})
        self.env.flush_all()
        result, error = er.call_kw(self, "xero.link.score.wizard", "action_import_all_unmatched",
                                   [wizard.ids], {"allowed_company_ids": [self.company.id]},
                                   route="call_button")
        self.env.invalidate_all()
        self.assertIsNone(error)
        self.assertIn("Boom FM", result["params"]["message"])
        self.assertEqual(self.line("Boom FM").state, "review")
        self.assertEqual(self.line("Acme Supplies").state, "linked")


@tagged("post_install", "-at_install")
class TestExpiredOnScreen(ScreenCase):
    def setUp(self):
        super().setUp()
        self.conn.authorization_id.write({"state": "expired"})

    def assertReconnectPrompt(self, result):
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("expired", result["params"]["message"])
        self.assertIn("/xero/oauth/start", result["params"]["links"][0]["url"])

    def test_import_says_expired_with_reconnect(self):
        line = self.line("Acme Supplies")
        self.assertReconnectPrompt(self.click("action_import", line.ids))
        self.assertEqual(line.state, "review")
        self.assertReconnectPrompt(self.click("action_refresh", []))

    def test_screen_says_expired_with_reconnect_button(self):
        with browser_page(self) as page:
            page.goto(SCREEN)
            page.wait("document.querySelector('.o_notification') && "
                      "document.querySelector('.o_data_row')", what="the screen and its notice")
            notice = page.eval("document.querySelector('.o_notification').innerText")
            self.assertIn("expired", notice)
            self.assertTrue(page.eval(
                "!!document.querySelector(\".o_notification a[href*='/xero/oauth/start']\")"))
            self.assertTrue(page.eval(
                "!!document.querySelector(\"button[name='action_reconnect']\")?.offsetParent"))
        result = self.click("action_reconnect", [])
        self.assertEqual(result["type"], "ir.actions.act_url")
