"""Fault-injection suite: real syncs against the sandbox while it misbehaves,
then Odoo and the sandbox are compared record by record."""

import logging
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..xero_core.contact_mapping import from_xero
from .common import CLIENT_A, PRACTICE, XeroCase

_logger = logging.getLogger(__name__)

def xero_city(contact):
    """The city Xero holds for a contact, read as the addon reads it (the
    postal address, or the street address when only that one is filled)."""
    return from_xero(contact)[0]["city"]


TALLY = {"run": 0, "survived": 0, "checked": 0, "lost": 0, "duplicated": 0}


def log_tally():
    _logger.info(
        "Fault suite: %(run)s scenarios run, %(survived)s survived, %(checked)s records "
        "checked, %(lost)s lost, %(duplicated)s duplicated", TALLY)


class FaultTally:
    """Counts scenarios and the records each one checked."""

    def setUp(self):
        super().setUp()
        TALLY["run"] += 1
        self._outcome_ok = False

    def survived(self, checked, lost, duplicated):
        TALLY["checked"] += checked
        TALLY["lost"] += lost
        TALLY["duplicated"] += duplicated
        self.assertEqual((lost, duplicated), (0, 0))
        TALLY["survived"] += 1

    @classmethod
    def tearDownClass(cls):
        log_tally()
        super().tearDownClass()


