from odoo import _, fields, models

from ..xero_core import invoice_mapping as im
from ..xero_core import payment_mapping as pm
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
    rounding_added = fields.Float(
        readonly=True, digits=(16, 2),
        help="The rounding line sent so that Xero's total is Odoo's (connection's policy).")
    xero_amount_paid = fields.Float("Paid in Xero", readonly=True, digits=(16, 2))
    xero_amount_due = fields.Float("Due in Xero", readonly=True, digits=(16, 2))
    need_payment_sync = fields.Boolean(readonly=True, index=True)
    need_payment_import = fields.Boolean(
        readonly=True, index=True,
        help="Xero's payments of this document changed: registered in Odoo by the next run.")
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
        it); a synced document whose payments failed retries those, both
        ways."""
        payments = self.filtered(lambda b: b.state == "synced" and b.error_message)
        payments.write({"need_payment_sync": True, "need_payment_import": True,
                        "error_message": False})
        payments.payment_ids.filtered(lambda p: p.state == "error")._retry()
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
            "xero_amount_paid": element.get("AmountPaid") or 0,
            "xero_amount_due": element.get("AmountDue", element.get("RemainingCredit")) or 0,
            "rounding_difference": im.rounding_difference(xero_total, move.amount_total),
            "rounding_added": im.rounding_added(element),
            "state": "synced",
            "need_push": False,
            "need_payment_sync": True,
            "error_message": False,
            "sync_date": fields.Datetime.now(),
            **self._sent_values(),
        })
        message = _("Sent to Xero as %(number)s (%(status)s).",
                    number=self.xero_number, status=self.xero_status)
        if self.rounding_added:
            message += " " + _("A rounding line of %s makes Xero's total Odoo's.",
                               self.rounding_added)
        if self.rounding_difference:
            message += " " + _("Xero's total differs by %s.", self.rounding_difference)
        self.env["xero.sync.log"]._record(self.backend_id, self._push_operation(),
                                          message=message, binding=self)

    # === WHAT XERO DID TO THE DOCUMENT (ledger pull, Refresh) ===

    def _note_from_xero(self, document):
        """Xero's current version of this document (an invoice or credit
        note as Xero answers it): status and amounts; payments that differ
        from the bound ones are registered by the payment importer."""
        self.ensure_one()
        credit = self.kind == "credit_note"
        values = {
            "xero_status": document.get("Status") or self.xero_status,
            "xero_total": document.get("Total", self.xero_total) or 0,
            "xero_amount_paid": document.get("AmountPaid", self.xero_amount_paid) or 0,
            "xero_amount_due": document.get(
                "RemainingCredit" if credit else "AmountDue", self.xero_amount_due) or 0,
        }
        if not credit and "Payments" in document:
            listed = pm.listed_payment_ids(document)
            bound = set(self.payment_ids.filtered(
                lambda p: p.kind == "payment" and p.state == "synced" and p.external_id
            ).mapped("external_id"))
            if listed != bound:
                values["need_payment_import"] = True
        self.write({k: v for k, v in values.items() if self[k] != v})

    def _note_documents(self, connection, documents):
        """Xero documents read by a pull: those bound to synced invoices
        and credit notes update them (see ``_note_from_xero``). Returns the
        bindings flagged for the payment importer."""
        by_id = {}
        for document in documents:
            if isinstance(document, dict):
                external_id = document.get("InvoiceID") or document.get("CreditNoteID")
                if external_id:
                    by_id[external_id] = document
        if not by_id:
            return self.browse()
        bindings = self.search([("backend_id", "=", connection.id),
                                ("external_id", "in", list(by_id)), ("state", "=", "synced")])
        for binding in bindings:
            binding._note_from_xero(by_id[binding.external_id])
        flagged = bindings.filtered("need_payment_import")
        cron = connection._cron("pull_payments")
        if flagged and cron:
            # Registered soon by the payment job, not in the middle of the pull.
            cron._trigger()
        return flagged

    def _refresh_from_xero(self):
        """Read this document from Xero now; register or unreconcile the
        payments that changed there."""
        self.ensure_one()
        connection = self.backend_id
        client = connection._xero_client()
        fetch = client.get_credit_notes_by_ids if self.kind == "credit_note" \
            else client.get_invoices_by_ids
        documents = fetch([self.external_id])
        if documents:
            self._note_from_xero(documents[0])
        if self.need_payment_import:
            self.env["xero.payment.importer"]._run(connection, client=client, bindings=self)
        return documents[:1]
