"""Documents raised in Xero → Odoo invoices and bills.

Per document type (ACCREC, ACCRECCREDIT, ACCPAY, ACCPAYCREDIT) the pages
changed since its watermark (If-Modified-Since, Xero's UpdatedDateUTC of
the last document read) are read 1,000 a call, lines included. On each page:

- documents bound to Odoo ones (sent from Odoo, or brought in before) update
  them: status and payments (``xero.invoice._note_documents``); a document
  raised in Xero whose content changed updates its Odoo draft, or waits for
  a user on a posted one; voided or deleted, it cancels the draft, and flags
  a posted one with an activity (nothing is reversed without a user);
- new ones, created after the option was switched on, for linked contacts,
  come in as drafts or posted (setting), bound at once, so a run killed
  half-way creates nothing twice: the page is committed with its watermark;
- the others are set aside on ``xero.document.review`` with their reason.

Xero keeps no creation date on invoices: a document whose date is before the
switch-on day is historical and never comes in, even if edited later.
"""

from decimal import Decimal

from odoo import _, fields, models
from odoo.exceptions import UserError, ValidationError

from ..xero_core import document_mapping as dm
from ..xero_core.client import PAGE_SIZE
from ..xero_core.dates import to_naive_utc

# Type -> (watermark field, switch-on field, the setting that brings it in)
TYPES = {
    "ACCREC": ("accrec_synced_at", "import_sales_since", "import_sales_enabled"),
    "ACCRECCREDIT": ("accreccredit_synced_at", "import_sales_since", "import_sales_enabled"),
    "ACCPAY": ("accpay_synced_at", "import_bills_since", "import_bills_enabled"),
    "ACCPAYCREDIT": ("accpaycredit_synced_at", "import_bills_since", "import_bills_enabled"),
}
MOVE_TYPES = {
    ("invoice", "sale"): "out_invoice", ("credit_note", "sale"): "out_refund",
    ("invoice", "purchase"): "in_invoice", ("credit_note", "purchase"): "in_refund",
}
DOCUMENT_PAGES_PER_RUN = 20
CENT = Decimal("0.01")


class Unmappable(Exception):
    """Something on the Xero document has no Odoo counterpart (the reason
    says what to fix and where)."""


