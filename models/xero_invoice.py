from odoo import _, fields, models

from ..xero_core import invoice_mapping as im
from ..xero_core.endpoints import credit_note_link, invoice_link


class XeroInvoice(models.Model):
    """Binding of a posted customer invoice / credit note to its Xero twin."""

    _name = "xero.invoice"
    _inherit = ["xero.binding"]
    _description = "Xero invoice"
    _rec_name = "xero_number"
    _order = "id desc"

    odoo_id = fields.Many2one("account.move", "Invoice", required=True, ondelete="cascade",
                              index=True)
    kind = fields.Selection([("invoice", "Invoice"), ("credit_note", "Credit note")],
                            required=True, default="invoice")
    state = fields.Selection(
        [("queued", "Queued"), ("synced", "Synced"), ("error", "Failed"),
         ("cancelled", "Cancelled in Odoo")],
        default="queued", required=True, index=True,
    )
    # A new binding is a document to send, under its own key.
    need_push = fields.Boolean(default=True)
    push_key = fields.Char(default=lambda self: self._new_push_key())
    batch_key = fields.Char(
        readonly=True, copy=False, index=True,
        help="Idempotency key of the request this document is claimed for.")
    xero_number = fields.Char("Xero number", readonly=True)
    xero_status = fields.Char("Xero status", readonly=True)
    xero_total = fields.Float(readonly=True, digits=(16, 2))
    rounding_difference = fields.Float(
        readonly=True, digits=(16, 2),
        help="Xero's total minus Odoo's: Xero rounds line by line.")
    need_payment_sync = fields.Boolean(readonly=True, index=True)
    payment_ids = fields.One2many("xero.invoice.payment", "binding_id")

    _sql_constraints = [
        ("move_uniq", "unique(backend_id, odoo_id)", "This invoice is already bound to Xero."),
        ("external_uniq", "unique(backend_id, external_id)",
         "This Xero invoice is already bound to another Odoo invoice."),
    ]

    def _xero_link(self, short_code):
        link = credit_note_link if self.kind == "credit_note" else invoice_link
        return link(short_code, self.external_id)

    def _push_operation(self):
        return "push_" + self.kind

    def _error_values(self):
        return {"state": "error"}

    def _queue(self):
        """A new version of the invoice to send: new idempotency key."""
        self._queue_push(state="queued", batch_key=False, error_message=False)
        for binding in self:
            self.env["xero.sync.log"]._record(binding.backend_id, binding._push_operation(),
                                              "queued", binding=binding)

    def _retry(self):
        """Send the same change again (same key: Xero replays it if it had
        it); a synced document whose payments failed retries those."""
        payments = self.filtered(lambda b: b.state == "synced" and b.error_message)
        payments.write({"need_payment_sync": True, "error_message": False})
        others = self - payments
        others.write({"state": "queued"})
        return super(XeroInvoice, others)._retry()

    def _set_pushed(self, element):
        """Xero accepted the document: write its id, number, status and total
        back, and check Xero's total against Odoo's."""
        credit = self.kind == "credit_note"
        move = self.odoo_id
        xero_total = element.get("Total") or 0
        self.write({
            "external_id": element.get("CreditNoteID" if credit else "InvoiceID"),
            "xero_number": element.get("CreditNoteNumber" if credit else "InvoiceNumber"),
            "xero_status": element.get("Status"),
            "xero_total": xero_total,
            "rounding_difference": im.rounding_difference(xero_total, move.amount_total),
            "state": "synced",
            "need_push": False,
            "need_payment_sync": True,
            "error_message": False,
            "sync_date": fields.Datetime.now(),
        })
        message = _("Sent to Xero as %(number)s (%(status)s).",
                    number=self.xero_number, status=self.xero_status)
        if self.rounding_difference:
            message += " " + _("Xero's total differs by %s.", self.rounding_difference)
        self.env["xero.sync.log"]._record(self.backend_id, self._push_operation(),
                                          message=message, binding=self)
