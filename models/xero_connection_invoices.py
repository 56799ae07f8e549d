"""Customer invoices and credit notes from Odoo to Xero: settings, the
batched push, payments and allocations, cancellations."""

import logging
import uuid

from odoo import _, api, fields, models

from ..xero_core import invoice_mapping as im
from ..xero_core.client import element_errors, element_failed, one
from ..xero_core.errors import (
    XeroAuthError,
    XeroError,
    XeroRateLimited,
    XeroValidationError,
)
from ..xero_core.idempotency import request_key

_logger = logging.getLogger(__name__)

INVOICE_BATCH = 50
INVOICE_BATCHES_PER_RUN = 20


class XeroTaxMap(models.Model):
    _name = "xero.tax.map"
    _description = "Odoo tax to Xero tax type"

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade")
    tax_id = fields.Many2one("account.tax", "Odoo tax", required=True, ondelete="cascade",
                             domain="[('type_tax_use', '=', 'sale')]")
    xero_tax_type = fields.Char("Xero tax type", required=True,
                                help="Xero's TaxType code, e.g. OUTPUT2, OUTPUT, NONE.")

    _sql_constraints = [
        ("tax_uniq", "unique(connection_id, tax_id)", "This tax is already mapped."),
    ]


class XeroConnection(models.Model):
    _inherit = "xero.connection"

    invoice_sync_enabled = fields.Boolean(
        "Enable invoice sync",
        help="Customer invoices and credit notes posted from now on are sent to Xero; "
             "earlier ones never are.")
    invoice_sync_since = fields.Datetime("Invoices synced from", readonly=True, copy=False)
    invoice_status = fields.Selection(
        [("DRAFT", "Draft"), ("AUTHORISED", "Awaiting payment")], "Status in Xero",
        default="DRAFT", required=True)
    invoice_number_mode = fields.Selection(
        [("reference", "Odoo number as Xero reference"),
         ("number", "Odoo number as Xero invoice number")],
        "Odoo invoice number", default="reference", required=True)
    sales_account_code = fields.Char("Xero account code", default="200",
                                     help="Xero revenue account for invoice lines.")
    default_item_code = fields.Char(
        "Generic item code", default="ODOO-ITEM",
        help="ItemCode sent for lines whose product has no Xero item code (create this item "
             "in Xero); empty to send none.")
    tax_map_ids = fields.One2many("xero.tax.map", "connection_id", "Tax mapping")
    payment_account_code = fields.Char(
        "Payment account", help="Code of the Xero bank account payments are recorded in; "
                                "payments do not sync without it.")
    deletion_mode = fields.Selection(
        [("keep", "Non-destructive"), ("mirror", "Mirror cancellations")],
        "Cancelled invoices", default="keep", required=True,
        help="Mirror: a cancelled Odoo invoice voids (or, while draft, deletes) its Xero "
             "twin as far as Xero allows.")
    invoice_binding_ids = fields.One2many("xero.invoice", "backend_id")

    def write(self, vals):
        enabling = vals.get("invoice_sync_enabled")
        res = super().write(vals)
        if enabling:
            for conn in self.filtered(lambda c: not c.invoice_sync_since):
                # The transaction's time: invoices posted from now on qualify.
                conn.invoice_sync_since = self.env.cr.now()
                conn._default_tax_map()
        return res

    def _has_links(self):
        return super()._has_links() or bool(
            self.env["xero.invoice"].search_count([("backend_id", "in", self.ids)], limit=1))

    def _default_tax_map(self):
        """A sensible start: taxed sales taxes to OUTPUT2, zero ones to NONE."""
        mapped = set(self.tax_map_ids.tax_id.ids)
        taxes = self.env["account.tax"].search([
            ("type_tax_use", "=", "sale"), ("company_id", "=", self.company_id.id),
            ("amount_type", "=", "percent")])
        self.tax_map_ids = [fields.Command.create({
            "tax_id": tax.id, "xero_tax_type": "OUTPUT2" if tax.amount else "NONE",
        }) for tax in taxes if tax.id not in mapped]

    # === DOCUMENT ===

    def _tax_type(self, taxes):
        if not taxes:
            return "NONE"
        if len(taxes) > 1:
            raise im.InvoiceMappingError(_(
                "A line has several taxes (%s); Xero takes one tax type per line.",
                ", ".join(taxes.mapped("name"))))
        mapping = self.tax_map_ids.filtered(lambda m: m.tax_id == taxes)
        if not mapping:
            raise im.InvoiceMappingError(_(
                "The tax “%s” is not mapped to a Xero tax type (Xero connection > Invoices).",
                taxes.display_name))
        return mapping.xero_tax_type

    def _invoice_doc(self, binding, contact_id):
        move = binding.odoo_id
        lines = []
        for line in move.invoice_line_ids.filtered(lambda x: x.display_type == "product"):
            taxes = line.tax_ids
            lines.append({
                "description": line.name or line.product_id.display_name,
                "quantity": line.quantity,
                "unit_amount": line.price_unit,
                "discount": line.discount,
                "account_code": self.sales_account_code,
                "tax_type": self._tax_type(taxes),
                "item_code": line.product_id.xero_item_code or self.default_item_code,
                "price_include": any(taxes.mapped("price_include")),
                "taxed": bool(taxes),
            })
        return {
            "kind": binding.kind,
            "contact_id": contact_id,
            "number": move.name,
            "number_mode": self.invoice_number_mode,
            "reference": move.ref,
            "date": move.invoice_date or move.date,
            "due_date": move.invoice_date_due,
            "currency": move.currency_id.name,
            "status": im.push_status(binding.xero_status, self.invoice_status),
            "external_id": binding.external_id,
            "lines": lines,
        }

    # === PUSH ===

    def _pending_invoice_domain(self):
        return [("backend_id", "=", self.id), ("need_push", "=", True),
                ("odoo_id.state", "in", ("posted", "cancel"))]

    def _push_invoices(self, max_batches=INVOICE_BATCHES_PER_RUN, client=None):
        """Send queued invoices and credit notes (50 per call), then their
        payments. Returns {"calls", "pushed", "failed", "remaining"}.

        Each Xero write is committed on its own. A group of documents to
        create is fixed (with its idempotency key) and committed *before* it
        is sent, so a run that dies after Xero answered sends the very same
        request again and Xero replays it: no document is created twice.
        """
        self.ensure_one()
        client = self._client_for_sync(client)
        calls_before = client.calls
        stats = {"pushed": 0, "failed": 0}
        self._ensure_customers(client)
        self._cancel_in_xero(client)
        sent_keys = set()
        for _batch in range(max_batches):
            key = self._next_invoice_group()
            if not key or key in sent_keys:
                break  # nothing left, or a group kept after a failure: next run
            sent_keys.add(key)
            result = self._send_invoice_group(key, client)
            stats["pushed"] += result["pushed"]
            stats["failed"] += result["failed"]
            self._commit()
        self._sync_payments(client)
        stats.update(calls=client.calls - calls_before,
                     remaining=self.env["xero.invoice"].search_count(
                         self._pending_invoice_domain()))
        return stats

    def _ensure_customers(self, client):
        """Customers of pending documents that are not in Xero yet are
        created first (the contact rules apply: an active Xero contact with
        the same name is linked, not copied)."""
        Contact = self.env["xero.contact"].with_context(active_test=False)
        pending = self.env["xero.invoice"].search(self._pending_invoice_domain())
        partners = pending.odoo_id.filtered(lambda m: m.state == "posted").partner_id
        partners = partners.commercial_partner_id
        known = Contact.search([("backend_id", "=", self.id), ("odoo_id", "in", partners.ids)])
        missing = partners - known.odoo_id
        if missing:
            Contact.create([{
                "backend_id": self.id, "odoo_id": p.id, "state": "linked", "xero_name": p.name,
                "need_push": True, "push_key": uuid.uuid4().hex} for p in missing])
            self._commit()
        for _batch in range(INVOICE_BATCHES_PER_RUN):
            todo = self.env["xero.contact"]._lock_for_sync(
                [("backend_id", "=", self.id), ("odoo_id", "in", partners.ids),
                 ("state", "=", "linked"), ("external_id", "=", False),
                 ("need_push", "=", True)], INVOICE_BATCH)
            if not todo:
                break
            self._push_batch(todo, client)
            self._commit()

    def _next_invoice_group(self):
        """Key of the next group to send: one left by an interrupted run,
        or a new one claimed now (committed with its key)."""
        Invoice = self.env["xero.invoice"]
        domain = self._pending_invoice_domain() + [("odoo_id.state", "=", "posted")]
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
        payloads = self._invoice_payloads(group)
        if not payloads:
            self._commit()  # the refusals are recorded; look again
            return self._next_invoice_group()
        sent = self.env["xero.invoice"].browse([b.id for b, _p in payloads])
        key = request_key([f"{b.id}:{b.push_key}" for b in sent], [p for _b, p in payloads])
        sent.write({"batch_key": key})
        self._commit()
        return key

    def _invoice_payloads(self, bindings):
        """[(binding, Xero payload)]; documents that cannot be expressed in
        Xero get their error now and are left out."""
        contacts = {c.odoo_id.id: c for c in self.env["xero.contact"].with_context(
            active_test=False).search([("backend_id", "=", self.id),
                                       ("odoo_id", "in", bindings.odoo_id.partner_id.
                                        commercial_partner_id.ids)])}
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
                result.append((binding, im.to_xero(self._invoice_doc(binding,
                                                                     contact.external_id))))
            except im.InvoiceMappingError as exc:
                binding._set_error(str(exc))
        return result

    def _send_invoice_group(self, key, client):
        """Send the group claimed under ``key`` (PUT to create, POST to update).

        The whole group goes, also members not queued any more: a group kept
        after a failure is sent again as the very same request (Xero replays
        it if it had applied it). If a member changed or left meanwhile, the
        request cannot be repeated: the group is released and its members
        are grouped again under new keys.
        """
        group = self.env["xero.invoice"]._lock_for_sync(
            [("backend_id", "=", self.id), ("batch_key", "=", key),
             ("odoo_id.state", "=", "posted")], None)
        if not group:
            return {"pushed": 0, "failed": 0}  # another worker has it
        payloads = self._invoice_payloads(group)
        sent = self.env["xero.invoice"].browse([b.id for b, _p in payloads])
        if key != request_key([f"{b.id}:{b.push_key}" for b in sent],
                              [p for _b, p in payloads]):
            self.env["xero.invoice"].search([("batch_key", "=", key)]).write(
                {"batch_key": False})
            return {"pushed": 0, "failed": 0}
        group.filtered(lambda b: not b.need_push).write({"need_push": True, "state": "queued"})
        Log = self.env["xero.sync.log"]
        for binding, _payload in payloads:
            Log._start(self, binding.odoo_id, binding._push_operation())
        credit = group[0].kind == "credit_note"
        create = not group[0].external_id
        if credit:
            send = client.create_credit_notes if create else client.save_credit_notes
        else:
            send = client.create_invoices if create else client.save_invoices
        try:
            results = send([p for _b, p in payloads], key) if payloads else []
        except (XeroRateLimited, XeroAuthError):
            raise
        except XeroError as exc:
            definite = isinstance(exc, XeroValidationError)
            for binding, _payload in payloads:
                binding._set_error(exc.message, definite=definite)
            if definite:
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
            binding._after_push(element)
            pushed += 1
        for binding, _payload in payloads[len(results):]:
            binding._set_error(_("Xero returned no answer for this document."), definite=False)
        group.write({"batch_key": False})
        return {"pushed": pushed, "failed": len(group) - pushed}

    def _cancel_in_xero(self, client):
        """Cancelled in Odoo: per the Deletions setting, void or delete the
        Xero twin as far as Xero allows, or leave it. One write per
        document, each committed."""
        Log = self.env["xero.sync.log"]
        domain = self._pending_invoice_domain() + [("odoo_id.state", "=", "cancel")]
        for _batch in range(INVOICE_BATCHES_PER_RUN):
            bindings = self.env["xero.invoice"]._lock_for_sync(domain, INVOICE_BATCH)
            if not bindings:
                return
            for binding in bindings:
                operation = "cancel " + binding.kind.replace("_", " ")
                if self.deletion_mode == "keep" or not binding.external_id:
                    binding.write({"state": "cancelled", "need_push": False})
                    Log._finish(self, binding.odoo_id, operation,
                                _("Cancelled in Odoo only (non-destructive)."))
                    continue
                status = im.cancel_status(binding.xero_status)
                payload = [im.status_change(binding.kind, binding.external_id, status)]
                save = client.save_credit_notes if binding.kind == "credit_note" \
                    else client.save_invoices
                Log._start(self, binding.odoo_id, operation)
                try:
                    element = one(save(payload, request_key([binding.id, binding.push_key],
                                                          payload)))
                except (XeroRateLimited, XeroAuthError):
                    raise
                except (XeroError, ValueError) as exc:
                    binding._set_error(getattr(exc, "message", str(exc)), operation,
                                       definite=isinstance(exc, XeroValidationError))
                    continue
                if element_failed(element):
                    binding._set_error("; ".join(element_errors(element)), operation)
                    continue
                binding.write({"state": "cancelled", "need_push": False,
                               "xero_status": status, "error_message": False})
                Log._finish(self, binding.odoo_id, operation,
                            _("%s in Xero.", status.title()))
            self._commit()

    # === PAYMENTS ===

    def _sync_payments(self, client):
        """Mirror reconciliations of synced invoices: payments and credit
        note allocations created or deleted in Xero."""
        bindings = self.env["xero.invoice"].search([
            ("backend_id", "=", self.id), ("need_payment_sync", "=", True),
            ("state", "=", "synced"), ("kind", "=", "invoice")])
        for binding in bindings:
            try:
                binding._sync_payments(client)
            except (XeroRateLimited, XeroAuthError):
                raise
            except XeroError as exc:
                binding._set_payment_error(exc.message)
            self._commit()

    # === JOBS ===

    def _job_push_invoices(self):
        if not self.invoice_sync_enabled:
            return
        stats = self._push_invoices()
        self.env["ir.cron"]._notify_progress(done=stats["pushed"] + stats["failed"],
                                             remaining=stats["remaining"])

    @api.model
    def _for_move(self, move):
        # Queued even while disconnected: sent once the company reconnects.
        conn = self._for_company(move.company_id)
        if conn and conn.invoice_sync_enabled:
            return conn
        return self.browse()
