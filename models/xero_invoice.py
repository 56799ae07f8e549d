import uuid

from odoo import _, api, fields, models

from ..xero_core import invoice_mapping as im
from ..xero_core.client import element_errors, element_failed, one
from ..xero_core.endpoints import credit_note_link, invoice_link
from ..xero_core.idempotency import request_key


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
    need_push = fields.Boolean(default=True, index=True, readonly=True)
    batch_key = fields.Char(
        readonly=True, copy=False, index=True,
        help="Idempotency key of the request this document is claimed for.")
    push_key = fields.Char(readonly=True, copy=False, default=lambda self: uuid.uuid4().hex)
    xero_number = fields.Char("Xero number", readonly=True)
    xero_status = fields.Char("Xero status", readonly=True)
    xero_total = fields.Float(readonly=True, digits=(16, 2))
    rounding_difference = fields.Float(
        readonly=True, digits=(16, 2),
        help="Xero's total minus Odoo's: Xero rounds line by line.")
    need_payment_sync = fields.Boolean(readonly=True, index=True)
    payment_ids = fields.One2many("xero.invoice.payment", "binding_id")
    xero_url = fields.Char(compute="_compute_xero_url")

    _sql_constraints = [
        ("move_uniq", "unique(backend_id, odoo_id)", "This invoice is already bound to Xero."),
        ("external_uniq", "unique(backend_id, external_id)",
         "This Xero invoice is already bound to another Odoo invoice."),
    ]

    @api.depends("external_id", "kind", "backend_id.short_code")
    def _compute_xero_url(self):
        for binding in self:
            link = credit_note_link if binding.kind == "credit_note" else invoice_link
            binding.xero_url = binding.external_id and link(binding.backend_id.short_code,
                                                            binding.external_id)

    def _push_operation(self):
        """The sync log's name for sending this document."""
        return "push " + self.kind.replace("_", " ")

    def _queue(self):
        """A new version of the invoice to send: new idempotency key."""
        self.write({"need_push": True, "push_key": uuid.uuid4().hex, "state": "queued",
                    "error_message": False, "batch_key": False})
        for binding in self:
            self.env["xero.sync.log"]._queue(binding.backend_id, binding.odoo_id,
                                             binding._push_operation())

    def _xero_retry(self):
        """Send the same change again (same key: Xero replays if it had it)."""
        for binding in self:
            if binding.state == "synced" and binding.error_message:
                binding.write({"need_payment_sync": True, "error_message": False})
            else:
                binding.write({"need_push": True, "state": "queued", "error_message": False})

    def _set_error(self, message, operation=None, definite=True):
        """A refusal (``definite``) makes the next attempt a new request
        (new key); after an unknown outcome a retry reuses the key."""
        for binding in self:
            vals = {"state": "error", "error_message": message,
                    "error_at": fields.Datetime.now(), "need_push": False}
            if definite:
                vals["push_key"] = uuid.uuid4().hex
            binding.write(vals)
            self.env["xero.sync.log"]._finish(
                binding.backend_id, binding.odoo_id,
                operation or binding._push_operation(), message, failed=True)


    def _after_push(self, element):
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
        self.env["xero.sync.log"]._finish(self.backend_id, move,
                                          self._push_operation(), message)

    # === PAYMENTS AND ALLOCATIONS ===

    def _odoo_settlements(self):
        """{partial id: values} of what settles this invoice in Odoo."""
        self.ensure_one()
        result = {}
        for partial in self.odoo_id._get_all_reconciled_invoice_partials():
            if partial.get("is_exchange"):
                continue
            counterpart = partial["aml"].move_id
            kind = "allocation" if counterpart.move_type == "out_refund" else "payment"
            result[partial["partial_id"]] = {
                "kind": kind, "amount": partial["amount"],
                "date": partial["aml"].date, "counterpart": counterpart,
                "reference": counterpart.name or "",
            }
        return result

    def _sync_payments(self, client):
        """Create Xero payments / allocations for new reconciliations and
        delete Xero payments whose reconciliation is gone."""
        self.ensure_one()
        Log = self.env["xero.sync.log"]
        conn = self.backend_id
        wanted = self._odoo_settlements()
        existing = {p.partial_id: p for p in self.payment_ids if p.state == "synced"}
        for partial_id, payment in existing.items():
            if partial_id not in wanted and payment.kind == "payment":
                Log._start(conn, self.odoo_id, "delete payment")
                client.delete_payment(payment.external_id,
                                      request_key(["delete", payment.id, payment.external_id]))
                payment.state = "deleted"
                Log._finish(conn, self.odoo_id, "delete payment",
                            _("Payment of %s deleted in Xero.", payment.amount))
            elif partial_id not in wanted:
                payment.write({"state": "error", "error_message": _(
                    "The credit note was unreconciled in Odoo: remove its allocation in Xero.")})
                Log._finish(conn, self.odoo_id, "delete allocation",
                            payment.error_message, failed=True)
        new = {k: v for k, v in wanted.items() if k not in existing}
        payments = {k: v for k, v in new.items() if v["kind"] == "payment"}
        if payments and not conn.payment_account_code:
            self._set_payment_error(_("Choose the Xero payment account of the connection "
                                      "before payments can sync."))
            return
        # Xero only settles approved documents.
        if new and not self._approve_in_xero(client):
            return
        for partial_id, values in payments.items():
            self._create_payment(client, partial_id, values)
        waiting = False
        for partial_id, values in new.items():
            if values["kind"] == "allocation":
                waiting |= not self._create_allocation(client, partial_id, values)
        # An allocation whose credit note is not in Xero yet stays queued.
        self.need_payment_sync = waiting

    def _approve_in_xero(self, client):
        """Approve this document in Xero if it is still a draft there (a
        draft-synced document, SalesBinder's rule). False, with the reason
        on the document, when Xero refuses."""
        self.ensure_one()
        if self.xero_status not in im.EDITABLE:
            return True
        payload = [im.status_change(self.kind, self.external_id, "AUTHORISED")]
        save = client.save_credit_notes if self.kind == "credit_note" else client.save_invoices
        element = one(save(payload, request_key([self.id, self.push_key], payload)))
        if element_failed(element):
            self._set_payment_error("; ".join(element_errors(element)), "approve in Xero")
            return False
        self.xero_status = element.get("Status")
        return True

    def _create_payment(self, client, partial_id, values):
        Log = self.env["xero.sync.log"]
        conn = self.backend_id
        Log._start(conn, self.odoo_id, "push payment")
        payload = [im.payment(self.external_id, conn.payment_account_code, values["date"],
                              values["amount"], values["reference"])]
        element = one(client.create_payments(payload, request_key(["pay", self.id, partial_id],
                                                                payload)))
        if element_failed(element):
            message = "; ".join(element_errors(element))
            self._set_payment_error(message, "push payment")
            return
        self.env["xero.invoice.payment"].create({
            "binding_id": self.id, "kind": "payment", "partial_id": partial_id,
            "external_id": element.get("PaymentID"), "amount": values["amount"],
            "date": values["date"]})
        Log._finish(conn, self.odoo_id, "push payment",
                    _("Payment of %s recorded in Xero.", values["amount"]))

    def _create_allocation(self, client, partial_id, values):
        """False when it has to wait for the credit note to reach Xero."""
        Log = self.env["xero.sync.log"]
        conn = self.backend_id
        note = self.search([("backend_id", "=", conn.id),
                            ("odoo_id", "=", values["counterpart"].id)], limit=1)
        if not note:
            return True  # the credit note is not synced (e.g. posted before the cut-off)
        if not note.external_id:
            return False
        if not note._approve_in_xero(client):
            self._set_payment_error(_("%(note)s could not be approved in Xero: %(why)s",
                                      note=note.odoo_id.display_name,
                                      why=note.error_message), "allocate credit note")
            return True
        Log._start(conn, self.odoo_id, "allocate credit note")
        payload = [im.allocation(self.external_id, values["date"], values["amount"])]
        element = one(client.allocate_credit_note(
            note.external_id, payload, request_key(["alloc", self.id, partial_id], payload)))
        if element_failed(element):
            self._set_payment_error("; ".join(element_errors(element)), "allocate credit note")
            return True
        self.env["xero.invoice.payment"].create({
            "binding_id": self.id, "kind": "allocation", "partial_id": partial_id,
            "external_id": element.get("AllocationID"), "amount": values["amount"],
            "date": values["date"]})
        Log._finish(conn, self.odoo_id, "allocate credit note",
                    _("%(amount)s of %(note)s allocated in Xero.", amount=values["amount"],
                      note=note.xero_number))
        return True

    def _set_payment_error(self, message, operation="push payment"):
        self.write({"error_message": message, "error_at": fields.Datetime.now(),
                    "need_payment_sync": False})
        self.env["xero.sync.log"]._finish(self.backend_id, self.odoo_id, operation, message,
                                          failed=True)


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
