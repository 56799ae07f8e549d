"""Xero's sales ledger (invoices, credit notes, payments) of linked
customers → ``xero.ledger.invoice`` lines, page by page, each committed."""

import logging
from datetime import timedelta

from odoo import _, fields, models

from ..xero_core import ledger
from ..xero_core.client import IDS_PER_CALL, PAGE_SIZE
from ..xero_core.dates import to_naive_utc
from ..xero_core.errors import XeroError

_logger = logging.getLogger(__name__)

LEDGER_PAGES_PER_RUN = 20
FULL_LEDGER_EVERY = timedelta(days=1)
ACCREC = 'Type=="ACCREC"'


class XeroLedgerImporter(models.AbstractModel):
    _name = "xero.ledger.importer"
    _inherit = "xero.service"
    _description = "Xero sales ledger → ledger lines"

    def _contacts(self, connection):
        """Xero ContactID -> commercial partner id, for linked contacts."""
        bindings = self.env["xero.contact"].search([("backend_id", "=", connection.id),
                                                     ("state", "=", "linked"),
                                                     ("external_id", "!=", False)])
        return {b.external_id: b.odoo_id.commercial_partner_id.id for b in bindings}

    def _run(self, connection, max_pages=None, client=None):
        """Invoices, then credit notes changed since the watermarks; the
        ledger of contacts linked since the last run; once a day what is
        still open. Returns {"calls", "invoices", "pages", "done"}."""
        connection.ensure_one()
        client = connection._client_for_sync(client)
        calls_before = client.calls
        started = fields.Datetime.now()
        contacts = self._contacts(connection)
        stats = {"invoices": 0, "pages": 0, "done": True, "remaining": 0}
        # The first full read may take several runs (``max_pages``): each
        # goes on from the watermark, and none backfills.
        first_run = not connection.ledger_full_at
        if not connection.ledger_synced_at:
            # Starting it: the contacts linked now are covered by it; those
            # linked meanwhile are backfilled once it is done.
            self.env["xero.contact"].search([("backend_id", "=", connection.id),
                                             ("state", "=", "linked")]).write(
                {"ledger_backfilled": True})
        elif not first_run:
            self._backfill(connection, client, contacts, stats)
        since = connection.ledger_synced_at and connection.ledger_synced_at - self._watermark_skew
        pages = client.iter_invoice_pages(modified_since=since or None, where=ACCREC)
        if not self._store_pages(connection, pages, contacts, stats, "ledger_synced_at",
                                 max_pages):
            stats.update(done=False, calls=client.calls - calls_before, remaining=1,
                         processed=stats["invoices"])
            return stats
        since = (connection.credit_notes_synced_at
                 and connection.credit_notes_synced_at - self._watermark_skew)
        notes = client.iter_credit_note_pages(modified_since=since,
                                              where='Type=="ACCRECCREDIT"')
        self._store_pages(connection, notes, contacts, stats, "credit_notes_synced_at", None,
                          kind=ledger.CREDIT_NOTE)
        if not first_run and (not connection.ledger_full_at
                              or connection.ledger_full_at < started - FULL_LEDGER_EVERY):
            # Payments on part-paid invoices do not always bump UpdatedDateUTC:
            # re-read what is still open once a day.
            open_pages = client.iter_invoice_pages(statuses=["AUTHORISED"], where=ACCREC)
            self._store_pages(connection, open_pages, contacts, stats, None, None)
            connection.ledger_full_at = started
        elif first_run:
            connection.ledger_full_at = started
        connection.last_ledger_pull_at = started
        stats.update(calls=client.calls - calls_before, processed=stats["invoices"])
        self.env["xero.sync.log"]._record(
            connection, "pull_ledger",
            message=_("%(n)s invoice(s) and credit note(s) read in %(calls)s call(s).",
                      n=stats["invoices"], calls=stats["calls"]),
            count=stats["invoices"])
        self._commit()
        return stats

    def _store_pages(self, connection, pages, contacts, stats, watermark_field, max_pages,
                     kind=ledger.INVOICE):
        """Store pages; False when stopped early by ``max_pages``."""
        count = 0
        for _page, records in pages:
            count += 1
            stats["pages"] += 1
            stats["invoices"] += len(records)
            latest = self._store(connection, records, contacts, kind)
            if watermark_field and latest and (
                    not connection[watermark_field] or latest > connection[watermark_field]):
                connection[watermark_field] = latest
            self._commit()
            # Keep memory flat over 50 pages of 1,000 invoices.
            self.env.invalidate_all()
            if max_pages and count >= max_pages and len(records) == PAGE_SIZE:
                return False
        return True

    def _backfill(self, connection, client, contacts, stats):
        """Contacts linked since the last run: read their whole ledger."""
        pending = self.env["xero.contact"].search([
            ("backend_id", "=", connection.id), ("state", "=", "linked"),
            ("external_id", "!=", False), ("ledger_backfilled", "=", False)])
        for start in range(0, len(pending), IDS_PER_CALL):
            chunk = pending[start:start + IDS_PER_CALL]
            pages = client.iter_invoice_pages(contact_ids=chunk.mapped("external_id"),
                                              where=ACCREC)
            self._store_pages(connection, pages, contacts, stats, None, None)
            chunk.ledger_backfilled = True
            self._commit()
        if pending:
            # Credit notes cannot be asked for by contact list: read them all
            # once; only those of linked contacts are kept.
            notes = client.iter_credit_note_pages(where='Type=="ACCRECCREDIT"')
            self._store_pages(connection, notes, contacts, stats, None, None,
                              kind=ledger.CREDIT_NOTE)
            self._commit()

    def _run_for(self, bindings):
        """Refresh button: these contacts' invoices and credit notes, now."""
        connection = bindings.backend_id
        connection.ensure_one()
        client = connection._xero_client()
        contacts = self._contacts(connection)
        stats = {"invoices": 0, "pages": 0}
        try:
            pages = client.iter_invoice_pages(contact_ids=bindings.mapped("external_id"),
                                              where=ACCREC)
            self._store_pages(connection, pages, contacts, stats, None, None)
            for binding in bindings:
                notes = client.iter_credit_note_pages(
                    where=f'Type=="ACCRECCREDIT" AND Contact.ContactID==GUID("'
                          f'{binding.external_id}")')
                self._store_pages(connection, notes, contacts, stats, None, None,
                                  kind=ledger.CREDIT_NOTE)
        except XeroError as exc:
            raise self._xero_user_error(exc) from exc
        bindings.write({"ledger_backfilled": True})
        return stats

    def _store(self, connection, records, contacts, kind):
        """One page of Xero invoices / credit notes -> ledger lines of
        linked customers. Returns the newest UpdatedDateUTC seen."""
        Ledger = self.env["xero.ledger.invoice"]
        parse = ledger.from_credit_note if kind == ledger.CREDIT_NOTE else ledger.from_invoice
        id_key = "CreditNoteID" if kind == ledger.CREDIT_NOTE else "InvoiceID"
        ids = [r.get(id_key) for r in records if isinstance(r, dict) and r.get(id_key)]
        existing = {line.external_id: line for line in Ledger.search(
            [("connection_id", "=", connection.id), ("external_id", "in", ids)])}
        latest = None
        to_create, payments_for = [], {}
        for record in records:
            try:
                line = parse(record)
            except (ValueError, TypeError) as exc:
                self._bad_record(connection, record, id_key, existing, exc)
                continue
            if line.updated_at:
                stamp = to_naive_utc(line.updated_at)
                latest = max(latest, stamp) if latest else stamp
            partner_id = contacts.get(line.contact_id)
            current = existing.get(line.external_id)
            if not partner_id and not current:
                continue  # not a linked customer: not kept
            vals = {
                "contact_external_id": line.contact_id,
                "partner_id": partner_id or current.partner_id.id,
                "kind": kind,
                "number": line.number,
                "reference": line.reference,
                "date": line.date,
                "due_date": line.due_date,
                "xero_status": line.status if line.status in dict(
                    Ledger._fields["xero_status"].selection) else "DRAFT",
                "currency_code": line.currency,
                "total": float(line.total),
                "amount_paid": float(line.amount_paid),
                "amount_due": float(line.amount_due),
                "amount_credited": float(line.amount_credited),
                "xero_updated_at": to_naive_utc(line.updated_at),
                "payment_count": len(line.payments),
                "note": False,
            }
            if current:
                current.write(vals)
                current.payment_ids.unlink()
                if line.payments:
                    payments_for[current.id] = line.payments
            else:
                to_create.append((vals | {"connection_id": connection.id,
                                          "external_id": line.external_id}, line.payments))
        if to_create:
            created = Ledger.create([vals for vals, _payments in to_create])
            for record, (_vals, payments) in zip(created, to_create, strict=True):
                if payments:
                    payments_for[record.id] = payments
        self.env["xero.ledger.payment"].create([
            {"invoice_id": invoice_id, "external_id": p["external_id"], "date": p["date"],
             "amount": float(p["amount"]), "reference": p["reference"]}
            for invoice_id, payments in payments_for.items() for p in payments
        ])
        return latest

    def _bad_record(self, connection, record, id_key, existing, exc):
        """Xero sent something unreadable: say so on that line only."""
        message = _("Xero sent data that could not be read: %s", exc)
        external_id = record.get(id_key) if isinstance(record, dict) else None
        if external_id and external_id in existing:
            existing[external_id].note = message
        else:
            self.env["xero.sync.log"]._record(
                connection, "pull_ledger", "failed", f"{message} ({str(record)[:200]})",
                count=1)
