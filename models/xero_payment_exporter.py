"""Odoo reconciliations of synced invoices → Xero payments and credit note
allocations; a reconciliation removed in Odoo deletes its Xero payment."""

from odoo import _, fields, models

from ..xero_core import invoice_mapping as im
from ..xero_core.client import element_errors, element_failed, one
from ..xero_core.errors import STOPS_RUN, XeroError
from ..xero_core.idempotency import request_key


class XeroPaymentExporter(models.AbstractModel):
    _name = "xero.payment.exporter"
    _inherit = "xero.service"
    _description = "Payments and allocations → Xero"

    def _run(self, connection, client=None):
        """Mirror the reconciliations of synced invoices whose payments
        changed. Returns {"processed", "remaining"}."""
        client = connection._client_for_sync(client)
        bindings = self.env["xero.invoice"].search([
            ("backend_id", "=", connection.id), ("need_payment_sync", "=", True),
            ("state", "=", "synced"), ("kind", "=", "invoice")])
        for binding in bindings:
            try:
                self._sync_invoice(binding, client)
            except STOPS_RUN:
                raise
            except XeroError as exc:
                self._set_payment_error(binding, exc.message)
            self._commit()
        return {"processed": len(bindings), "remaining": 0}

    def _sync_invoice(self, binding, client):
        """Create Xero payments / allocations for new reconciliations and
        delete Xero payments whose reconciliation is gone."""
        Log = self.env["xero.sync.log"]
        conn = binding.backend_id
        wanted = _settlements(binding.odoo_id)
        existing = {p.partial_id: p for p in binding.payment_ids if p.state == "synced"}
        for partial_id, payment in existing.items():
            if partial_id not in wanted and payment.kind == "payment":
                Log._record(conn, "delete_payment", "running", binding=binding)
                client.delete_payment(payment.external_id,
                                      request_key(["delete", payment.id, payment.external_id]))
                payment.state = "deleted"
                Log._record(conn, "delete_payment", binding=binding,
                            message=_("Payment of %s deleted in Xero.", payment.amount))
            elif partial_id not in wanted:
                payment.write({"state": "error", "error_message": _(
                    "The credit note was unreconciled in Odoo: remove its allocation in Xero.")})
                Log._record(conn, "delete_allocation", "failed", payment.error_message,
                            binding=binding)
        new = {k: v for k, v in wanted.items() if k not in existing}
        payments = {k: v for k, v in new.items() if v["kind"] == "payment"}
        if payments and not conn.payment_account_code:
            self._set_payment_error(binding, _("Choose the Xero payment account of the "
                                               "connection before payments can sync."))
            return
        # Xero only settles approved documents.
        if new and not self._approve(binding, client):
            return
        for partial_id, values in payments.items():
            self._create_payment(binding, client, partial_id, values)
        waiting = False
        for partial_id, values in new.items():
            if values["kind"] == "allocation":
                waiting |= not self._create_allocation(binding, client, partial_id, values)
        # An allocation whose credit note is not in Xero yet stays queued.
        binding.need_payment_sync = waiting

    def _approve(self, binding, client):
        """Approve this document in Xero if it is still a draft there (a
        draft-synced document, SalesBinder's rule). False, with the reason
        on the document, when Xero refuses."""
        if binding.xero_status not in im.EDITABLE:
            return True
        payload = [im.status_change(binding.kind, binding.external_id, "AUTHORISED")]
        save = client.save_credit_notes if binding.kind == "credit_note" else client.save_invoices
        element = one(save(payload, request_key([binding.id, binding.push_key], payload)))
        if element_failed(element):
            self._set_payment_error(binding, "; ".join(element_errors(element)),
                                    "approve_document")
            return False
        binding.xero_status = element.get("Status")
        return True

    def _create_payment(self, binding, client, partial_id, values):
        Log = self.env["xero.sync.log"]
        conn = binding.backend_id
        Log._record(conn, "push_payment", "running", binding=binding)
        payload = [im.payment(binding.external_id, conn.payment_account_code, values["date"],
                              values["amount"], values["reference"])]
        element = one(client.create_payments(
            payload, request_key(["pay", binding.id, partial_id], payload)))
        if element_failed(element):
            self._set_payment_error(binding, "; ".join(element_errors(element)))
            return
        self.env["xero.invoice.payment"].create({
            "binding_id": binding.id, "kind": "payment", "partial_id": partial_id,
            "external_id": element.get("PaymentID"), "amount": values["amount"],
            "date": values["date"]})
        Log._record(conn, "push_payment", binding=binding,
                    message=_("Payment of %s recorded in Xero.", values["amount"]))

    def _create_allocation(self, binding, client, partial_id, values):
        """False when it has to wait for the credit note to reach Xero."""
        Log = self.env["xero.sync.log"]
        conn = binding.backend_id
        note = binding.search([("backend_id", "=", conn.id),
                               ("odoo_id", "=", values["counterpart"].id)], limit=1)
        if not note:
            return True  # the credit note is not synced (e.g. posted before the cut-off)
        if not note.external_id:
            return False
        if not self._approve(note, client):
            self._set_payment_error(binding, _("%(note)s could not be approved in Xero: %(why)s",
                                               note=note.odoo_id.display_name,
                                               why=note.error_message), "allocate_credit_note")
            return True
        Log._record(conn, "allocate_credit_note", "running", binding=binding)
        payload = [im.allocation(binding.external_id, values["date"], values["amount"])]
        element = one(client.allocate_credit_note(
            note.external_id, payload, request_key(["alloc", binding.id, partial_id], payload)))
        if element_failed(element):
            self._set_payment_error(binding, "; ".join(element_errors(element)),
                                    "allocate_credit_note")
            return True
        self.env["xero.invoice.payment"].create({
            "binding_id": binding.id, "kind": "allocation", "partial_id": partial_id,
            "external_id": element.get("AllocationID"), "amount": values["amount"],
            "date": values["date"]})
        Log._record(conn, "allocate_credit_note", binding=binding,
                    message=_("%(amount)s of %(note)s allocated in Xero.",
                              amount=values["amount"], note=note.xero_number))
        return True

    def _set_payment_error(self, binding, message, operation="push_payment"):
        """The document is in Xero; what settles it could not follow."""
        binding.write({"error_message": message, "error_at": fields.Datetime.now(),
                       "need_payment_sync": False})
        self.env["xero.sync.log"]._record(binding.backend_id, operation, "failed", message,
                                          binding=binding)


def _settlements(move):
    """{partial id: values} of what settles ``move`` in Odoo."""
    result = {}
    for partial in move._get_all_reconciled_invoice_partials():
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
