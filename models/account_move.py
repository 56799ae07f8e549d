from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..xero_core.errors import XeroError

SYNCED_TYPES = ("out_invoice", "out_refund", "in_invoice", "in_refund")
CREDIT_TYPES = ("out_refund", "in_refund")


class AccountMove(models.Model):
    _inherit = "account.move"

    xero_invoice_ids = fields.One2many("xero.invoice", "odoo_id", "Xero")
    xero_binding_id = fields.Many2one("xero.invoice", compute="_compute_xero_binding")
    xero_number = fields.Char("Xero number", compute="_compute_xero_binding")
    xero_status = fields.Char("Xero status", compute="_compute_xero_binding")
    xero_sync_state = fields.Selection(
        lambda self: self.env["xero.invoice"]._fields["state"].selection,
        "Xero sync", compute="_compute_xero_binding")
    xero_error = fields.Text(compute="_compute_xero_binding")
    xero_rounding_difference = fields.Float(compute="_compute_xero_binding")
    xero_paid = fields.Boolean("Paid in Xero", compute="_compute_xero_binding")
    xero_amount_due = fields.Float("Due in Xero", compute="_compute_xero_binding")
    xero_payment_ids = fields.One2many("xero.invoice.payment", string="Xero payments",
                                       compute="_compute_xero_binding")

    @api.depends("xero_invoice_ids.state", "xero_invoice_ids.xero_number",
                 "xero_invoice_ids.error_message", "xero_invoice_ids.xero_status",
                 "xero_invoice_ids.xero_amount_due", "xero_invoice_ids.payment_ids")
    def _compute_xero_binding(self):
        for move in self:
            binding = move.xero_invoice_ids[:1]
            move.xero_binding_id = binding
            move.xero_number = binding.xero_number
            move.xero_status = binding.xero_status
            move.xero_sync_state = binding.state
            move.xero_error = binding.error_message
            move.xero_rounding_difference = binding.rounding_difference
            move.xero_paid = binding.xero_status == "PAID"
            move.xero_amount_due = binding.xero_amount_due
            move.xero_payment_ids = binding.payment_ids

    def _post(self, soft=True):
        reposted = self.filtered("posted_before")
        posted = super()._post(soft=soft)
        posted._xero_queue(reposted)
        return posted

    def _xero_queue(self, reposted=None):
        """Posted invoices, credit notes, bills and vendor refunds go to
        Xero's queue (each kind when its sync is on); a
        re-post after an edit sends the new version. An invoice first posted
        while invoice sync was off (``reposted`` without a binding) is
        historical and stays out, also when it is re-posted later."""
        Connection = self.env["xero.connection"].sudo()
        for move in self.filtered(lambda m: m.move_type in SYNCED_TYPES
                                  and m.state == "posted"):
            connection = Connection._for_move(move)
            if not connection:
                continue
            binding = move.sudo().xero_invoice_ids.filtered(
                lambda b, c=connection: b.backend_id == c)
            if not binding:
                if reposted and move in reposted:
                    continue
                binding = self.env["xero.invoice"].sudo().create({
                    "backend_id": connection.id, "odoo_id": move.id,
                    "kind": "credit_note" if move.move_type in CREDIT_TYPES else "invoice",
                })
            binding._queue()

    def button_cancel(self):
        # Only whoever may cancel these entries queues their Xero side (the
        # bookkeeping below is done as the system).
        self.check_access("write")
        res = super().button_cancel()
        # What happens in Xero is up to the connection's Deletions setting.
        self.sudo().xero_invoice_ids.write({"need_push": True})
        self.env["xero.connection"]._realtime_push(self.sudo().xero_invoice_ids)
        return res

    def unlink(self):
        # Deleting a draft never touches Xero; say so where an admin looks.
        for binding in self.sudo().xero_invoice_ids.filtered("external_id"):
            self.env["xero.sync.log"]._record(
                binding.backend_id, "delete_in_odoo",
                message=_("%(move)s was deleted in Odoo; %(number)s stays in Xero.",
                          move=binding.odoo_id.display_name, number=binding.xero_number),
                count=1)
        return super().unlink()

    def action_xero_retry(self):
        """Whoever may edit the invoice may send it to Xero again."""
        self._xero_check_write()
        self.sudo().xero_invoice_ids._retry()
        return True

    def action_xero_refresh(self):
        """Read the invoice from Xero now: its status, and the payments made
        or deleted there (registered or unreconciled in Odoo)."""
        self._xero_check_write()
        self.ensure_one()
        binding = self.sudo().xero_binding_id
        if not binding.external_id:
            raise UserError(_("This invoice is not in Xero yet."))
        binding.backend_id._check_usable()
        try:
            binding._refresh_from_xero()
        except XeroError as exc:
            raise self._xero_user_error(exc) from exc
        message = _("Read from Xero: %(status)s, %(due)s due.", status=binding.xero_status,
                    due=binding.xero_amount_due)
        if binding.error_message:
            message = binding.error_message
        return binding.backend_id._notify(message, reload=True,
                                          kind="warning" if binding.error_message else "success")

    def action_xero_open(self):
        self._xero_check_read()
        self.ensure_one()
        url = self.xero_binding_id.xero_url
        if not url:
            raise UserError(_("This invoice is not in Xero yet."))
        return {"type": "ir.actions.act_url", "url": url, "target": "new"}


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def _xero_mark(self):
        # Any document Xero has: one reset to draft (and re-posted) keeps
        # its Xero payments until they are removed there.
        moves = (self.debit_move_id | self.credit_move_id).move_id
        bindings = moves.sudo().xero_invoice_ids.filtered("external_id")
        bindings.write({"need_payment_sync": True})
        self.env["xero.connection"]._realtime_push(bindings)

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._xero_mark()
        return partials

    def unlink(self):
        # Payments removed in Odoo are removed from Xero on the next run.
        self._xero_mark()
        return super().unlink()
