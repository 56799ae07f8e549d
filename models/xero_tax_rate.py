from odoo import api, fields, models

from ..xero_core import settings_mapping as sm

FLAGS = ("can_apply_to_revenue", "can_apply_to_expenses", "can_apply_to_assets",
         "can_apply_to_liabilities", "can_apply_to_equity")


class XeroTaxRate(models.Model):
    """A tax rate of the organisation, as last read from Xero."""

    _name = "xero.tax.rate"
    _description = "Xero tax rate"
    _order = "tax_type"
    _rec_names_search = ["tax_type", "name"]

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade",
                                    index=True, readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    tax_type = fields.Char("Tax type", required=True, readonly=True,
                           help="Xero's code of the rate, e.g. OUTPUT2.")
    name = fields.Char(readonly=True)
    rate = fields.Float("Rate (%)", digits=(16, 4), readonly=True)
    status = fields.Selection(
        [("ACTIVE", "Active"), ("ARCHIVED", "Archived in Xero"), ("PENDING", "Pending"),
         ("DELETED", "Deleted in Xero")], default="ACTIVE", required=True, readonly=True)
    active = fields.Boolean(compute="_compute_active", store=True)
    report_tax_type = fields.Char(readonly=True)
    can_apply_to_revenue = fields.Boolean(readonly=True)
    can_apply_to_expenses = fields.Boolean(readonly=True)
    can_apply_to_assets = fields.Boolean(readonly=True)
    can_apply_to_liabilities = fields.Boolean(readonly=True)
    can_apply_to_equity = fields.Boolean(readonly=True)
    for_sales = fields.Boolean(related="can_apply_to_revenue", store=True, string="For sales")
    for_purchases = fields.Boolean(related="can_apply_to_expenses", store=True,
                                   string="For purchases")

    _sql_constraints = [
        ("type_uniq", "unique(connection_id, tax_type)", "This Xero tax rate is known."),
    ]

    @api.depends("status")
    def _compute_active(self):
        for rate in self:
            rate.active = rate.status == "ACTIVE"

    @api.depends("tax_type", "name", "rate")
    def _compute_display_name(self):
        for rate in self:
            rate.display_name = f"{rate.name or rate.tax_type} ({rate.rate:g}%)"

    def _values(self):
        """The rate as xero_core.settings_mapping reads it."""
        self.ensure_one()
        return {"tax_type": self.tax_type, "name": self.name or "", "rate": self.rate,
                "status": self.status, **{flag: self[flag] for flag in FLAGS}}

    def _allowed_on(self, account):
        """Whether Xero takes this rate on lines coded to ``account``."""
        self.ensure_one()
        return sm.rate_allowed_on(self._values(), account.account_class)
