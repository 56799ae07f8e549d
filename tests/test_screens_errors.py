"""A wrong client id or secret says so, with the way to Settings › Xero,
instead of "expired, click Reconnect"; the login is not marked expired."""

from odoo.tests import tagged

from . import every_record as er
from .common import XeroCase

SENTENCE = ("Xero refused this app's credentials: check the client id and secret in "
            "Settings › Xero.")


@tagged("post_install", "-at_install")
class TestAppCredentialsRefused(XeroCase):
    def setUp(self):
        super().setUp()
        self.conn = self.connect_practice()
        self.run_job(self.conn, "_run_job", "pull_contacts")
        # The access token is due for a refresh, which needs the app's secret.
        self.conn.authorization_id.sudo().expires_at = 0
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.client_secret",
                                                         "wrong")

    def test_refresh_button_points_to_the_settings(self):
        self.authenticate("admin", "admin")
        self.env.flush_all()
        _result, error = er.call_kw(self, "xero.contact", "action_refresh", [[]],
                                    {"allowed_company_ids": [self.company.id]},
                                    route="call_button")
        self.env.invalidate_all()
        self.assertEqual(error["name"], "odoo.exceptions.RedirectWarning")
        # The sentence, then the Settings button (the web client's dialog).
        self.assertTrue(error["message"].startswith(SENTENCE), error["message"])
        self.assertIn("account.action_account_config", error["message"])
        self.assertNotIn("Reconnect", error["message"])
        self.assertEqual(self.conn.authorization_id.state, "active",
                         "the login is fine: only the settings are wrong")

    def test_scheduled_job_logs_the_sentence_and_keeps_the_login(self):
        self.run_job(self.conn, "_cron_run", "pull_contacts")
        self.assertEqual(self.conn.authorization_id.state, "active")
        self.assertEqual(self.conn.state, "connected")
        log = self.env["xero.sync.log"].search([("connection_id", "=", self.conn.id),
                                                ("state", "=", "failed")], limit=1)
        self.assertEqual(log.message, SENTENCE)
        # Once the secret is right again, the same login syncs.
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.client_secret",
                                                         "test-client-secret")
        self.run_job(self.conn, "_run_job", "pull_contacts")
