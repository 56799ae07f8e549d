from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..xero_core import organisation_mapping as om
from ..xero_core.contact_mapping import text

# Import keys (xero_core.organisation_mapping) copied as they are.
IMPORT_SIMPLE = {
    "name": "name",
    "company_registry": "company_registry",
    "vat": "vat",
    "street": "street",
    "street2": "street2",
    "street3": "xero_street3",
    "city": "city",
    "zip": "zip",
}
# Partner fields showing the cached organisation, from organisation_mapping.details().
DETAIL_FIELDS = {
    "xero_client_name": "name",
    "xero_client_legal_name": "legal_name",
    "xero_client_registration": "registration_number",
    "xero_client_tax_number": "tax_number",
    "xero_client_currency": "base_currency",
    "xero_client_org_type": "organisation_type",
    "xero_client_year_end": "financial_year_end",
    "xero_client_phones": "phones",
}
POSTAL_FIELDS = {
    "xero_client_street": "line1",
    "xero_client_street2": "line2",
    "xero_client_street3": "line3",
    "xero_client_city": "city",
    "xero_client_zip": "zip",
    "xero_client_region": "region",
    "xero_client_postal_country": "country",
}


class ResPartner(models.Model):
    """The Xero Organisation tab: a client company linked to its own Xero
    organisation (see xero.client.link)."""

    _inherit = "res.partner"

    xero_client_link_ids = fields.One2many(
        "xero.client.link", "partner_id", "Xero organisation links"
    )
    xero_client_level_enabled = fields.Boolean(compute="_compute_xero_client_level_enabled")
    xero_client_link_id = fields.Many2one(
        "xero.client.link",
        "Xero organisation link",
        compute="_compute_xero_client_link_id",
        search="_search_xero_client_link_id",
    )
    xero_client_state = fields.Selection(
        related="xero_client_link_id.state", string="Xero organisation status"
    )
    xero_client_organisation_id = fields.Many2one(
        related="xero_client_link_id.organisation_id", string="Linked Xero organisation"
    )
    xero_client_login = fields.Char(
        related="xero_client_link_id.xero_login", string="Read through the Xero login"
    )
    xero_client_refreshed_at = fields.Datetime(related="xero_client_link_id.refreshed_at")
    xero_client_organisation_note = fields.Text(related="xero_client_link_id.organisation_note")
    xero_client_users_note = fields.Text(related="xero_client_link_id.users_note")
    xero_client_summary_note = fields.Text(related="xero_client_link_id.summary_note")
    xero_client_refresh_note = fields.Text(related="xero_client_link_id.refresh_note")
    xero_client_user_ids = fields.One2many(
        related="xero_client_link_id.user_ids", string="Xero users"
    )
    xero_client_summary_html = fields.Html(
        related="xero_client_link_id.summary_html", string="Executive Summary"
    )
    xero_client_has_data = fields.Boolean(compute="_compute_xero_client_details")
    xero_client_name = fields.Char("Organisation name", compute="_compute_xero_client_details")
    xero_client_legal_name = fields.Char("Legal name", compute="_compute_xero_client_details")
    xero_client_registration = fields.Char(
        "Registration number", compute="_compute_xero_client_details"
    )
    xero_client_tax_number = fields.Char("Tax number", compute="_compute_xero_client_details")
    xero_client_currency = fields.Char("Base currency", compute="_compute_xero_client_details")
    xero_client_country = fields.Char("Country (Xero)", compute="_compute_xero_client_details")
    xero_client_org_type = fields.Char("Organisation type", compute="_compute_xero_client_details")
    xero_client_year_end = fields.Char("Financial year end", compute="_compute_xero_client_details")
    xero_client_street = fields.Char(
        "Postal address line 1", compute="_compute_xero_client_details"
    )
    xero_client_street2 = fields.Char(
        "Postal address line 2", compute="_compute_xero_client_details"
    )
    xero_client_street3 = fields.Char(
        "Postal address line 3", compute="_compute_xero_client_details"
    )
    xero_client_city = fields.Char("Town / City", compute="_compute_xero_client_details")
    xero_client_zip = fields.Char("Postal / Zip code", compute="_compute_xero_client_details")
    xero_client_region = fields.Char("Region", compute="_compute_xero_client_details")
    xero_client_postal_country = fields.Char(
        "Postal country", compute="_compute_xero_client_details"
    )
    xero_client_street_address = fields.Text(
        "Street address", compute="_compute_xero_client_details"
    )
    xero_client_delivery_address = fields.Text(
        "Delivery address", compute="_compute_xero_client_details"
    )
    xero_client_phones = fields.Text("Phones", compute="_compute_xero_client_details")

    @api.depends_context("company")
    def _compute_xero_client_level_enabled(self):
        enabled = self.env.company.xero_client_level
        for partner in self:
            partner.xero_client_level_enabled = enabled

    @api.depends("xero_client_link_ids.company_id")
    @api.depends_context("company")
    def _compute_xero_client_link_id(self):
        for partner in self:
            partner.xero_client_link_id = partner.xero_client_link_ids.filtered(
                lambda link: link.company_id == self.env.company
            )[:1]

    def _search_xero_client_link_id(self, operator, value):
        return [("xero_client_link_ids", operator, value)]

    @api.depends("xero_client_link_id.organisation_data")
    def _compute_xero_client_details(self):
        for partner in self:
            data = partner.xero_client_link_id.organisation_data
            details = om.details(data)
            partner.xero_client_has_data = bool(data)
            for field, key in DETAIL_FIELDS.items():
                partner[field] = details[key] or False
            for field, key in POSTAL_FIELDS.items():
                partner[field] = details["postal"][key] or False
            partner.xero_client_street_address = details["addresses"]["STREET"] or False
            partner.xero_client_delivery_address = details["addresses"]["DELIVERY"] or False
            code = details["country_code"]
            country = code and self.env["res.country"].search([("code", "=", code)], limit=1)
            partner.xero_client_country = (country.name if country else code) or False
            # What "Import" copies: the postal country, else the organisation's.
            partner.xero_client_postal_country = (
                details["postal"]["country"] or partner.xero_client_country
            )

    # === ACTIONS ===

    def _xero_client_link_or_raise(self):
        self.ensure_one()
        if not self.xero_client_link_id:
            raise UserError(_("%s is not linked to a Xero organisation.", self.display_name))
        return self.xero_client_link_id

    def _xero_client_oauth_action(self, company=None):
        """Xero's login and consent, back to this partner with the
        organisation just granted linked."""
        self.ensure_one()
        return self.env["xero.authorization"]._xero_login_action(
            "client", company or self.env.company, self)

    def action_xero_client_connect(self):
        """The Connect to Xero dialog: organisations already reached, or a login."""
        self._xero_check_manager("read")
        self.ensure_one()
        if not self.is_company:
            raise UserError(_("Only a company can be linked to a Xero organisation."))
        wizard = self.env["xero.client.link.wizard"].create(
            {"partner_id": self.id, "company_id": self.env.company.id}
        )
        return wizard._action_open()

    def action_xero_client_reconnect(self):
        self._xero_check_manager("read")
        link = self._xero_client_link_or_raise()
        link._xero_check_manager()
        return self._xero_client_oauth_action(link.company_id)

    def action_xero_client_refresh(self):
        """Whoever may edit the client may read its organisation from Xero."""
        self._xero_check_write()
        self._xero_client_link_or_raise()._refresh_safely()
        return True

    def action_xero_client_disconnect(self):
        self._xero_check_manager("read")
        self._xero_client_link_or_raise().action_disconnect()
        return True

    def action_xero_client_import(self):
        """Import button next to one field (its key in the context)."""
        self._xero_check_write()
        key = self.env.context.get("xero_field")
        if key not in om.IMPORT_KEYS:
            raise UserError(_("Unknown Xero field to import: %s", key))
        return self._xero_client_import([key])

    def action_xero_client_import_all(self):
        self._xero_check_write()
        return self._xero_client_import(list(om.IMPORT_KEYS))

    # === IMPORT ===

    def _xero_client_import(self, keys, confirmed=False):
        """Copy the organisation's values for ``keys`` into the partner. A
        value replacing a different non-empty one asks first (a dialog)
        unless ``confirmed``."""
        self.ensure_one()
        link = self._xero_client_link_or_raise()
        if not link.organisation_data:
            raise UserError(_("Nothing was read from Xero yet: click Refresh."))
        incoming = om.partner_values(link.organisation_data)
        keys = [k for k in keys if incoming.get(k)]
        if not keys:
            raise UserError(_("The Xero organisation has no value to import here."))
        vals, changes, notes = self._xero_client_import_vals(incoming, keys)
        if changes and not confirmed:
            return self.env["xero.client.import.wizard"]._open_for(self, keys, changes)
        if vals:
            self.write(vals)
        return self._xero_client_done(notes)

    def _xero_client_current(self, key):
        if key == "country":
            return self.country_id.name or self.xero_country_text or ""
        if key == "state":
            return self.state_id.name or self.xero_state_text or ""
        return text(self[IMPORT_SIMPLE[key]])

    def _xero_client_label(self, key):
        field = {"country": "country_id", "state": "state_id"}.get(key) or IMPORT_SIMPLE[key]
        return self._fields[field]._description_string(self.env)

    def _xero_client_import_vals(self, incoming, keys):
        """(partner values, overwrites [(key, label, current, incoming)], notes)."""
        vals, notes = {}, []
        differs = set(
            om.overwrites(
                {k: self._xero_client_current(k) for k in keys if k in IMPORT_SIMPLE},
                incoming,
                [k for k in keys if k in IMPORT_SIMPLE],
            )
        )
        for key in keys:
            if key in IMPORT_SIMPLE:
                vals[IMPORT_SIMPLE[key]] = incoming[key]
        resolver = self._xero_address_resolver()
        country = self.country_id
        if "country" in keys:
            country, note = resolver.country(incoming["country"])
            notes += [note] if note else []
            country_text = False if country else incoming["country"]
            vals.update(country_id=country.id, xero_country_text=country_text)
            if (self.country_id or self.xero_country_text) and (
                country != self.country_id or not om.same(self.xero_country_text, country_text)
            ):
                differs.add("country")
            if "state" not in keys and self.state_id and self.state_id.country_id != country:
                vals["state_id"] = False
        if "state" in keys:
            state, note = resolver.state(incoming["state"], country)
            notes += [note] if note else []
            state_text = False if state else incoming["state"]
            vals.update(state_id=state.id, xero_state_text=state_text)
            if (self.state_id or self.xero_state_text) and (
                state != self.state_id or not om.same(self.xero_state_text, state_text)
            ):
                differs.add("state")
        changes = [
            (key, self._xero_client_label(key), self._xero_client_current(key), incoming[key])
            for key in keys
            if key in differs
        ]
        return vals, changes, notes

    def _xero_client_done(self, notes):
        if not notes:
            return True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Imported from Xero"),
                "message": "\n".join(notes),
                "type": "warning",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _xero_client_contact_for(self, email):
        """The active child contact with this email (case-insensitive)."""
        self.ensure_one()
        email = text(email).casefold()
        if not email:
            return self.browse()
        return self.child_ids.filtered(lambda c: text(c.email).casefold() == email)[:1]

    def _xero_client_import_user(self, link_user, confirmed=False):
        """A Xero user -> a child contact: created, or updated when one with
        that email exists (a different name asks first)."""
        self.ensure_one()
        values = om.contact_values(link_user._as_values())
        if not values["name"]:
            raise UserError(_("This Xero user has no name and no email to import."))
        contact = self._xero_client_contact_for(values["email"])
        if not contact:
            self.create(
                {
                    "parent_id": self.id,
                    "type": "contact",
                    "name": values["name"],
                    "email": values["email"] or False,
                }
            )
            return True
        if contact.name and not om.same(contact.name, values["name"]) and not confirmed:
            changes = [("name", contact._xero_client_label("name"), contact.name, values["name"])]
            return self.env["xero.client.import.wizard"]._open_for(
                self, [], changes, link_user=link_user, contact=contact
            )
        contact.write({"name": values["name"], "email": values["email"] or contact.email})
        return True
