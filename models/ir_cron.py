from odoo import _, fields, models
from odoo.exceptions import UserError


class IrCron(models.Model):
    _inherit = "ir.cron"

    # A connection's scheduled actions are found by these, not by their code.
    xero_connection_id = fields.Many2one("xero.connection", "Xero connection",
                                         ondelete="cascade", index="btree_not_null")
    xero_job = fields.Char("Xero job", readonly=True)

    def action_xero_run_now(self):
        """Run this scheduled action of a Xero connection now, in the
        background, with a user's priority on the day's budget."""
        self._xero_check_manager()
        self.ensure_one()
        if not self.xero_connection_id:
            raise UserError(_("This is not a scheduled action of a Xero connection."))
        connection = self.xero_connection_id
        connection._xero_check_manager()
        if not self.active:
            raise UserError(_("Switch this scheduled action on first."))
        connection.sudo()._realtime_trigger(self.xero_job, asked=True)
        return connection._notify(_("%s runs now, in the background: the sync log shows the "
                                    "outcome.", self.name))
