"""Odoo reconciliations of synced invoices → Xero payments (50 per call)
and credit note allocations (one call per credit note); a reconciliation
removed in Odoo deletes its Xero payment.

A group of payments to create is fixed (with its idempotency key) and
committed before it is sent, as invoices are: a run that dies after Xero
answered sends the very same request again and Xero replays it. A group
whose answer never came is looked up in Xero first: what Xero has is bound,
so no payment reaches Xero twice.
"""

from odoo import _, fields, models

from ..xero_core import invoice_mapping as im
from ..xero_core import payment_mapping as pm
from ..xero_core.client import element_errors, element_failed
from ..xero_core.errors import STOPS_RUN, XeroError, is_refusal
from ..xero_core.idempotency import request_key

PAYMENT_BATCH = 50
PAYMENT_BATCHES_PER_RUN = 20


class XeroPaymentExporter(models.AbstractModel):
    _name = "xero.payment.exporter"
    _inherit = "xero.service"
    _description = "Payments and allocations → Xero"

    def _run(self, connection, client=None):
        """Mirror the reconciliations of synced invoices whose payments
        changed. Returns {"processed", "remaining", "calls"}."""
        client = connection._client_for_sync(client)
        calls_before = client.calls
        self._remove_in_xero(connection, client)
        planned = self._plan(connection)
        self._commit()
        self._approve(connection, client)
        sent = set()
        processed = 0
        for _batch in range(PAYMENT_BATCHES_PER_RUN):
            key = self._next_group(connection, client)
            if not key or key in sent:
                break  # nothing left, or a group kept after a failure: next run
            sent.add(key)
            processed += self._send_group(connection, key, client)
            self._commit()
        processed += self._send_allocations(connection, client)
        self._finish(connection, planned)
        self._commit()
        remaining = self.env["xero.invoice.payment"].search_count(
            [("connection_id", "=", connection.id), ("state", "=", "pending")])
        return {"processed": processed, "remaining": remaining,
                "calls": client.calls - calls_before}

    # === WHAT TO SEND ===

    def _plan(self, connection):
        """A pending record for each new reconciliation of the flagged
        invoices, its values fixed now (account, amount, date, rate). A
        payment that cannot go (no bank account for its journal...) is the
        invoice's error; the rest go on."""
        bindings = self.env["xero.invoice"].search([
            ("backend_id", "=", connection.id), ("need_payment_sync", "=", True),
            ("kind", "=", "invoice"), ("external_id", "!=", False),
            ("odoo_id.state", "=", "posted")])
        Payment = self.env["xero.invoice.payment"]
        for binding in bindings:
            known = set(binding.payment_ids.mapped("partial_id"))
            from_xero = binding.payment_ids.filtered(lambda p: p.origin == "xero")
            xero_moves = from_xero.payment_id.move_id | from_xero.counterpart_move_id
            new, errors = [], []
            for partial_id, values in _settlements(binding.odoo_id).items():
                if partial_id in known or values["counterpart"] in xero_moves:
                    continue
                try:
                    vals = self._new_values(connection, binding, values)
                except im.InvoiceMappingError as exc:
                    errors.append(str(exc))
                    continue
                if vals:
                    new.append(dict(vals, binding_id=binding.id, partial_id=partial_id,
                                    counterpart_move_id=values["counterpart"].id,
                                    state="pending", origin="odoo"))
            Payment.create(new)
            if errors:
                self._set_payment_error(binding, "\n".join(errors))
        return bindings

    def _new_values(self, connection, binding, values):
        counterpart = values["counterpart"]
        common = {"kind": values["kind"], "amount": values["amount"], "date": values["date"],
                  "reference": values["reference"][:255]}
        if values["kind"] == "allocation":
            note = binding.search([("backend_id", "=", connection.id),
                                   ("odoo_id", "=", counterpart.id)], limit=1)
            # A credit note that is not synced (posted before the cut-off)
            # is Odoo's business only.
            return note and dict(common, note_binding_id=note.id)
        payment = counterpart.origin_payment_id
        account = self.env["xero.journal.map"]._account_for(
            connection, counterpart.journal_id, payment.payment_method_line_id)
        self._check_payment_account(connection, binding.odoo_id, counterpart.journal_id,
                                    account)
        return dict(common, account_id=account.id,
                    currency_rate=self._payment_rate(connection, binding.odoo_id,
                                                     values["line"]))

    def _check_payment_account(self, connection, move, journal, account):
        where = _("map the journal %s to a Xero bank account on the Xero connection (Invoices "
                  "tab, Bank accounts), then Retry", journal.display_name)
        if not account:
            raise im.InvoiceMappingError(_(
                "Payments of the journal %(journal)s have no Xero bank account: %(where)s.",
                journal=journal.display_name, where=where))
        if account.status != "ACTIVE" or not account.accepts_payments:
            raise im.InvoiceMappingError(_(
                "The Xero account %(account)s takes no payments (archived, deleted or not a "
                "bank account in Xero): %(where)s.", account=account.display_name, where=where))
        base = connection.organisation_id.base_currency
        if account.currency_code and account.currency_code not in (base,
                                                                   move.currency_id.name):
            raise im.InvoiceMappingError(_(
                "The Xero bank account %(account)s is in %(currency)s; a payment of an invoice "
                "in %(document)s goes to an account in %(document)s or %(base)s: %(where)s.",
                account=account.display_name, currency=account.currency_code,
                document=move.currency_id.name, base=base, where=where))

    def _payment_rate(self, connection, move, line):
        """The payment's own rate for a foreign-currency invoice, when the
        company keeps its books in the organisation's base currency (Xero
        then books the same exchange difference as Odoo)."""
        company_currency = move.company_currency_id
        if move.currency_id == company_currency or not line.balance or \
                company_currency.name != connection.organisation_id.base_currency:
            return 0.0
        rate = self.env["res.currency"]._get_conversion_rate(
            company_currency, move.currency_id, move.company_id, line.date)
        if rate and company_currency.compare_amounts(abs(line.amount_currency) / rate,
                                                     abs(line.balance)) == 0:
            return rate  # booked at the company's rate of the day
        return abs(line.amount_currency / line.balance)  # booked at a rate of its own

    # === APPROVALS (Xero settles approved documents only) ===

    def _approve(self, connection, client):
        """Approve, 50 a call, the drafts that payments or allocations are
        about to settle (SalesBinder's rule: a draft-synced document is
        approved first)."""
        pending = self.env["xero.invoice.payment"].search(
            [("connection_id", "=", connection.id), ("state", "=", "pending")])
        documents = (pending.binding_id | pending.note_binding_id).filtered(
            lambda b: b.external_id and b.xero_status in im.EDITABLE)
        for kind in ("invoice", "credit_note"):
            todo = documents.filtered(lambda b, k=kind: b.kind == k).sorted("id")
            for start in range(0, len(todo), PAYMENT_BATCH):
                self._approve_batch(connection, client, todo[start:start + PAYMENT_BATCH],
                                    pending)
                self._commit()

    def _approve_batch(self, connection, client, documents, pending):
        payload = [im.status_change(b.kind, b.external_id, "AUTHORISED") for b in documents]
        save = client.save_credit_notes if documents[0].kind == "credit_note" \
            else client.save_invoices
        key = request_key(["approve"] + [f"{b.id}:{b.push_key}" for b in documents], payload)
        try:
            elements = save(payload, key)
        except STOPS_RUN:
            raise
        except XeroError as exc:
            elements = [{"StatusAttributeString": "ERROR",
                         "ValidationErrors": [{"Message": exc.message}]}] * len(documents)
        for document, element in zip(documents, elements, strict=False):
            if not element_failed(element):
                document.xero_status = element.get("Status") or "AUTHORISED"
                continue
            message = _("%(document)s could not be approved in Xero: %(why)s",
                        document=document.odoo_id.display_name,
                        why="; ".join(element_errors(element)))
            waiting = pending.filtered(lambda p, d=document: d in (p.binding_id
                                                                  | p.note_binding_id))
            waiting.filtered(lambda p: not p.batch_key).write(
                {"state": "error", "error_message": message})
            for binding in waiting.binding_id:
                self._set_payment_error(binding, message, "approve_document")

    # === PAYMENTS, 50 A CALL ===

    def _next_group(self, connection, client):
        """Key of the next group of payments to send: one left by an
        interrupted run (looked up in Xero first if its answer was lost), or
        a new one claimed now (committed with its key)."""
        Payment = self.env["xero.invoice.payment"]
        base = [("connection_id", "=", connection.id), ("state", "=", "pending"),
                ("kind", "=", "payment")]
        left = Payment.search(base + [("batch_key", "!=", False)], limit=1)
        if left:
            group = Payment.search(base + [("batch_key", "=", left.batch_key)])
            if any(group.mapped("uncertain")):
                self._recover(group, client)
                self._commit()
                return self._next_group(connection, client)
            return left.batch_key
        candidates = Payment._lock_pending(
            base + [("batch_key", "=", False),
                    ("binding_id.xero_status", "not in", im.EDITABLE)], PAYMENT_BATCH)
        if not candidates:
            return None
        key = request_key(["payments"] + candidates.ids, [p._payload() for p in candidates])
        candidates.write({"batch_key": key})
        self._commit()
        return key

    def _send_group(self, connection, key, client):
        """Send the group claimed under ``key``; returns how many Xero took."""
        Payment = self.env["xero.invoice.payment"]
        Log = self.env["xero.sync.log"]
        group = Payment._lock_pending([("connection_id", "=", connection.id),
                                       ("batch_key", "=", key), ("state", "=", "pending")],
                                      None)
        if not group:
            return 0  # another worker has it
        payloads = [p._payload() for p in group]
        if key != request_key(["payments"] + group.ids, payloads):
            group.write({"batch_key": False})  # a member left: group again
            return 0
        for binding in group.binding_id:
            Log._record(connection, "push_payment", "running", binding=binding)
        try:
            elements = client.create_payments(payloads, key)
        except XeroError as exc:
            if isinstance(exc, STOPS_RUN):
                raise  # not sent: the group keeps its key for the next run
            if is_refusal(exc):
                group.write({"state": "error", "error_message": exc.message, "batch_key": False})
                for binding in group.binding_id:
                    self._set_payment_error(binding, exc.message)
            else:
                # Xero may have applied it without us seeing the answer.
                group.write({"uncertain": True})
                for binding in group.binding_id:
                    Log._record(connection, "push_payment", "failed", exc.message,
                                binding=binding)
            return 0
        done = 0
        for record, element in zip(group, elements, strict=True):
            if element_failed(element):
                message = "; ".join(element_errors(element)) or _("Xero refused the payment.")
                record.write({"state": "error", "error_message": message, "batch_key": False})
                self._set_payment_error(record.binding_id, message)
                continue
            record.write({"state": "synced", "external_id": element.get("PaymentID"),
                          "batch_key": False, "uncertain": False})
            done += 1
            Log._record(connection, "push_payment", binding=record.binding_id,
                        message=_("Payment of %s recorded in Xero.", record.amount))
        return done

    def _recover(self, group, client):
        """A group sent without an answer: bind the payments Xero has; if
        Xero had the request, what it did not take is grouped again (and
        refused again, with its reason); otherwise the same request goes
        again under the same key."""
        found = [pm.from_xero(p) for p in client.find_payments(group.binding_id.mapped(
            "external_id"))]
        bound = set(self.env["xero.invoice.payment"].search(
            [("connection_id", "=", group.connection_id.id),
             ("external_id", "in", [p.external_id for p in found])]).mapped("external_id"))
        matched = self.env["xero.invoice.payment"]
        for payment in (p for p in found if not p.deleted and p.external_id not in bound):
            record = (group - matched).filtered(lambda r, x=payment: r._matches(x))[:1]
            if record:
                record.write({"state": "synced", "external_id": payment.external_id,
                              "batch_key": False, "uncertain": False})
                matched |= record
                bound.add(payment.external_id)
        rest = group - matched
        rest.write({"uncertain": False} if not matched else
                   {"uncertain": False, "batch_key": False})

    # === ALLOCATIONS, ONE CALL PER CREDIT NOTE ===

    def _send_allocations(self, connection, client):
        Payment = self.env["xero.invoice.payment"]
        Log = self.env["xero.sync.log"]
        pending = Payment._lock_pending([("connection_id", "=", connection.id),
                                         ("state", "=", "pending"),
                                         ("kind", "=", "allocation")], None)
        done = 0
        for note in pending.note_binding_id:
            if not note.external_id or note.xero_status != "AUTHORISED":
                continue  # the credit note is not in Xero (or approved) yet: it waits
            group = pending.filtered(lambda p, n=note: p.note_binding_id == n
                                     and p.binding_id.xero_status not in im.EDITABLE)
            if not group:
                continue
            payloads = [p._payload() for p in group]
            key = group[0].batch_key or request_key(["alloc"] + group.ids, payloads)
            group.write({"batch_key": key})
            self._commit()
            try:
                elements = client.allocate_credit_note(note.external_id, payloads, key)
            except XeroError as exc:
                if isinstance(exc, STOPS_RUN):
                    raise
                if is_refusal(exc):
                    group.write({"state": "error", "error_message": exc.message,
                                 "batch_key": False})
                    for binding in group.binding_id:
                        self._set_payment_error(binding, exc.message, "allocate_credit_note")
                continue  # otherwise kept with its key: replayed by Xero next time
            for record, element in zip(group, elements, strict=False):
                if element_failed(element):
                    message = "; ".join(element_errors(element))
                    record.write({"state": "error", "error_message": message,
                                  "batch_key": False})
                    self._set_payment_error(record.binding_id, message, "allocate_credit_note")
                    continue
                record.write({"state": "synced", "external_id": element.get("AllocationID"),
                              "batch_key": False})
                done += 1
                Log._record(connection, "allocate_credit_note", binding=record.binding_id,
                            message=_("%(amount)s of %(note)s allocated in Xero.",
                                      amount=record.amount, note=note.xero_number))
            self._commit()
        return done

    def _finish(self, connection, planned):
        """Invoices with nothing left to send or remove are done; those
        whose allocation waits for its credit note, or whose payment could
        not be removed yet, stay flagged."""
        Payment = self.env["xero.invoice.payment"]
        waiting = Payment.search([("connection_id", "=", connection.id),
                                  ("state", "=", "pending")]).binding_id
        synced = Payment.search([("binding_id", "in", planned.ids), ("state", "=", "synced"),
                                 ("partial_id", "!=", False)])
        live = set(self.env["account.partial.reconcile"].browse(
            synced.mapped("partial_id")).exists().ids)
        waiting |= synced.filtered(lambda p: p.partial_id not in live).binding_id
        (planned - waiting).filtered("need_payment_sync").write({"need_payment_sync": False})

    # === REMOVED IN ODOO ===

    def _remove_in_xero(self, connection, client):
        """Payments of flagged invoices whose reconciliation is gone in Odoo
        (unreconciled, or the invoice reset to draft: SalesBinder's rule)
        are deleted in Xero, one call each (Xero's way)."""
        Payment = self.env["xero.invoice.payment"]
        Log = self.env["xero.sync.log"]
        records = Payment.search([("connection_id", "=", connection.id),
                                  ("binding_id.need_payment_sync", "=", True),
                                  ("state", "in", ("synced", "pending")),
                                  ("partial_id", "!=", False)])
        live = set(self.env["account.partial.reconcile"].browse(
            records.mapped("partial_id")).exists().ids)
        gone = records.filtered(lambda p: p.partial_id not in live)
        # Never sent: forgotten. Claimed for a request: sent first, removed after.
        gone.filtered(lambda p: p.state == "pending" and not p.batch_key).unlink()
        for record in gone.exists().filtered(lambda p: p.state == "synced"):
            binding = record.binding_id
            if record.kind == "allocation":
                record.write({"state": "error", "error_message": _(
                    "The credit note was unreconciled in Odoo: remove its allocation in Xero.")})
                Log._record(connection, "delete_allocation", "failed", record.error_message,
                            binding=binding)
                continue
            Log._record(connection, "delete_payment", "running", binding=binding)
            try:
                [element] = client.delete_payments([record.external_id],
                                                   request_key(["delete", record.id]))
            except XeroError as exc:
                if isinstance(exc, STOPS_RUN):
                    raise
                # Unknown outcome: the invoice stays flagged and the next
                # run asks again (Xero replays the deletion under its key).
                Log._record(connection, "delete_payment", "failed", exc.message,
                            binding=binding)
                continue
            if element_failed(element):
                self._set_payment_error(binding, "; ".join(element_errors(element)),
                                        "delete_payment")
                continue
            record.state = "deleted"
            Log._record(connection, "delete_payment", binding=binding,
                        message=_("Payment of %s deleted in Xero.", record.amount))
            self._commit()

    def _set_payment_error(self, binding, message, operation="push_payment"):
        """The document is in Xero; what settles it could not follow."""
        binding.write({"error_message": message, "error_at": fields.Datetime.now(),
                       "need_payment_sync": False})
        self.env["xero.sync.log"]._record(binding.backend_id, operation, "failed", message,
                                          binding=binding)


def _settlements(move):
    """{partial id: values} of what settles ``move`` in Odoo (amounts in
    the invoice's currency)."""
    result = {}
    for partial in move._get_all_reconciled_invoice_partials():
        if partial.get("is_exchange"):
            continue
        line = partial["aml"]
        counterpart = line.move_id
        kind = "allocation" if counterpart.move_type in ("out_refund", "in_refund") \
            else "payment"
        result[partial["partial_id"]] = {
            "kind": kind, "amount": partial["amount"], "date": line.date,
            "counterpart": counterpart, "line": line,
            "reference": counterpart.name or "",
        }
    return result
