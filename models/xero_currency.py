from odoo import api, fields, models


class XeroCurrency(models.Model):
    """A currency enabled in the organisation, as last read from Xero: an
    invoice in any other currency is refused before it is sent."""

    _name = "xero.currency"
    _description = "Xero currency"
    _order = "code"
    _rec_name = "code"

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade",
                                    index=True, readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    code = fields.Char(required=True, readonly=True)
    description = fields.Char(readonly=True)
    active = fields.Boolean(default=True, readonly=True,
                            help="Off once the currency is no longer enabled in Xero.")

    _sql_constraints = [
        ("code_uniq", "unique(connection_id, code)", "This currency is known."),
    ]

    @api.depends("code", "description")
    def _compute_display_name(self):
        for currency in self:
            currency.display_name = " ".join(
                p for p in (currency.code, currency.description and f"({currency.description})")
                if p)