@tagged("post_install", "-at_install")
class TestFaults(FaultTally, XeroCase):
    def setUp(self):
        super().setUp()
        self.sandbox.reset(self.sandbox_seed())
        self.conn = self.connect_practice()
        self.sandbox.clear_log()

    # -- helpers -----------------------------------------------------------------

    def xero_contacts(self, organisation=PRACTICE):
        return self.sandbox.state(organisation, "contacts")

    def imported(self, count):
        """``count`` generated Xero contacts imported and linked."""
        self.sandbox.generate(organisation=PRACTICE, contacts=count, seed=count)
        self.run_job(self.conn, "_run_job", "pull_contacts")
        lines = self.env["xero.contact"].search([("backend_id", "=", self.conn.id),
                                                 ("state", "=", "review")])
        self.run_job(lines, "action_import")
        return lines

    def compare_contacts(self, bindings, field="city"):
        """(checked, lost, duplicated) between linked partners and Xero."""
        by_id = {}
        for contact in self.xero_contacts():
            by_id.setdefault(contact["ContactID"], []).append(contact)
        names = [c["Name"] for c in self.xero_contacts()]
        duplicated = len(names) - len(set(names))
        lost = 0
        for binding in bindings:
            [contact] = by_id.get(binding.external_id) or [None]
            if contact is None:
                lost += 1
                continue
            if from_xero(contact)[0][field] != (binding.odoo_id[field] or ""):
                lost += 1
        return len(bindings), lost, duplicated

    # -- scenarios -------------------------------------------------------------

    def test_minute_limit_pauses_only_that_organisation(self):
        other_company = self.env["res.company"].create({"name": "Second Company"})
        other = self.connect_practice(organisation=CLIENT_A, company=other_company)
        self.sandbox.fault(kind="rate_limit", problem="minute", retry_after=30,
                           match={"path": "/Contacts", "tenant": PRACTICE})
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        self.assertTrue(self.conn._is_paused())
        self.assertIn("minute", self.conn.pause_reason)
        self.assertGreater(self.conn.paused_until,
                           fields.Datetime.now() + timedelta(seconds=20))
        self.run_job(other, "_cron_run", "pull_contacts")
        self.assertFalse(other._is_paused(), "the other organisation goes on")
        self.assertTrue(other.contacts_synced_at)
        self.sandbox.clear_log()
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        self.assertFalse(self.sandbox.calls("/Contacts"), "still paused: no call")
        self.conn.paused_until = fields.Datetime.now() - timedelta(seconds=1)
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        bindings = self.env["xero.contact"].search([("backend_id", "=", self.conn.id)])
        active = [c for c in self.xero_contacts() if c["ContactStatus"] == "ACTIVE"]
        self.survived(len(active), len(active) - len(bindings),
                      len(bindings) - len(set(bindings.mapped("external_id"))))

    def test_day_limit_stops_until_tomorrow_and_says_so(self):
        self.sandbox.fault(kind="rate_limit", problem="day", retry_after=20000,
                           match={"path": "/Contacts"})
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        self.assertGreater(self.conn.paused_until, fields.Datetime.now() + timedelta(hours=5))
        log = self.env["xero.sync.log"].search([("operation", "=", "pause")], limit=1)
        self.assertIn("daily", log.message)
        self.assertEqual(log.state, "failed")
        self.survived(0, 0, 0)

    def test_server_errors_retried_then_failed_rest_of_run_done(self):
        lines = self.imported(60)
        for i, line in enumerate(lines):
            line.odoo_id.city = f"Retry City {i}"
        # Every attempt at the first batch fails (3 tries), the second works.
        self.sandbox.fault(kind="status", status=503, count=3,
                           match={"path": "/Contacts", "method": "POST"})
        self.sandbox.clear_log()
        self.run_job(self.conn, "_run_job", "push_contacts")
        posts = self.sandbox.calls("/Contacts", "POST")
        self.assertEqual([p["status"] for p in posts], [503, 503, 503, 200])
        failed = lines.filtered("error_message")
        self.assertEqual(len(failed), 50)
        self.assertIn("503", failed[0].error_message)
        # Connection resets on the retry of those are retried too.
        self.sandbox.fault(kind="drop", count=1, match={"path": "/Contacts", "method": "POST"})
        failed._retry()
        self.run_job(self.conn, "_run_job", "push_contacts")
        self.assertFalse(lines.filtered("error_message"))
        self.survived(*self.compare_contacts(lines))

    def test_timeout_after_xero_applied_creates_no_duplicate(self):
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.timeout", 1)
        self.conn.create_in_xero = "all"
        partners = self.env["res.partner"].create(
            [{"name": f"Slow Answer {i}", "city": "Napier"} for i in range(5)])
        self.sandbox.fault(kind="hang", seconds=3, apply=True,
                           match={"path": "/Contacts", "method": "POST"})
        self.run_job(self.conn, "_run_job", "push_contacts")
        bindings = partners.xero_contact_ids
        self.assertEqual(len(bindings.filtered("external_id")), 5)
        self.survived(*self.compare_contacts(bindings))

    def test_token_expired_mid_run_one_refresh(self):
        lines = self.imported(120)
        lines.odoo_id.write({"city": "Gisborne"})
        self.sandbox.fault(kind="token_expired",
                           match={"path": "/Contacts", "method": "POST"})
        self.sandbox.clear_log()
        self.run_job(self.conn, "_run_job", "push_contacts")
        self.assertEqual(len(self.sandbox.calls("/connect/token")), 1)
        self.survived(*self.compare_contacts(lines))

    def test_invalid_grant_stops_cleanly(self):
        lines = self.imported(10)
        lines.odoo_id.write({"city": "Whanganui"})
        self.conn.authorization_id.sudo().expires_at = 0
        self.sandbox.fault(kind="invalid_grant")
        self.run_job(self.conn, "_cron_run", "push_contacts")
        self.assertEqual(self.conn.state, "expired")
        self.assertTrue(all(lines.mapped("need_push")), "nothing marked synced")
        self.assertFalse(self.sandbox.calls("/Contacts", "POST"))
        log = self.env["xero.sync.log"].search([("operation", "=", "push_contacts")], limit=1)
        self.assertEqual(log.state, "failed")
        # Nothing was lost: once reconnected, the changes go out.
        self.connect_practice()
        self.run_job(self.conn, "_run_job", "push_contacts")
        self.survived(*self.compare_contacts(lines))

    def test_malformed_answers_affect_their_record_only(self):
        self.sandbox.fault(kind="body", size_mb=10, match={"path": "/Contacts", "method": "GET"})
        stats = self.run_job(self.conn, "_run_job", "pull_contacts")
        self.assertEqual(stats["contacts"], 3, "a 10 MB answer is read")
        self.sandbox.fault(kind="status", status=502, count=3, body="<html>Bad gateway</html>",
                           content_type="text/html", match={"path": "/Contacts"})
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        log = self.env["xero.sync.log"].search([("operation", "=", "pull_contacts"),
                                                ("state", "=", "failed")], limit=1)
        self.assertIn("502", log.message)
        self.assertEqual(self.conn.state, "connected")
        bindings = self.env["xero.contact"].search([("backend_id", "=", self.conn.id)])
        self.survived(len(bindings), 3 - len(bindings), 0)
