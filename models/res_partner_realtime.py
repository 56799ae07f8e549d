from odoo import _, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_xero_sync_now(self):
        """Send this partner's pending change and read its Xero contact
        again, now, in the background (the path of real-time sync)."""
        binding = self._xero_binding_or_raise()
        connection = binding.backend_id
        connection._check_usable()
        if binding.state != "linked":
            binding._check_contact_editor()
        if binding.error_message:
            binding._retry()
        jobs = []
        if binding.need_push:
            jobs = self.env["xero.connection"]._realtime_push(binding, asked=True)
        if binding.external_id:
            self.env["xero.webhook.event"].sudo()._queue_read(
                connection, "CONTACT", [binding.external_id])
        message = (_("Sending %s's change to Xero and reading it back, in the background.",
                     self.display_name) if jobs else
                   _("Reading %s from Xero, in the background.", self.display_name))
        return connection._notify(message)
