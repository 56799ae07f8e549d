"""Pushes on save and Sync now: a save triggers the push job (the cron
worker runs it once the request is committed), Sync now / Retry / Run now
trigger their jobs, and the day's budget defers scheduled work but not
what a user asked for."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from . import every_record as er
from .common import CLIENT_A, PRACTICE, XeroCase


@tagged("post_install", "-at_install")
class TestRealtime(XeroCase):
    def setUp(self):
        super().setUp()
        self.sandbox.reset(self.sandbox_seed())
        self.conn = self.connect_practice()
        self.run_job(self.conn, "_run_job", "pull_contacts")
        self.line = self.env["xero.contact"].search([("backend_id", "=", self.conn.id),
                                                     ("xero_name", "=", "Northwind Traders")])
        self.run_job(self.line, "action_import")
        self.partner = self.line.odoo_id
        # The hourly fallback of the webhook job is not due.
        self.env.ref("xero_connector.ir_cron_xero_webhook_events").nextcall = (
            fields.Datetime.now() + timedelta(hours=1))
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM ir_cron_trigger")
        self.authenticate("admin", "admin")
        self.sandbox.clear_log()

    def ready_jobs(self):
        """The addon's scheduled actions the cron worker would run now: the
        query of ``ir.cron._get_all_ready_jobs``, at the clock's time (the
        test's transaction started before the triggers were made)."""
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT id FROM ir_cron
             WHERE active AND (nextcall <= (clock_timestamp() at time zone 'UTC')
                OR id IN (SELECT cron_id FROM ir_cron_trigger
                           WHERE call_at <= (clock_timestamp() at time zone 'UTC')))
             ORDER BY id
        """)
        crons = self.env["ir.cron"].browse([row[0] for row in self.env.cr.fetchall()])
        events = self.env.ref("xero_connector.ir_cron_xero_webhook_events")
        return crons.filtered(lambda c: c.xero_connection_id or c == events)

    def run_cron_worker(self):
        """What the cron worker does with the ready jobs: run each, then
        drop its triggers."""
        ran = self.ready_jobs()
        for cron in ran:
            self.run_job(cron, "method_direct_trigger")
            self.env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s", [cron.id])
        return ran

    def xero_contact(self):
        return next(c for c in self.sandbox.state(PRACTICE, "contacts")
                    if c["ContactID"] == self.line.external_id)

    def web_save(self, record, vals):
        result, error = er.call_kw(self, record._name, "web_save", [record.ids, vals],
                                   specification={"display_name": {}})
        self.assertFalse(error, error)
        return result

    def test_saved_partner_reaches_xero_without_running_a_scheduled_action(self):
        self.web_save(self.partner, {"city": "Napier"})
        # The save itself never waited on Xero.
        self.assertFalse(self.sandbox.calls())
        self.assertEqual(self.ready_jobs().mapped("xero_job"), ["push_contacts"])
        self.run_cron_worker()
        self.assertIn("Napier", [a.get("City") for a in self.xero_contact()["Addresses"]])
        self.assertFalse(self.ready_jobs())

    def test_real_time_off_waits_for_the_schedule(self):
        self.conn.realtime = False
        self.web_save(self.partner, {"city": "Napier"})
        self.assertFalse(self.ready_jobs())

    def test_sync_now_runs_every_job_at_once(self):
        result, error = er.call_kw(self, "xero.connection", "action_sync_now",
                                   [self.conn.ids], route="call_button")
        self.assertFalse(error, error)
        self.assertIn("in the background", result["params"]["message"])
        active = self.conn.sudo().cron_ids.filtered("active").mapped("xero_job")
        self.assertEqual(sorted(self.ready_jobs().filtered("xero_connection_id")
                                .mapped("xero_job")), sorted(active))

    def test_partner_sync_now_reads_it_back_and_pushes(self):
        self.conn.realtime = False
        self.partner.city = "Napier"
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM ir_cron_trigger")
        result, error = er.call_kw(self, "res.partner", "action_xero_sync_now",
                                   [self.partner.ids], route="call_button")
        self.assertFalse(error, error)
        self.assertIn("Sending", result["params"]["message"])
        self.assertFalse(self.sandbox.calls())
        self.run_cron_worker()
        self.assertIn("Napier", [a.get("City") for a in self.xero_contact()["Addresses"]])
        reads = [c for c in self.sandbox.calls("Contacts", "GET") if "IDs" in c["query"]]
        self.assertEqual(len(reads), 1)

    def test_retry_triggers_the_job_and_says_so(self):
        self.line.sudo()._set_error("Xero refused the contact.")
        log = self.env["xero.sync.log"].search([("binding_id", "=", self.line.id),
                                                ("state", "=", "failed")])
        self.env.cr.execute("DELETE FROM ir_cron_trigger")
        result, error = er.call_kw(self, "xero.sync.log", "action_retry", [log.ids],
                                   route="call_button")
        self.assertFalse(error, error)
        self.assertIn("running now", result["params"]["message"])
        self.assertEqual(self.ready_jobs().mapped("xero_job"), ["push_contacts"])

    def test_run_now_on_a_scheduled_action(self):
        cron = self.conn._cron("pull_ledger")
        result, error = er.call_kw(self, "ir.cron", "action_xero_run_now", [cron.ids],
                                   route="call_button")
        self.assertFalse(error, error)
        self.assertIn(cron.name, result["params"]["message"])
        self.assertEqual(self.ready_jobs(), cron)

    def spend_budget(self, left):
        self.conn.write({"xero_tier": "custom", "xero_day_limit_custom": 100})
        self.env["xero.api.usage"].sudo().create({
            "connection_id": self.conn.id, "day": fields.Date.today(), "job": "pull_contacts",
            "calls": 0, "day_remaining": left,
            "last_call_at": fields.Datetime.now() + timedelta(minutes=1)})

    def test_budget_floor_defers_a_scheduled_pull_not_sync_now(self):
        self.spend_budget(10)  # under the pulls' floor (20 %), above the pushes' (5 %)
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        self.assertFalse(self.sandbox.calls())
        self.assertIn("waits", self.conn.budget_note)
        wait = self.env["xero.sync.log"].search([("operation", "=", "budget_wait")], limit=1)
        self.assertRegex(wait.message, r"waits: 10 of today's 100 Xero calls are left")
        # A scheduled push still goes.
        self.partner.city = "Napier"
        self.run_job(self.conn, "_cron_run", "push_contacts")
        self.assertTrue(self.sandbox.calls("Contacts", "POST"))
        self.sandbox.clear_log()
        er.call_kw(self, "xero.connection", "action_sync_now", [self.conn.ids],
                   route="call_button")
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        self.assertTrue(self.sandbox.calls("Contacts", "GET"))

    def test_calls_are_counted_per_job(self):
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        usage = self.env["xero.api.usage"].search([("connection_id", "=", self.conn.id),
                                                   ("job", "=", "pull_contacts")])
        self.assertEqual(usage.calls, len(self.sandbox.calls()))
        self.assertGreater(usage.bytes_in, 0)
        self.assertEqual(self.conn.calls_remaining,
                         self.conn.xero_day_limit - self.conn.calls_today)

    def test_posting_and_paying_an_invoice_trigger_its_push(self):
        self.conn.invoice_sync_enabled = True
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.partner.id,
            "invoice_line_ids": [Command.create({"name": "Advice", "quantity": 1,
                                                 "price_unit": 100})]})
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM ir_cron_trigger")
        move.action_post()
        self.assertEqual(self.ready_jobs().mapped("xero_job"), ["push_invoices"])
        self.run_cron_worker()
        self.assertEqual(move.xero_binding_id.state, "synced")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids).create({})._create_payments()
        self.assertEqual(self.ready_jobs().mapped("xero_job"), ["push_invoices"])
        self.run_cron_worker()
        self.assertEqual(move.xero_binding_id.payment_ids.state, "synced")
        # Sync now on the invoice: pushed (nothing pending) and read back by ID.
        self.sandbox.clear_log()
        result, error = er.call_kw(self, "account.move", "action_xero_sync_now", [move.ids],
                                   route="call_button")
        self.assertFalse(error, error)
        self.run_cron_worker()
        reads = self.sandbox.calls("Invoices", "GET")
        self.assertEqual(len(reads), 1)
        self.assertIn("IDs", reads[0]["query"])

    def test_day_limit_of_one_organisation_leaves_the_others_syncing(self):
        company_b = self.env["res.company"].create({"name": "Client A books"})
        other = self.connect_practice(organisation=CLIENT_A, company=company_b)
        self.sandbox.fault(kind="rate_limit", problem="day", retry_after=20000, count=50,
                           match={"path": "/Contacts", "tenant": PRACTICE})
        self.partner.city = "Napier"
        self.run_job(self.conn, "_cron_run", "push_contacts")
        self.assertTrue(self.conn._is_paused())
        self.sandbox.clear_log()
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        self.assertFalse(self.sandbox.calls())  # paused: not even tried
        self.run_job(other, "_cron_run", "pull_contacts")
        self.assertTrue(self.sandbox.calls("Contacts", "GET"))
        self.assertFalse(other._is_paused())
