from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    xero_client_level = fields.Boolean(
        "Client-level Xero integration",
        help="Show the Xero Organisation tab on company partners, to link a "
        "client to its own Xero organisation.",
    )
    xero_connection_ids = fields.One2many("xero.connection", "company_id")
