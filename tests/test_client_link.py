from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CLIENT_A, CLIENT_B, LOGIN, OTHER, OTHER_LOGIN, PRACTICE, XeroCase, base_seed
from .oauth_helpers import consent, hidden, path_of, query_of

# Sandbox paths no link may call: a new login or a token refresh.
LOGIN_PATHS = ("/connect/token", "/identity/")


def client_seed():
    """CLIENT_A gets a full organisation profile; CLIENT_B stays bare."""
    seed = base_seed()
    client_a = next(o for o in seed["organisations"] if o["OrganisationID"] == CLIENT_A)
    client_a.update(
        {
            "LegalName": "Client A Limited",
            "OrganisationType": "COMPANY",
            "FinancialYearEndDay": 31,
            "FinancialYearEndMonth": 3,
            "Addresses": client_a["Addresses"]
            + [
                {
                    "AddressType": "STREET",
                    "AddressLine1": "1 Queen St",
                    "City": "Auckland",
                    "PostalCode": "1010",
                    "Country": "New Zealand",
                },
                {"AddressType": "DELIVERY", "AddressLine1": "Loading dock 4", "City": "Auckland"},
            ],
            "Phones": [{"PhoneType": "DEFAULT", "PhoneAreaCode": "09", "PhoneNumber": "555 0101"}],
        }
    )
    return seed


