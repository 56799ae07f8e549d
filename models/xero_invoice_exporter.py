"""Posted customer invoices and credit notes → Xero, 50 per call; then
cancellations, then their payments (xero.payment.exporter)."""

from odoo import _, models

from ..xero_core import invoice_mapping as im
from ..xero_core.client import element_errors, element_failed, one
from ..xero_core.errors import XeroError, is_refusal
from ..xero_core.idempotency import request_key

INVOICE_BATCH = 50
INVOICE_BATCHES_PER_RUN = 20


class XeroInvoiceExporter(models.AbstractModel):
    _name = "xero.invoice.exporter"
    _inherit = "xero.service"
    _description = "Invoices and credit notes → Xero"

    def _run(self, connection, max_batches=INVOICE_BATCHES_PER_RUN, client=None):
        """Send queued invoices and credit notes (50 per call), then their
        payments. Returns {"calls", "pushed", "failed", "remaining"}.

        Each Xero write is committed on its own. A group of documents to
        create is fixed (with its idempotency key) and committed *before* it
        is sent, so a run that dies after Xero answered sends the very same
        request again and Xero replays it: no document is created twice.
        """
        connection.ensure_one()
        client = connection._client_for_sync(client)
        calls_before = client.calls
        stats = {"pushed": 0, "failed": 0}
        self._ensure_customers(connection, client)
        self._cancel_in_xero(connection, client)
        sent_keys = set()
        for _batch in range(max_batches):
            key = self._next_group(connection)
            if not key or key in sent_keys:
                break  # nothing left, or a group kept after a failure: next run
            sent_keys.add(key)
            result = self._send_group(connection, key, client)
            stats["pushed"] += result["pushed"]
            stats["failed"] += result["failed"]
            self._commit()
        self.env["xero.payment.exporter"]._run(connection, client=client)
        remaining = self.env["xero.invoice"].search_count(self._pending_domain(connection))
        stats.update(calls=client.calls - calls_before, remaining=remaining,
                     processed=stats["pushed"] + stats["failed"])
        return stats

    @staticmethod
    def _pending_domain(connection):
        return [("backend_id", "=", connection.id), ("need_push", "=", True),
                ("odoo_id.state", "in", ("posted", "cancel"))]

    # === CUSTOMERS FIRST ===

    def _ensure_customers(self, connection, client):
        """Customers of pending documents that are not in Xero yet are
        created first (the contact rules apply: an active Xero contact with
        the same name is linked, not copied)."""
        Contact = self.env["xero.contact"].with_context(active_test=False)
        Exporter = self.env["xero.contact.exporter"]
        pending = self.env["xero.invoice"].search(self._pending_domain(connection))
        partners = pending.odoo_id.filtered(lambda m: m.state == "posted").partner_id
        partners = partners.commercial_partner_id
        known = Contact.search([("backend_id", "=", connection.id),
                                ("odoo_id", "in", partners.ids)])
        missing = partners - known.odoo_id
        if missing:
            Exporter._bind_new(connection, missing)
            self._commit()
        for _batch in range(INVOICE_BATCHES_PER_RUN):
            todo = self.env["xero.contact"]._lock_for_sync(
                [("backend_id", "=", connection.id), ("odoo_id", "in", partners.ids),
                 ("state", "=", "linked"), ("external_id", "=", False),
                 ("need_push", "=", True)], INVOICE_BATCH)
            if not todo:
                break
            Exporter._push(connection, todo, client)
            self._commit()

    # === DOCUMENTS ===

    def _next_group(self, connection):
        """Key of the next group to send: one left by an interrupted run,
        or a new one claimed now (committed with its key)."""
        Invoice = self.env["xero.invoice"]
        domain = self._pending_domain(connection) + [("odoo_id.state", "=", "posted")]
        left = Invoice.search(domain + [("batch_key", "!=", False)], limit=1)
        if left:
            return left.batch_key
        candidates = Invoice._lock_for_sync(domain + [("batch_key", "=", False)],
                                            INVOICE_BATCH * 4)
        if not candidates:
            return None
        first = candidates[0]
        group = candidates.filtered(
            lambda b: b.kind == first.kind and bool(b.external_id) == bool(first.external_id)
        )[:INVOICE_BATCH]
        payloads = self._payloads(connection, group)
        if not payloads:
            self._commit()  # the refusals are recorded; look again
            return self._next_group(connection)
        sent = Invoice.browse([b.id for b, _p in payloads])
        key = request_key([f"{b.id}:{b.push_key}" for b in sent], [p for _b, p in payloads])
        sent.write({"batch_key": key})
        self._commit()
        return key

    def _payloads(self, connection, bindings):
        """[(binding, Xero payload)]; documents that cannot be expressed in
        Xero get their error now and are left out."""
        contacts = {c.odoo_id.id: c for c in self.env["xero.contact"].with_context(
            active_test=False).search([
                ("backend_id", "=", connection.id),
                ("odoo_id", "in", bindings.odoo_id.partner_id.commercial_partner_id.ids)])}
        result = []
        for binding in bindings.sorted("id"):
            partner = binding.odoo_id.commercial_partner_id
            contact = contacts.get(partner.id)
            if not contact or not contact.external_id:
                binding._set_error(_(
                    "The customer %(name)s could not be created in Xero: %(why)s",
                    name=partner.display_name,
                    why=(contact.error_message if contact else False) or _("not sent yet")),
                    definite=False)
                continue
            try:
                doc = self._document(connection, binding, contact.external_id)
                result.append((binding, im.to_xero(doc)))
            except im.InvoiceMappingError as exc:
                binding._set_error(str(exc))
        return result

    def _document(self, connection, binding, contact_id):
        """The document as xero_core.invoice_mapping reads it."""
        move = binding.odoo_id
        TaxMap = self.env["xero.tax.map"]
        lines = []
        for line in move.invoice_line_ids.filtered(lambda x: x.display_type == "product"):
            taxes = line.tax_ids
            lines.append({
                "description": line.name or line.product_id.display_name,
                "quantity": line.quantity,
                "unit_amount": line.price_unit,
                "discount": line.discount,
                "account_code": connection.sales_account_code,
                "tax_type": TaxMap._tax_type(connection, taxes),
                "item_code": line.product_id.xero_item_code or connection.default_item_code,
                "price_include": any(taxes.mapped("price_include")),
                "taxed": bool(taxes),
            })
        return {
            "kind": binding.kind,
            "contact_id": contact_id,
            "number": move.name,
            "number_mode": connection.invoice_number_mode,
            "reference": move.ref,
            "date": move.invoice_date or move.date,
            "due_date": move.invoice_date_due,
            "currency": move.currency_id.name,
            "status": im.push_status(binding.xero_status, connection.invoice_status),
            "external_id": binding.external_id,
            "lines": lines,
        }

    def _send_group(self, connection, key, client):
        """Send the group claimed under ``key`` (PUT to create, POST to update).

        The whole group goes, also members not queued any more: a group kept
        after a failure is sent again as the very same request (Xero replays
        it if it had applied it). If a member changed or left meanwhile, the
        request cannot be repeated: the group is released and its members
        are grouped again under new keys.
        """
        Invoice = self.env["xero.invoice"]
        group = Invoice._lock_for_sync(
            [("backend_id", "=", connection.id), ("batch_key", "=", key),
             ("odoo_id.state", "=", "posted")], None)
        if not group:
            return {"pushed": 0, "failed": 0}  # another worker has it
        payloads = self._payloads(connection, group)
        sent = Invoice.browse([b.id for b, _p in payloads])
        if key != request_key([f"{b.id}:{b.push_key}" for b in sent],
                              [p for _b, p in payloads]):
            Invoice.search([("batch_key", "=", key)]).write({"batch_key": False})
            return {"pushed": 0, "failed": 0}
        group.filtered(lambda b: not b.need_push).write({"need_push": True, "state": "queued"})
        Log = self.env["xero.sync.log"]
        for binding, _payload in payloads:
            Log._record(connection, binding._push_operation(), "running", binding=binding)
        credit = group[0].kind == "credit_note"
        create = not group[0].external_id
        if credit:
            send = client.create_credit_notes if create else client.save_credit_notes
        else:
            send = client.create_invoices if create else client.save_invoices
        try:
            results = send([p for _b, p in payloads], key) if payloads else []
        except XeroError as exc:
            sent._set_failure(exc)
            if is_refusal(exc):
                group.write({"batch_key": False})
            # Otherwise Xero may have applied the request without us seeing
            # the answer: the group keeps its key, so the next run (or Retry)
            # sends the same request again and Xero replays it.
            return {"pushed": 0, "failed": len(group)}
        pushed = 0
        for (binding, _payload), element in zip(payloads, results, strict=False):
            if element_failed(element):
                binding._set_error("; ".join(element_errors(element))
                                   or _("Xero refused the document."))
                continue
            binding._set_pushed(element)
            pushed += 1
        for binding, _payload in payloads[len(results):]:
            binding._set_error(_("Xero returned no answer for this document."), definite=False)
        group.write({"batch_key": False})
        return {"pushed": pushed, "failed": len(group) - pushed}

    # === CANCELLATIONS ===

    def _cancel_in_xero(self, connection, client):
        """Cancelled in Odoo: per the Deletions setting, void or delete the
        Xero twin as far as Xero allows, or leave it. One write per
        document, each committed."""
        Log = self.env["xero.sync.log"]
        domain = self._pending_domain(connection) + [("odoo_id.state", "=", "cancel")]
        for _batch in range(INVOICE_BATCHES_PER_RUN):
            bindings = self.env["xero.invoice"]._lock_for_sync(domain, INVOICE_BATCH)
            if not bindings:
                return
            for binding in bindings:
                operation = "cancel_" + binding.kind
                if connection.deletion_mode == "keep" or not binding.external_id:
                    binding.write({"state": "cancelled", "need_push": False})
                    Log._record(connection, operation, binding=binding,
                                message=_("Cancelled in Odoo only (non-destructive)."))
                    continue
                status = im.cancel_status(binding.xero_status)
                payload = [im.status_change(binding.kind, binding.external_id, status)]
                save = client.save_credit_notes if binding.kind == "credit_note" \
                    else client.save_invoices
                Log._record(connection, operation, "running", binding=binding)
                try:
                    element = one(save(payload, request_key([binding.id, binding.push_key],
                                                          payload)))
                except XeroError as exc:
                    binding._set_failure(exc, operation=operation)
                    continue
                if element_failed(element):
                    binding._set_error("; ".join(element_errors(element)), operation=operation)
                    continue
                binding.write({"state": "cancelled", "need_push": False,
                               "xero_status": status, "error_message": False})
                Log._record(connection, operation, binding=binding,
                            message=_("%s in Xero.", status.title()))
            self._commit()
