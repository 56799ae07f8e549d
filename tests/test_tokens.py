import time
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..xero_core.errors import TenantMismatch, XeroAuthError, XeroTransientError
from .common import OTHER, PRACTICE, XeroCase


@tagged("post_install", "-at_install")
class TestTokens(XeroCase):
    """Token lifecycle against the sandbox: rotation, grace, invalid_grant."""

    def setUp(self):
        super().setUp()
        self.sandbox.clear_faults()
        self.conn = self.connect_practice()
        self.auth = self.conn.authorization_id.sudo()
        self.sandbox.clear_log()

    def expire_access_token(self):
        self.auth.expires_at = int(time.time()) - 10

    def token_calls(self):
        return self.sandbox.calls("/connect/token")

    def test_refresh_ahead_of_expiry_rotates_the_refresh_token(self):
        old_access, old_refresh = self.auth.access_token, self.auth.refresh_token
        self.auth.expires_at = int(time.time()) + 60  # inside the refresh margin
        self.conn._xero_client().organisation()
        self.assertEqual(len(self.token_calls()), 1)
        self.assertNotEqual(self.auth.access_token, old_access)
        self.assertNotEqual(self.auth.refresh_token, old_refresh, "Xero rotates it")
        self.assertGreater(self.auth.expires_at, time.time() + 1700)
        # A valid token is reused, not refreshed again.
        self.conn._xero_client().organisation()
        self.assertEqual(len(self.token_calls()), 1)

    def test_every_call_carries_the_connection_tenant(self):
        self.conn._xero_client().organisation()
        [call] = self.sandbox.calls("/Organisation")
        self.assertEqual(call["tenant"], PRACTICE)

    def test_tenant_mismatch_is_refused(self):
        with self.assertRaises(TenantMismatch):
            self.auth._xero_client(OTHER)  # this login does not reach OTHER
        client = self.conn._xero_client()
        with self.assertRaises(TenantMismatch):
            client.ensure_tenant(OTHER)
        # A sync given the client of another organisation refuses to start.
        other = self.auth._xero_client(PRACTICE)
        other.tenant_id = OTHER
        for job in ("pull_contacts", "push_contacts", "pull_ledger", "push_invoices"):
            with self.assertRaises(TenantMismatch):
                self.conn._run_job(job, client=other)
        self.assertFalse(self.sandbox.calls("/api.xro"))

    def test_invalid_grant_marks_expired_with_activity_and_keeps_tokens(self):
        self.expire_access_token()
        refresh_token = self.auth.refresh_token
        self.sandbox.fault(kind="invalid_grant")
        # Not assertRaises: it rolls back to a savepoint, and the expiry is
        # committed on its own cursor (in tests, the same transaction).
        self.assertRaisesNoRollback(XeroAuthError, self.conn._xero_client().organisation)
        self.assertEqual(self.auth.state, "expired")
        self.assertEqual(self.conn.state, "expired")
        self.assertEqual(self.auth.refresh_token, refresh_token, "tokens are not blanked")
        admin = self.env.ref("base.user_admin")
        self.assertTrue(self.conn.activity_ids.filtered(lambda a: a.user_id == admin))
        self.assertIn("expired", self.conn.message_ids[0].body)
        with self.assertRaises(XeroAuthError):  # no more calls once expired
            self.conn.organisation_id._xero_client().organisation()

    def test_lost_refresh_answer_uses_the_grace_period(self):
        """Xero rotated the token but the answer never arrived: the old
        refresh token still works for 30 minutes, nothing is lost."""
        self.expire_access_token()
        refresh_token = self.auth.refresh_token
        self.sandbox.fault(kind="drop", apply=True, match={"path": "/connect/token"})
        with self.assertRaises(XeroTransientError):
            self.auth._xero_access_token()
        self.assertEqual(self.auth.refresh_token, refresh_token)
        self.assertEqual(self.auth.state, "active")
        self.auth._xero_access_token()
        self.assertNotEqual(self.auth.refresh_token, refresh_token)
        self.assertEqual(len(self.token_calls()), 2)

    def test_silent_token_endpoint_ends_the_job_and_frees_the_lock(self):
        """Xero's identity endpoint accepts the connection and never answers:
        the scheduled job ends within the token timeout, the authorisation
        row is not left locked, and the log says why."""
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.token_timeout", 2)
        self.expire_access_token()
        self.sandbox.fault(kind="hang", seconds=30, match={"path": "/connect/token"})
        started = time.monotonic()
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        # Odoo's test mode raises any request timeout below 10 s to 10 s;
        # without a timeout the job would wait for the 30 s hang, or forever.
        self.assertLess(time.monotonic() - started, 14)
        with self.registry.cursor() as cr:
            cr.execute("SELECT id FROM xero_authorization WHERE id = %s FOR UPDATE NOWAIT",
                       [self.auth.id])  # raises LockNotAvailable if still held
        log = self.env["xero.sync.log"].search([("connection_id", "=", self.conn.id),
                                                ("operation", "=", "pull_contacts")], limit=1)
        self.assertEqual(log.state, "failed")
        self.assertIn("token", log.message.lower())
        self.assertEqual(self.auth.state, "active", "a silent Xero is not an expired login")

    def test_grace_period_ends(self):
        old_refresh = self.auth.refresh_token
        self.expire_access_token()
        self.auth._xero_access_token()
        self.sandbox.clock(advance_seconds=31 * 60)
        try:
            # Someone restores the pre-rotation token: Xero refuses it now.
            self.auth.write({"refresh_token": old_refresh, "expires_at": 0})
            self.assertRaisesNoRollback(XeroAuthError, self.auth._xero_access_token)
            self.assertEqual(self.auth.state, "expired")
        finally:
            self.sandbox.clock(offset_seconds=0)

    def test_token_expired_mid_run_refreshes_once(self):
        self.sandbox.fault(kind="token_expired", match={"path": "/Organisation"})
        data = self.conn._xero_client().organisation()
        self.assertEqual(data["Name"], "Practice Ltd")
        self.assertEqual(len(self.token_calls()), 1)
        self.assertEqual(len(self.sandbox.calls("/Organisation")), 2)

    def test_keep_alive_and_sixty_days(self):
        self.auth.refreshed_at = fields.Datetime.now() - timedelta(days=25)
        refresh_token = self.auth.refresh_token
        self.env["xero.authorization"]._cron_keep_alive()
        self.assertNotEqual(self.auth.refresh_token, refresh_token)
        self.assertGreater(self.auth.refreshed_at, fields.Datetime.now() - timedelta(minutes=5))
        self.auth.refreshed_at = fields.Datetime.now() - timedelta(days=61)
        self.auth.expires_at = int(time.time()) + 3000
        # Xero cannot be reached: past 60 days the token set is expired anyway.
        self.sandbox.fault(kind="status", status=503, count=20,
                           match={"path": "/connect/token"})
        self.env["xero.authorization"]._cron_keep_alive()
        self.assertEqual(self.auth.state, "expired")
        self.assertIn("60 days", self.auth.state_reason)

    def test_tokens_are_for_the_system_group_only(self):
        user = new_test_user(self.env, "employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["xero.authorization"].with_user(user).search([]).read(["name"])
        manager = new_test_user(self.env, "xmanager",
                                groups="base.group_user,xero_connector.group_xero_manager")
        auth = self.auth.with_user(manager).sudo(False)
        self.assertEqual(auth.read(["name"])[0]["name"], self.auth.name)
        for field in ("access_token", "refresh_token"):
            with self.assertRaises(AccessError):
                auth.read([field])
            self.assertNotIn(field, auth.fields_get())

    def test_client_secret_is_never_sent_back(self):
        # It is entered on a page of its own (see test_security_routes).
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.xero_client_secret_set)
        self.assertNotIn("test-client-secret", str(settings.read()))
        settings.execute()  # saving the settings keeps the secret
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param(
            "xero_connector.client_secret"), "test-client-secret")

    def test_neutralize_blanks_tokens(self):
        from odoo.modules.neutralize import get_neutralization_queries

        self.env.flush_all()
        for query in get_neutralization_queries(["xero_connector"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertFalse(self.auth.access_token)
        self.assertFalse(self.auth.refresh_token)
        self.assertEqual(self.auth.state, "expired")
        self.assertFalse(self.conn.sync_enabled)

    def test_one_practice_connection_per_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["xero.connection"].create({"company_id": self.conn.company_id.id})

    def test_users_only_see_their_companies_xero_records(self):
        self.run_job(self.conn, "_run_job", "pull_contacts")
        own = self.conn.company_id
        other = self.env["res.company"].create({"name": "Other Branch Ltd"})
        groups = "base.group_user,xero_connector.group_xero_manager"
        outsider = new_test_user(self.env, "xero_outsider", groups=groups,
                                 company_id=other.id, company_ids=[other.id])
        both = new_test_user(self.env, "xero_both", groups=groups,
                             company_id=other.id, company_ids=[other.id, own.id])
        for model in ("xero.connection", "xero.contact", "xero.organisation",
                      "xero.authorization"):
            self.assertFalse(self.env[model].with_user(outsider).search([]), model)
            self.assertTrue(self.env[model].with_user(both).with_context(
                allowed_company_ids=[other.id, own.id]).search([]), model)
        with self.assertRaises(AccessError):
            self.conn.with_user(outsider).read(["name"])
        with self.assertRaises(AccessError):
            self.conn.with_user(outsider).action_refresh_organisation()
