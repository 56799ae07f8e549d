from odoo import fields, models


class XeroInvoicePayment(models.Model):
    """An Odoo payment (a reconciliation) mirrored as a Xero payment, or a
    credit note allocation."""

    _name = "xero.invoice.payment"
    _description = "Xero payment of an invoice"

    binding_id = fields.Many2one("xero.invoice", required=True, ondelete="cascade", index=True)
    kind = fields.Selection([("payment", "Payment"), ("allocation", "Credit note allocation")],
                            required=True, default="payment")
    partial_id = fields.Integer("Reconciliation", required=True, index=True,
                                help="account.partial.reconcile id (gone once unreconciled).")
    external_id = fields.Char("Xero ID", readonly=True)
    amount = fields.Float(digits=(16, 2))
    date = fields.Date()
    state = fields.Selection([("synced", "Synced"), ("deleted", "Deleted in Xero"),
                              ("error", "Failed")], default="synced", required=True)
    error_message = fields.Text()

    _sql_constraints = [
        ("partial_uniq", "unique(binding_id, partial_id)", "This payment is already in Xero."),
    ]
