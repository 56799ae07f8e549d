from odoo import api, fields, models
from odoo.tools import SQL

from ..xero_core import invoice_mapping as im


class XeroInvoicePayment(models.Model):
    """A payment or credit note allocation of a synced invoice, in both
    Odoo and Xero: an Odoo reconciliation sent to Xero (``origin`` odoo), or
    a payment recorded in Xero and registered in Odoo (``origin`` xero).
    Each Xero payment is bound once, never twice."""

    _name = "xero.invoice.payment"
    _description = "Xero payment of an invoice"
    _order = "id"

    binding_id = fields.Many2one("xero.invoice", required=True, ondelete="cascade", index=True)
    connection_id = fields.Many2one(related="binding_id.backend_id", store=True, index=True)
    kind = fields.Selection([("payment", "Payment"), ("allocation", "Credit note allocation")],
                            required=True, default="payment")
    origin = fields.Selection([("odoo", "Odoo"), ("xero", "Xero")], "Recorded in",
                              required=True, default="odoo")
    partial_id = fields.Integer("Reconciliation", index=True,
                                help="account.partial.reconcile id (gone once unreconciled).")
    counterpart_move_id = fields.Many2one(
        "account.move", "Payment or credit note", ondelete="set null", index="btree_not_null")
    payment_id = fields.Many2one("account.payment", "Odoo payment", ondelete="set null",
                                 index="btree_not_null")
    note_binding_id = fields.Many2one("xero.invoice", "Credit note", ondelete="cascade",
                                      help="The credit note an allocation takes credit from.")
    account_id = fields.Many2one("xero.account", "Xero account", ondelete="set null")
    external_id = fields.Char("Xero ID", readonly=True)
    amount = fields.Float(digits=(16, 2))
    date = fields.Date()
    reference = fields.Char()
    currency_rate = fields.Float(digits=(16, 6))
    state = fields.Selection([("pending", "To send"), ("synced", "Synced"),
                              ("deleted", "Deleted"), ("error", "Failed")],
                             default="synced", required=True, index=True)
    batch_key = fields.Char(
        readonly=True, copy=False, index=True,
        help="Idempotency key of the request this payment is claimed for.")
    uncertain = fields.Boolean(
        readonly=True, copy=False,
        help="Sent, but no answer came back: Xero is asked before it is sent again.")
    error_message = fields.Text()

    _sql_constraints = [
        ("partial_uniq", "unique(binding_id, partial_id)", "This payment is already in Xero."),
        ("external_uniq", "unique(connection_id, external_id)",
         "This Xero payment is already registered: a Xero payment is bound once."),
    ]

    def _payload(self):
        """What Xero is sent for this payment or allocation."""
        self.ensure_one()
        invoice_id = self.binding_id.external_id
        if self.kind == "allocation":
            return im.allocation(invoice_id, self.date, self.amount)
        return im.payment(invoice_id, {"AccountID": self.account_id.external_id}, self.date,
                          self.amount, self.reference, self.currency_rate or None)

    def _retry(self):
        """Send a refused payment again, as a new request."""
        self.write({"state": "pending", "batch_key": False, "uncertain": False,
                    "error_message": False})
        return True

    def _matches(self, xero_payment):
        """Whether a payment Xero has is this one (sent, answer lost)."""
        self.ensure_one()
        return (self.kind == "payment" and not self.external_id
                and xero_payment.invoice_id == self.binding_id.external_id
                and round(float(xero_payment.amount), 2) == round(self.amount, 2)
                and (xero_payment.reference or "") == (self.reference or "")
                and xero_payment.date == self.date)

    @api.model
    def _lock_pending(self, domain, limit):
        """Pending records matching ``domain``, locked for this transaction;
        those another worker holds are skipped."""
        query = self._search(domain, order="id", limit=limit)
        self.env.cr.execute(SQL("%s FOR UPDATE SKIP LOCKED", query.select("id")))
        return self.browse([row[0] for row in self.env.cr.fetchall()])
