"""The organisation's settings read from Xero, offered as dropdowns, and
checked before every export: a missing, archived or mismatched mapping is a
clear error on that invoice, and the rest of the batch goes on."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from . import every_record as er
from .accounting_common import AccountingCase
from .common import PRACTICE, base_seed

ARCHIVED_SALES = {"Code": "205", "Name": "Sales - Discontinued Lines", "Type": "REVENUE",
                  "Status": "ARCHIVED"}
OLD_RATE = {"TaxType": "TAX001", "Name": "Old GST 12.5%", "Rate": 12.5,
            "ReportTaxType": "OUTPUT", "Status": "ARCHIVED"}


@tagged("post_install", "-at_install")
class TestAccountingSettings(AccountingCase):
    @classmethod
    def sandbox_seed(cls):
        seed = base_seed()
        practice = seed["organisations"][0]
        practice["Accounts"] = [ARCHIVED_SALES,
                                {"Code": "880", "Name": "Owner A Drawings", "Type": "EQUITY",
                                 "EnablePaymentsToAccount": True}]
        practice["TaxRates"] = [OLD_RATE]
        practice["BrandingThemes"] = [{"Name": "Special Projects", "SortOrder": 2}]
        return seed

    def dropdown(self, model, field, **record):
        """What a dropdown of the form offers: the field's domain evaluated
        on the record's values, as the web client does."""
        domain = self.env[model]._fields[field].domain
        return self.env[self.env[model]._fields[field].comodel_name].search(
            safe_eval(domain, record) if isinstance(domain, str) else domain)

    def test_read_on_connect_with_defaults_proposed(self):
        conn = self.conn
        self.assertTrue(conn.settings_read_at)
        self.assertEqual(conn.sales_account_id.display_name, "200 Sales")
        self.assertEqual(conn.payment_account_id.code, "090")
        self.assertEqual(conn.branding_theme_id.name, "Standard", "the default theme")
        self.assertIn("USD", conn.xero_currency_ids.mapped("code"))
        self.assertEqual(self.account("205").status, "ARCHIVED")
        self.assertEqual(self.rate("TAX001").status, "ARCHIVED")
        # The company's taxes are mapped by rate and type: sales taxes to the
        # sales account's own tax type, purchase taxes to a purchase rate.
        mapped = {m.tax_id: m.xero_tax_rate_id for m in conn.tax_map_ids}
        self.assertEqual(mapped[self.tax15].tax_type, "OUTPUT")
        purchase = conn.tax_map_ids.filtered(lambda m: m.tax_use == "purchase")
        self.assertTrue(purchase)
        self.assertTrue(all(m.xero_tax_rate_id.for_purchases for m in purchase))
        bank = self.env["account.journal"].search([("company_id", "=", self.company.id),
                                                   ("type", "=", "bank")], limit=1)
        self.assertEqual(conn.journal_map_ids.filtered(lambda m: m.journal_id == bank)
                         .xero_account_id.code, "090")
        log = self.env["xero.sync.log"].search([("operation", "=", "pull_settings")], limit=1)
        self.assertIn("read in 5 calls", log.message)
        # A new connection pushes without any setup.
        move = self.invoice()
        self.push()
        self.assertEqual(move.xero_sync_state, "synced")
        doc = self.xero_invoice(move)
        self.assertEqual(doc["LineItems"][0]["AccountCode"], "200")
        self.assertEqual(doc["BrandingThemeID"], conn.branding_theme_id.external_id)

    def test_dropdowns_offer_only_what_xero_takes_there(self):
        conn = self.conn
        sales = self.dropdown("xero.connection", "sales_account_id", id=conn.id)
        self.assertIn("200", sales.mapped("code"))
        self.assertNotIn("205", sales.mapped("code"), "archived")
        self.assertNotIn("090", sales.mapped("code"), "a bank account")
        self.assertNotIn("610", sales.mapped("code"), "a system account")
        payments = self.dropdown("xero.connection", "payment_account_id", id=conn.id)
        self.assertEqual(sorted(payments.mapped("code")), ["090", "091", "880"])
        for_sales = self.dropdown("xero.tax.map", "xero_tax_rate_id", connection_id=conn.id,
                                  tax_use="sale")
        self.assertIn("OUTPUT2", for_sales.mapped("tax_type"))
        self.assertNotIn("INPUT2", for_sales.mapped("tax_type"))
        self.assertNotIn("TAX001", for_sales.mapped("tax_type"), "archived")
        for_purchases = self.dropdown("xero.tax.map", "xero_tax_rate_id",
                                      connection_id=conn.id, tax_use="purchase")
        self.assertIn("INPUT2", for_purchases.mapped("tax_type"))
        self.assertNotIn("OUTPUT2", for_purchases.mapped("tax_type"))
        # Chosen through the form as a user does; what Xero refuses cannot be saved.
        special = self.env["account.tax"].create({"name": "Special 9%", "amount": 9,
                                                  "type_tax_use": "sale"})
        with Form(conn) as form:
            form.sales_account_id = self.account("260")
            with form.tax_map_ids.new() as line:
                line.tax_id = special
                line.xero_tax_rate_id = self.rate("OUTPUT2")
        self.assertEqual(conn.sales_account_id.code, "260")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            conn.tax_map_ids.filtered(lambda m: m.tax_id == special).xero_tax_rate_id = \
                self.rate("INPUT2")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            conn.journal_map_ids[:1].xero_account_id = self.account("200")

    def test_refresh_button_reads_what_changed_in_xero(self):
        self.seed_practice(Accounts=[{"Code": "270", "Name": "Interest Income",
                                      "Type": "REVENUE"}])
        manager = self.manager()
        self.authenticate(manager.login, "xero-acc-pass")
        _result, error = er.call_kw(self, "xero.connection", "action_refresh_xero_settings",
                                    [self.conn.ids], self.web_context(manager),
                                    route="call_button")
        self.assertIsNone(error)
        self.env.invalidate_all()
        self.assertEqual(self.account("270").status, "ACTIVE")

    def test_company_currency_journal_goes_to_the_xero_bank_account_in_that_currency(self):
        """The demo's case: a USD company connected to an NZD organisation
        that enables USD and has a USD bank account. The company's bank
        journal (no currency of its own, so USD) is proposed that account,
        and USD money paid in Odoo lands there, not in the NZD account."""
        conn = self.conn
        self.assertEqual((self.company.currency_id.name, conn.organisation_id.base_currency),
                         ("USD", "NZD"))
        conn.journal_map_ids.unlink()
        self.seed_practice(Accounts=[{"Code": "092", "Name": "USD Account", "Type": "BANK",
                                      "CurrencyCode": "USD"}])
        manager = self.manager()
        self.authenticate(manager.login, "xero-acc-pass")
        _result, error = er.call_kw(self, "xero.connection", "action_refresh_xero_settings",
                                    [conn.ids], self.web_context(manager), route="call_button")
        self.assertIsNone(error)
        self.env.invalidate_all()
        bank = self.env["account.journal"].search([("company_id", "=", self.company.id),
                                                   ("type", "=", "bank"),
                                                   ("currency_id", "=", False)], limit=1)
        self.assertEqual(conn.journal_map_ids.filtered(lambda m: m.journal_id == bank)
                         .xero_account_id.code, "092")
        self.assertEqual(conn.payment_account_id.code, "090", "the main account stays")
        conn.invoice_status = "AUTHORISED"
        move = self.invoice()
        self.push()
        self.pay(move, journal=bank)
        self.push()
        self.assertFalse(move.xero_error)
        [payment] = self.xero_payments(move)
        self.assertEqual(payment["Account"]["Code"], "092")
        self.assertEqual(round(float(payment["Amount"]), 2), round(move.amount_total, 2))
        self.assertEqual(self.xero_invoice(move)["CurrencyCode"], "USD")

    def manager(self):
        from odoo.tests import new_test_user  # noqa: PLC0415
        return new_test_user(
            self.env, "xero_acc_manager", password="xero-acc-pass",
            groups=f"base.group_user,account.group_account_invoice,{er.MANAGER_GROUP}")

    def web_context(self, user):
        return {"lang": "en_US", "tz": "UTC", "uid": user.id,
                "allowed_company_ids": [self.company.id]}

    # -- checked before every export ---------------------------------------------------

    def test_account_archived_in_xero_after_setup(self):
        moves = [self.invoice() for _i in range(2)]
        self.seed_practice(Accounts=[{"Code": "200", "Status": "ARCHIVED"}])
        self.conn.action_refresh_xero_settings()
        self.sandbox.clear_log()
        self.push()
        for move in moves:
            self.assertEqual(move.xero_sync_state, "error")
            self.assertIn("200 Sales is archived", move.xero_error)
            self.assertIn("sales account on the Xero connection (Invoices tab)", move.xero_error)
        self.assertFalse(self.sandbox.calls("/Invoices", "PUT"), "nothing Xero would refuse")
        # Fixed where the message says, then Retry: it goes.
        self.conn.sales_account_id = self.account("260")
        for move in moves:
            move.action_xero_retry()
        self.push()
        self.assertEqual([m.xero_sync_state for m in moves], ["synced", "synced"])
        self.assertEqual(self.xero_invoice(moves[0])["LineItems"][0]["AccountCode"], "260")

    def test_bad_mappings_fail_their_invoice_only(self):
        archived = self.env["account.tax"].create({"name": "Old 12.5%", "amount": 12.5,
                                                   "type_tax_use": "sale"})
        wrong_side = self.env["account.tax"].create({"name": "Bought 15%", "amount": 15,
                                                     "type_tax_use": "sale"})
        self.conn.tax_map_ids = [Command.create({"tax_id": archived.id,
                                                 "xero_tax_rate_id": self.rate("TAX001").id})]
        # A rate Xero later stops allowing on sales (written around the form's check).
        self.conn.tax_map_ids = [Command.create({"tax_id": wrong_side.id,
                                                 "xero_tax_rate_id": self.rate("OUTPUT").id})]
        self.env.cr.execute("UPDATE xero_tax_map SET xero_tax_rate_id = %s WHERE tax_id = %s",
                            [self.rate("INPUT2").id, wrong_side.id])
        self.env.invalidate_all()
        good = self.invoice()
        bad_rate = self.invoice([(50, 1, 0, archived)])
        bad_side = self.invoice([(50, 1, 0, wrong_side)])
        jpy = self.env.ref("base.JPY")
        jpy.active = True
        foreign = self.invoice(currency_id=jpy.id)
        self.push()
        self.assertEqual(good.xero_sync_state, "synced")
        self.assertEqual([m.xero_sync_state for m in (bad_rate, bad_side, foreign)],
                         ["error"] * 3)
        self.assertIn("Old GST 12.5% (12.5%), which is archived in Xero", bad_rate.xero_error)
        self.assertIn("does not allow on sales", bad_side.xero_error)
        self.assertIn("JPY, which is not enabled in the Xero organisation Practice Ltd",
                      foreign.xero_error)
        self.assertIn("Settings > Currencies", foreign.xero_error)
        self.assertEqual(len(self.sandbox.state(PRACTICE, "invoices")), 1)

    def test_generic_item_only_when_it_exists_in_xero(self):
        generic = self.conn.xero_item_ids.filtered(lambda i: i.code == "ODOO-ITEM")
        self.assertEqual(self.dropdown("xero.connection", "default_item_id", id=self.conn.id),
                         generic)
        self.conn.default_item_id = generic
        move = self.invoice()
        self.push()
        self.assertEqual(self.xero_invoice(move)["LineItems"][0]["ItemCode"], "ODOO-ITEM")
        # The item is deleted in Xero: the next invoice says so, nothing is sent.
        client = self.conn._xero_client()
        client._call(client.accounting, "delete_item", generic.external_id)
        self.conn.action_refresh_xero_settings()
        self.assertFalse(generic.active)
        later = self.invoice()
        self.sandbox.clear_log()
        self.push()
        self.assertIn("generic Xero item ODOO-ITEM is no longer in Xero", later.xero_error)
        self.assertFalse(self.sandbox.calls("/Invoices", "PUT"))
        self.conn.default_item_id = False
        later.action_xero_retry()
        self.push()
        self.assertEqual(later.xero_sync_state, "synced")
        self.assertNotIn("ItemCode", self.xero_invoice(later)["LineItems"][0])

    def test_settings_of_another_organisation_are_forgotten(self):
        self.assertTrue(self.conn.xero_account_ids)
        self.conn._reset_sync_state()
        self.assertFalse(self.conn.with_context(active_test=False).xero_account_ids)
        self.assertFalse(self.conn.tax_map_ids or self.conn.sales_account_id)
