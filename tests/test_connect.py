import base64
import json
from urllib.parse import urlencode

from odoo.tests import new_test_user, tagged

from .common import CLIENT_A, CLIENT_B, LOGIN, OTHER, OTHER_LOGIN, PRACTICE, XeroCase
from .oauth_helpers import consent, hidden, path_of, query_of


@tagged("post_install", "-at_install")
class TestConnect(XeroCase):
    """The admin connects a company with Xero's consent screen (sandbox)."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.authenticate("admin", "admin")

    def _start(self, purpose="practice", **params):
        query = "&".join(f"{k}={v}" for k, v in dict(purpose=purpose, **params).items())
        response = self.url_open(f"/xero/oauth/start?{query}", allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text[:500])
        return response.headers["Location"]

    def _callback(self, location, **kw):
        return self.url_open(path_of(location), allow_redirects=False, **kw)

    def connection(self):
        return self.env["xero.connection"].search([("company_id", "=", self.company.id)])

    def test_authorize_url_has_pkce_state_scopes(self):
        params = query_of(self._start())
        self.assertEqual(params["code_challenge_method"], "S256")
        self.assertGreaterEqual(len(params["code_challenge"]), 43)
        self.assertTrue(params["state"])
        scopes = params["scope"].split()
        for scope in ("offline_access", "openid", "profile", "email", "accounting.contacts",
                      "accounting.invoices", "accounting.payments", "accounting.settings.read",
                      "accounting.reports.executivesummary.read"):
            self.assertIn(scope, scopes)
        self.assertTrue(params["redirect_uri"].endswith("/xero/oauth/callback"))
        self.env["ir.config_parameter"].sudo().set_param("xero_connector.broad_scopes", "1")
        broad = query_of(self._start())["scope"].split()
        self.assertIn("accounting.transactions", broad)
        self.assertNotIn("accounting.invoices", broad)
        # The admin picks which data the app asks for.
        settings = self.env["res.config.settings"].create({
            "xero_broad_scopes": False, "xero_scope_invoices": True,
            "xero_scope_reports": False})
        settings.execute()
        scopes = query_of(self._start())["scope"].split()
        self.assertIn("accounting.invoices", scopes)
        self.assertNotIn("accounting.reports.executivesummary.read", scopes)
        self.assertFalse(self.env["res.config.settings"].create({}).xero_scope_reports)
        # The redirect URI to register at Xero, as the settings show it.
        self.assertEqual(self.env["res.config.settings"].create({}).xero_redirect_uri,
                         self.base_url() + "/xero/oauth/callback")

    def test_one_organisation_is_chosen_automatically(self):
        location = consent(self.sandbox.url, self._start(), email=OTHER_LOGIN)
        response = self._callback(location)
        self.assertEqual(response.status_code, 303, response.text[:500])
        conn = self.connection()
        self.assertIn(f"/odoo/xero-connections/{conn.id}", response.headers["Location"])
        self.assertEqual(conn.state, "connected")
        self.assertEqual(conn.tenant_id, OTHER)
        self.assertEqual(conn.organisation_id.name, "Other Org")
        self.assertTrue(conn.short_code.startswith("!"))
        self.assertEqual(conn.connected_by_id, self.env.ref("base.user_admin"))
        self.assertEqual(conn.xero_login, OTHER_LOGIN)
        self.assertTrue(conn.token_expiry)

    def test_three_organisations_pick_one(self):
        location = consent(self.sandbox.url, self._start(),
                           tenants=[PRACTICE, CLIENT_A, CLIENT_B])
        page = self._callback(location)
        self.assertEqual(page.status_code, 200)
        for name in ("Practice Ltd", "Client A Ltd", "Client B Ltd"):
            self.assertIn(name, page.text)
        self.assertFalse(self.connection().organisation_id)
        practice = self.env["xero.organisation"].search([("tenant_id", "=", PRACTICE)])
        response = self.url_open("/xero/oauth/choose", data={
            "csrf_token": hidden(page.text, "csrf_token"),
            "ticket": hidden(page.text, "ticket"),
            "organisation_id": practice.id,
        }, allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text[:300])
        conn = self.connection()
        self.assertEqual(conn.organisation_id, practice)
        # One token set reaches all three organisations.
        orgs = self.env["xero.organisation"].search([("tenant_id", "in",
                                                      [PRACTICE, CLIENT_A, CLIENT_B])])
        self.assertEqual(len(orgs.authorization_id), 1)

    def test_tampered_and_replayed_state_are_forbidden(self):
        location = consent(self.sandbox.url, self._start(), email=OTHER_LOGIN)
        params = query_of(location)
        body, signature = params["state"].rsplit(".", 1)
        forged = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        forged["c"] += 1  # another company, same signature
        forged_body = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode()
        tampered = "/xero/oauth/callback?" + urlencode(
            dict(params, state=f"{forged_body}.{signature}"))
        self.assertEqual(self._callback(tampered).status_code, 403)
        self.assertEqual(self._callback(location).status_code, 303)
        # The same state again: its PKCE verifier was used once already.
        self.assertEqual(self._callback(location).status_code, 403)

    def test_callback_without_pending_verifier_is_refused(self):
        location = consent(self.sandbox.url, self._start(), email=OTHER_LOGIN)
        # Another browser session of the same user has no verifier for it.
        self.authenticate("admin", "admin")
        self.assertEqual(self._callback(location).status_code, 403)
        self.assertFalse(self.connection().organisation_id)

    def test_non_manager_is_refused(self):
        location = consent(self.sandbox.url, self._start(), email=OTHER_LOGIN)
        new_test_user(self.env, "plain", groups="base.group_user", password="plain-pass-1")
        self.authenticate("plain", "plain-pass-1")
        self.assertEqual(self._callback(location).status_code, 403)
        self.assertEqual(self.url_open("/xero/oauth/start", allow_redirects=False)
                         .status_code, 403)

    def test_consent_denied_shows_a_way_back_and_saves_nothing(self):
        location = consent(self.sandbox.url, self._start(), email=OTHER_LOGIN, action="cancel")
        self.assertEqual(query_of(location)["error"], "access_denied")
        page = self._callback(location)
        self.assertEqual(page.status_code, 400)
        self.assertIn("cancelled", page.text)
        self.assertIn("Back to Odoo", page.text)
        self.assertFalse(self.env["xero.authorization"].search([]))

    def test_wrong_client_secret_saves_nothing(self):
        location = consent(self.sandbox.url, self._start(), email=OTHER_LOGIN)
        self.env["ir.config_parameter"].sudo().set_param(
            "xero_connector.client_secret", "wrong")
        page = self._callback(location)
        self.assertEqual(page.status_code, 400)
        self.assertIn("Xero refused this app&#39;s credentials: check the client id and secret",
                      page.text)
        self.assertNotIn("invalid_client", page.text)
        self.assertIn("action-account.action_account_config", page.text)
        self.assertFalse(self.env["xero.authorization"].search([]))
        self.assertFalse(self.connection())

    def test_sandbox_down_gives_a_clear_page(self):
        location = consent(self.sandbox.url, self._start(), email=OTHER_LOGIN)
        self.sandbox.fault(kind="status", status=503, match={"path": "/connect/token"},
                           body="Service Unavailable", content_type="text/plain")
        page = self._callback(location)
        self.assertEqual(page.status_code, 400)
        self.assertIn("Connecting to Xero failed", page.text)
        self.assertFalse(self.env["xero.authorization"].search([]))

    def test_reconnect_after_expiry_keeps_links(self):
        location = consent(self.sandbox.url, self._start(), email=OTHER_LOGIN)
        self._callback(location)
        conn = self.connection()
        auth = conn.authorization_id
        partner = self.env["res.partner"].create({"name": "Linked partner"})
        binding = self.env["xero.contact"].create({
            "backend_id": conn.id, "external_id": "abc", "odoo_id": partner.id,
            "state": "linked", "xero_name": "Linked partner"})
        auth.sudo().write({"state": "expired"})
        self.assertEqual(conn.state, "expired")
        # Reconnect: Xero pre-ticks the organisations already connected.
        location = consent(self.sandbox.url, self._start(), email=OTHER_LOGIN)
        response = self._callback(location)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(conn.authorization_id, auth, "the same login record is reused")
        self.assertEqual(auth.state, "active")
        self.assertEqual(conn.state, "connected")
        self.assertEqual(binding.odoo_id, partner)

    def test_disconnect_reconnect_and_revoke(self):
        location = consent(self.sandbox.url, self._start(), email=OTHER_LOGIN)
        self._callback(location)
        conn = self.connection()
        self.sandbox.generate(organisation=OTHER, contacts=3, seed=5)
        self.run_job(conn, "_run_job", "pull_contacts")
        line = self.env["xero.contact"].search([("backend_id", "=", conn.id)], limit=1)
        self.run_job(line, "action_import")
        partner = line.odoo_id
        conn.action_disconnect()
        self.assertEqual(conn.state, "disconnected")
        self.assertTrue(conn.organisation_id, "soft disconnect keeps the organisation")
        self.assertEqual((line.state, partner.xero_binding_id), ("linked", line), "links kept")
        conn.action_resume()
        self.assertEqual(conn.state, "connected")
        self.assertEqual((line.state, line.odoo_id), ("linked", partner))
        self.assertTrue(self.sandbox._call("GET", "connections"))
        self.sandbox.clear_log()
        conn.action_revoke()
        self.assertTrue(self.sandbox.calls("/connect/revocation", "POST"), "token revoked")
        self.assertTrue(self.sandbox.calls("/connections/", "DELETE"), "connection deleted")
        self.assertEqual(conn.state, "revoked")
        self.assertFalse(conn.authorization_id.sudo().refresh_token)
        remaining = [c for c in self.sandbox._call("GET", "connections")
                     if c["tenantId"] == OTHER]
        self.assertFalse(remaining, "Xero no longer lists the connection")

    def test_extra_token_keys_do_not_break_the_connection(self):
        self.sandbox.config(extra_token_keys={"authentication_event_id": "x-1"})
        try:
            location = consent(self.sandbox.url, self._start(), email=OTHER_LOGIN)
            self.assertEqual(self._callback(location).status_code, 303)
        finally:
            self.sandbox.config(extra_token_keys={})
        self.assertEqual(self.connection().state, "connected")

    def test_login_is_the_same_for_a_second_organisation(self):
        """Organisations one login reaches need no second login to link."""
        location = consent(self.sandbox.url, self._start(), tenants=[PRACTICE, CLIENT_A])
        self._callback(location)
        orgs = self.env["xero.organisation"].search([])
        self.assertEqual(set(orgs.mapped("tenant_id")), {PRACTICE, CLIENT_A})
        self.assertTrue(all(o.reachable for o in orgs))
        self.assertEqual(LOGIN, orgs.authorization_id.name)

    def test_a_company_with_xero_data_cannot_switch_organisation(self):
        location = consent(self.sandbox.url, self._start(), tenants=[PRACTICE, CLIENT_A])
        page = self._callback(location)
        practice = self.env["xero.organisation"].search([("tenant_id", "=", PRACTICE)])
        client_a = self.env["xero.organisation"].search([("tenant_id", "=", CLIENT_A)])
        self.url_open("/xero/oauth/choose", data={
            "csrf_token": hidden(page.text, "csrf_token"), "ticket": hidden(page.text, "ticket"),
            "organisation_id": practice.id}, allow_redirects=False)
        conn = self.connection()
        self.sandbox.generate(organisation=OTHER, contacts=3, seed=5)
        self.run_job(conn, "_run_job", "pull_contacts")
        self.assertTrue(conn.contact_ids)
        with self.assertRaisesRegex(Exception, "cannot switch"):
            self.env["xero.connection"]._connect(self.company, client_a)
        # Without any Xero data yet, switching is allowed and starts afresh.
        self.env["xero.contact"].with_context(active_test=False).search(
            [("backend_id", "=", conn.id)]).unlink()
        self.env["xero.connection"]._connect(self.company, client_a)
        self.assertEqual(conn.tenant_id, CLIENT_A)
        self.assertFalse(conn.contacts_synced_at)
