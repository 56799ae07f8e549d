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

    # Which documents this exporter sends: sales ones here, bills in
    # xero.bill.exporter (the same rules, purchase settings).
    _side = "sale"

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
        # Payments removed in Odoo go first: Xero edits or voids no paid document.
        self.env["xero.payment.exporter"]._remove_in_xero(connection, client)
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

    def _pending_domain(self, connection):
        # Documents raised in Xero (origin "xero") are never sent back.
        return [("backend_id", "=", connection.id), ("need_push", "=", True),
                ("side", "=", self._side), ("origin", "=", "odoo"),
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
                    "The contact %(name)s could not be created in Xero: %(why)s",
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
        """The document as xero_core.invoice_mapping reads it, once the
        pre-export checks passed: every account, tax rate, item, currency
        and theme it uses is still in Xero, active and allowed where it is
        used (InvoiceMappingError otherwise, naming what to fix and where)."""
        move = binding.odoo_id
        side = self._side
        self._check_settings(connection)
        TaxMap = self.env["xero.tax.map"]
        product_lines = move.invoice_line_ids.filtered(lambda x: x.display_type == "product")
        # A zero tax is the same included or not: only the others decide
        # whether the document's amounts include tax (Xero takes one kind).
        taxed = product_lines.filtered(lambda x: any(t.amount for t in x.tax_ids))
        inclusive = bool(taxed) and all(any(t.price_include for t in line.tax_ids)
                                        for line in taxed)
        lines = []
        for line in product_lines:
            taxes = line.tax_ids
            rate = TaxMap._rate_for(connection, taxes, side)
            item = self._line_item(connection, line)
            account = self._line_account(connection, item)
            if not rate._allowed_on(account):
                raise im.InvoiceMappingError(_(
                    "Xero does not allow the tax rate %(rate)s on the account %(account)s: map "
                    "the tax “%(tax)s” to another rate on the Xero connection (Invoices tab, "
                    "Taxes), then Retry.", rate=rate.display_name, account=account.display_name,
                    tax=taxes.display_name or _("no tax")))
            lines.append({
                "description": line.name or line.product_id.display_name,
                "quantity": line.quantity,
                "unit_amount": line.price_unit,
                "discount": line.discount,
                "account_code": account.code,
                "tax_type": rate.tax_type,
                "tax_rate": rate.rate,
                "item_code": item.code,
                "price_include": any(taxes.mapped("price_include")),
                "taxed": line in taxed,
                "amount": line.price_total if inclusive else line.price_subtotal,
            })
        self._check_currency(connection, move)
        settled = bool(move._get_all_reconciled_invoice_partials())
        return {
            "kind": binding.kind,
            "side": side,
            "contact_id": contact_id,
            "number": move.name,
            "number_mode": connection.invoice_number_mode,
            "reference": move.ref,
            "date": move.invoice_date or move.date,
            "due_date": move.invoice_date_due,
            "currency": move.currency_id.name,
            "currency_rate": self._currency_rate(connection, move),
            "branding_theme_id": self._branding_theme(connection).external_id,
            "status": im.push_status(binding.xero_status, self._status_setting(connection),
                                     settled),
            "external_id": binding.external_id,
            "lines": lines,
            "odoo_total": move.amount_total,
            "rounding": self._rounding(connection, side),
        }

    # === PRE-EXPORT CHECKS (what _document uses, as Xero has it now) ===

    def _status_setting(self, connection):
        """The status new documents go with (Draft or Awaiting payment)."""
        return connection.invoice_status

    def _check_settings(self, connection):
        """The organisation's settings are known (read now if they never
        were) and a sales account is chosen."""
        if not connection.settings_read_at:
            self.env["xero.settings.reader"]._run(connection)
        if not connection.sales_account_id:
            raise im.InvoiceMappingError(_(
                "No Xero sales account is chosen: choose one on the Xero connection (Invoices "
                "tab), then Retry."))

    def _line_item(self, connection, line):
        """The Xero item a line sends: its product's, else the generic one
        (if any); an empty record for none."""
        Item = self.env["xero.item"].with_context(active_test=False)
        item = Item.search([("backend_id", "=", connection.id), ("state", "=", "linked"),
                            ("odoo_id", "=", line.product_id.product_tmpl_id.id)], limit=1) \
            if line.product_id else Item
        if item and not item.active:
            raise im.InvoiceMappingError(_(
                "The product %(product)s is linked to the Xero item %(code)s, which is no longer "
                "in Xero: link the product to another item (Xero items), then Retry.",
                product=line.product_id.display_name, code=item.code))
        if item:
            return item
        generic = connection.default_item_id
        if generic and not generic.active:
            raise im.InvoiceMappingError(_(
                "The generic Xero item %s is no longer in Xero: choose another generic item, or "
                "none, on the Xero connection (Invoices tab), then Retry.", generic.code))
        return generic

    def _line_account(self, connection, item):
        """The account a line is coded to: its item's sales account, else
        the connection's; it must still be an active revenue account."""
        account = connection.sales_account_id
        where = _("choose another sales account on the Xero connection (Invoices tab)")
        if item and item.sales_account_code:
            account = self.env["xero.account"].with_context(active_test=False).search(
                [("connection_id", "=", connection.id), ("code", "=", item.sales_account_code)],
                limit=1)
            where = _("change the sales account of the Xero item %s in Xero, then click "
                      "Refresh Xero settings on the Xero connection", item.code)
            if not account:
                raise im.InvoiceMappingError(_(
                    "The Xero item %(item)s is coded to the account %(code)s, which is not in "
                    "Xero: %(where)s, then Retry.", item=item.code,
                    code=item.sales_account_code, where=where))
        if account.status != "ACTIVE":
            raise im.InvoiceMappingError(_(
                "The Xero account %(account)s is %(status)s: %(where)s, then Retry.",
                account=account.display_name, where=where,
                status={"ARCHIVED": _("archived in Xero"), "DELETED": _("deleted in Xero")}.get(
                    account.status, account.status)))
        if not account.for_sales:
            raise im.InvoiceMappingError(_(
                "The Xero account %(account)s is not a revenue account: %(where)s, then Retry.",
                account=account.display_name, where=where))
        return account

    def _check_currency(self, connection, move):
        codes = connection.xero_currency_ids.mapped("code")
        if move.currency_id.name not in codes:
            raise im.InvoiceMappingError(_(
                "The invoice is in %(currency)s, which is not enabled in the Xero organisation "
                "%(org)s: add %(currency)s in Xero (Settings > Currencies), then click Refresh "
                "Xero settings on the Xero connection and Retry.",
                currency=move.currency_id.name, org=connection.organisation_id.name))

    def _currency_rate(self, connection, move):
        """The rate to send with a foreign-currency document: Odoo's, when
        the company has one for that day and keeps its books in the
        organisation's base currency (else Xero takes the day's rate)."""
        company_currency = move.company_currency_id
        if move.currency_id == company_currency or \
                company_currency.name != connection.organisation_id.base_currency:
            return None
        has_rate = self.env["res.currency.rate"].sudo().search_count([
            ("currency_id", "=", move.currency_id.id),
            ("company_id", "in", (move.company_id.root_id.id, False)),
            ("name", "<=", move.invoice_date or move.date)], limit=1)
        return move.invoice_currency_rate if has_rate else None

    def _branding_theme(self, connection):
        theme = connection.branding_theme_id
        if theme and not theme.active:
            raise im.InvoiceMappingError(_(
                "The branding theme %s is no longer in Xero: choose another on the Xero "
                "connection (Invoices tab), then Retry.", theme.name))
        return theme

    def _rounding(self, connection, side):
        """The totals policy, and what a rounding line is coded to."""
        account = connection.rounding_account_id or connection.sales_account_id
        zero = self.env["xero.tax.map"]._zero_rate(connection, side)
        return {"policy": connection.rounding_policy, "tolerance": connection.rounding_tolerance,
                "account_code": account.code if account.for_sales else None,
                "tax_type": zero.tax_type or None}

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
