from odoo import _, api, fields, models

from ..xero_core import organisation_mapping as om
from ..xero_core.errors import XeroAuthError


class XeroOrganisation(models.Model):
    """A Xero organisation (tenant) an authorisation reaches. The practice
    connection and client links point here, not at the token set, so a new
    login for the same organisation re-attaches them all."""

    _name = "xero.organisation"
    _description = "Xero organisation"
    _order = "name"
    _rec_names_search = ["name", "tenant_id"]

    name = fields.Char(required=True)
    tenant_id = fields.Char("Tenant ID", required=True, index=True, readonly=True)
    tenant_type = fields.Char(readonly=True, default="ORGANISATION")
    xero_connection_uid = fields.Char(
        "Xero connection ID", readonly=True,
        help="Id of the connection at Xero's /connections, used to delete it.",
    )
    auth_event_id = fields.Char(readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    authorization_id = fields.Many2one("xero.authorization", ondelete="set null", index=True)
    authorization_state = fields.Selection(related="authorization_id.state")
    reachable = fields.Boolean(
        default=True, readonly=True,
        help="The last login still listed this organisation in Xero's connections.",
    )
    short_code = fields.Char(readonly=True, help="Used in links that open Xero.")
    base_currency = fields.Char(readonly=True)
    country_code = fields.Char(readonly=True)
    connection_ids = fields.One2many("xero.connection", "organisation_id")

    _sql_constraints = [
        ("tenant_company_uniq", "unique(company_id, tenant_id)",
         "This Xero organisation is already known for this company."),
    ]

    def _xero_client(self, **options):
        """API client acting for this organisation only."""
        self.ensure_one()
        if not self.authorization_id:
            raise XeroAuthError(_("No Xero login reaches %s: connect to Xero again.", self.name))
        if not self.reachable:
            raise XeroAuthError(
                _("%s is no longer connected to this app in Xero: connect to Xero again.",
                  self.name)
            )
        return self.authorization_id._xero_client(self.tenant_id, **options)

    def _refresh_details(self):
        """Keep ShortCode (deep links), currency and name current."""
        for org in self:
            org._apply_details(org._xero_client().organisation())
        return True

    def _apply_details(self, organisation):
        """Store what Xero's Organisation says (values it left out are kept)."""
        vals = om.record_values(organisation)
        if any(self[key] != value for key, value in vals.items()):
            self.sudo().write(vals)

    @api.model
    @api.model
    def _used_by_other_companies(self, orgs, company):
        """{organisation id: names of the other companies whose practice
        connection is the same Xero organisation} (for the picker)."""
        connections = self.env["xero.connection"].sudo().search([
            ("company_id", "!=", company.id),
            ("organisation_id.tenant_id", "in", orgs.mapped("tenant_id"))])
        return {org.id: ", ".join(connections.filtered(
                    lambda c, org=org: c.organisation_id.tenant_id == org.tenant_id
                ).company_id.mapped("name"))
                for org in orgs}

    def _upsert_from_connections(self, authorization, connections):
        """Record the organisations Xero's /connections lists for a login."""
        orgs = self.browse()
        for tenant in om.tenants(connections):
            org = self.search([("company_id", "=", authorization.company_id.id),
                               ("tenant_id", "=", tenant["tenant_id"])], limit=1)
            vals = {
                "name": tenant["name"],
                "tenant_type": "ORGANISATION",
                "xero_connection_uid": tenant["connection_uid"],
                "auth_event_id": tenant["auth_event_id"],
                "authorization_id": authorization.id,
                "reachable": True,
            }
            if org:
                org.write(vals)
            else:
                org = self.create(dict(vals, tenant_id=tenant["tenant_id"],
                                       company_id=authorization.company_id.id))
            orgs |= org
        # Organisations this login no longer reaches.
        (authorization.organisation_ids - orgs).write({"reachable": False})
        return orgs

