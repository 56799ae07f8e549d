from odoo import fields, models


class XeroSyncRequest(models.Model):
    """A job a user asked to run now (Sync now, Retry, Run now): its next
    run has a user's priority on the day's budget. Kept apart from the
    scheduled action and the connection, whose rows a running job holds."""

    _name = "xero.sync.request"
    _description = "Xero job asked for by a user"

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade",
                                    index=True)
    job = fields.Char(required=True)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.uid)
