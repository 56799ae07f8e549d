"""Logging in to Xero again, as users go through it: the organisation
picker shows names and says which organisation another company uses, a
client's reconnect preselects its organisation, and a successful reconnect
closes the "Reconnect to Xero" to-do."""

import re

from odoo.tests import tagged

from .common import CLIENT_A, CLIENT_B, LOGIN, PRACTICE, XeroCase
from .oauth_helpers import consent, path_of


def visible_text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@tagged("post_install", "-at_install")
class TestReconnectScreens(XeroCase):
    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.authenticate("admin", "admin")

    def login(self, purpose="practice", tenants=(PRACTICE, CLIENT_A, CLIENT_B), **params):
        query = "&".join(f"{k}={v}" for k, v in dict(purpose=purpose, **params).items())
        start = self.url_open(f"/xero/oauth/start?{query}", allow_redirects=False)
        self.assertEqual(start.status_code, 303, start.text[:500])
        location = consent(self.sandbox.url, start.headers["Location"], email=LOGIN,
                           tenants=list(tenants))
        return self.url_open(path_of(location), allow_redirects=False)

    def test_practice_picker_names_organisations_and_marks_used_ones(self):
        other = self.env["res.company"].create({"name": "Sister Company"})
        self.env.ref("base.user_admin").company_ids |= other
        self.connect_practice(company=other)
        page = self.login()
        self.assertEqual(page.status_code, 200, page.text[:300])
        text = visible_text(page.text)
        for name in ("Practice Ltd", "Client A Ltd", "Client B Ltd"):
            self.assertIn(name, text)
        for tenant in (PRACTICE, CLIENT_A, CLIENT_B):
            self.assertNotIn(tenant, text, "a tenant id shown to the user")
        self.assertIn("Practice Ltd Already used by Sister Company", text)
        self.assertNotIn("Client A Ltd Already used", text)

    def test_client_reconnect_preselects_its_organisation(self):
        self.company.xero_client_level = True
        self.connect_practice()
        client = self.env["res.partner"].create({"name": "Client B", "is_company": True})
        org_b = self.env["xero.organisation"].search([("tenant_id", "=", CLIENT_B),
                                                      ("company_id", "=", self.company.id)])
        self.env["xero.client.link"]._link(client, org_b)
        self.env.flush_all()
        page = self.login("client", company_id=self.company.id, partner_id=client.id)
        self.assertEqual(page.status_code, 200, page.text[:300])
        checked = re.findall(r'<input[^>]*checked[^>]*>', page.text)
        self.assertEqual(len(checked), 1, checked)
        self.assertIn(f'value="{org_b.id}"', checked[0])

    def test_reconnect_closes_the_reconnect_todo(self):
        conn = self.connect_practice()
        conn.authorization_id._mark_expired("refresh token unused for 60 days")
        conn.invalidate_recordset()
        todos = conn.activity_ids.filtered(lambda a: a.summary == "Reconnect to Xero")
        self.assertTrue(todos)
        response = self.login(tenants=(PRACTICE,))
        self.assertEqual(response.status_code, 303, response.text[:300])
        conn.invalidate_recordset()
        self.assertEqual(conn.state, "connected")
        self.assertFalse(conn.activity_ids.filtered(lambda a: a.summary == "Reconnect to Xero"))