@tagged("post_install", "-at_install")
class TestClientLink(XeroCase):
    """A company partner linked to its own Xero organisation."""

    @classmethod
    def sandbox_seed(cls):
        return client_seed()

    def setUp(self):
        super().setUp()
        self.sandbox.reset(self.sandbox_seed())  # tests change the organisations
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.company.xero_client_level = True
        self.connection = self.connect_practice()
        Org = self.env["xero.organisation"]
        self.org_a = Org.search([("tenant_id", "=", CLIENT_A)])
        self.org_b = Org.search([("tenant_id", "=", CLIENT_B)])
        self.practice_org = Org.search([("tenant_id", "=", PRACTICE)])
        self.auth = self.connection.authorization_id
        Partner = self.env["res.partner"]
        self.client = Partner.create({"name": "Client A", "is_company": True})
        self.other = Partner.create({"name": "Other Client", "is_company": True})
        self.sandbox.clear_log()

    # --- helpers -----------------------------------------------------------------

    def link(self, partner=None, org=None, confirm=False):
        link = self.env["xero.client.link"]._link(
            partner or self.client, org or self.org_a, confirm=confirm
        )
        link._refresh_safely()
        return link

    def wizard(self, partner=None):
        action = (partner or self.client).action_xero_client_connect()
        self.assertEqual(action["target"], "new")
        return self.env[action["res_model"]].browse(action["res_id"])

    def pick(self, wizard, org):
        wizard.line_id = wizard.line_ids.filtered(lambda line: line.organisation_id == org)
        self.assertTrue(wizard.line_id, f"{org.name} is offered")
        return wizard

    def login_calls(self):
        return [c for c in self.sandbox.calls() if c["path"].startswith(LOGIN_PATHS)]

    def oauth_start(self, action):
        self.assertEqual(action["type"], "ir.actions.act_url")
        response = self.url_open(action["url"], allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text[:500])
        return response.headers["Location"]

    # --- linking -------------------------------------------------------------------

    def test_link_to_an_authorised_organisation_needs_no_login(self):
        wizard = self.wizard()
        offered = wizard.line_ids.mapped("organisation_id")
        self.assertEqual(
            offered,
            self.practice_org | self.org_a | self.org_b,
            "every organisation the login reaches, the practice one included",
        )
        practice_line = wizard.line_ids.filtered("is_practice")
        self.assertIn("practice organisation", practice_line.display_name)
        self.pick(wizard, self.org_a).action_link()

        link = self.client.xero_client_link_id
        self.assertEqual(link.organisation_id, self.org_a)
        self.assertEqual(link.state, "connected")
        self.assertEqual(self.login_calls(), [], "no login and no token call")
        tenants = {c["tenant"] for c in self.sandbox.calls("/api.xro/")}
        self.assertEqual(tenants, {CLIENT_A}, "reads go to the client's tenant only")
        self.assertFalse(
            [c for c in self.sandbox.calls() if c["method"] != "GET"],
            "a client link never writes to Xero",
        )
        # What the tab shows
        partner = self.client
        self.assertEqual(partner.xero_client_name, "Client A Ltd")
        self.assertEqual(partner.xero_client_legal_name, "Client A Limited")
        self.assertEqual(partner.xero_client_registration, "NZBN 9429041234567")
        self.assertEqual(partner.xero_client_tax_number, "111-222-333")
        self.assertEqual(partner.xero_client_currency, "NZD")
        self.assertEqual(partner.xero_client_country, "New Zealand")
        self.assertEqual(partner.xero_client_org_type, "Company")
        self.assertEqual(partner.xero_client_year_end, "31 March")
        self.assertEqual(partner.xero_client_street, "PO Box 1")
        self.assertEqual(partner.xero_client_street3, "CBD")
        self.assertIn("1 Queen St", partner.xero_client_street_address)
        self.assertIn("Loading dock 4", partner.xero_client_delivery_address)
        self.assertEqual(partner.xero_client_phones, "Phone: 09 555 0101")
        users = partner.xero_client_user_ids
        self.assertEqual(set(users.mapped("email")), {"cara@client-a.example", LOGIN})
        cara = users.filtered(lambda u: u.email == "cara@client-a.example")
        self.assertEqual((cara.name, cara.role_label), ("Cara Client", "Standard"))
        html = partner.xero_client_summary_html
        for text in (
            "Cash",
            "Profitability",
            "Balance Sheet",
            "Income",
            "Performance",
            "Position",
            "Variance",
            "Cash received",
            "Gross profit margin",
        ):
            self.assertIn(text, html)
        self.assertFalse(partner.xero_client_summary_note)
        self.assertTrue(link.refreshed_at)
        self.assertIn("Client A Ltd", link.display_name)

    def test_practice_organisation_can_be_linked_too(self):
        self.pick(self.wizard(), self.practice_org).action_link()
        self.assertEqual(self.client.xero_client_organisation_id, self.practice_org)
        self.assertEqual(self.connection.organisation_id, self.practice_org)
        self.assertEqual(self.connection.state, "connected")

    def test_link_through_a_new_authorisation(self):
        """Connect another organisation: Xero's login for another account,
        then back on the partner with its organisation linked."""
        self.authenticate("admin", "admin")
        action = self.wizard().action_connect_another()
        self.assertEqual(
            action["url"],
            f"/xero/oauth/start?purpose=client&partner_id={self.client.id}"
            f"&company_id={self.company.id}",
        )
        authorize = self.oauth_start(action)
        self.assertIn("accounting.reports.executivesummary.read", query_of(authorize)["scope"])
        response = self.url_open(
            path_of(consent(self.sandbox.url, authorize, email=OTHER_LOGIN)), allow_redirects=False
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertTrue(
            response.headers["Location"].endswith(f"/odoo/res.partner/{self.client.id}")
        )
        link = self.client.xero_client_link_id
        self.assertEqual(link.tenant_id, OTHER)
        self.assertEqual(link.xero_login, OTHER_LOGIN)
        self.assertNotEqual(link.authorization_id, self.auth, "a login of its own")
        self.assertEqual(link.state, "connected")
        self.assertTrue(link.refreshed_at, "read right after the login")
        self.assertEqual(self.client.xero_client_name, "Other Org")
        # The practice keeps its organisation and login.
        self.assertEqual(self.connection.tenant_id, PRACTICE)
        self.assertEqual(self.connection.authorization_id, self.auth)
        # Now offered to any client without a login.
        self.assertIn(link.organisation_id, self.wizard(self.other).line_ids.organisation_id)

    def test_two_partners_do_not_silently_share_an_organisation(self):
        self.link()
        with self.assertRaises(UserError) as caught:
            self.env["xero.client.link"]._link(self.other, self.org_a)
        self.assertIn("already linked to Client A.", str(caught.exception))
        self.assertFalse(self.other.xero_client_link_id)
        # The dialog says so and asks for "Link anyway".
        wizard = self.pick(self.wizard(self.other), self.org_a)
        self.assertEqual(wizard.linked_to, "Client A")
        self.assertIn("already linked to Client A", wizard.line_id.display_name)
        with self.assertRaises(UserError):
            wizard.action_link()
        wizard.action_link_anyway()
        self.assertEqual(self.other.xero_client_organisation_id, self.org_a)
        self.assertEqual(self.client.xero_client_organisation_id, self.org_a)
        # An organisation no one else uses needs no confirmation.
        self.assertFalse(self.pick(self.wizard(self.other), self.org_b).linked_to)

    def test_only_companies_and_one_link_per_company(self):
        person = self.env["res.partner"].create({"name": "Sam Person"})
        with self.assertRaises(UserError):
            self.env["xero.client.link"]._link(person, self.org_a)
        with self.assertRaises(UserError):
            person.action_xero_client_connect()
        link = self.link()
        relinked = self.link(org=self.org_b)
        self.assertEqual(relinked, link, "switching organisation keeps one link")
        self.assertEqual(link.organisation_id, self.org_b)
        self.assertEqual(self.client.xero_client_name, "Client B Ltd")

    # --- import ----------------------------------------------------------------------

    def test_import_one_field_and_confirm_overwrite(self):
        self.link()
        partner = self.client
        result = partner.with_context(xero_field="company_registry").action_xero_client_import()
        self.assertIs(result, True)
        self.assertEqual(partner.company_registry, "NZBN 9429041234567")
        # "Client A" -> "Client A Ltd" would overwrite: asks first.
        action = partner.with_context(xero_field="name").action_xero_client_import()
        self.assertEqual(action["res_model"], "xero.client.import.wizard")
        self.assertEqual(partner.name, "Client A")
        confirm = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(confirm.line_ids.mapped("current_value"), ["Client A"])
        self.assertEqual(confirm.line_ids.mapped("xero_value"), ["Client A Ltd"])
        confirm.action_overwrite()
        self.assertEqual(partner.name, "Client A Ltd")
        # The same value again: nothing to confirm.
        self.assertIs(partner.with_context(xero_field="name").action_xero_client_import(), True)
        with self.assertRaises(UserError):
            partner.with_context(xero_field="website").action_xero_client_import()

    def test_import_all_with_overwrite_confirmation(self):
        self.link()
        partner = self.client
        partner.write({"city": "Wellington", "street": "po box 1"})
        action = partner.action_xero_client_import_all()
        confirm = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(
            confirm.line_ids.mapped("key"),
            ["name", "city"],
            "same value in another case is no overwrite",
        )
        self.assertEqual(partner.city, "Wellington", "nothing written before confirming")
        confirm.action_fill_empty()
        self.assertEqual(partner.city, "Wellington", "kept")
        self.assertEqual(partner.name, "Client A")
        nz = self.env.ref("base.nz")
        self.assertRecordValues(
            partner,
            [
                {
                    "company_registry": "NZBN 9429041234567",
                    "vat": "111-222-333",
                    "street": "PO Box 1",
                    "street2": "Shortland St",
                    "xero_street3": "CBD",
                    "zip": "1010",
                    "country_id": nz.id,
                    "xero_country_text": False,
                }
            ],
        )
        self.assertEqual(partner.state_id.name, "Auckland")
        self.assertEqual(partner.state_id.country_id, nz)
        # Import all again: only the two kept values differ; overwrite them.
        action = partner.action_xero_client_import_all()
        confirm = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(confirm.line_ids.mapped("current_value"), ["Client A", "Wellington"])
        confirm.action_overwrite()
        self.assertEqual((partner.name, partner.city), ("Client A Ltd", "Auckland"))
        self.assertIs(partner.action_xero_client_import_all(), True, "nothing differs now")

    def test_country_change_asks_and_unknown_region_is_kept_as_text(self):
        self.link()
        partner = self.client
        partner.country_id = self.env.ref("base.au")
        action = partner.with_context(xero_field="country").action_xero_client_import()
        self.assertEqual(action["res_model"], "xero.client.import.wizard")
        self.env[action["res_model"]].browse(action["res_id"]).action_overwrite()
        self.assertEqual(partner.country_id, self.env.ref("base.nz"))
        self.sandbox.seed(
            {
                "organisations": [
                    {
                        "OrganisationID": CLIENT_A,
                        "Addresses": [
                            {
                                "AddressType": "POBOX",
                                "AddressLine1": "PO Box 1",
                                "Region": "Middle Earth",
                                "Country": "New Zealand",
                            }
                        ],
                    }
                ]
            }
        )
        partner.action_xero_client_refresh()
        result = partner.with_context(xero_field="state").action_xero_client_import()
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("Middle Earth", result["params"]["message"])
        self.assertFalse(partner.state_id)
        self.assertEqual(partner.xero_state_text, "Middle Earth")

    def test_xero_user_becomes_a_child_contact(self):
        self.link()
        cara = self.client.xero_client_user_ids.filtered(
            lambda u: u.email == "cara@client-a.example"
        )
        self.assertFalse(cara.contact_id)
        self.assertIs(cara.action_import_contact(), True)
        contact = self.client.child_ids
        self.assertRecordValues(
            contact, [{"name": "Cara Client", "email": "cara@client-a.example", "type": "contact"}]
        )
        self.assertEqual(cara.contact_id, contact)
        # One with that email exists: updated, and a different name asks first.
        contact.write({"name": "C. Client", "email": "CARA@client-a.example"})
        action = cara.action_import_contact()
        self.assertEqual(action["res_model"], "xero.client.import.wizard")
        confirm = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(confirm.contact_id, contact)
        self.assertEqual(contact.name, "C. Client")
        confirm.action_overwrite()
        self.assertEqual(len(self.client.child_ids), 1, "updated, not duplicated")
        self.assertEqual((contact.name, contact.email), ("Cara Client", "cara@client-a.example"))

    def test_plain_user_reads_and_imports_but_cannot_link(self):
        self.link()
        user = new_test_user(self.env, "clerk", groups="base.group_user,base.group_partner_manager")
        partner = self.client.with_user(user)
        self.assertEqual(partner.xero_client_name, "Client A Ltd")
        self.assertTrue(partner.xero_client_summary_html)
        partner.with_context(xero_field="vat").action_xero_client_import()
        self.assertEqual(self.client.vat, "111-222-333")
        partner.action_xero_client_refresh()  # reading Xero is allowed
        with self.assertRaises(AccessError):
            self.other.with_user(user).action_xero_client_connect()
        wizard = self.wizard(self.other).with_user(user)
        with self.assertRaises(AccessError):
            self.pick(wizard, self.org_b).action_link()
        with self.assertRaises(AccessError):
            partner.action_xero_client_disconnect()

    # --- cache, refresh, disconnect --------------------------------------------------

    def test_refresh_and_cache(self):
        link = self.link()
        earlier = fields.Datetime.now() - timedelta(hours=3)
        link.refreshed_at = earlier
        self.sandbox.seed(
            {"organisations": [{"OrganisationID": CLIENT_A, "Name": "Client A (renamed)"}]}
        )
        self.sandbox.clear_log()
        # Opening the form with a filled cache calls nobody.
        Form(self.client)
        self.assertEqual(self.sandbox.calls(), [])
        self.assertEqual(self.client.xero_client_name, "Client A Ltd")
        # Refresh re-reads.
        self.client.action_xero_client_refresh()
        self.assertGreater(link.refreshed_at, earlier)
        self.assertEqual(self.client.xero_client_name, "Client A (renamed)")
        self.assertEqual(self.org_a.name, "Client A (renamed)", "organisation record too")
        paths = [c["path"] for c in self.sandbox.calls()]
        self.assertTrue(any(p.endswith("/Organisation") for p in paths))
        self.assertTrue(any(p.endswith("/Users") for p in paths))
        self.assertTrue(any("ExecutiveSummary" in p for p in paths))

    def test_opening_never_calls_xero_the_refresh_does(self):
        link = self.env["xero.client.link"]._link(self.client, self.org_a)
        self.assertFalse(link.refreshed_at)
        self.sandbox.clear_log()
        Form(self.client)
        self.assertEqual(self.sandbox.calls(), [], "opening reads the cache only")
        self.env["xero.client.refresher"]._run()
        self.assertTrue(link.refreshed_at)
        self.assertEqual(self.client.xero_client_name, "Client A Ltd")

    def test_tab_needs_the_client_level_setting_and_a_company(self):
        self.company.xero_client_level = False
        self.assertFalse(self.client.xero_client_level_enabled)
        self.company.xero_client_level = True
        self.client.invalidate_recordset(["xero_client_level_enabled"])
        self.assertTrue(self.client.xero_client_level_enabled)
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn('name="xero_organisation"', arch)
        self.assertIn("not is_company or not xero_client_level_enabled", arch)

    def test_disconnect_keeps_the_practice_connection_and_login(self):
        link = self.link()
        self.client.action_xero_client_disconnect()
        self.assertFalse(link.exists())
        self.assertFalse(self.client.xero_client_link_id)
        self.assertEqual(self.connection.state, "connected")
        self.assertEqual(self.connection.organisation_id, self.practice_org)
        self.assertEqual(self.auth.state, "active")
        self.assertTrue(self.org_a.exists() and self.org_a.reachable)
        self.assertEqual(self.org_a.authorization_id, self.auth)
        # Pickable again, by anyone, with no "already linked".
        wizard = self.pick(self.wizard(self.other), self.org_a)
        self.assertFalse(wizard.linked_to)
        wizard.action_link()
        self.assertEqual(self.other.xero_client_organisation_id, self.org_a)
        self.assertEqual(self.login_calls(), [])

    def test_expired_authorisation_and_reconnect(self):
        link = self.link()
        self.auth.sudo().write({"state": "expired"})
        self.assertEqual(self.client.xero_client_state, "expired")
        self.assertEqual(self.connection.state, "expired")
        self.sandbox.clear_log()
        self.client.action_xero_client_refresh()
        self.assertEqual(self.sandbox.calls(), [], "an expired login is not used")
        self.assertIn("expired", link.refresh_note)
        self.assertEqual(self.client.xero_client_name, "Client A Ltd", "cache kept")
        # Reconnect: one login (same Xero user) brings the links back.
        self.authenticate("admin", "admin")
        action = self.client.action_xero_client_reconnect()
        self.assertIn(f"purpose=client&partner_id={self.client.id}", action["url"])
        location = consent(
            self.sandbox.url,
            self.oauth_start(action),
            email=LOGIN,
            tenants=[PRACTICE, CLIENT_A, CLIENT_B],
        )
        page = self.url_open(path_of(location), allow_redirects=False)
        # Three organisations granted at once: Odoo asks which one is this client's.
        self.assertEqual(page.status_code, 200, page.text[:500])
        self.assertIn("Client A Ltd", page.text)
        page = self.url_open(
            "/xero/oauth/choose",
            data={
                "csrf_token": hidden(page.text, "csrf_token"),
                "ticket": hidden(page.text, "ticket"),
                "organisation_id": self.org_a.id,
            },
            allow_redirects=False,
        )
        self.assertEqual(page.status_code, 303, page.text[:500])
        self.assertTrue(page.headers["Location"].endswith(f"/odoo/res.partner/{self.client.id}"))
        self.assertEqual(self.org_a.authorization_id, self.auth, "the same login record")
        self.assertEqual(self.auth.state, "active")
        self.assertEqual(link.state, "connected")
        self.assertEqual(self.client.xero_client_organisation_id, self.org_a)
        self.assertEqual(self.connection.state, "connected", "the practice came back too")
        self.client.action_xero_client_refresh()
        self.assertFalse(link.refresh_note)
        self.assertEqual(self.client.xero_client_name, "Client A Ltd")

    def test_revoked_organisation_is_unreachable(self):
        link = self.link()
        self.org_a.reachable = False
        self.assertEqual(link.state, "unreachable")
        self.client.action_xero_client_refresh()
        self.assertTrue(link.refresh_note)
        self.assertEqual(self.client.xero_client_name, "Client A Ltd")

    # --- partial answers ---------------------------------------------------------------

    def test_executive_summary_refused_keeps_the_rest(self):
        self.sandbox.fault(kind="status", status=403, match={"path": "/Reports/ExecutiveSummary"})
        link = self.link()
        self.assertFalse(link.summary_data)
        self.assertFalse(self.client.xero_client_summary_html)
        self.assertIn("Executive Summary is not available", self.client.xero_client_summary_note)
        self.assertEqual(self.client.xero_client_name, "Client A Ltd")
        self.assertEqual(len(self.client.xero_client_user_ids), 2)
        self.assertFalse(link.refresh_note)
        self.assertTrue(link.refreshed_at)
        # Allowed again on the next refresh.
        self.client.action_xero_client_refresh()
        self.assertTrue(self.client.xero_client_summary_html)
        self.assertFalse(self.client.xero_client_summary_note)

    def test_users_refused_or_none_and_bare_organisation(self):
        self.sandbox.fault(kind="status", status=403, match={"path": "/Users"})
        link = self.link(org=self.org_b)
        self.assertFalse(link.user_ids)
        self.assertIn("refused access to the users", link.users_note)
        self.assertTrue(link.summary_data)
        self.assertIn("No registration number", self.client.xero_client_organisation_note)
        self.assertFalse(self.client.xero_client_registration)
        self.sandbox.fault(kind="body", body='{"Users": []}', match={"path": "/Users"})
        self.client.action_xero_client_refresh()
        self.assertIn("No users are visible", link.users_note)
        self.assertEqual(self.client.xero_client_name, "Client B Ltd")

    def test_organisation_refusing_everything_says_so(self):
        link = self.link()
        self.sandbox.fault(kind="status", status=403, count=3, match={"tenant": CLIENT_A})
        self.client.action_xero_client_refresh()
        self.assertIn("refused every read", link.refresh_note)
        self.assertFalse(link.organisation_data)
        self.assertFalse(self.client.xero_client_has_data)

    def test_passing_failure_keeps_the_cached_part(self):
        link = self.link()
        self.sandbox.fault(
            kind="status", status=503, count=5, match={"path": "/Reports/ExecutiveSummary"}
        )
        self.client.action_xero_client_refresh()
        self.assertTrue(link.summary_data, "last summary kept")
        self.assertIn("could not be refreshed", link.summary_note)

    def test_malformed_users_answer_is_noted_and_the_rest_shown(self):
        link = self.link()
        users_before = link.user_ids.mapped("email")
        self.assertTrue(users_before)
        self.sandbox.fault(kind="body", body='{"Users": {"not": "a list"}}', count=5,
                           match={"path": "/Users"})
        self.client.action_xero_client_refresh()
        self.assertIn("could not be refreshed", link.users_note)
        self.assertEqual(link.user_ids.mapped("email"), users_before, "the last ones kept")
        self.assertEqual(self.client.xero_client_name, "Client A Ltd")

    # --- scheduled refresh ---------------------------------------------------------------

    def test_daily_refresh_stops_cleanly_at_the_rate_limit(self):
        cron = self.env.ref("xero_connector.ir_cron_xero_client_link_refresh")
        self.assertEqual(cron.code.strip(), "model._run()")
        link_a = self.link()
        link_b = self.link(partner=self.other, org=self.org_b)
        old = fields.Datetime.now() - timedelta(days=1)
        link_a.refreshed_at = old - timedelta(hours=1)  # oldest first
        link_b.refreshed_at = old
        self.sandbox.fault(
            kind="rate_limit",
            problem="day",
            retry_after=3600,
            match={"path": "/Organisation", "tenant": CLIENT_B},
        )
        done = self.env["xero.client.refresher"]._run()
        self.assertEqual(done, 1)
        self.assertGreater(link_a.refreshed_at, old)
        self.assertEqual(link_b.refreshed_at, old, "left for the next run")
        log = self.env["xero.sync.log"].search([("operation", "=", "refresh_clients")], limit=1)
        self.assertEqual(log.state, "failed")
        self.assertIn("1 of 2", log.message)
        # Next run: both refreshed, logged as done.
        self.assertEqual(self.env["xero.client.refresher"]._run(), 2)
        log = self.env["xero.sync.log"].search([("operation", "=", "refresh_clients")], limit=1)
        self.assertEqual(log.state, "done")
        self.assertEqual(link_b.refreshed_at > old, True)

    def test_one_client_failing_does_not_stop_the_daily_refresh(self):
        link_a = self.link()
        link_b = self.link(partner=self.other, org=self.org_b)
        old = fields.Datetime.now() - timedelta(days=1)
        link_a.refreshed_at = old - timedelta(hours=1)
        link_b.refreshed_at = old
        # Storing client A's new name is refused by this database.
        self.sandbox.seed({"organisations": [{"OrganisationID": CLIENT_A,
                                              "Name": "Client A Refused"}]})
        self.env.cr.execute("ALTER TABLE xero_organisation ADD CONSTRAINT test_refuse_a "
                            "CHECK (name <> 'Client A Refused')")
        with mute_logger("odoo.sql_db", "odoo.addons.xero_connector.models.xero_client_link"):
            self.env["xero.client.refresher"]._run()
        self.assertIn("test_refuse_a", link_a.refresh_note)
        self.assertEqual(link_a.refreshed_at, old - timedelta(hours=1), "nothing half-done")
        self.assertGreater(link_b.refreshed_at, old)
        self.assertFalse(link_b.refresh_note)
