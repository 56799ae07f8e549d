"""Partner values written to Xero as Xero holds them: an empty Odoo value
never clears Xero's by itself."""

from odoo.tests import new_test_user, tagged

from ..xero_core.idempotency import request_key
from . import every_record as er
from .common import PRACTICE, XeroCase


@tagged("post_install", "-at_install")
class TestContactValues(XeroCase):
    def setUp(self):
        super().setUp()
        self.sandbox.reset(self.sandbox_seed())
        self.conn = self.connect_practice()
        self.run_job(self.conn, "_run_job", "pull_contacts")
        self.Binding = self.env["xero.contact"]
        self.manager = new_test_user(
            self.env, "xero_values_manager", password="xero-values-pass",
            groups=f"base.group_user,base.group_partner_manager,{er.MANAGER_GROUP}")
        self.sandbox.clear_log()

    # -- helpers ------------------------------------------------------------------------

    def line(self, name):
        return self.Binding.search([("backend_id", "=", self.conn.id), ("xero_name", "=", name)])

    def imported(self, name):
        line = self.line(name)
        self.run_job(line, "action_import")
        return line, line.odoo_id

    def xero(self, contact_id):
        return next(c for c in self.sandbox.state(PRACTICE, "contacts")
                    if c["ContactID"] == contact_id)

    def xero_phone(self, contact_id):
        return next((p.get("PhoneNumber") or "" for p in self.xero(contact_id).get("Phones", [])
                     if p["PhoneType"] == "DEFAULT"), "")

    def xero_update(self, contact_id, **values):
        payload = [dict(ContactID=contact_id, **values)]
        self.conn._xero_client().save_contacts(payload, request_key(["test"], payload))

    def push(self):
        return self.run_job(self.conn, "_run_job", "push_contacts")

    def pull(self):
        return self.run_job(self.conn, "_run_job", "pull_contacts", full=False)

    def click(self, model, method, records):
        """A button, called the way the web client calls it."""
        self.env.flush_all()
        self.authenticate(self.manager.login, "xero-values-pass")
        context = {"lang": "en_US", "tz": "UTC", "uid": self.manager.id,
                   "allowed_company_ids": [self.company.id]}
        result, error = er.call_kw(self, model, method, [records.ids], context,
                                   route="call_button")
        self.assertIsNone(error, error and er.describe(error))
        self.env.invalidate_all()
        return result

    # -- an empty Odoo value (issue 12) ----------------------------------------------------

    def test_push_all_after_a_plain_link_keeps_xero_values_odoo_has_empty(self):
        partner = self.env["res.partner"].create({
            "name": "Bayside Club", "is_company": True, "city": "Napier"})
        line = self.line("Bayside Club")
        line._link(partner)  # neither side's data taken
        result = self.click("res.partner", "action_xero_push_all", partner)
        contact = self.xero(line.external_id)
        self.assertEqual(self.xero_phone(line.external_id), "09 555 1234",
                         "an empty Odoo phone does not clear Xero's")
        self.assertEqual(contact["EmailAddress"], "bob@bayside.example")
        pobox = next(a for a in contact["Addresses"] if a["AddressType"] == "POBOX")
        self.assertEqual((pobox["City"], pobox["AddressLine1"]), ("Napier", "PO Box 10"))
        self.assertIn("Phone", result["params"]["message"], "the user is told")
        phone = line.diff_ids.filtered(lambda d: d.field == "phone")
        self.assertTrue(phone.empty_in_odoo)
        self.assertEqual(phone.odoo_shown, "(empty in Odoo)")
        self.assertNotIn("city", line.diff_ids.mapped("field"))

    def test_link_taking_odoo_data_never_clears_xero(self):
        partner = self.env["res.partner"].create({
            "name": "Bayside Club", "is_company": True, "city": "Napier"})
        line = self.line("Bayside Club")
        line._link(partner, merge_from="odoo")
        self.push()  # the scheduled push
        contact = self.xero(line.external_id)
        self.assertEqual(self.xero_phone(line.external_id), "09 555 1234")
        self.assertEqual(contact["FirstName"], "Bob")
        pobox = next(a for a in contact["Addresses"] if a["AddressType"] == "POBOX")
        self.assertEqual((pobox["City"], pobox["PostalCode"]), ("Napier", "1011"))
        self.assertTrue(line.diff_ids.filtered(lambda d: d.field == "phone").empty_in_odoo)

    def test_a_value_cleared_in_odoo_is_pushed_only_by_its_own_button(self):
        line, partner = self.imported("Bayside Club")
        partner.phone = False
        self.assertTrue(line.need_push)
        self.push()
        self.assertEqual(self.xero_phone(line.external_id), "09 555 1234",
                         "the scheduled push does not clear it")
        self.assertFalse(line.need_push)
        [diff] = line.diff_ids
        self.assertEqual((diff.field, diff.side, diff.odoo_shown), ("phone", "odoo",
                                                                     "(empty in Odoo)"))
        self.click("res.partner", "action_xero_push_all", partner)
        self.assertEqual(self.xero_phone(line.external_id), "09 555 1234", "nor Push all")
        self.click("xero.contact.diff", "action_push", line.diff_ids)
        self.assertEqual(self.xero_phone(line.external_id), "", "the line's own button does")
        self.assertFalse(line.diff_ids)

    # -- country and region as Xero holds them (issue 15) ---------------------------------

    def seed_sydney(self, name="Harbour Bridge Co", country="AU", region="NSW"):
        self.sandbox.seed({"organisations": [{"OrganisationID": PRACTICE, "Contacts": [
            {"Name": name, "EmailAddress": "info@harbour.example", "Addresses": [
                {"AddressType": "POBOX", "AddressLine1": "1 George St", "City": "Sydney",
                 "Region": region, "PostalCode": "2000", "Country": country}]}]}]})
        self.pull()

    def test_codes_from_xero_are_no_difference_and_stay_codes(self):
        self.conn.auto_pull = True
        self.seed_sydney()
        line, partner = self.imported("Harbour Bridge Co")
        self.assertEqual((partner.country_id.code, partner.state_id.code), ("AU", "NSW"))
        self.assertFalse(line.diff_ids, "no difference right after the import")
        # An unrelated change in Xero: pulled, nothing queued back.
        self.xero_update(line.external_id, EmailAddress="hello@harbour.example")
        self.pull()
        self.assertEqual(partner.email, "hello@harbour.example")
        self.assertFalse(line.need_push, "no echo push")
        self.assertFalse(line.diff_ids)
        # An Odoo edit of the address keeps "NSW" / "AU" as Xero holds them...
        partner.city = "Parramatta"
        self.push()
        pobox = next(a for a in self.xero(line.external_id)["Addresses"]
                     if a["AddressType"] == "POBOX")
        self.assertEqual((pobox["City"], pobox["Region"], pobox["Country"]),
                         ("Parramatta", "NSW", "AU"))
        # ...and another state is written as a code too.
        partner.state_id = self.env.ref("base.state_au_7")  # Victoria
        self.push()
        pobox = next(a for a in self.xero(line.external_id)["Addresses"]
                     if a["AddressType"] == "POBOX")
        self.assertEqual((pobox["Region"], pobox["Country"]), ("VIC", "AU"))
        self.assertFalse(line.diff_ids)

    def test_names_from_xero_stay_names(self):
        self.seed_sydney(country="australia", region="New South Wales")
        line, partner = self.imported("Harbour Bridge Co")
        self.assertEqual(partner.state_id.code, "NSW")
        self.assertFalse(line.diff_ids)
        partner.zip = "2001"
        self.push()
        pobox = next(a for a in self.xero(line.external_id)["Addresses"]
                     if a["AddressType"] == "POBOX")
        self.assertEqual((pobox["Region"], pobox["Country"], pobox["PostalCode"]),
                         ("New South Wales", "australia", "2001"))

    # -- values Xero cannot hold (issue 15) -------------------------------------------------

    def test_a_name_longer_than_xero_holds_is_refused_on_the_record_never_cut(self):
        self.conn.auto_pull = True
        line, partner = self.imported("Northwind Traders")
        long_name = ("Northwind Traders" + " and Associates" * 40).strip()
        self.assertGreater(len(long_name), 600)
        partner.name = long_name
        self.push()
        self.assertIn(f"Name is {len(long_name)} characters long; Xero holds at most 255",
                      line.error_message)
        self.assertEqual(self.xero(line.external_id)["Name"], "Northwind Traders",
                         "nothing cut sent")
        # An unrelated change in Xero is pulled; the long Odoo name stays.
        self.xero_update(line.external_id, EmailAddress="new@northwind.example")
        self.pull()
        self.assertEqual(partner.email, "new@northwind.example")
        self.assertEqual(partner.name, long_name)
        # A Xero copy cut by an older version does not come back over it either.
        self.xero_update(line.external_id, Name=long_name[:255].strip())
        self.pull()
        self.assertEqual(partner.name, long_name)
        # Shortened in Odoo: both sides changed since the last sync, the user
        # settles it with the line's button.
        partner.name = "Northwind Traders and Associates"
        self.click("xero.contact.diff", "action_push",
                   line.diff_ids.filtered(lambda d: d.field == "name"))
        self.assertFalse(line.error_message)
        self.assertEqual(self.xero(line.external_id)["Name"], "Northwind Traders and Associates")

    def test_a_new_partner_xero_cannot_hold_is_not_created_cut(self):
        self.conn.create_in_xero = "all"
        partner = self.env["res.partner"].create({"name": "Short Name Ltd", "is_company": True,
                                                  "zip": "9" * 60})
        stats = self.push()
        self.assertEqual(stats["failed"], 1)
        binding = partner.xero_contact_ids
        self.assertIn("Postal code is 60 characters long; Xero holds at most 50",
                      binding.error_message)
        self.assertFalse(binding.external_id)
        self.assertFalse([c for c in self.sandbox.state(PRACTICE, "contacts")
                          if c["Name"] == "Short Name Ltd"])

    # -- a new partner whose name Xero already has (issue 15) -------------------------------

    def test_linking_to_an_existing_xero_contact_is_said_with_the_values_replaced(self):
        self.conn.create_in_xero = "all"
        partner = self.env["res.partner"].create({
            "name": "Acme Supplies", "is_company": True, "phone": "03 111 2222",
            "email": "orders@acme.example"})
        self.push()
        [acme] = [c for c in self.sandbox.state(PRACTICE, "contacts")
                  if c["Name"].startswith("Acme Supplies")]
        binding = partner.xero_contact_ids
        self.assertEqual(binding.external_id, acme["ContactID"])
        self.assertEqual(acme["EmailAddress"], "orders@acme.example")
        note = partner.message_ids.filtered(lambda m: "existing Xero contact" in (m.body or ""))
        self.assertEqual(len(note), 1, "the partner's chatter says so")
        self.assertIn("Email: sales@acme.example → orders@acme.example", note.body)
        self.assertNotIn("Phone", note.body, "added, not replaced")
        log = self.env["xero.sync.log"].search([("connection_id", "=", self.conn.id),
                                                ("operation", "=", "link_contact"),
                                                ("res_id", "=", partner.id)])
        self.assertEqual(len(log), 1)
        self.assertIn("Email: sales@acme.example → orders@acme.example", log.message)

    # -- the address type a value came from (issue 15) -----------------------------------

    def test_a_street_only_contact_keeps_one_address_after_a_push(self):
        self.sandbox.seed({"organisations": [{"OrganisationID": PRACTICE, "Contacts": [
            {"Name": "Street Only Ltd", "Addresses": [
                {"AddressType": "STREET", "AddressLine1": "1 Queen St", "City": "Auckland",
                 "PostalCode": "1010", "Country": "NZ"}]}]}]})
        self.pull()
        line, partner = self.imported("Street Only Ltd")
        self.assertEqual((partner.street, partner.city), ("1 Queen St", "Auckland"))
        partner.city = "Hamilton"
        self.push()
        addresses = {a["AddressType"]: a for a in self.xero(line.external_id)["Addresses"]}
        self.assertEqual((addresses["STREET"]["AddressLine1"], addresses["STREET"]["City"],
                          addresses["STREET"]["Country"]), ("1 Queen St", "Hamilton", "NZ"))
        self.assertFalse(addresses.get("POBOX", {}).get("City"), "no new postal address")
        self.assertFalse(addresses.get("POBOX", {}).get("AddressLine1"))
        self.assertFalse(line.diff_ids)
