"""Xero's account number (the partner's reference) and contact persons (the
partner's other child contacts), both ways and on the Xero tab."""

import importlib.util
import os

from odoo import sql_db
from odoo.tests import new_test_user, tagged

from ..xero_core.idempotency import request_key
from . import every_record as er
from .common import PRACTICE, XeroCase

PERSONS = [
    {"FirstName": "Accounts", "LastName": "Team", "EmailAddress": "accounts@harbour.example",
     "IncludeInEmails": True},
    {"FirstName": "Jan", "LastName": "van der Berg", "EmailAddress": "jan@harbour.example",
     "IncludeInEmails": False},
]


class PersonsCase(XeroCase):
    """Harbour Co in Xero, with an account number and two contact persons."""

    def setUp(self):
        super().setUp()
        self.sandbox.reset(self.sandbox_seed())
        self.sandbox.seed({"organisations": [{"OrganisationID": PRACTICE, "Contacts": [
            {"Name": "Harbour Co", "FirstName": "Hana", "LastName": "Reed",
             "EmailAddress": "hana@harbour.example", "AccountNumber": "CUST-7",
             "ContactPersons": PERSONS}]}]})
        self.conn = self.connect_practice()
        self.run_job(self.conn, "_run_job", "pull_contacts")
        self.manager = new_test_user(
            self.env, "xero_persons_manager", password="xero-persons-pass",
            groups=f"base.group_user,base.group_partner_manager,{er.MANAGER_GROUP}")
        self.line = self.env["xero.contact"].search([("backend_id", "=", self.conn.id),
                                                     ("xero_name", "=", "Harbour Co")])

    # -- helpers ------------------------------------------------------------------------

    def click(self, model, method, records, login="xero_persons_manager",
              password="xero-persons-pass"):
        """A button, called the way the web client calls it: (result, error)."""
        self.env.flush_all()
        user = self.env["res.users"].search([("login", "=", login)])
        self.authenticate(login, password)
        context = {"lang": "en_US", "tz": "UTC", "uid": user.id,
                   "allowed_company_ids": [self.company.id]}
        result = er.call_kw(self, model, method, [records.ids], context, route="call_button")
        self.env.invalidate_all()
        return result

    def imported(self):
        result, error = self.click("xero.contact", "action_import", self.line)
        self.assertIsNone(error, error and er.describe(error))
        return self.line.odoo_id

    def xero(self):
        return next(c for c in self.sandbox.state(PRACTICE, "contacts")
                    if c["ContactID"] == self.line.external_id)

    def xero_update(self, **values):
        payload = [dict(ContactID=self.line.external_id, **values)]
        self.conn._xero_client().save_contacts(payload, request_key(["test"], payload))

    def persons(self, partner):
        return sorted((c.name, c.email or "") for c in partner._xero_additional_persons())

    def push(self):
        """The scheduled action's entry point (what cron runs)."""
        return self.run_job(self.conn, "_cron_run", "push_contacts")

    def pull(self):
        return self.run_job(self.conn, "_cron_run", "pull_contacts")



