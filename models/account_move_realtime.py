from odoo import _, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_xero_sync_now(self):
        """Send this invoice (or its payments) to Xero and read it back, now,
        in the background (the path of real-time sync)."""
        self._xero_check_write()
        self.ensure_one()
        binding = self.sudo().xero_binding_id
        if not binding:
            self.sudo()._xero_queue()
            binding = self.sudo().xero_binding_id
        if not binding:
            raise UserError(_("This document is not synced with Xero: only customer invoices "
                              "and credit notes posted while invoice sync is on are."))
        connection = binding.backend_id
        connection._check_usable()
        if binding.state == "error" or binding.error_message:
            binding._retry()
        self.env["xero.connection"]._realtime_push(binding, asked=True)
        if binding.external_id:
            category = "CREDITNOTE" if binding.kind == "credit_note" else "INVOICE"
            self.env["xero.webhook.event"].sudo()._queue_read(connection, category,
                                                               [binding.external_id])
        return connection._notify(_("Syncing %s with Xero now, in the background.",
                                    self.display_name))
