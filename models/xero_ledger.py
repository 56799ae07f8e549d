from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, formatLang

from ..xero_core import ledger
from ..xero_core.endpoints import credit_note_link, invoice_link

XERO_STATUSES = [("DRAFT", "Draft"), ("SUBMITTED", "Submitted"),
                 ("AUTHORISED", "Authorised"), ("PAID", "Paid"), ("VOIDED", "Voided"),
                 ("DELETED", "Deleted")]


class XeroLedgerInvoice(models.Model):
    """A sales invoice or credit note as Xero has it: Xero's view of what a
    customer owes. Read-only, and never an Odoo journal entry."""

    _name = "xero.ledger.invoice"
    _description = "Xero sales ledger line"
    _order = "date desc, id desc"
    _rec_name = "number"

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade",
                                    index=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    external_id = fields.Char("Xero ID", required=True, readonly=True)
    contact_external_id = fields.Char("Xero contact ID", index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", index=True, readonly=True,
                                 ondelete="set null")
    kind = fields.Selection([(ledger.INVOICE, "Invoice"), (ledger.CREDIT_NOTE, "Credit note")],
                            "Type", required=True, default=ledger.INVOICE, readonly=True)
    number = fields.Char("Number", readonly=True, index="trigram")
    reference = fields.Char(readonly=True)
    date = fields.Date("Invoice date", readonly=True, index=True)
    due_date = fields.Date(readonly=True)
    xero_status = fields.Selection(XERO_STATUSES, readonly=True, index=True)
    status = fields.Selection(
        list(ledger.STATUS_LABELS.items()), compute="_compute_status",
        help="As Xero shows it; Overdue depends on today.",
    )
    currency_code = fields.Char("Currency", readonly=True)
    total = fields.Float(readonly=True, digits=(16, 2))
    amount_paid = fields.Float(readonly=True, digits=(16, 2))
    amount_due = fields.Float("Balance", readonly=True, digits=(16, 2))
    amount_credited = fields.Float(readonly=True, digits=(16, 2))
    xero_updated_at = fields.Datetime("Updated in Xero", readonly=True)
    payment_ids = fields.One2many("xero.ledger.payment", "invoice_id", readonly=True)
    payment_count = fields.Integer(readonly=True)
    payments_summary = fields.Char("Payments", compute="_compute_payments_summary")
    pinned_user_ids = fields.Many2many("res.users", string="Pinned by")
    is_pinned = fields.Boolean("Pinned", compute="_compute_is_pinned",
                               search="_search_is_pinned")
    xero_url = fields.Char("Open in Xero", compute="_compute_xero_url")
    note = fields.Char(readonly=True, help="What could not be read from Xero.")

    _sql_constraints = [
        ("external_uniq", "unique(connection_id, external_id)",
         "This Xero invoice is already in the ledger."),
    ]

    @api.depends("xero_status", "amount_due", "amount_paid", "due_date")
    def _compute_status(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.status = ledger.display_status(
                line.xero_status or "DRAFT", line.amount_due, line.amount_paid,
                line.due_date, today)

    @api.depends_context("lang")
    @api.depends("payment_ids")
    def _compute_payments_summary(self):
        def one(payment):
            # Dates and amounts as the user reads them.
            text = (f"{format_date(self.env, payment.date)} "
                    f"{formatLang(self.env, payment.amount, digits=2)}")
            return text + (f" ({payment.reference})" if payment.reference else "")

        for line in self:
            if line.payment_count > 1:
                line.payments_summary = _("%s payments", line.payment_count) + ": " + "; ".join(
                    one(p) for p in line.payment_ids.sorted("date"))
            elif line.payment_count == 1:
                line.payments_summary = _("1 payment") + ": " + one(line.payment_ids)
            else:
                line.payments_summary = False

    @api.depends_context("uid")
    @api.depends("pinned_user_ids")
    def _compute_is_pinned(self):
        for line in self:
            line.is_pinned = self.env.user in line.pinned_user_ids

    def _search_is_pinned(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on Pinned."))
        positive = (operator == "=") == value
        return [("pinned_user_ids", "in" if positive else "not in", [self.env.uid])]

    @api.depends("external_id", "kind", "connection_id.short_code")
    def _compute_xero_url(self):
        for line in self:
            link = credit_note_link if line.kind == ledger.CREDIT_NOTE else invoice_link
            line.xero_url = link(line.connection_id.short_code, line.external_id)

    def action_toggle_pin(self):
        """Pins are personal: each user sees their own."""
        self._xero_check_read()
        for line in self:
            command = "unlink" if self.env.user in line.pinned_user_ids else "link"
            line.sudo().pinned_user_ids = [(3 if command == "unlink" else 4, self.env.uid)]
        return True

    def action_open_in_xero(self):
        self.ensure_one()
        self._xero_check_read()
        if not self.xero_url:
            raise UserError(_("The Xero organisation's short code is unknown; refresh the "
                              "connection details."))
        return {"type": "ir.actions.act_url", "url": self.xero_url, "target": "new"}


class XeroLedgerPayment(models.Model):
    _name = "xero.ledger.payment"
    _description = "Xero payment on a sales ledger line"
    _order = "date, id"

    invoice_id = fields.Many2one("xero.ledger.invoice", required=True, ondelete="cascade",
                                 index=True)
    external_id = fields.Char("Xero ID", readonly=True)
    date = fields.Date(readonly=True)
    amount = fields.Float(readonly=True, digits=(16, 2))
    reference = fields.Char(readonly=True)
