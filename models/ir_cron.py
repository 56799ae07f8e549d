from odoo import fields, models


class IrCron(models.Model):
    _inherit = "ir.cron"

    # A connection's scheduled actions are found by these, not by their code.
    xero_connection_id = fields.Many2one("xero.connection", "Xero connection",
                                         ondelete="cascade", index="btree_not_null")
    xero_job = fields.Char("Xero job", readonly=True)