@tagged("post_install", "-at_install")
class TestContactPersons(PersonsCase):

    # -- import ----------------------------------------------------------------------------

    def test_import_brings_the_account_number_and_every_person(self):
        partner = self.imported()
        self.assertEqual(partner.ref, "CUST-7")
        self.assertEqual(partner._xero_primary_person().name, "Hana Reed")
        self.assertEqual(self.persons(partner), [
            ("Accounts Team", "accounts@harbour.example"),
            ("Jan van der Berg", "jan@harbour.example")])
        self.assertFalse(self.line.diff_ids, "in sync right after the import")
        self.assertFalse(self.line.need_push)

    def test_a_contact_with_persons_and_no_primary_person_stays_in_sync(self):
        self.sandbox.seed({"organisations": [{"OrganisationID": PRACTICE, "Contacts": [
            {"Name": "Persons Only Ltd", "EmailAddress": "office@persons.example",
             "ContactPersons": [*PERSONS, {"EmailAddress": "noname@persons.example"}]}]}]})
        self.run_job(self.conn, "_run_job", "pull_contacts", full=False)
        self.line = self.env["xero.contact"].search([("backend_id", "=", self.conn.id),
                                                     ("xero_name", "=", "Persons Only Ltd")])
        partner = self.imported()
        self.assertEqual(partner.email, "office@persons.example")
        self.assertFalse(partner._xero_primary_person(), "no person taken for the primary one")
        self.assertEqual(len(self.persons(partner)), 3)
        self.assertIn(("noname@persons.example", "noname@persons.example"),
                      self.persons(partner), "a person with an email only")
        self.assertFalse(self.line.diff_ids)
        # A child contact added in Odoo is one more person: the contact's
        # email is not replaced by a new primary person's.
        self.env["res.partner"].create({"name": "Pat Person", "email": "pat@persons.example",
                                        "parent_id": partner.id, "type": "contact"})
        self.push()
        contact = self.xero()
        self.assertEqual((contact.get("FirstName", ""), contact["EmailAddress"]),
                         ("", "office@persons.example"))
        self.assertEqual([p["EmailAddress"] for p in contact["ContactPersons"]][-1],
                         "pat@persons.example")
        self.assertEqual(len(contact["ContactPersons"]), 4)
        self.assertFalse(self.line.diff_ids)
        # One of Xero's persons becomes its primary person: the same child
        # contact becomes Odoo's, none is created or archived.
        children = partner._xero_child_contacts()
        accounts = children.filtered(lambda c: c.email == "accounts@harbour.example")
        self.xero_update(FirstName="Accounts", LastName="Team",
                         EmailAddress="accounts@harbour.example",
                         ContactPersons=[p for p in contact["ContactPersons"]
                                         if p["EmailAddress"] != "accounts@harbour.example"])
        self.conn.auto_pull = True
        self.pull()
        self.assertEqual(partner._xero_primary_person(), accounts)
        self.assertEqual(partner._xero_child_contacts(), children)
        self.assertEqual(partner.email, "office@persons.example")
        self.assertEqual(len(self.persons(partner)), 3)
        self.assertFalse(self.line.diff_ids)
        self.assertFalse(self.line.need_push)

    def test_linking_taking_xero_data_keeps_the_partners_own_contacts(self):
        partner = self.env["res.partner"].create({"name": "Harbour Company", "is_company": True})
        own = self.env["res.partner"].create([
            {"name": name, "parent_id": partner.id, "type": "contact"}
            for name in ("First Own", "Second Own")])
        # The Link dialog: the partner and "Take data from Xero", then Link.
        self.line.write({"link_partner_id": partner.id, "merge_from": "xero"})
        _result, error = self.click("xero.contact", "action_link", self.line)
        self.assertIsNone(error, error and er.describe(error))
        self.assertTrue(all(own.mapped("active")), "never synced: kept")
        self.assertEqual(own.mapped("name"), ["First Own", "Second Own"], "not renamed")
        self.assertEqual(partner.ref, "CUST-7")
        self.assertEqual(partner._xero_primary_person().name, "Hana Reed")
        self.assertEqual(self.persons(partner), [
            ("Accounts Team", "accounts@harbour.example"), ("First Own", ""),
            ("Jan van der Berg", "jan@harbour.example"), ("Second Own", "")])
        persons = self.line.diff_ids.filtered(lambda d: d.field == "persons")
        self.assertEqual(persons.side, "new", "both lists: they wait for a choice")
        partner.phone = "06 555 0101"
        self.push()
        self.assertEqual(len(self.xero()["ContactPersons"]), 2, "not sent with another change")

    def test_a_semicolon_in_a_persons_name_round_trips_and_shows_as_typed(self):
        self.xero_update(ContactPersons=[{"FirstName": "Lee;", "LastName": "Ann",
                                          "EmailAddress": "lee@harbour.example"}])
        self.run_job(self.conn, "_run_job", "pull_contacts", full=False)
        self.conn.auto_push = False
        partner = self.imported()
        self.assertEqual(self.persons(partner), [("Lee; Ann", "lee@harbour.example")])
        self.assertFalse(self.line.diff_ids)
        partner._xero_additional_persons().name = "Lee; Anna"
        [diff] = self.line.diff_ids
        self.assertEqual((diff.odoo_shown, diff.xero_shown),
                         ("Lee; Anna <lee@harbour.example>", "Lee; Ann <lee@harbour.example>"))
        _result, error = self.click("xero.contact.diff", "action_push", diff)
        self.assertIsNone(error, error and er.describe(error))
        [person] = self.xero()["ContactPersons"]
        self.assertEqual((person["FirstName"], person["LastName"]), ("Lee;", "Anna"))
        self.assertFalse(self.line.diff_ids)

    # -- Xero → Odoo -----------------------------------------------------------------------

    def test_persons_and_account_number_changed_in_xero_are_pulled(self):
        self.conn.auto_pull = True
        partner = self.imported()
        jan = partner.child_ids.filtered(lambda c: c.email == "jan@harbour.example")
        self.xero_update(AccountNumber="CUST-8", ContactPersons=[
            dict(PERSONS[1], EmailAddress="jan@harbour.example", LastName="Berg"),
            {"FirstName": "Tom", "LastName": "Hill", "EmailAddress": "tom@harbour.example"}])
        self.sandbox.clear_log()
        self.pull()
        self.assertEqual(partner.ref, "CUST-8")
        self.assertEqual(self.persons(partner), [
            ("Jan Berg", "jan@harbour.example"), ("Tom Hill", "tom@harbour.example")])
        self.assertIn(jan, partner._xero_additional_persons(), "updated, not replaced")
        accounts = self.env["res.partner"].with_context(active_test=False).search(
            [("parent_id", "=", partner.id), ("email", "=", "accounts@harbour.example")])
        self.assertTrue(accounts.exists() and not accounts.active, "archived, never deleted")
        self.assertFalse(self.line.need_push, "no echo push")
        self.assertFalse(self.line.diff_ids)
        self.push()
        self.assertEqual(self.sandbox.calls("/Contacts", "POST"), [], "nothing sent back")

    def test_without_auto_pull_they_wait_on_the_xero_tab_and_a_click_takes_them(self):
        partner = self.imported()
        self.xero_update(AccountNumber="CUST-9", ContactPersons=PERSONS[:1])
        self.pull()
        diffs = self.line.diff_ids
        self.assertEqual(sorted(diffs.mapped("field")), ["persons", "ref"])
        persons = diffs.filtered(lambda d: d.field == "persons")
        self.assertEqual(persons.side, "xero")
        self.assertEqual(persons.xero_shown, "Accounts Team <accounts@harbour.example>")
        self.assertEqual(persons._label_text(), "Contact persons")
        self.assertEqual(diffs.filtered(lambda d: d.field == "ref")._label_text(),
                         "Account number")
        self.assertEqual(partner.ref, "CUST-7", "nothing applied before the click")
        # A plain employee who may not edit partners cannot take them.
        new_test_user(self.env, "xero_persons_employee", password="xero-persons-emp",
                      groups="base.group_user")
        _result, error = self.click("xero.contact.diff", "action_pull", diffs,
                                    login="xero_persons_employee", password="xero-persons-emp")
        self.assertTrue(error, "refused")
        self.assertEqual(len(self.persons(partner)), 2)
        _result, error = self.click("xero.contact.diff", "action_pull", diffs)
        self.assertIsNone(error, error and er.describe(error))
        self.assertEqual(partner.ref, "CUST-9")
        self.assertEqual(self.persons(partner), [("Accounts Team", "accounts@harbour.example")])
        self.assertFalse(self.line.diff_ids)

    # -- Odoo → Xero -----------------------------------------------------------------------

    def test_persons_and_reference_changed_in_odoo_are_pushed(self):
        partner = self.imported()
        contact_number = self.xero().get("ContactNumber")
        partner.ref = "CUST-10"
        jan = partner.child_ids.filtered(lambda c: c.email == "jan@harbour.example")
        jan.active = False
        self.env["res.partner"].create({"name": "Tom Hill", "email": "tom@harbour.example",
                                        "parent_id": partner.id, "type": "contact"})
        self.assertTrue(self.line.need_push)
        self.push()
        contact = self.xero()
        self.assertEqual(contact["AccountNumber"], "CUST-10")
        self.assertEqual(contact.get("ContactNumber"), contact_number, "left as Xero has it")
        self.assertEqual(contact["ContactPersons"], [
            {"FirstName": "Accounts", "LastName": "Team",
             "EmailAddress": "accounts@harbour.example", "IncludeInEmails": True},
            {"FirstName": "Tom", "LastName": "Hill", "EmailAddress": "tom@harbour.example",
             "IncludeInEmails": False},
        ], "Xero's 'Include in emails' kept; the primary person is not a contact person")
        self.assertEqual((contact["FirstName"], contact["LastName"]), ("Hana", "Reed"))
        self.assertFalse(self.line.diff_ids)
        self.assertFalse(self.line.need_push)

    def test_more_persons_than_xero_holds_are_refused_then_ignored(self):
        partner = self.imported()
        self.env["res.partner"].create([
            {"name": f"Extra {i}", "email": f"extra{i}@harbour.example",
             "parent_id": partner.id, "type": "contact"} for i in range(4)])
        partner.phone = "04 555 0000"
        self.push()
        self.assertIn("Contact persons: Odoo has 6", self.line.error_message)
        self.assertIn("Xero holds at most 5", self.line.error_message)
        self.assertEqual(len(self.xero()["ContactPersons"]), 2, "nothing cut sent")
        # The user keeps the six in Odoo: the persons difference is ignored,
        # the other change goes.
        persons = self.line.diff_ids.filtered(lambda d: d.field == "persons")
        _result, error = self.click("xero.contact.diff", "action_ignore", persons)
        self.assertIsNone(error, error and er.describe(error))
        _result, error = self.click("res.partner", "action_xero_retry", partner)
        self.assertIsNone(error, error and er.describe(error))
        self.assertFalse(self.line.error_message)
        phones = [p["PhoneNumber"] for p in self.xero()["Phones"] if p["PhoneType"] == "DEFAULT"]
        self.assertEqual(phones, ["04 555 0000"])
        self.assertEqual(len(self.xero()["ContactPersons"]), 2)

    def test_a_person_xero_refuses_is_an_error_on_its_contact_only(self):
        partner = self.imported()
        self.env["res.partner"].create({"name": "Bad Mail", "email": "bad@",
                                        "parent_id": partner.id, "type": "contact"})
        self.push()
        self.assertIn("Email address must be valid", self.line.error_message)
        self.assertEqual(len(self.xero()["ContactPersons"]), 2, "Xero's persons stay")
        self.assertTrue(partner.child_ids.filtered(lambda c: c.email == "bad@"),
                        "nothing lost in Odoo")
        # Corrected in Odoo: sent again.
        partner.child_ids.filtered(lambda c: c.email == "bad@").email = "bad@harbour.example"
        self.push()
        self.assertFalse(self.line.error_message)
        self.assertEqual(len(self.xero()["ContactPersons"]), 3)

    def test_a_new_company_is_created_with_its_persons_and_contact_number(self):
        self.conn.create_in_xero = "all"
        partner = self.env["res.partner"].create({"name": "Fresh Co", "is_company": True,
                                                  "ref": "FR-1"})
        self.env["res.partner"].create([
            {"name": name, "email": f"{name.split()[0].lower()}@fresh.example",
             "parent_id": partner.id, "type": "contact"}
            for name in ("Pia Primary", "Sam Second", "Tia Third")])
        self.push()
        binding = partner.xero_contact_ids
        contact = next(c for c in self.sandbox.state(PRACTICE, "contacts")
                       if c["ContactID"] == binding.external_id)
        self.assertEqual(contact["AccountNumber"], "FR-1")
        self.assertEqual(contact["ContactNumber"], binding._contact_number())
        self.assertEqual((contact["FirstName"], contact["LastName"]), ("Pia", "Primary"))
        self.assertEqual([p["EmailAddress"] for p in contact["ContactPersons"]],
                         ["sam@fresh.example", "tia@fresh.example"])
        self.assertFalse(binding.diff_ids)

    # -- upgrade -------------------------------------------------------------------------

    def as_the_previous_version_stored_it(self, line, ref):
        old = {k: v for k, v in line.xero_values.items() if k not in ("persons", "person_list")}
        old["ref"] = ref  # the ContactNumber
        line.write({"xero_values": old, "snapshot": dict(old), "need_push": False})
        line.odoo_id.with_context(xero_no_push=True).ref = ref
        line._recompute_diffs()

    def stored_before_the_upgrade(self, name, account_number, ref):
        """An imported contact with ``account_number`` in Xero, its line as
        the previous version stored it with the partner's ``ref``."""
        line = self.env["xero.contact"].search([("backend_id", "=", self.conn.id),
                                                ("xero_name", "=", name)])
        self.run_job(line, "action_import")
        payload = [{"ContactID": line.external_id, "AccountNumber": account_number}]
        self.conn._xero_client().save_contacts(payload, request_key([name], payload))
        self.as_the_previous_version_stored_it(line, ref)
        return line

    def test_upgrade_from_contact_number_pushes_nothing_over_unread_values(self):
        """Bindings stored by the previous version: ``ref`` read from the
        ContactNumber, no persons. Nothing is pushed over Xero's account
        number or persons before they are read; then the side that alone has
        a value gives it (auto-pull off too), and two values wait whatever
        the conflict policy."""
        self.conn.conflict_policy = "odoo"
        partner = self.imported()
        self.xero_update(AccountNumber="")
        self.as_the_previous_version_stored_it(self.line, "C-OLD")
        # Bayside Club: Xero has an account number, Odoo's reference differs.
        bayside = self.stored_before_the_upgrade("Bayside Club", "CUST001", "BAY-1")
        # Northwind: Xero has an account number, Odoo none.
        northwind = self.stored_before_the_upgrade("Northwind Traders", "NW-1", "")
        path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations",
                            "18.0.1.1.0", "post-migrate.py")
        spec = importlib.util.spec_from_file_location("xero_connector_migration", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertFalse(self.line.diff_ids, "nothing said before Xero is read")
        self.assertFalse(self.conn.contacts_full_at, "the next pull reads every contact")
        self.push()
        self.assertEqual(self.xero()["ContactPersons"][0]["EmailAddress"],
                         "accounts@harbour.example")
        self.run_job(self.conn, "_run_job", "pull_contacts")  # the full read
        self.assertEqual(self.line.diff_ids.mapped("field"), ["ref"])
        self.assertEqual(self.line.diff_ids.side, "odoo", "Odoo's reference, Xero has none")
        self.assertTrue(self.line.need_push, "auto-push queues it")
        self.push()
        self.assertEqual(self.xero()["AccountNumber"], "C-OLD")
        self.assertFalse(self.line.diff_ids)
        # Persons equal on both sides are synced from now on: an edit is sent.
        jan = partner.child_ids.filtered(lambda c: c.email == "jan@harbour.example")
        jan.name = "Jan Berg"
        self.push()
        self.assertIn("Berg", [p["LastName"] for p in self.xero()["ContactPersons"]])
        self.assertFalse(self.line.diff_ids)
        # Two values: they wait, Odoo winning conflicts or not.
        self.assertEqual([(d.field, d.side) for d in bayside.diff_ids], [("ref", "new")])
        bayside_xero = next(c for c in self.sandbox.state(PRACTICE, "contacts")
                            if c["ContactID"] == bayside.external_id)
        self.assertEqual(bayside_xero["AccountNumber"], "CUST001")
        self.assertEqual(bayside.odoo_id.ref, "BAY-1")
        self.assertEqual(bayside.odoo_id.activity_ids.mapped("summary"),
                         ["Xero conflict: Account number"], "someone is asked to choose")
        # Xero's alone: taken, auto-pull being off.
        self.assertFalse(self.conn.auto_pull)
        self.assertEqual(northwind.odoo_id.ref, "NW-1")
        self.assertFalse(northwind.diff_ids)


@tagged("post_install", "-at_install")
class TestContactButtonsWaitForJobs(PersonsCase):
    """A contact button (Push all, Refresh) clicked while a scheduled job of
    the connection syncs its contacts: the user is told to try again; the
    line is never sent by both at once."""

    def test_push_all_while_a_job_holds_the_contacts(self):
        partner = self.imported()
        partner.ref = "CUST-11"
        self.conn.auto_push = False
        self.env.flush_all()
        worker = sql_db.db_connect(self.env.cr.dbname).cursor()  # another Odoo worker
        try:
            worker.execute("SELECT pg_advisory_lock(%s)",
                           [self.conn._state_lock_key("bindings")])
            self.sandbox.clear_log()
            for method in ("action_xero_push_all", "action_xero_retry"):
                _result, error = self.click("res.partner", method, partner)
                self.assertTrue(error and "try again in a minute" in error["message"], error)
            _result, error = self.click("xero.contact", "action_refresh_from_xero", self.line)
            self.assertTrue(error and "try again in a minute" in error["message"], error)
            self.assertEqual(self.sandbox.calls("/Contacts"), [], "nothing sent or read")
            worker.execute("SELECT pg_advisory_unlock(%s)",
                           [self.conn._state_lock_key("bindings")])
        finally:
            worker.close()
        _result, error = self.click("res.partner", "action_xero_push_all", partner)
        self.assertIsNone(error, error and er.describe(error))
        self.assertEqual(self.xero()["AccountNumber"], "CUST-11")
