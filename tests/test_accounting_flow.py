"""From the UI, as issue 16 tells it: a fresh connection proposes defaults,
an admin maps two taxes and a bank journal from dropdowns, posts a
tax-inclusive USD invoice with a discount in an NZD organisation that has
USD enabled, pays it in Odoo (batched to Xero), another one is paid in Xero
(registered and reconciled in Odoo), and every total matches to the cent."""

from datetime import date

from odoo.tests import Form, new_test_user, tagged

from . import every_record as er
from .accounting_common import AccountingCase
from .common import base_seed


@tagged("post_install", "-at_install")
class TestAccountingFlow(AccountingCase):
    @classmethod
    def sandbox_seed(cls):
        seed = base_seed()
        seed["organisations"][0]["Accounts"] = [
            {"Code": "092", "Name": "USD Account", "Type": "BANK", "CurrencyCode": "USD"}]
        return seed

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        nzd, usd = env.ref("base.NZD"), env.ref("base.USD")
        nzd.active = True
        # An Odoo company keeping its books in NZD, like the organisation.
        company = env["res.company"].create({"name": "Kiwi Books Ltd", "currency_id": nzd.id,
                                             "country_id": env.ref("base.nz").id})
        env.user.company_ids |= company
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        company.currency_id = nzd  # the chart brings its own currency
        # 1 NZD buys 0.60 USD (Odoo's rate and Xero's CurrencyRate read alike).
        env["res.currency.rate"].create([
            {"currency_id": usd.id, "company_id": company.id, "name": date(2026, 1, 1),
             "rate": 0.6},
            {"currency_id": nzd.id, "company_id": company.id, "name": date(2026, 1, 1),
             "rate": 1.0}])
        cls.company = company
        cls.usd = usd
        cls.env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        cls.manager = new_test_user(
            cls.env, "xero_flow_manager", password="xero-flow-pass", company_id=company.id,
            company_ids=[company.id],
            groups=f"base.group_user,account.group_account_invoice,{er.MANAGER_GROUP}")

    def setUp(self):
        super().setUp()
        Tax = self.env["account.tax"].with_company(self.company)
        self.tax_incl = Tax.create({"name": "GST 15% included", "amount": 15,
                                    "type_tax_use": "sale", "company_id": self.company.id,
                                    "price_include_override": "tax_included"})
        self.zero = Tax.create({"name": "Zero-rated exports", "amount": 0,
                                "type_tax_use": "sale", "company_id": self.company.id})
        self.usd_bank = self.env["account.journal"].create({
            "name": "USD Bank", "code": "USDB", "type": "bank", "currency_id": self.usd.id,
            "company_id": self.company.id})

    # -- the steps ----------------------------------------------------------------------

    def map_from_dropdowns(self):
        """The admin's part, through the connection's form."""
        with Form(self.conn) as form:
            with form.tax_map_ids.new() as line:
                line.tax_id = self.tax_incl
                line.xero_tax_rate_id = self.rate("OUTPUT2")
            with form.tax_map_ids.new() as line:
                line.tax_id = self.zero
                line.xero_tax_rate_id = self.rate("ZERORATED")
            with form.journal_map_ids.new() as line:
                line.journal_id = self.usd_bank
                line.xero_account_id = self.account("092")

    def usd_invoice(self, **vals):
        """Tax-inclusive, in USD, with a discount (and a zero-rated line, the
        same included or not)."""
        return self.invoice([(230.0, 3, 10, self.tax_incl), (49.99, 1, 0, self.tax_incl),
                             (20.0, 1, 0, self.zero)], currency_id=self.usd.id, **vals)

    def click(self, model, method, records):
        self.authenticate(self.manager.login, "xero-flow-pass")
        context = {"lang": "en_US", "tz": "UTC", "uid": self.manager.id,
                   "allowed_company_ids": [self.company.id]}
        result, error = er.call_kw(self, model, method, [records.ids], context,
                                   route="call_button")
        self.assertIsNone(error, error and er.describe(error))
        self.env.invalidate_all()
        return result

    def assert_totals_match(self, moves):
        for move in moves:
            doc = self.xero_invoice(move)
            self.assertEqual(doc["CurrencyCode"], move.currency_id.name)
            self.assertEqual(round(float(doc["Total"]), 2), round(move.amount_total, 2),
                             f"{move.name}: Xero's total is Odoo's to the cent")
            self.assertEqual(move.xero_rounding_difference, 0.0)

    # -- the story ------------------------------------------------------------------------

    def test_1_a_fresh_connection_proposes_defaults(self):
        conn = self.conn
        self.assertEqual(conn.company_id, self.company)
        self.assertEqual(conn.sales_account_id.display_name, "200 Sales")
        self.assertEqual(conn.payment_account_id.code, "090")
        bank = self.env["account.journal"].search([("company_id", "=", self.company.id),
                                                   ("code", "=", "BNK1")])
        self.assertEqual(conn.journal_map_ids.filtered(lambda m: m.journal_id == bank)
                         .xero_account_id.code, "090")
        sale_15 = self.env["account.tax"].search([("company_id", "=", self.company.id),
                                                  ("type_tax_use", "=", "sale"),
                                                  ("amount", "=", 15),
                                                  ("name", "=", "15%")], limit=1)
        self.assertEqual(conn.tax_map_ids.filtered(lambda m: m.tax_id == sale_15)
                         .xero_tax_type, "OUTPUT")
        self.assertIn("USD", conn.xero_currency_ids.mapped("code"))

    def test_2_the_admin_maps_two_taxes_and_a_bank_journal_from_dropdowns(self):
        self.map_from_dropdowns()
        mapped = {m.tax_id: m.xero_tax_type for m in self.conn.tax_map_ids}
        self.assertEqual((mapped[self.tax_incl], mapped[self.zero]), ("OUTPUT2", "ZERORATED"))
        self.assertEqual(self.conn.journal_map_ids.filtered(
            lambda m: m.journal_id == self.usd_bank).xero_account_id.code, "092")

    def test_3_a_tax_inclusive_usd_invoice_with_a_discount(self):
        self.map_from_dropdowns()
        move = self.usd_invoice()
        self.push()
        self.assertEqual(move.xero_sync_state, "synced")
        doc = self.xero_invoice(move)
        self.assertEqual(doc["LineAmountTypes"], "Inclusive")
        self.assertEqual(float(doc["CurrencyRate"]), 0.6, "the company's rate")
        self.assertEqual(doc["LineItems"][0]["DiscountRate"], 10)
        self.assertEqual([li["TaxType"] for li in doc["LineItems"]],
                         ["OUTPUT2", "OUTPUT2", "ZERORATED"])
        self.assert_totals_match(move)

    def test_4_paid_in_odoo_batched_to_xero(self):
        self.map_from_dropdowns()
        self.conn.invoice_status = "AUTHORISED"
        moves = self.usd_invoice() | self.usd_invoice()
        self.push()
        self.pay(moves, journal=self.usd_bank, when=date(2026, 5, 12))
        self.sandbox.clear_log()
        self.push()
        puts = self.sandbox.calls("/Payments", "PUT")
        self.assertEqual(len(puts), 1, "both payments in one call")
        for move in moves:
            [payment] = self.xero_payments(move)
            self.assertEqual(payment["Account"]["Code"], "092")
            self.assertEqual(round(float(payment["Amount"]), 2), round(move.amount_total, 2))
            self.assertEqual(float(payment["CurrencyRate"]), 0.6)
            self.assertEqual(self.xero_invoice(move)["Status"], "PAID")
        self.assert_totals_match(moves)

    def test_5_paid_in_xero_registered_and_reconciled_in_odoo(self):
        self.map_from_dropdowns()
        self.conn.invoice_status = "AUTHORISED"
        move = self.invoice([(100.0, 2, 0, self.zero), (59.95, 1, 0, self.tax15)])
        self.push()
        self.pay_in_xero(move, round(move.amount_total, 2), reference="Direct credit")
        self.run_job(self.conn, "_run_job", "pull_ledger")
        self.assertTrue(move.xero_invoice_ids.need_payment_import, "seen by the ledger pull")
        self.run_job(self.conn, "_run_job", "pull_payments")
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        [record] = move.xero_invoice_ids.payment_ids
        self.assertEqual(record.origin, "xero")
        self.assertEqual(record.payment_id.journal_id.code, "BNK1", "the journal mapped to 090")
        self.assertTrue(move.xero_paid)
        self.assertTrue(self.click("account.move", "action_xero_open", move)["url"])
        self.assert_totals_match(move)
