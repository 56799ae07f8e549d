from odoo import _, api, fields, models
from odoo.exceptions import UserError


class XeroClientLinkWizard(models.TransientModel):
    """Connect to Xero on a client: pick an organisation an existing login
    already reaches (no new login), or log in to reach another one."""

    _name = "xero.client.link.wizard"
    _description = "Link a client to a Xero organisation"

    partner_id = fields.Many2one("res.partner", "Client", required=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many("xero.client.link.wizard.line", "wizard_id")
    line_id = fields.Many2one(
        "xero.client.link.wizard.line",
        "Xero organisation",
        domain="[('wizard_id', '=', id)]",
    )
    organisation_id = fields.Many2one(related="line_id.organisation_id")
    linked_to = fields.Char(related="line_id.linked_to")
    has_lines = fields.Boolean(compute="_compute_has_lines")

    @api.depends("line_ids")
    def _compute_has_lines(self):
        for wizard in self:
            wizard.has_lines = bool(wizard.line_ids)

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            wizard._fill_lines()
        return wizards

    def _fill_lines(self):
        """Every organisation the company's logins reach, the practice one
        included, with the partners already linked to it."""
        self.ensure_one()
        orgs = self.env["xero.organisation"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("authorization_id", "!=", False),
                ("reachable", "=", True),
            ]
        )
        links = self.env["xero.client.link"].search([("organisation_id", "in", orgs.ids)])
        practice = self.env["xero.connection"]._for_company(self.company_id).organisation_id
        Line = self.env["xero.client.link.wizard.line"]
        current = Line
        for org in orgs:
            org_links = links.filtered(lambda link, org=org: link.organisation_id == org)
            others = org_links.partner_id - self.partner_id
            line = Line.create(
                {
                    "wizard_id": self.id,
                    "organisation_id": org.id,
                    "linked_to": ", ".join(others.mapped("display_name")) or False,
                    "is_current": self.partner_id in org_links.partner_id,
                    "is_practice": org == practice,
                }
            )
            if line.is_current:
                current = line
        self.line_id = current or (self.line_ids if len(self.line_ids) == 1 else Line)

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Connect to Xero"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _check_manager(self):
        """A Xero Manager of the wizard's company, who may see the client."""
        self._xero_check_manager()
        self._xero_check_company(self.company_id)
        self.partner_id.check_access("read")

    def action_link(self):
        return self._link(confirm=False)

    def action_link_anyway(self):
        return self._link(confirm=True)

    def _link(self, confirm):
        self._check_manager()
        self.ensure_one()
        if not self.line_id or self.line_id.wizard_id != self:
            raise UserError(_("Choose a Xero organisation in the list first."))
        link = self.env["xero.client.link"]._link(
            self.partner_id, self.organisation_id, confirm=confirm
        )
        link._refresh_safely()
        return {"type": "ir.actions.act_window_close"}

    def action_connect_another(self):
        """Log in to Xero: back on this client with the new organisation."""
        self._check_manager()
        self.ensure_one()
        return self.partner_id._xero_client_oauth_action(self.company_id)


class XeroClientLinkWizardLine(models.TransientModel):
    _name = "xero.client.link.wizard.line"
    _description = "Xero organisation offered to a client"
    _order = "is_practice desc, id"

    wizard_id = fields.Many2one("xero.client.link.wizard", required=True, ondelete="cascade")
    organisation_id = fields.Many2one("xero.organisation", required=True, ondelete="cascade")
    linked_to = fields.Char("Already linked to")
    is_current = fields.Boolean("Linked to this client")
    is_practice = fields.Boolean("Practice organisation")

    @api.depends("organisation_id.name", "linked_to", "is_current", "is_practice")
    def _compute_display_name(self):
        for line in self:
            name = line.organisation_id.name or ""
            if line.is_practice:
                name = _("%s (practice organisation)", name)
            if line.is_current:
                name = _("%s · linked to this client", name)
            if line.linked_to:
                name = _(
                    "%(name)s · already linked to %(partners)s", name=name, partners=line.linked_to
                )
            line.display_name = name
