import json
from datetime import timedelta
from unittest.mock import patch

from odoo import fields, sql_db
from odoo.exceptions import UserError
from odoo.sql_db import TestCursor
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PRACTICE, XeroCase, base_seed


class Interrupted(Exception):
    """Stands for a worker dying in the middle of a long run."""


@tagged("post_install", "-at_install")
class TestSyncWizard(XeroCase):
    @classmethod
    def sandbox_seed(cls):
        seed = base_seed()
        practice = seed["organisations"][0]
        practice["Contacts"] += [
            {"Name": "Smith & Sons", "EmailAddress": "hello@smith.example"},
            {"Name": "Old Customer", "ContactStatus": "ARCHIVED"},
        ]
        practice["Invoices"] = [{
            "Type": "ACCPAY", "Contact": {"Name": "Acme Supplies"}, "Status": "AUTHORISED",
            "LineItems": [{"Description": "Paper", "Quantity": 1, "UnitAmount": 10,
                           "AccountCode": "429"}],
        }]
        return seed

    def setUp(self):
        super().setUp()
        self.sandbox.reset(self.sandbox_seed())
        self.conn = self.connect_practice()
        self.Partner = self.env["res.partner"]
        self.Binding = self.env["xero.contact"]
        self.sandbox.clear_log()

    def refresh(self):
        return self.run_job(self.conn, "_run_job", "pull_contacts")

    def line(self, name):
        return self.Binding.with_context(active_test=False).search(
            [("backend_id", "=", self.conn.id), ("xero_name", "=", name)])

    def xero_contact(self, name):
        contacts = self.sandbox.state(PRACTICE, "contacts")
        return next(c for c in contacts if c["Name"] == name)

    def test_first_refresh_lists_contacts_with_suggestions(self):
        bayside = self.Partner.create({"name": "Bayside Club Ltd", "is_company": True})
        stats = self.refresh()
        self.assertEqual(stats["calls"], 1)
        [call] = self.sandbox.calls("/Contacts", "GET")
        self.assertEqual(call["query"].get("pageSize"), "1000")
        self.assertEqual(call["query"].get("includeArchived", "False").lower(), "false")
        lines = self.Binding.search([("backend_id", "=", self.conn.id)])
        self.assertEqual(set(lines.mapped("xero_name")),
                         {"Bayside Club", "Northwind Traders", "Acme Supplies", "Smith & Sons"})
        line = self.line("Bayside Club")
        self.assertEqual((line.xero_person, line.xero_email, line.xero_phone, line.xero_city),
                         ("Bob Partridge", "bob@bayside.example", "09 555 1234", "Auckland"))
        self.assertEqual(line.state, "review")
        self.assertEqual(line.match_partner_id, bayside)
        self.assertEqual(line.link_partner_id, bayside)
        self.assertGreaterEqual(line.match_score, 90)
        self.assertTrue(self.line("Acme Supplies").is_supplier)
        self.assertFalse(self.line("Old Customer"), "archived contacts are left out")

    def test_archived_contacts_only_when_asked(self):
        self.refresh()
        self.assertFalse(self.line("Old Customer"))
        self.run_job(self.conn, "_refresh_contacts", True)
        archived = self.line("Old Customer")
        self.assertEqual((archived.xero_status, archived.active), ("ARCHIVED", False))
        arch = self.env.ref("xero_connector.xero_contact_view_search").arch
        self.assertIn("('active', 'in', (True, False))", arch)

    def test_incremental_refresh(self):
        self.refresh()
        client = self.conn._xero_client()
        bayside = self.xero_contact("Bayside Club")
        client.save_contacts([{"ContactID": bayside["ContactID"], "EmailAddress":
                               "office@bayside.example"}], "k-upd")
        client.save_contacts([{"Name": "Brand New Ltd"}], "k-new")
        northwind = self.xero_contact("Northwind Traders")
        client.save_contacts([{"ContactID": northwind["ContactID"],
                               "ContactStatus": "ARCHIVED"}], "k-arch")
        self.sandbox.clear_log()
        stats = self.refresh()
        self.assertEqual(stats["calls"], 1)
        [call] = self.sandbox.calls("/Contacts", "GET")
        self.assertTrue(call["if_modified_since"], "only changes are asked for")
        # As the spec has it: UTC with its offset, whole seconds.
        self.assertRegex(call["if_modified_since"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
        self.assertEqual(self.line("Bayside Club").xero_email, "office@bayside.example")
        self.assertTrue(self.line("Brand New Ltd"))
        archived = self.line("Northwind Traders")
        self.assertEqual(archived.xero_status, "ARCHIVED")
        self.assertFalse(archived.active, "hidden from the screen")
        self.assertNotIn(archived, self.Binding.search([("backend_id", "=", self.conn.id)]))

    def test_weekly_full_read_catches_what_the_watermark_missed(self):
        self.refresh()
        client = self.conn._xero_client()
        northwind = self.xero_contact("Northwind Traders")
        client.save_contacts([{"ContactID": northwind["ContactID"],
                               "ContactStatus": "ARCHIVED"}], "k-missed")
        # A change Xero dated before our watermark (clock skew, a late write).
        self.conn.contacts_synced_at = fields.Datetime.now() + timedelta(hours=1)
        self.refresh()
        self.assertEqual(self.line("Northwind Traders").xero_status, "ACTIVE", "missed")
        self.conn.contacts_full_at = fields.Datetime.now() - timedelta(days=8)
        self.sandbox.clear_log()
        self.refresh()
        calls = self.sandbox.calls("/Contacts", "GET")
        self.assertFalse(any(c["if_modified_since"] for c in calls), "a full read")
        self.assertEqual(self.line("Northwind Traders").xero_status, "ARCHIVED")
        self.assertGreater(self.conn.contacts_full_at,
                           fields.Datetime.now() - timedelta(minutes=5))
        self.sandbox.clear_log()
        self.refresh()
        self.assertTrue(all(c["if_modified_since"] for c in
                            self.sandbox.calls("/Contacts", "GET")), "then incremental again")

    def test_import_per_line_maps_fields(self):
        self.refresh()
        line = self.line("Bayside Club")
        self.run_job(line, "action_import")
        partner = line.odoo_id
        self.assertEqual(line.state, "linked")
        self.assertTrue(partner.is_company)
        self.assertEqual((partner.name, partner.phone, partner.street, partner.city,
                          partner.zip, partner.country_id.code),
                         ("Bayside Club", "09 555 1234", "PO Box 10", "Auckland", "1011", "NZ"))
        [person] = partner.child_ids
        self.assertEqual((person.name, person.email, person.type),
                         ("Bob Partridge", "bob@bayside.example", "contact"))
        self.assertFalse(line.diff_ids, "an import leaves nothing to sync")
        self.assertFalse(line.need_push)
        self.assertFalse(self.sandbox.calls(method="POST"), "import writes nothing to Xero")

    def test_link_pushes_nothing_and_shows_differences(self):
        self.refresh()
        partner = self.Partner.create({"name": "Northwind", "is_company": True,
                                       "email": "ap@northwind.example"})
        line = self.line("Northwind Traders")
        line.link_partner_id = partner
        line.action_link()
        self.assertEqual(line.odoo_id, partner)
        self.assertEqual(partner.name, "Northwind", "nothing pulled")
        self.assertFalse(self.sandbox.calls(method="POST"), "nothing pushed")
        fields = set(line.diff_ids.mapped("field"))
        self.assertTrue({"name", "email", "vat"} <= fields)
        self.assertEqual(set(line.diff_ids.mapped("side")), {"new"})
        self.assertEqual(partner.xero_diff_count, len(line.diff_ids))

    def test_link_taking_data_from_xero(self):
        self.refresh()
        partner = self.Partner.create({"name": "Northwind", "is_company": True})
        line = self.line("Northwind Traders")
        line.write({"link_partner_id": partner.id, "merge_from": "xero"})
        line.action_link()
        self.assertEqual((partner.name, partner.vat), ("Northwind Traders", "123-456-789"))
        self.assertFalse(line.diff_ids)

    def test_link_taking_data_from_odoo(self):
        self.refresh()
        partner = self.Partner.create({"name": "Northwind Traders", "is_company": True,
                                       "city": "Napier", "phone": "06 835 0000"})
        line = self.line("Northwind Traders")
        line.write({"link_partner_id": partner.id, "merge_from": "odoo"})
        line.action_link()
        self.assertFalse(self.sandbox.calls("/Contacts", "POST"), "sent by the push job")
        self.assertTrue(line.need_push)
        self.assertEqual({d.side for d in line.diff_ids}, {"odoo"})
        self.run_job(self.conn, "_run_job", "push_contacts")
        contact = self.xero_contact("Northwind Traders")
        pobox = next(a for a in contact["Addresses"] if a["AddressType"] == "POBOX")
        self.assertEqual(pobox["City"], "Napier")
        phone = next(p for p in contact["Phones"] if p["PhoneType"] == "DEFAULT")
        self.assertEqual(phone["PhoneNumber"], "06 835 0000")
        self.assertEqual(partner.city, "Napier", "Odoo keeps its data")
        self.assertFalse(line.need_push)

    def test_one_partner_refused_by_the_database_does_not_fail_the_batch(self):
        self.refresh()
        lines = self.Binding.search([("backend_id", "=", self.conn.id),
                                     ("state", "=", "review")])
        # A rule of this database refuses one of them (e.g. a module's constraint).
        self.env.cr.execute("ALTER TABLE res_partner ADD CONSTRAINT test_refuse_smith "
                            "CHECK (name <> 'Smith & Sons')")
        with mute_logger("odoo.sql_db"):
            self.run_job(self.env["xero.contact.importer"], "_import", self.conn, lines)
        smith = self.line("Smith & Sons")
        self.assertEqual(smith.state, "review")
        self.assertIn("Could not import", smith.import_note)
        self.assertIn("test_refuse_smith", smith.import_note)
        others = lines - smith
        self.assertEqual(set(others.mapped("state")), {"linked"})
        self.assertEqual(len(others.odoo_id), len(others))
        self.assertFalse(smith.sync_action, "not retried by the background job forever")

    def test_link_by_score_skips_a_suggestion_taken_meanwhile(self):
        northwind = self.Partner.create({"name": "Northwind Traders", "is_company": True})
        bayside = self.Partner.create({"name": "Bayside Club", "is_company": True})
        self.refresh()
        line, other = self.line("Northwind Traders"), self.line("Bayside Club")
        self.assertEqual((line.match_partner_id, other.match_partner_id), (northwind, bayside))
        # Someone links the suggested partner to another Xero contact first.
        self.line("Smith & Sons")._link(northwind)
        action = self.Binding._link_by_score(90)
        self.assertEqual(line.state, "review")
        self.assertIn("already linked", line.import_note)
        self.assertEqual((other.state, other.odoo_id), ("linked", bayside))
        self.assertIn("1 could not be linked", action["params"]["message"])

    def test_ignore_and_stop_ignoring(self):
        self.refresh()
        line = self.line("Acme Supplies")
        line.action_ignore()
        self.assertEqual(line.state, "ignored")
        self.refresh()
        self.assertEqual(line.state, "ignored", "a refresh does not bring it back")
        line.action_stop_ignoring()
        self.assertEqual(line.state, "review")
        line.action_ignore()
        self.run_job(line, "action_import")
        self.assertEqual(line.state, "linked")

    def test_sync_button_applies_chosen_actions(self):
        self.refresh()
        partner = self.Partner.create({"name": "Smith and Sons"})
        self.line("Acme Supplies").sync_action = "ignore"
        self.line("Bayside Club").sync_action = "import"
        smith = self.line("Smith & Sons")
        smith.write({"sync_action": "link", "link_partner_id": partner.id})
        lines = self.line("Acme Supplies") | self.line("Bayside Club") | smith
        self.run_job(lines, "action_sync")
        self.assertEqual(lines.mapped("state"), ["ignored", "linked", "linked"])
        self.assertEqual(smith.odoo_id, partner)

    def test_bulk_actions(self):
        self.Partner.create({"name": "Smith & Sons Ltd"})
        self.Partner.create({"name": "Smith and Sons Pty"})  # ambiguous with the first
        northwind = self.Partner.create({"name": "Northwind Traders Limited"})
        self.refresh()
        self.assertTrue(self.line("Smith & Sons").match_ambiguous)
        with self.job_env() as env:
            env["xero.contact"]._link_by_score(80)
        self.assertEqual(self.line("Northwind Traders").odoo_id, northwind)
        self.assertEqual(self.line("Smith & Sons").state, "review", "ambiguous: not linked")
        with self.job_env() as env:
            env["xero.contact"].action_ignore_suppliers()
        self.assertEqual(self.line("Acme Supplies").state, "ignored")
        with self.job_env() as env:
            env["xero.contact"].action_import_all_unmatched()
        self.assertEqual(self.line("Bayside Club").state, "linked")
        self.assertEqual(self.line("Smith & Sons").state, "review", "it has a suggestion")

    def test_double_link_is_refused(self):
        self.refresh()
        partner = self.Partner.create({"name": "One partner"})
        first, second = self.line("Bayside Club"), self.line("Northwind Traders")
        first._link(partner)
        with self.assertRaisesRegex(UserError, "already linked"):
            second._link(partner)
        with self.assertRaisesRegex(UserError, "already linked"):
            first._link(self.Partner.create({"name": "Another"}))

    def test_interrupted_import_resumes_without_duplicates(self):
        self.sandbox.generate(organisation=PRACTICE, contacts=1200, seed=7)
        self.refresh()
        lines = self.Binding.search([("backend_id", "=", self.conn.id),
                                     ("state", "=", "review")])
        self.assertEqual(len(lines), 1204)
        partners_before = self.Partner.search_count([])
        commits = []
        real_commit = TestCursor.commit

        def dying_commit(cr):
            commits.append(1)
            if len(commits) == 2:
                raise Interrupted()
            return real_commit(cr)

        with patch.object(TestCursor, "commit", dying_commit):
            self.assertRaisesNoRollback(
                Interrupted, self.run_job, self.env["xero.contact.importer"], "_import",
                self.conn, lines, 500)
        linked = lines.filtered(lambda b: b.state == "linked")
        self.assertEqual(len(linked), 500, "the first batch was committed")
        self.run_job(self.env["xero.contact.importer"], "_import", self.conn, lines, 500)
        self.assertEqual(set(lines.mapped("state")), {"linked"})
        self.assertEqual(len(lines.mapped("odoo_id")), 1204)
        created = self.Partner.search([("id", "in", lines.odoo_id.ids)])
        self.assertEqual(len(created), 1204)
        # Companies plus their primary persons, nothing twice.
        new_partners = self.Partner.search_count([]) - partners_before
        persons = self.Partner.search_count([("parent_id", "in", lines.odoo_id.ids)])
        self.assertEqual(new_partners, 1204 + persons)
        names = lines.odoo_id.mapped("name")
        self.assertEqual(len(names), len(set(names)))

    def test_large_import_runs_in_the_background_job(self):
        """Beyond the inline limit the import is queued for the connection's
        job, which creates the partners batch by batch and reports progress."""
        self.refresh()
        lines = self.Binding.search([("backend_id", "=", self.conn.id),
                                     ("state", "=", "review")])
        self.assertGreater(len(lines), 2)
        cron = self.conn._cron("import_contacts")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        with patch("odoo.addons.xero_connector.models.xero_contact_review."
                   "IMPORT_INLINE_LIMIT", 2):
            action = lines.action_import()
        self.assertIn(f"{len(lines)} contacts are being imported", action["params"]["message"])
        self.assertEqual(set(lines.mapped("state")), {"review"}, "nothing imported inline")
        self.assertEqual(set(lines.mapped("sync_action")), {"import"})
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.run_job(cron, "method_direct_trigger")
        self.assertEqual(set(lines.mapped("state")), {"linked"})
        self.assertEqual(len(lines.odoo_id), len(lines))
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)])
        self.assertEqual((progress.done, progress.remaining), (len(lines), 0))
        log = self.env["xero.sync.log"].search([("connection_id", "=", self.conn.id),
                                                ("operation", "=", "import_contacts")])
        self.assertEqual(sum(log.mapped("count")), len(lines))

    def test_import_costs_the_same_queries_per_contact_at_any_size(self):
        self.sandbox.generate(organisation=PRACTICE, contacts=400, seed=3)
        self.refresh()
        lines = self.Binding.search([("backend_id", "=", self.conn.id),
                                     ("state", "=", "review")], order="id")
        per_contact = []
        for chunk in (lines[:100], lines[100:400]):
            before = sql_db.sql_counter
            self.run_job(self.env["xero.contact.importer"], "_import", self.conn, chunk)
            per_contact.append((sql_db.sql_counter - before) / len(chunk))
        small, large = per_contact
        self.assertLessEqual(large, small * 1.1, per_contact)
        self.assertLess(large, 6, "a handful of queries per contact, not per field")

    def test_bad_payloads_import_with_notes(self):
        """Xero data we cannot map fully still imports, with a note on the
        line; the rest of the batch goes on."""
        long_name = "Long " + "x" * 250
        odd = [
            {"ContactID": "aaaaaaaa-0000-4000-8000-000000000001", "Name": long_name,
             "ContactStatus": "ACTIVE", "UpdatedDateUTC": "/Date(1700000000000+0000)/"},
            {"ContactID": "aaaaaaaa-0000-4000-8000-000000000002", "Name": "Ünïcødé ☃ Café",
             "EmailAddress": "not an email", "ContactStatus": "ACTIVE",
             "UpdatedDateUTC": "/Date(1700000000000+0000)/"},
            {"ContactID": "aaaaaaaa-0000-4000-8000-000000000003", "Name": "Atlantis Trading",
             "ContactStatus": "ACTIVE", "UpdatedDateUTC": "not a date",
             "Addresses": [{"AddressType": "POBOX", "City": "Poseidonia",
                            "Country": "Atlantis", "Region": "Deep"}]},
            {"ContactID": "aaaaaaaa-0000-4000-8000-000000000004", "Name": "Odd Status",
             "ContactStatus": "WEIRD", "UpdatedDateUTC": "/Date(1700000000000+0000)/"},
            {"Name": "No id at all"},
            "not even an object",
        ]
        self.sandbox.fault(kind="body", match={"path": "/Contacts", "method": "GET"},
                           body=json.dumps({"Status": "OK", "Contacts": odd}))
        self.refresh()
        lines = self.line(long_name) | self.line("Ünïcødé ☃ Café") | self.line(
            "Atlantis Trading") | self.line("Odd Status")
        self.assertEqual(len(lines), 4)
        self.assertIn("not a valid address", self.line("Ünïcødé ☃ Café").import_note)
        self.assertIn("not a date", self.line("Atlantis Trading").import_note)
        self.assertIn("WEIRD", self.line("Odd Status").import_note)
        self.run_job(lines, "action_import")
        self.assertEqual(set(lines.mapped("state")), {"linked"})
        atlantis = self.line("Atlantis Trading")
        self.assertEqual(atlantis.odoo_id.xero_country_text, "Atlantis")
        self.assertFalse(atlantis.odoo_id.country_id)
        self.assertIn("Atlantis", atlantis.import_note)
        self.assertEqual(self.line(long_name).odoo_id.name, long_name)
        self.assertEqual(self.line("Ünïcødé ☃ Café").odoo_id.name, "Ünïcødé ☃ Café")
        self.assertFalse(atlantis.diff_ids, "raw text counts as the same value")

    def test_missing_name_gets_a_note(self):
        self.sandbox.seed({"organisations": [{"OrganisationID": PRACTICE, "Contacts": [
            {"Name": "Will Be Blanked", "FirstName": "Nina", "LastName": "Noname"}]}]})
        self.sandbox.fault(kind="body", match={"path": "/Contacts", "method": "GET"},
                           mutate={"set_fields": {"Name": ""}})
        self.refresh()
        blank = self.Binding.search([("backend_id", "=", self.conn.id),
                                     ("xero_name", "=", "Nina Noname")])
        self.assertTrue(blank)
        self.assertIn("no name", blank.import_note)

    def test_refresh_in_pages(self):
        self.sandbox.generate(organisation=PRACTICE, contacts=2500, seed=3)
        stats = self.refresh()
        self.assertEqual(stats["calls"], 3)
        self.assertEqual(self.Binding.search_count([("backend_id", "=", self.conn.id)]), 2504)

    def test_full_read_resumes_where_it_stopped(self):
        self.sandbox.generate(organisation=PRACTICE, contacts=2500, seed=4)
        stats = self.run_job(self.conn, "_run_job", "pull_contacts", max_pages=2)
        self.assertFalse(stats["done"])
        self.assertEqual(self.conn.contacts_full_page, 3)
        self.sandbox.clear_log()
        stats = self.run_job(self.conn, "_run_job", "pull_contacts")
        self.assertTrue(stats["done"])
        [call] = self.sandbox.calls("/Contacts", "GET")
        self.assertEqual(call["query"].get("page"), "3", "no page read twice")
        self.assertEqual(call["query"].get("order"), "ContactID ASC")
        self.assertEqual(self.conn.contacts_full_page, 0)
        self.assertTrue(self.conn.contacts_full_at)
        self.assertEqual(self.Binding.search_count([("backend_id", "=", self.conn.id)]), 2504)

    def test_importing_an_archived_contact_keeps_it_in_sync(self):
        self.run_job(self.conn, "_refresh_contacts", True)
        line = self.line("Old Customer")
        self.assertFalse(line.active)
        self.run_job(line, "action_import")
        self.assertTrue(line.active, "a linked contact is never hidden")
        self.assertEqual(line.state, "linked")

    def test_employees_read_the_lines_managers_change_them(self):
        from odoo.exceptions import AccessError
        from odoo.tests import new_test_user

        self.refresh()
        employee = new_test_user(self.env, "plain_employee", groups="base.group_user")
        line = self.line("Bayside Club").with_user(employee)
        self.assertEqual(line.xero_name, "Bayside Club")
        with self.assertRaises(AccessError):
            line.write({"external_id": "someone-else"})
        with self.assertRaises(AccessError):
            line.action_ignore()
