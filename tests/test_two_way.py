from unittest.mock import patch

from odoo.sql_db import TestCursor
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..xero_core.idempotency import request_key
from .common import PRACTICE, XeroCase


class Interrupted(Exception):
    pass


@tagged("post_install", "-at_install")
class TestTwoWay(XeroCase):
    def setUp(self):
        super().setUp()
        self.sandbox.reset(self.sandbox_seed())
        self.conn = self.connect_practice()
        self.run_job(self.conn, "_run_job", "pull_contacts")
        self.Binding = self.env["xero.contact"]
        self.sandbox.clear_log()

    def line(self, name):
        return self.Binding.search([("backend_id", "=", self.conn.id), ("xero_name", "=", name)])

    def imported(self, name):
        line = self.line(name)
        self.run_job(line, "action_import")
        return line, line.odoo_id

    def xero(self, name=None, contact_id=None):
        for contact in self.sandbox.state(PRACTICE, "contacts"):
            if contact["ContactID"] == contact_id or (name and contact["Name"] == name):
                return contact
        return None

    def xero_update(self, contact_id, **fields):
        payload = [dict(ContactID=contact_id, **fields)]
        self.conn._xero_client().save_contacts(payload, request_key(["test"], payload))

    def push(self):
        return self.run_job(self.conn, "_run_job", "push_contacts")

    def pull(self):
        return self.run_job(self.conn, "_run_job", "pull_contacts", full=False)

    def test_senta_bob_robert_robbie(self):
        self.conn.auto_push = False
        line, partner = self.imported("Bayside Club")
        [bob] = partner.child_ids
        bob.name = "Robert Partridge"
        self.assertTrue(line.need_push)
        [diff] = line.diff_ids
        self.assertEqual((diff.field, diff.odoo_value, diff.xero_value, diff.side),
                         ("first_name", "Robert", "Bob", "odoo"))
        self.assertEqual(partner.xero_diff_count, 1)
        self.run_job(diff, "action_push")
        self.assertEqual(self.xero(contact_id=line.external_id)["FirstName"], "Robert")
        self.assertFalse(line.diff_ids)
        # Xero changes it to Robbie: Odoo offers a pull (auto-pull is off).
        self.xero_update(line.external_id, FirstName="Robbie")
        self.pull()
        [diff] = line.diff_ids
        self.assertEqual((diff.side, diff.xero_value, diff.odoo_value),
                         ("xero", "Robbie", "Robert"))
        self.assertEqual(bob.name, "Robert Partridge", "waits for review")
        self.run_job(diff, "action_pull")
        self.assertEqual(bob.name, "Robbie Partridge")
        self.assertFalse(line.diff_ids)
        self.assertFalse(line.need_push, "a pull does not echo back")

    def test_auto_pull_without_echo(self):
        self.conn.auto_pull = True
        line, partner = self.imported("Northwind Traders")
        self.xero_update(line.external_id, Name="Northwind Traders Group",
                         EmailAddress="ap@northwind.example")
        self.pull()
        self.assertEqual(partner.name, "Northwind Traders Group")
        self.assertEqual(partner.email, "ap@northwind.example")
        self.assertFalse(line.diff_ids)
        self.assertFalse(line.need_push)
        self.sandbox.clear_log()
        stats = self.push()
        self.assertEqual(stats["calls"], 0, "nothing to send back")

    def test_only_synced_fields_mark_a_push(self):
        line, partner = self.imported("Northwind Traders")
        partner.comment = "internal note"
        self.assertFalse(line.need_push)
        partner.city = "Wellington"
        self.assertTrue(line.need_push)

    def test_auto_push_sends_changed_fields_only(self):
        line, partner = self.imported("Northwind Traders")
        partner.write({"phone": "04 999 0000", "street": "1 Lambton Quay",
                       "country_id": self.env.ref("base.nz").id})
        stats = self.push()
        self.assertEqual((stats["calls"], stats["pushed"]), (1, 1))
        [call] = self.sandbox.calls("/Contacts", "POST")
        self.assertEqual(call["query"].get("summarizeErrors", "").lower(), "false")
        self.assertTrue(call["idempotency_key"])
        contact = self.xero(contact_id=line.external_id)
        phone = next(p for p in contact["Phones"] if p["PhoneType"] == "DEFAULT")
        self.assertEqual(phone["PhoneNumber"], "04 999 0000")
        address = next(a for a in contact["Addresses"] if a["AddressType"] == "POBOX")
        self.assertEqual((address["AddressLine1"], address["Country"]),
                         ("1 Lambton Quay", "New Zealand"))
        self.assertEqual(contact["TaxNumber"], "123-456-789", "untouched")
        self.assertFalse(line.need_push)
        self.assertFalse(line.diff_ids)

    def _conflict(self, policy):
        self.conn.conflict_policy = policy
        line, partner = self.imported("Northwind Traders")
        partner.with_context(xero_no_push=True).email = "odoo@northwind.example"
        line.need_push = False  # the Odoo edit has not been pushed yet
        self.xero_update(line.external_id, EmailAddress="xero@northwind.example")
        self.pull()
        return line, partner

    def test_conflict_ask(self):
        self.conn.conflict_policy = "ask"
        salesperson = new_test_user(self.env, "xero_salesperson", groups="base.group_user")
        line, partner = self.imported("Northwind Traders")
        partner.with_context(xero_no_push=True).write(
            {"user_id": salesperson.id, "email": "odoo@northwind.example"})
        line.need_push = False  # the Odoo edit has not been pushed yet
        self.xero_update(line.external_id, EmailAddress="xero@northwind.example")
        self.pull()
        [diff] = line.diff_ids
        self.assertEqual((diff.side, diff.odoo_value, diff.xero_value),
                         ("both", "odoo@northwind.example", "xero@northwind.example"))
        activity = partner.activity_ids.filtered(lambda a: "conflict" in a.summary)
        self.assertEqual(activity.user_id, salesperson, "for the salesperson")
        self.assertEqual(partner.email, "odoo@northwind.example")

    def test_defaults_and_scheduled_actions_report_progress(self):
        fresh = self.env["xero.connection"].new({})
        self.assertEqual((fresh.auto_push, fresh.auto_pull, fresh.create_in_xero,
                          fresh.conflict_policy), (True, False, "off", "ask"))
        lines = self.Binding
        for name in ("Northwind Traders", "Bayside Club"):
            line, partner = self.imported(name)
            partner.city = "Progress City"
            lines |= line
        for job, done in (("push_contacts", 2), ("pull_contacts", None)):
            cron = self.conn._cron(job)
            self.run_job(cron, "method_direct_trigger")
            progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)])
            self.assertEqual(len(progress), 1, job)
            self.assertEqual(progress.remaining, 0, job)
            if done is not None:
                self.assertEqual(progress.done, done, job)
        self.assertFalse(lines.filtered("need_push"))

    def test_conflict_odoo_wins(self):
        line, partner = self._conflict("odoo")
        self.assertTrue(line.need_push)
        self.push()
        self.assertEqual(self.xero(contact_id=line.external_id)["EmailAddress"],
                         "odoo@northwind.example")
        self.assertFalse(line.diff_ids)

    def test_conflict_xero_wins(self):
        line, partner = self._conflict("xero")
        self.assertEqual(partner.email, "xero@northwind.example")
        self.assertFalse(line.diff_ids)
        self.assertFalse(line.need_push)

    def test_new_partner_with_existing_name_links_to_it(self):
        self.conn.create_in_xero = "all"
        self.assertTrue(self.conn.create_in_xero_since)
        partner = self.env["res.partner"].create({
            "name": "Acme Supplies", "is_company": True, "phone": "03 111 2222",
            "email": False})
        fresh = self.env["res.partner"].create({"name": "Fresh Customer Ltd",
                                                "is_company": True})
        self.push()
        acme = [c for c in self.sandbox.state(PRACTICE, "contacts")
                if c["Name"].startswith("Acme Supplies")]
        self.assertEqual(len(acme), 1, "no duplicate, no 'Acme Supplies (1)'")
        binding = partner.xero_contact_ids
        self.assertEqual(binding.external_id, acme[0]["ContactID"])
        self.assertEqual(acme[0]["EmailAddress"], "sales@acme.example",
                         "a blank Odoo value does not wipe Xero's")
        phone = next(p for p in acme[0]["Phones"] if p["PhoneType"] == "DEFAULT")
        self.assertEqual(phone["PhoneNumber"], "03 111 2222")
        self.assertTrue(fresh.xero_contact_ids.external_id)
        self.assertTrue(self.xero(name="Fresh Customer Ltd"))
        # The review line of the same Xero contact is gone: one binding only.
        self.assertEqual(len(self.Binding.with_context(active_test=False).search(
            [("external_id", "=", acme[0]["ContactID"])])), 1)

    def test_customers_only_and_historical_partners(self):
        old = self.env["res.partner"].create({"name": "Old Partner Ltd"})
        self.conn.create_in_xero = "customers"
        prospect = self.env["res.partner"].create({"name": "Prospect Ltd"})
        customer = self.env["res.partner"].create({"name": "Customer Ltd", "customer_rank": 1})
        self.push()
        self.assertTrue(customer.xero_contact_ids)
        self.assertFalse(prospect.xero_contact_ids)
        self.assertFalse(old.xero_contact_ids, "partners from before the option stay out")

    def test_archived_or_deleted_partner_is_not_archived_in_xero(self):
        line, partner = self.imported("Northwind Traders")
        partner.action_archive()
        self.push()
        self.assertEqual(self.xero(contact_id=line.external_id)["ContactStatus"], "ACTIVE")
        self.assertFalse(self.sandbox.calls("/Contacts", "POST"))
        line2, partner2 = self.imported("Acme Supplies")
        external_id = line2.external_id
        partner2.unlink()
        self.assertEqual(line2.state, "review", "only the link goes")
        self.assertEqual(self.xero(contact_id=external_id)["ContactStatus"], "ACTIVE")

    def test_batch_with_two_invalid_records(self):
        self.sandbox.generate(organisation=PRACTICE, contacts=60, seed=11)
        self.run_job(self.conn, "_run_job", "pull_contacts", full=True)
        lines = self.Binding.search([("backend_id", "=", self.conn.id),
                                     ("state", "=", "review")])
        self.run_job(lines, "action_import")
        lines = lines.sorted("id")[:55]
        for i, line in enumerate(lines):
            line.odoo_id.city = f"City {i}"
        bad_email, clash = lines[3], lines[40]
        bad_email.odoo_id._xero_primary_person().email = "bad@"
        clash.odoo_id.name = "Northwind Traders"  # another active Xero contact has it
        self.sandbox.clear_log()
        stats = self.push()
        self.assertEqual(stats["calls"], 2)
        self.assertEqual((stats["pushed"], stats["failed"]), (53, 2))
        self.assertIn("Email address must be valid", bad_email.error_message)
        self.assertIn("already assigned to another contact", clash.error_message)
        self.assertEqual(bad_email.sync_state, "error")
        for line in lines - bad_email - clash:
            self.assertFalse(line.error_message)
            contact = self.xero(contact_id=line.external_id)
            # Written to the address the contact has (a street-only one stays so).
            kind = line.xero_values["address_type"]
            address = next(a for a in contact["Addresses"] if a["AddressType"] == kind)
            self.assertEqual(address["City"], line.odoo_id.city)
        failed = self.env["xero.sync.log"].search([("state", "=", "failed"),
                                                   ("binding_model", "=", "xero.contact")])
        self.assertEqual(set(failed.mapped("binding_id")), {bad_email.id, clash.id})
        # The log names the partners, as users know them.
        self.assertEqual(set(failed.mapped("res_id")), {bad_email.odoo_id.id, clash.odoo_id.id})
        self.assertEqual(set(failed.mapped("res_model")), {"res.partner"})
        # Fix and retry from the log.
        bad_email.odoo_id._xero_primary_person().email = "good@example.com"
        self.run_job(failed.filtered(lambda f: f.binding_id == bad_email.id), "action_retry")
        self.push()
        self.assertFalse(bad_email.error_message)

    def test_crash_after_xero_answered_creates_no_duplicate(self):
        self.conn.create_in_xero = "all"
        partners = self.env["res.partner"].create([{"name": f"Crash Test {i}"}
                                                   for i in range(3)])
        real_commit = TestCursor.commit
        commits = []

        def dying_commit(cr):
            commits.append(1)
            if len(commits) == 2:  # 1: bindings created; 2: after Xero answered
                raise Interrupted()
            return real_commit(cr)

        with patch.object(TestCursor, "commit", dying_commit):
            self.assertRaisesNoRollback(Interrupted, self.push)
        [first] = self.sandbox.calls("/Contacts", "POST")
        self.assertFalse(partners.xero_contact_ids.filtered("external_id"))
        self.push()
        calls = self.sandbox.calls("/Contacts", "POST")
        self.assertEqual(len(calls), 2)
        self.assertEqual(calls[1]["idempotency_key"], first["idempotency_key"])
        for i in range(3):
            named = [c for c in self.sandbox.state(PRACTICE, "contacts")
                     if c["Name"].startswith(f"Crash Test {i}")]
            self.assertEqual(len(named), 1)
        self.assertEqual(len(partners.xero_contact_ids.filtered("external_id")), 3)
        # A new change gets a new key.
        partners[0].city = "Napier"
        self.push()
        calls = self.sandbox.calls("/Contacts", "POST")
        self.assertNotEqual(calls[-1]["idempotency_key"], first["idempotency_key"])

    def test_pull_with_nothing_changed_is_one_call(self):
        self.pull()
        self.sandbox.clear_log()
        stats = self.pull()
        self.assertEqual(stats["calls"], 1)

    def test_push_in_batches_of_fifty(self):
        self.sandbox.generate(organisation=PRACTICE, contacts=120, seed=5)
        self.run_job(self.conn, "_run_job", "pull_contacts", full=True)
        lines = self.Binding.search([("backend_id", "=", self.conn.id),
                                     ("state", "=", "review")])
        self.run_job(lines, "action_import")
        lines.odoo_id.write({"city": "Dunedin"})
        self.sandbox.clear_log()
        stats = self.push()
        self.assertEqual(stats["pushed"], len(lines))
        self.assertEqual(stats["calls"], -(-len(lines) // 50))

    def test_cron_entry_points(self):
        line, partner = self.imported("Northwind Traders")
        partner.city = "Hamilton"
        cron = self.conn._cron("push_contacts")
        self.assertTrue(cron.active)
        self.run_job(self.conn, "_cron_run", "push_contacts")
        self.assertFalse(line.need_push)
        addresses = self.xero(contact_id=line.external_id)["Addresses"]
        self.assertEqual(next(a["City"] for a in addresses if a["AddressType"] == "POBOX"),
                         "Hamilton")
        self.conn.action_disconnect()
        partner.city = "Tauranga"
        self.run_job(self.conn, "_cron_run", "push_contacts")
        self.assertTrue(line.need_push, "a disconnected company does not sync")

    def test_separate_pushes_after_a_link_each_reach_xero(self):
        """Each push is its own request: a second one is not mistaken for a
        replay of the first."""
        partner = self.env["res.partner"].create({
            "name": "Northwind Traders", "is_company": True,
            "email": "hello@northwind.example", "phone": "04 111 2222"})
        line = self.line("Northwind Traders")
        line._link(partner)
        self.run_job(line.diff_ids.filtered(lambda d: d.field == "email"), "action_push")
        self.run_job(line.diff_ids.filtered(lambda d: d.field == "phone"), "action_push")
        contact = self.xero(contact_id=line.external_id)
        self.assertEqual(contact["EmailAddress"], "hello@northwind.example")
        phone = next(p for p in contact["Phones"] if p["PhoneType"] == "DEFAULT")
        self.assertEqual(phone["PhoneNumber"], "04 111 2222")
        keys = [c["idempotency_key"] for c in self.sandbox.calls("/Contacts", "POST")]
        self.assertEqual(len(set(keys)), 2)

    def test_address_push_keeps_a_city_changed_in_xero(self):
        self.conn.auto_push = False
        line, partner = self.imported("Bayside Club")
        self.xero_update(line.external_id, Addresses=[{
            "AddressType": "POBOX", "AddressLine1": "PO Box 10", "City": "Wellington",
            "PostalCode": "1011", "Country": "New Zealand"}])
        self.pull()
        self.assertEqual([d.field for d in line.diff_ids], ["city"])
        partner.zip = "6011"
        self.run_job(line.diff_ids.filtered(lambda d: d.field == "zip"), "action_push")
        address = next(a for a in self.xero(contact_id=line.external_id)["Addresses"]
                       if a["AddressType"] == "POBOX")
        self.assertEqual((address["PostalCode"], address["City"]), ("6011", "Wellington"))
        [diff] = line.diff_ids
        self.assertEqual((diff.field, diff.side), ("city", "xero"), "still offered as a pull")

    def test_multi_word_surname_is_not_pushed_back_split_differently(self):
        self.sandbox.seed({"organisations": [{"OrganisationID": PRACTICE, "Contacts": [
            {"Name": "Jan van der Berg", "FirstName": "Jan", "LastName": "van der Berg",
             "EmailAddress": "jan@berg.example"}]}]})
        self.run_job(self.conn, "_run_job", "pull_contacts", full=False)
        line, partner = self.imported("Jan van der Berg")
        self.assertFalse(partner.is_company)
        self.assertFalse(line.diff_ids)
        partner.city = "Utrecht"
        self.push()
        contact = self.xero(contact_id=line.external_id)
        self.assertEqual((contact["FirstName"], contact["LastName"]), ("Jan", "van der Berg"))

    def test_a_partner_shared_between_companies_marks_every_binding(self):
        line, partner = self.imported("Northwind Traders")
        other = self.env["res.company"].create({"name": "Other Co"})
        user = self.env["res.users"].create({
            "name": "Other company user", "login": "other_co_user",
            "company_id": other.id, "company_ids": [(6, 0, [other.id])],
            "groups_id": [(6, 0, [self.env.ref("base.group_partner_manager").id,
                                  self.env.ref("base.group_user").id])]})
        self.assertFalse(partner.company_id, "imported partners are shared")
        partner.with_user(user).with_company(other).write({"city": "Taupo"})
        self.assertTrue(line.need_push)

    def test_an_employee_who_can_edit_the_partner_settles_differences(self):
        employee = new_test_user(self.env, "salesperson",
                                 groups="base.group_user,base.group_partner_manager")
        self.conn.auto_push = False
        line, partner = self.imported("Northwind Traders")
        partner.city = "Napier"
        with self.job_env() as env:
            line.diff_ids.with_env(env).with_user(employee).action_push()
        addresses = self.xero(contact_id=line.external_id)["Addresses"]
        self.assertEqual(next(a["City"] for a in addresses if a["AddressType"] == "POBOX"),
                         "Napier")

    def test_ignore_one_change_then_push_all_and_pull_all(self):
        self.conn.auto_push = False
        line, partner = self.imported("Northwind Traders")
        partner.write({"city": "Napier", "phone": "06 835 0000"})
        self.xero_update(line.external_id, EmailAddress="xero@northwind.example")
        self.pull()
        sides = {d.field: d.side for d in line.diff_ids}
        self.assertEqual(sides, {"city": "odoo", "phone": "odoo", "email": "xero"})
        # Ignore the phone: it stays hidden, also after the next pull.
        self.run_job(line.diff_ids.filtered(lambda d: d.field == "phone"), "action_ignore")
        self.pull()
        self.assertEqual(set(line.diff_ids.mapped("field")), {"city", "email"})
        self.sandbox.clear_log()
        self.run_job(partner, "action_xero_push_all")
        contact = self.xero(contact_id=line.external_id)
        pobox = next(a for a in contact["Addresses"] if a["AddressType"] == "POBOX")
        self.assertEqual(pobox["City"], "Napier")
        phone = next(p for p in contact["Phones"] if p["PhoneType"] == "DEFAULT")
        self.assertNotEqual(phone["PhoneNumber"], "06 835 0000", "the ignored change stays")
        # "Push all" makes Xero take Odoo's value of every difference shown.
        self.assertEqual(contact["EmailAddress"], partner.email)
        self.assertEqual(len(self.sandbox.calls("/Contacts", "POST")), 1)
        self.assertFalse(line.diff_ids)
        # "Pull all" is the other way round.
        self.xero_update(line.external_id, EmailAddress="new@northwind.example",
                         Website="https://northwind.example")
        partner.city = "Hastings"
        self.pull()
        self.assertEqual(set(line.diff_ids.mapped("field")), {"email", "website", "city"})
        self.run_job(partner, "action_xero_pull_all")
        self.assertEqual((partner.email, partner.website, partner.city),
                         ("new@northwind.example", "https://northwind.example", "Napier"))
        self.assertFalse(line.diff_ids)
        # A new change of the ignored field shows again.
        partner.phone = "06 835 1111"
        self.assertEqual(line.diff_ids.mapped("field"), ["phone"])

    def test_differences_list_pushes_across_partners(self):
        self.conn.auto_push = False
        lines = self.Binding
        for name in ("Northwind Traders", "Bayside Club"):
            line, partner = self.imported(name)
            partner.city = f"{name} City"
            lines |= line
        Diff = self.env["xero.contact.diff"]
        from_odoo = Diff.search([("connection_id", "=", self.conn.id), ("side", "=", "odoo")])
        self.assertEqual(from_odoo.partner_id, lines.odoo_id)
        self.sandbox.clear_log()
        self.run_job(from_odoo, "action_push")
        self.assertEqual(len(self.sandbox.calls("/Contacts", "POST")), 1, "one call for all")
        for line in lines:
            pobox = next(a for a in self.xero(contact_id=line.external_id)["Addresses"]
                         if a["AddressType"] == "POBOX")
            self.assertEqual(pobox["City"], line.odoo_id.city)
        self.assertFalse(Diff.search([("connection_id", "=", self.conn.id)]))

    def test_country_state_and_a_new_contact_person_mark_a_push(self):
        line, partner = self.imported("Northwind Traders")
        nz = self.env.ref("base.nz")
        for change in ({"country_id": self.env.ref("base.au").id},
                       {"country_id": nz.id, "state_id": self.env["res.country.state"].search(
                           [("country_id", "=", nz.id)], limit=1).id}):
            line.need_push = False
            partner.write(change)
            self.assertTrue(line.need_push, change)
        line.need_push = False
        self.env["res.partner"].create({"name": "New Person", "parent_id": partner.id,
                                        "type": "contact"})
        self.assertTrue(line.need_push, "a new contact person")

    def test_retry_button_sends_the_failed_change_again(self):
        line, partner = self.imported("Northwind Traders")
        partner.city = "Gisborne"
        self.sandbox.fault(kind="status", status=503, count=3,
                           match={"path": "/Contacts", "method": "POST"})
        self.push()
        self.assertIn("503", line.error_message)
        self.assertFalse(line.need_push, "waits for a retry")
        self.sandbox.clear_log()
        self.run_job(partner, "action_xero_retry")
        self.assertFalse(line.error_message)
        pobox = next(a for a in self.xero(contact_id=line.external_id)["Addresses"]
                     if a["AddressType"] == "POBOX")
        self.assertEqual(pobox["City"], "Gisborne")

    def test_a_change_the_partner_refuses_is_noted_and_the_others_go_on(self):
        self.conn.auto_pull = True
        refused, refused_partner = self.imported("Northwind Traders")
        taken, taken_partner = self.imported("Bayside Club")
        self.env.cr.execute("ALTER TABLE res_partner ADD CONSTRAINT test_refuse_city "
                            "CHECK (city IS DISTINCT FROM 'Nowhere')")
        for line, city in ((refused, "Nowhere"), (taken, "Napier")):
            self.xero_update(line.external_id, Addresses=[
                {"AddressType": "POBOX", "AddressLine1": "1 Main St", "City": city}])
        with mute_logger("odoo.sql_db"):
            self.pull()
        self.assertEqual(taken_partner.city, "Napier")
        self.assertNotEqual(refused_partner.city, "Nowhere")
        self.assertIn("test_refuse_city", refused.error_message)
        self.assertIn("city", refused.diff_ids.mapped("field"), "still to settle")
        self.sandbox.clear_log()
        self.pull()
        self.assertEqual(len(self.sandbox.calls("/Contacts", "GET")), 1)
        self.assertEqual(self.sandbox.calls("/Contacts", "GET")[0]["status"], 200)

    def test_linking_by_name_keeps_xero_address_lines_odoo_has_blank(self):
        self.conn.create_in_xero = "all"
        self.env["res.partner"].create({"name": "Bayside Club", "is_company": True,
                                        "city": "Hamilton"})
        self.push()
        [bayside] = [c for c in self.sandbox.state(PRACTICE, "contacts")
                     if c["Name"].startswith("Bayside Club")]
        pobox = next(a for a in bayside["Addresses"] if a["AddressType"] == "POBOX")
        self.assertEqual((pobox["AddressLine1"], pobox["City"]), ("PO Box 10", "Hamilton"))

    def test_settling_one_difference_of_a_plain_link_leaves_the_others_alone(self):
        partner = self.env["res.partner"].create({
            "name": "Bayside Club", "is_company": True, "city": "Napier",
            "phone": "06 835 0000"})
        line = self.line("Bayside Club")
        line._link(partner)  # neither side's data taken
        self.assertEqual({d.side for d in line.diff_ids}, {"new"})
        self.run_job(line.diff_ids.filtered(lambda d: d.field == "phone"), "action_pull")
        self.assertEqual(partner.phone, "09 555 1234")
        partner.email = "office@bayside.example"  # an Odoo edit after the link
        self.push()
        contact = self.xero(contact_id=line.external_id)
        pobox = next(a for a in contact["Addresses"] if a["AddressType"] == "POBOX")
        self.assertEqual(pobox["City"], "Auckland", "never settled: not pushed over Xero")
        self.assertEqual(contact["EmailAddress"], "bob@bayside.example")
        sides = {d.field: d.side for d in line.diff_ids}
        self.assertEqual((sides["city"], sides["email"]), ("new", "new"), "they wait")
        self.assertNotIn("phone", sides)

    def test_pulling_a_multi_word_last_name_keeps_the_first_name(self):
        bayside = self.xero(name="Bayside Club")
        self.xero_update(bayside["ContactID"], FirstName="Jan", LastName="van der Berg")
        self.pull()
        line, partner = self.imported("Bayside Club")
        [person] = partner.child_ids
        self.assertEqual(person.name, "Jan van der Berg")
        self.xero_update(line.external_id, LastName="van den Berg")
        self.pull()
        self.run_job(line.diff_ids.filtered(lambda d: d.field == "last_name"), "action_pull")
        self.assertEqual(person.name, "Jan van den Berg")
        self.assertFalse(line.diff_ids)
