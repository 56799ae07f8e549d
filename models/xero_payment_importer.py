"""Payments recorded in Xero against synced invoices → Odoo payments in the
journal mapped to their Xero bank account, reconciled with the invoice; a
payment deleted in Xero is unreconciled in Odoo. Each Xero PaymentID is
bound once.

Which invoices to look at comes from the ledger pull (and the invoice's
Refresh from Xero): an invoice whose payments in Xero differ from the bound
ones is flagged (``need_payment_import``). Xero lists an invoice's payments
without their account, so the flagged invoices' payments are read from
GET /Payments, 50 invoices a call."""

from odoo import _, fields, models

from ..xero_core import payment_mapping as pm
from ..xero_core.client import IDS_PER_CALL
from ..xero_core.errors import STOPS_RUN, XeroError

INVOICES_PER_RUN = 1000


class XeroPaymentImporter(models.AbstractModel):
    _name = "xero.payment.importer"
    _inherit = "xero.service"
    _description = "Payments made in Xero → Odoo"

    def _run(self, connection, client=None, bindings=None):
        """Register and unreconcile what Xero's payments of the flagged
        invoices (or ``bindings``) say. Returns {"calls", "processed",
        "registered", "removed", "remaining"}."""
        connection.ensure_one()
        client = connection._client_for_sync(client)
        calls_before = client.calls
        stats = {"registered": 0, "removed": 0, "processed": 0}
        Invoice = self.env["xero.invoice"]
        for _batch in range(INVOICES_PER_RUN // IDS_PER_CALL):
            todo = bindings if bindings is not None else Invoice._lock_for_sync(
                [("backend_id", "=", connection.id), ("need_payment_import", "=", True),
                 ("external_id", "!=", False), ("kind", "=", "invoice")], IDS_PER_CALL)
            if not todo:
                break
            self._import(connection, client, todo, stats)
            self._commit()
            if bindings is not None:
                break
        remaining = Invoice.search_count([("backend_id", "=", connection.id),
                                          ("need_payment_import", "=", True)])
        stats.update(calls=client.calls - calls_before, remaining=remaining)
        if stats["registered"] or stats["removed"]:
            self.env["xero.sync.log"]._record(connection, "import_payments", message=_(
                "%(registered)s payment(s) made in Xero registered, %(removed)s removed in Xero "
                "unreconciled.", registered=stats["registered"], removed=stats["removed"]),
                count=stats["registered"] + stats["removed"])
        return stats

    def _import(self, connection, client, bindings, stats):
        try:
            records = client.find_payments(bindings.mapped("external_id"))
        except XeroError as exc:
            if isinstance(exc, STOPS_RUN):
                raise
            for binding in bindings:
                self.env["xero.sync.log"]._record(connection, "import_payments", "failed",
                                                  exc.message, binding=binding)
            bindings.write({"need_payment_import": False})
            return
        by_invoice = {}
        for record in records:
            try:
                payment = pm.from_xero(record)
            except ValueError as exc:
                self.env["xero.sync.log"]._record(connection, "import_payments", "failed", _(
                    "Xero sent a payment that could not be read: %s", exc), count=1)
                continue
            by_invoice.setdefault(payment.invoice_id, []).append(payment)
        for binding in bindings:
            stats["processed"] += 1
            errors = []
            for payment in sorted(by_invoice.get(binding.external_id, []),
                                  key=lambda p: (p.date or p.updated_at, p.external_id)):
                try:
                    with self.env.cr.savepoint():
                        self._apply(connection, binding, payment, stats)
                except _Unregistered as exc:
                    errors.append(str(exc))
            binding.write({"need_payment_import": False})
            if errors:
                binding.write({"error_message": "\n".join(errors)})
                self.env["xero.sync.log"]._record(connection, "import_payments", "failed",
                                                  binding.error_message, binding=binding)

    def _apply(self, connection, binding, payment, stats):
        Payment = self.env["xero.invoice.payment"]
        bound = Payment.search([("connection_id", "=", connection.id),
                                ("external_id", "=", payment.external_id)], limit=1)
        if payment.deleted:
            if bound and bound.state == "synced":
                self._unreconcile(connection, bound)
                stats["removed"] += 1
            return
        if bound:
            return  # each Xero payment once
        # Ours, sent without an answer (see xero.payment.exporter): bind it.
        ours = binding.payment_ids.filtered(lambda p: p.state == "pending" and p._matches(
            payment))[:1]
        if ours:
            ours.write({"state": "synced", "external_id": payment.external_id,
                        "batch_key": False, "uncertain": False})
            return
        self._register_payment(connection, binding, payment)
        stats["registered"] += 1

    def _register_payment(self, connection, binding, payment):
        """An Odoo payment of the invoice in the mapped journal, reconciled
        with it, bound to the Xero payment."""
        move = binding.odoo_id
        account = self.env["xero.account"].with_context(active_test=False).search(
            [("connection_id", "=", connection.id), "|",
             ("external_id", "=", payment.account_id), ("code", "=", payment.account_code)],
            limit=1)
        mapping = self.env["xero.journal.map"]._journal_for(connection, account)
        if not mapping:
            raise _Unregistered(_(
                "A payment of %(amount)s made in Xero on %(date)s into %(account)s is not "
                "registered in Odoo: map that Xero account to an Odoo journal on the Xero "
                "connection (Invoices tab, Bank accounts), then Retry.",
                amount=payment.amount, date=payment.date,
                account=account.display_name or payment.account_code))
        if move.state != "posted":
            raise _Unregistered(_(
                "A payment of %(amount)s made in Xero on %(date)s is not registered: the invoice "
                "is not posted in Odoo.", amount=payment.amount, date=payment.date))
        journal = mapping.journal_id
        # Money in for a sales invoice, out for a bill.
        methods = journal.inbound_payment_method_line_ids if move.is_inbound() \
            else journal.outbound_payment_method_line_ids
        method = mapping.payment_method_line_id
        if method not in methods:
            method = methods[:1]
        Register = self.env["account.payment.register"].sudo().with_company(move.company_id)
        wizard = Register.with_context(active_model="account.move", active_ids=move.ids).create({
            "journal_id": journal.id,
            "payment_method_line_id": method.id,
            "amount": float(payment.amount),
            "currency_id": move.currency_id.id,
            "payment_date": payment.date or fields.Date.context_today(self),
            "communication": payment.reference or _("Xero payment"),
            "payment_difference_handling": "open",
        })
        odoo_payment = wizard._create_payments()
        partials = [p for p in move._get_all_reconciled_invoice_partials()
                    if p["aml"].move_id == odoo_payment.move_id]
        self.env["xero.invoice.payment"].create({
            "binding_id": binding.id, "kind": "payment", "origin": "xero", "state": "synced",
            "external_id": payment.external_id, "payment_id": odoo_payment.id,
            "counterpart_move_id": odoo_payment.move_id.id,
            "partial_id": partials[0]["partial_id"] if partials else False,
            "account_id": account.id, "amount": float(payment.amount), "date": payment.date,
            "reference": payment.reference, "currency_rate": float(payment.currency_rate)})
        self.env["xero.sync.log"]._record(
            connection, "import_payment", binding=binding,
            message=_("Payment of %(amount)s made in Xero registered in %(journal)s.",
                      amount=payment.amount, journal=journal.display_name))

    def _unreconcile(self, connection, record):
        """The payment was deleted in Xero: undone in Odoo. One registered
        from Xero is cancelled; one sent from Odoo stays, unreconciled."""
        record.state = "deleted"  # first: nothing sends its removal back to Xero
        partial = self.env["account.partial.reconcile"].browse(record.partial_id).exists()
        partial.unlink()
        if record.origin == "xero" and record.payment_id.state not in ("draft", "canceled"):
            record.payment_id.action_draft()
            record.payment_id.action_cancel()
        self.env["xero.sync.log"]._record(
            connection, "remove_payment", binding=record.binding_id,
            message=_("Payment of %s deleted in Xero: unreconciled in Odoo.", record.amount))


class _Unregistered(Exception):
    """A payment made in Xero that cannot be registered in Odoo as things are."""
