from odoo import api, fields, models

from ..xero_core import settings_mapping as sm

STATUSES = [("ACTIVE", "Active"), ("ARCHIVED", "Archived in Xero"),
            ("DELETED", "Deleted in Xero")]


class XeroAccount(models.Model):
    """An account of the organisation's chart, as last read from Xero.
    Mappings point at these records, so an account archived or deleted in
    Xero after setup is known before anything is sent."""

    _name = "xero.account"
    _description = "Xero account"
    _order = "code, name"
    _rec_names_search = ["code", "name"]

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade",
                                    index=True, readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    external_id = fields.Char("Xero ID", required=True, readonly=True)
    code = fields.Char(readonly=True)
    name = fields.Char(readonly=True)
    account_type = fields.Char("Type", readonly=True)
    account_class = fields.Char("Class", readonly=True)
    status = fields.Selection(STATUSES, default="ACTIVE", required=True, readonly=True)
    active = fields.Boolean(compute="_compute_active", store=True)
    tax_type = fields.Char("Default tax type", readonly=True)
    currency_code = fields.Char("Currency", readonly=True)
    enable_payments = fields.Boolean("Payments enabled", readonly=True)
    system_account = fields.Char(readonly=True)
    for_sales = fields.Boolean(compute="_compute_uses", store=True,
                               help="Sales invoice lines may be coded to it.")
    for_purchases = fields.Boolean(compute="_compute_uses", store=True,
                                   help="Bill lines may be coded to it.")
    accepts_payments = fields.Boolean(compute="_compute_uses", store=True)

    _sql_constraints = [
        ("external_uniq", "unique(connection_id, external_id)", "This Xero account is known."),
    ]

    @api.depends("status")
    def _compute_active(self):
        for account in self:
            account.active = account.status == "ACTIVE"

    @api.depends("status", "account_type", "account_class", "system_account",
                 "enable_payments")
    def _compute_uses(self):
        for account in self:
            values = account._values()
            account.for_sales = sm.usable_for_lines(values, "sale")
            account.for_purchases = sm.usable_for_lines(values, "purchase")
            account.accepts_payments = account.status == "ACTIVE" and sm.accepts_payments(values)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for account in self:
            account.display_name = " ".join(p for p in (account.code, account.name) if p)

    def _values(self):
        """The account as xero_core.settings_mapping reads it."""
        self.ensure_one()
        return {"status": self.status, "account_type": self.account_type or "",
                "account_class": self.account_class or "",
                "system_account": self.system_account or "",
                "enable_payments": self.enable_payments, "code": self.code or "",
                "name": self.name or "", "currency_code": self.currency_code or ""}
