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