class XeroDocumentImporter(models.AbstractModel):
    _name = "xero.document.importer"
    _inherit = "xero.service"
    _description = "Documents raised in Xero → Odoo"

    # === SELECT THE WORK ===

    def _types(self, connection):
        """The document types to read: those brought in, and bills when
        bills are sent (their payments in Xero follow)."""
        return [t for t, (_w, _s, setting) in TYPES.items()
                if connection[setting] or (t == "ACCPAY" and connection.bill_sync_enabled)]

    def _since(self, connection, doc_type):
        watermark, switched_on, _setting = TYPES[doc_type]
        if connection[watermark]:
            return connection[watermark] - self._watermark_skew
        # First read: from the moment the option was switched on (nothing older
        # qualifies).
        return connection[switched_on] or connection.bill_sync_since or fields.Datetime.now()

    def _run(self, connection, max_pages=DOCUMENT_PAGES_PER_RUN, client=None):
        """Read the changed documents of each type, page by page (each
        committed with its watermark). Returns {"calls", "pages", "read",
        "imported", "updated", "set_aside", "processed", "remaining"}."""
        connection.ensure_one()
        client = connection._client_for_sync(client)
        calls_before = client.calls
        stats = dict.fromkeys(("pages", "read", "imported", "updated", "set_aside"), 0)
        remaining = 0
        for doc_type in self._types(connection):
            watermark = TYPES[doc_type][0]
            reader = client.iter_credit_note_pages if doc_type.endswith("CREDIT") \
                else client.iter_invoice_pages
            type_key = "credit_note_type" if doc_type.endswith("CREDIT") else "invoice_type"
            pages = reader(modified_since=self._since(connection, doc_type),
                           **{type_key: doc_type})
            count = 0
            for _page, records in pages:
                count += 1
                stats["pages"] += 1
                latest = self._apply_records(connection, records, stats)
                if latest and (not connection[watermark] or latest > connection[watermark]):
                    connection[watermark] = latest
                self._commit()
                # Memory stays flat over many pages.
                self.env.invalidate_all()
                if max_pages and count >= max_pages and len(records) == PAGE_SIZE:
                    remaining += 1
                    break
        self._retry_linked(connection, stats)
        stats.update(calls=client.calls - calls_before, remaining=remaining,
                     processed=stats["read"])
        self.env["xero.sync.log"]._record(connection, "import_documents", message=_(
            "%(read)s document(s) read in %(calls)s call(s): %(imported)s brought into Odoo, "
            "%(updated)s updated, %(aside)s set aside.", read=stats["read"],
            calls=stats["calls"], imported=stats["imported"], updated=stats["updated"],
            aside=stats["set_aside"]), count=stats["read"])
        self._commit()
        return stats

    def _reread(self, connection, bindings, client=None):
        """Read these documents from Xero now and apply them (Retry)."""
        client = connection._client_for_sync(client)
        stats = dict.fromkeys(("pages", "read", "imported", "updated", "set_aside"), 0)
        notes = bindings.filtered(lambda b: b.kind == "credit_note")
        records = client.get_invoices_by_ids((bindings - notes).mapped("external_id")) \
            if bindings - notes else []
        if notes:
            records += client.get_credit_notes_by_ids(notes.mapped("external_id"))
        self._apply_records(connection, records, stats)
        return stats

    # === APPLY A PAGE ===

    def _apply_records(self, connection, records, stats):
        """Apply one page of Xero documents; returns the newest
        UpdatedDateUTC (naive UTC) among them."""
        latest = None
        docs = []
        Log = self.env["xero.sync.log"]
        for record in records:
            stats["read"] += 1
            try:
                doc = dm.from_xero(record)
            except ValueError as exc:
                Log._record(connection, "import_document", "failed", _(
                    "Xero sent a document that could not be read: %s", exc), count=1)
                continue
            docs.append(doc)
            updated = doc["updated_at"] and to_naive_utc(doc["updated_at"])
            if updated and (not latest or updated > latest):
                latest = updated
        # Status and payments of every bound document (sent from Odoo or not).
        self.env["xero.invoice"]._note_documents(
            connection, [r for r in records if isinstance(r, dict)])
        bindings = {b.external_id: b for b in self.env["xero.invoice"].search([
            ("backend_id", "=", connection.id),
            ("external_id", "in", [d["external_id"] for d in docs])])}
        new = []
        for doc in docs:
            binding = bindings.get(doc["external_id"])
            if binding and binding.origin == "xero":
                if self._update(connection, binding, doc):
                    stats["updated"] += 1
            elif not binding and self._qualifies(connection, doc):
                new.append(doc)
        self._import(connection, new, stats)
        return latest

    def _qualifies(self, connection, doc):
        """Created in Xero after its option was switched on, and still
        counted there."""
        _watermark, switched_on, setting = TYPES[doc["type"]]
        since = connection[switched_on]
        if not connection[setting] or not since or doc["status"] in dm.GONE:
            return False
        updated = doc["updated_at"] and to_naive_utc(doc["updated_at"])
        return bool(doc["date"] and doc["date"] >= since.date()
                    and (not updated or updated >= since))

    # === NEW DOCUMENTS ===

    def _import(self, connection, docs, stats):
        """Create the Odoo copies of ``docs`` (one create for the page),
        bound at once; the others are set aside with their reason."""
        partners = self._partners(connection, [d["contact_id"] for d in docs])
        ready = []
        for doc in docs:
            partner = partners.get(doc["contact_id"])
            if not partner:
                self._set_aside(connection, doc, "unlinked", _(
                    "Xero's contact %s is not linked to a partner: link it on the Sync with "
                    "Xero screen, then Retry.", doc["contact_name"] or doc["contact_id"]))
                stats["set_aside"] += 1
                continue
            try:
                ready.append((doc, self._move_values(connection, doc, partner)))
            except Unmappable as exc:
                self._set_aside(connection, doc, "unmapped", str(exc))
                stats["set_aside"] += 1
        if not ready:
            return
        try:
            with self.env.cr.savepoint():
                self._create(connection, ready)
            stats["imported"] += len(ready)
        except (UserError, ValidationError):
            # One document Odoo refuses: the others come in, it is set aside.
            for doc, values in ready:
                try:
                    with self.env.cr.savepoint():
                        self._create(connection, [(doc, values)])
                    stats["imported"] += 1
                except (UserError, ValidationError) as exc:
                    self._set_aside(connection, doc, "unmapped", _(
                        "Odoo refused the document: %s", exc.args[0] if exc.args else exc))
                    stats["set_aside"] += 1

    def _create(self, connection, ready):
        """Moves and their bindings in one transaction (a rerun finds them
        bound: nothing twice); approved documents posted if so set."""
        Move = self.env["account.move"].with_company(connection.company_id).with_context(
            xero_from_xero=True)
        moves = Move.create([values for _doc, values in ready])
        Invoice = self.env["xero.invoice"]
        bindings = Invoice.create([{
            "backend_id": connection.id, "odoo_id": move.id, "kind": doc["kind"],
            "side": doc["side"], "origin": "xero", "need_push": False, "push_key": False,
            **self._binding_values(doc),
        } for (doc, _values), move in zip(ready, moves, strict=True)])
        to_post = moves.browse([move.id for (doc, _v), move in zip(ready, moves, strict=True)
                                if self._to_post(connection, doc["status"])])
        if to_post:
            to_post.action_post()
        moves_by_id = {b.external_id: b.odoo_id.id for b in bindings}
        for review in self.env["xero.document.review"].search([
                ("connection_id", "=", connection.id),
                ("external_id", "in", list(moves_by_id))]):
            review.write({"state": "done", "reason": False,
                          "move_id": moves_by_id[review.external_id]})
        return moves

    def _binding_values(self, doc):
        values = {
            "external_id": doc["external_id"], "xero_number": doc["number"],
            "xero_status": doc["status"], "xero_total": float(doc["total"]),
            "xero_amount_paid": float(doc["amount_paid"]),
            "state": "synced", "sync_date": fields.Datetime.now(),
            "external_updated_at": doc["updated_at"] and to_naive_utc(doc["updated_at"]),
            "xero_content_key": dm.content_key(doc),
            "xero_document": dm.to_json(doc),
            "xero_change_pending": False, "xero_change_text": False,
            "xero_change_document": False,
        }
        if doc["has_payments"] and doc["kind"] == "invoice":
            values["need_payment_import"] = True
        return values

    @staticmethod
    def _to_post(connection, status):
        return connection.import_post == "posted" and status in dm.APPROVED

    def _partners(self, connection, contact_ids):
        """Xero ContactID -> commercial partner of the linked contacts."""
        lines = self.env["xero.contact"].search([
            ("backend_id", "=", connection.id), ("state", "=", "linked"),
            ("external_id", "in", list(set(contact_ids))), ("odoo_id", "!=", False)])
        return {c.external_id: c.odoo_id.commercial_partner_id for c in lines}

    def _set_aside(self, connection, doc, state, reason):
        Review = self.env["xero.document.review"]
        values = {
            "doc_type": doc["type"], "number": doc["number"],
            "contact_external_id": doc["contact_id"], "contact_name": doc["contact_name"],
            "date": doc["date"], "currency": doc["currency"], "total": float(doc["total"]),
            "xero_status": doc["status"], "state": state, "reason": reason,
            "document": dm.to_json(doc),
        }
        review = Review.search([("connection_id", "=", connection.id),
                                ("external_id", "=", doc["external_id"])], limit=1)
        if review:
            review.write(values)
        else:
            Review.create(dict(values, connection_id=connection.id,
                               external_id=doc["external_id"]))

    def _retry(self, connection, reviews):
        """Bring set-aside documents in again, as Xero last sent them."""
        stats = dict.fromkeys(("imported", "set_aside"), 0)
        docs = [dm.from_json(r.document) for r in reviews if r.document]
        bound = set(self.env["xero.invoice"].search([
            ("backend_id", "=", connection.id),
            ("external_id", "in", [d["external_id"] for d in docs])]).mapped("external_id"))
        self._import(connection, [d for d in docs if d["external_id"] not in bound], stats)
        return stats

    def _retry_linked(self, connection, stats):
        """Documents waiting for their contact, whose contact is linked now."""
        waiting = self.env["xero.document.review"].search([
            ("connection_id", "=", connection.id), ("state", "=", "unlinked")])
        linked = self._partners(connection, waiting.mapped("contact_external_id"))
        ready = waiting.filtered(lambda r: r.contact_external_id in linked)
        if ready:
            result = self._retry(connection, ready)
            stats["imported"] += result["imported"]
            self._commit()

    # === VALUES OF THE ODOO DOCUMENT ===

    def _move_values(self, connection, doc, partner):
        """account.move values of a Xero document; Unmappable, naming what
        to fix and where, when an item, a tax rate or the currency has no
        Odoo counterpart."""
        currency = self.env["res.currency"].search([("name", "=", doc["currency"])], limit=1)
        if doc["currency"] and not currency:
            raise Unmappable(_(
                "The document is in %s, which is not active in Odoo: activate it "
                "(Accounting > Configuration > Currencies), then Retry.", doc["currency"]))
        journal = connection._import_journal(doc["side"], doc["kind"])
        if not journal:
            raise Unmappable(_(
                "No journal for documents raised in Xero: choose one on the Xero connection "
                "(Documents from Xero tab), then Retry."))
        lines = [self._line_values(connection, doc, line) for line in doc["lines"]]
        values = {
            "move_type": MOVE_TYPES[(doc["kind"], doc["side"])],
            "partner_id": partner.id,
            "journal_id": journal.id,
            "currency_id": (currency or connection.company_id.currency_id).id,
            "invoice_date": doc["date"],
            "ref": doc["number"] if doc["side"] == "purchase" else doc["reference"],
            "invoice_line_ids": [fields.Command.create(v) for v in lines],
        }
        if doc["due_date"] and doc["kind"] == "invoice":
            values["invoice_date_due"] = doc["due_date"]
        company_currency = connection.company_id.currency_id
        if currency and currency != company_currency and doc["currency_rate"] and \
                company_currency.name == connection.organisation_id.base_currency:
            values["invoice_currency_rate"] = float(doc["currency_rate"])
        return values

    def _line_values(self, connection, doc, line):
        product = self._product(connection, line)
        taxes = self._taxes(connection, doc, line)
        quantity, price, discount = line["quantity"], line["unit_amount"], line["discount"]
        included = doc["amount_types"] == "Inclusive"
        if taxes and any(taxes.mapped("price_include")) != included:
            # Xero's amounts and the Odoo tax disagree on whether tax is in
            # the price: the line goes at its amount net (or gross) of tax.
            amount = line["line_amount"] - line["tax_amount"] if included \
                else line["line_amount"] + line["tax_amount"]
            unit = amount / quantity if quantity else amount
            if quantity != 1 and unit != unit.quantize(CENT):
                quantity, unit = Decimal(1), amount
            price, discount = unit, Decimal(0)
        values = {
            "name": line["description"] or (product.display_name if product else "-"),
            "quantity": float(quantity),
            "price_unit": float(price),
            "discount": float(discount),
            "tax_ids": [fields.Command.set(taxes.ids)],
        }
        if product:
            values["product_id"] = product.id
        account = self._account(connection, line)
        if account:
            values["account_id"] = account.id
        return values

    def _product(self, connection, line):
        if not line["item_code"]:
            return self.env["product.product"]
        item = self.env["xero.item"].with_context(active_test=False).search([
            ("backend_id", "=", connection.id), ("code", "=", line["item_code"])], limit=1)
        product = item.odoo_id.product_variant_id if item.state == "linked" else False
        if not product:
            raise Unmappable(_(
                "The Xero item %s is not linked to an Odoo product: link it (Xero items), "
                "then Retry.", line["item_code"]))
        return product

    def _taxes(self, connection, doc, line):
        """The Odoo tax a Xero tax rate is mapped to (for the document's
        side); a zero rate nobody mapped is no tax."""
        Tax = self.env["account.tax"]
        if doc["amount_types"] == "NoTax" or line["tax_type"] in ("", "NONE"):
            return Tax
        use = "purchase" if doc["side"] == "purchase" else "sale"
        mapping = connection.tax_map_ids.filtered(
            lambda m: m.xero_tax_rate_id.tax_type == line["tax_type"] and m.tax_use == use)
        if mapping:
            # Several Odoo taxes may be one Xero rate: the company's default first.
            default = connection.company_id.account_purchase_tax_id if use == "purchase" \
                else connection.company_id.account_sale_tax_id
            return default if default in mapping.tax_id else mapping[:1].tax_id
        rate = connection.xero_tax_rate_ids.filtered(
            lambda r: r.tax_type == line["tax_type"])[:1]
        if rate and not rate.rate and not line["tax_amount"]:
            return Tax
        raise Unmappable(_(
            "The Xero tax rate %(rate)s is not mapped to an Odoo tax for %(side)s: map it on the "
            "Xero connection (Invoices tab, Taxes), then Retry.",
            rate=rate.display_name or line["tax_type"],
            side=_("purchases") if use == "purchase" else _("sales")))

    def _account(self, connection, line):
        """The Odoo account of the Xero account's code, if the chart has
        one; else Odoo's own choice (the product's, the journal's)."""
        if not line["account_code"]:
            return self.env["account.account"]
        return self.env["account.account"].search([
            ("code", "=", line["account_code"]),
            ("company_ids", "in", connection.company_id.ids),
            ("account_type", "not in", ("asset_receivable", "liability_payable"))], limit=1)

    # === CHANGES IN XERO ===

    @staticmethod
    def _content_key(document):
        return dm.content_key(dm.from_json(document))

    def _update(self, connection, binding, doc):
        """Xero's new version of a document raised there. Returns whether
        the Odoo copy or its flags changed."""
        move = binding.odoo_id
        Log = self.env["xero.sync.log"]
        if doc["status"] in dm.GONE:
            # (The status itself is already noted by _note_documents.)
            if move.state == "cancel" or binding.state == "cancelled":
                return False
            if move.state == "draft":
                move.button_cancel()
                binding.write({"state": "cancelled", "need_push": False,
                               "xero_status": doc["status"]})
                Log._record(connection, "document_voided", binding=binding, message=_(
                    "%(status)s in Xero: the Odoo draft is cancelled.",
                    status=doc["status"].title()))
                return True
            if binding.xero_change_pending and not binding.xero_change_document:
                return False  # flagged already
            self._flag_voided(binding, doc)
            return True
        changed = dm.content_key(doc) != binding.xero_content_key
        if not changed:
            if move.state == "draft" and self._to_post(connection, doc["status"]):
                move.action_post()
                return True
            return False
        if move.state == "draft":
            try:
                values = self._move_values(connection, doc, move.partner_id)
            except Unmappable as exc:
                binding._set_error(str(exc), definite=False, operation="document_changed")
                return True
            move.invoice_line_ids.unlink()
            move.write({k: v for k, v in values.items() if k not in ("move_type", "journal_id")})
            binding.write(self._binding_values(doc))
            if self._to_post(connection, doc["status"]):
                move.action_post()
            Log._record(connection, "document_changed", binding=binding,
                        message=_("Changed in Xero: the Odoo draft is updated."))
            return True
        if binding.xero_change_pending and binding.xero_change_document and \
                dm.content_key(dm.from_json(binding.xero_change_document)) == \
                dm.content_key(doc):
            return False
        old = dm.from_json(binding.xero_document) if binding.xero_document else None
        text = "\n".join(dm.differences(old, doc))
        binding.write({"xero_change_pending": True, "xero_change_text": text,
                       "xero_change_document": dm.to_json(doc), "xero_status": doc["status"]})
        Log._record(connection, "document_changed", "failed", binding=binding, message=_(
            "Changed in Xero while posted in Odoo: review the difference on %(move)s.\n%(text)s",
            move=move.display_name, text=text))
        return True

    def _flag_voided(self, binding, doc):
        """Posted in Odoo, voided or deleted in Xero: nothing is reversed
        without a user; the document is flagged and its responsible gets an
        activity."""
        move = binding.odoo_id
        text = _("%(status)s in Xero on %(date)s. The posted Odoo copy is kept: reverse it "
                 "with a credit note, or reset it to draft and cancel it.",
                 status=doc["status"].title(),
                 date=doc["updated_at"] and to_naive_utc(doc["updated_at"]))
        binding.write({"xero_change_pending": True, "xero_change_text": text,
                       "xero_change_document": False})
        move.sudo().activity_schedule(
            "mail.mail_activity_data_todo", summary=_("Voided in Xero"), note=text,
            user_id=(move.invoice_user_id or move.create_uid or self.env.user).id)
        self.env["xero.sync.log"]._record(binding.backend_id, "document_voided", "failed",
                                          text, binding=binding)

    def _apply_change(self, binding):
        """A user accepts Xero's version of a posted document: it is reset
        to draft, rewritten and posted again (never with its payments on)."""
        move = binding.odoo_id
        doc = dm.from_json(binding.xero_change_document)
        if move._get_reconciled_amls():
            raise UserError(_(
                "%s has payments in Odoo: unreconcile them first, then apply Xero's version.",
                move.display_name))
        values = self._move_values(binding.backend_id, doc, move.partner_id)
        move.button_draft()
        move.invoice_line_ids.unlink()
        move.write({k: v for k, v in values.items() if k not in ("move_type", "journal_id")})
        binding.write(self._binding_values(doc))
        if doc["status"] in dm.APPROVED:
            move.action_post()
        self.env["xero.sync.log"]._record(binding.backend_id, "document_changed",
                                          binding=binding,
                                          message=_("Xero's version applied by %s.",
                                                    self.env.user.name))
