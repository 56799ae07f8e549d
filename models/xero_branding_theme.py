from odoo import fields, models


class XeroBrandingTheme(models.Model):
    """A branding theme of the organisation (the look of its invoices), as
    last read from Xero."""

    _name = "xero.branding.theme"
    _description = "Xero branding theme"
    _order = "sort_order, name"

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade",
                                    index=True, readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    external_id = fields.Char("Xero ID", required=True, readonly=True)
    name = fields.Char(readonly=True)
    sort_order = fields.Integer(readonly=True)
    active = fields.Boolean(default=True, readonly=True,
                            help="Off once the theme is gone from Xero.")

    _sql_constraints = [
        ("external_uniq", "unique(connection_id, external_id)", "This theme is known."),
    ]
