from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..xero_core.errors import XeroError


class AccountMoveDocuments(models.Model):
    """Documents raised in Xero: what Xero changed on a posted Odoo copy is
    shown, and a user applies it or keeps Odoo's version."""

    _inherit = "account.move"

    xero_change_pending = fields.Boolean("Changed in Xero",
                                         compute="_compute_xero_change")
    xero_change_text = fields.Text("What Xero changed", compute="_compute_xero_change")

    @api.depends("xero_invoice_ids.xero_change_pending", "xero_invoice_ids.xero_change_text")
    def _compute_xero_change(self):
        for move in self:
            binding = move.xero_invoice_ids[:1]
            move.xero_change_pending = binding.xero_change_pending
            move.xero_change_text = binding.xero_change_text

    def action_xero_apply_change(self):
        """Take Xero's version of the document (reset to draft, rewritten,
        posted again)."""
        self._xero_check_write()
        self.ensure_one()
        binding = self.sudo().xero_invoice_ids.filtered("xero_change_pending")[:1]
        if not binding.xero_change_document:
            raise UserError(_("Xero has no new version of this document to apply."))
        try:
            self.env["xero.document.importer"].sudo()._apply_change(binding)
        except XeroError as exc:
            raise UserError(exc.message) from exc
        return True

    def action_xero_keep_odoo(self):
        """Keep Odoo's version: the difference is dismissed (a later change
        in Xero is shown again)."""
        self._xero_check_write()
        bindings = self.sudo().xero_invoice_ids.filtered("xero_change_pending")
        for binding in bindings:
            document = binding.xero_change_document
            binding.write({"xero_change_pending": False, "xero_change_text": False,
                           "xero_change_document": False})
            if document:
                # What Xero has now is known: only a further change shows again.
                binding.write({"xero_content_key": self.env["xero.document.importer"]
                               ._content_key(document)})
            self.env["xero.sync.log"]._record(
                binding.backend_id, "document_changed", binding=binding,
                message=_("Odoo's version kept by %s.", self.env.user.name))
        return True
