"""The sync log and the Executive Summary in users' words: records named
as users know them, one spelling per operation, amounts in the
organisation's currency."""

from odoo.tests import tagged
from odoo.tools.misc import formatLang

from .browser import browser_page
from .common import CLIENT_A, XeroCase


@tagged("post_install", "-at_install")
class TestLogAndSummaryWords(XeroCase):
    browser_size = "1440x1000"

    def test_log_names_the_kind_of_record(self):
        conn = self.connect_practice()
        partner = self.env["res.partner"].create({"name": "Bayside Club Ltd", "is_company": True})
        Log = self.env["xero.sync.log"]
        entry = Log._record(conn, "push_contact", "failed", "Refused", record=partner)
        self.assertEqual((entry.record_kind, entry.record_name), ("Partner", "Bayside Club Ltd"))
        with browser_page(self) as page:
            page.goto("/odoo/action-xero_connector.action_xero_sync_log")
            page.wait("document.querySelector('.o_data_row')", what="the log")
            text = page.eval("document.querySelector('.o_list_view').innerText")
        self.assertIn("Partner", text)
        self.assertNotIn("res.partner", text)

    def test_a_job_and_its_service_log_one_operation(self):
        conn = self.connect_practice()
        entry = self.env["xero.sync.log"]._record(conn, "pull_payments", "failed", "Expired")
        self.assertEqual(entry.operation, "import_payments")

    def test_scheduled_actions_spell_operations_as_the_log_does(self):
        from ..models.xero_connection import JOBS
        from ..models.xero_sync_log import JOB_OPERATIONS

        conn = self.connect_practice()
        labels = dict(self.env["xero.sync.log"]._fields["operation"].selection)
        for job in JOBS:
            label = labels[JOB_OPERATIONS.get(job, job)]
            self.assertEqual(conn._cron(job).name,
                             f"Xero: {label} ({self.company.name})", job)

    def test_executive_summary_amounts_in_the_organisations_currency(self):
        self.company.xero_client_level = True
        self.connect_practice()
        client = self.env["res.partner"].create({"name": "Client A", "is_company": True})
        org = self.env["xero.organisation"].search([("tenant_id", "=", CLIENT_A)])
        link = self.env["xero.client.link"]._link(client, org)
        link._refresh_safely()
        self.assertEqual(org.base_currency, "NZD")
        nzd = self.env["res.currency"].with_context(active_test=False).search(
            [("name", "=", "NZD")])
        html = str(client.xero_client_summary_html)
        amounts = [v for s in link.summary_data["Rows"] if s.get("RowType") == "Section"
                   for r in s.get("Rows", []) for v in [c.get("Value") for c in r["Cells"][1:2]]
                   if v and v.count(".") == 1 and v.replace(".", "").lstrip("-").isdigit()]
        self.assertTrue(amounts)
        for value in amounts:
            self.assertIn(formatLang(self.env, float(value), currency_obj=nzd), html)
