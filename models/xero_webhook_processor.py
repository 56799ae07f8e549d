"""Stored Xero events → the records read again by ID (50 a call) and
applied through the same code as the scheduled pulls: contact lines
(``xero.contact.reader``), the sales ledger and synced invoices
(``xero.ledger.importer``), documents raised in Xero and bills
(``xero.document.importer``)."""

import logging

from odoo import _, api, models

from ..xero_core import ledger
from ..xero_core.errors import XeroError, XeroRateLimited
from ..xero_core.webhooks import IDS_PER_READ

_logger = logging.getLogger(__name__)

# Events read in one run of an organisation; the rest goes on at once.
EVENTS_PER_RUN = 5000
SALES_TYPES = {"INVOICE": "ACCREC", "CREDITNOTE": "ACCRECCREDIT"}


def _chunks(ids, size=IDS_PER_READ):
    return [ids[i:i + size] for i in range(0, len(ids), size)]


class XeroWebhookProcessor(models.AbstractModel):
    _name = "xero.webhook.processor"
    _inherit = "xero.service"
    _description = "Xero events → records read again"

    @api.model
    def _cron_process(self):
        """Entry point of the scheduled action the webhook route triggers:
        each organisation's pending events, for every connection holding it."""
        Event = self.env["xero.webhook.event"].sudo()
        self.env.cr.execute(
            "SELECT DISTINCT tenant_id FROM xero_webhook_event WHERE state = 'pending'")
        tenants = [row[0] for row in self.env.cr.fetchall()]
        more = False
        for tenant in tenants:
            connections = self.env["xero.connection"].sudo().search(
                [("organisation_id.tenant_id", "=ilike", tenant)])
            events = Event._lock_pending(tenant, limit=EVENTS_PER_RUN)
            if not events:
                continue  # another worker has them
            if not connections:
                self._drop(events, tenant)
                continue
            more |= len(events) == EVENTS_PER_RUN
            self._process(connections, events)
        if more:
            self.env["xero.webhook.event"]._trigger_processing()
            self._commit()

    def _drop(self, events, tenant):
        message = _("%(n)s Xero event(s) of organisation %(tenant)s dropped: no connection "
                    "syncs with it.", n=len(events), tenant=tenant)
        _logger.warning(message)
        events.write({"state": "dropped", "note": message[:250]})
        self.env["xero.sync.log"]._record(self.env["xero.connection"], "webhook_events",
                                          "failed", message, count=len(events))
        self._commit()

    def _process(self, connections, events):
        for connection in connections:
            if connection.state != "connected" or connection._is_paused():
                # Kept: read once the connection syncs again.
                return
        try:
            for connection in connections:
                self._run(connection, events=events)
        except XeroError as exc:
            self.env.cr.rollback()
            events = events.exists()
            if isinstance(exc, XeroRateLimited):
                connection._pause_for_rate_limit(exc)
            else:
                events._failed_once(exc.message)
                self.env["xero.sync.log"]._record(connection, "webhook_events", "failed",
                                                  exc.message, count=len(events))
            self._commit()
            return
        events.write({"state": "done"})
        self._commit()

    def _run(self, connection, events=None, client=None):
        """Read again the records ``events`` name (this connection's
        pending events when not given) and apply them. Returns the stats."""
        connection.ensure_one()
        client = connection.with_context(xero_job="webhook")._client_for_sync(client)
        own = events is None
        if own:
            events = self.env["xero.webhook.event"].sudo()._lock_pending(
                connection.tenant_id.lower(), limit=EVENTS_PER_RUN)
        calls_before = client.calls
        stats = {"events": len(events), "records": 0}
        by_category = {}
        for event in events:
            ids = by_category.setdefault(event.category, {})
            ids.setdefault(event.resource_id, None)
        if by_category.get("CONTACT"):
            for known in self._known_contacts(connection, events):
                by_category["CONTACT"].pop(known, None)
        if by_category.get("CONTACT"):
            stats["records"] += self._read_contacts(connection, client,
                                                    list(by_category["CONTACT"]))
        for category in ("INVOICE", "CREDITNOTE"):
            if by_category.get(category):
                stats["records"] += self._read_documents(connection, client, category,
                                                         list(by_category[category]))
        stats.update(calls=client.calls - calls_before, processed=stats["records"], remaining=0)
        if own:
            events.write({"state": "done"})
        self.env["xero.sync.log"]._record(
            connection, "webhook_events",
            message=_("%(events)s change(s) announced by Xero: %(n)s record(s) read in "
                      "%(calls)s call(s).", events=stats["events"], n=stats["records"],
                      calls=stats["calls"]),
            count=stats["records"])
        self._commit()
        return stats

    def _known_contacts(self, connection, events):
        """Contacts whose every event is the echo of our own push (not newer
        than the version Xero answered it with, to the millisecond): the
        answer held the contact as Xero saved it, nothing to read."""
        latest = {}
        for event in events.filtered(lambda e: e.category == "CONTACT"):
            if event.source != "webhook":
                latest[event.resource_id] = None  # a user asked: always read
            elif latest.get(event.resource_id, event.event_date) is not None:
                latest[event.resource_id] = max(latest.get(event.resource_id, event.event_date),
                                                event.event_date)
        bindings = self.env["xero.contact"].with_context(active_test=False).search([
            ("backend_id", "=", connection.id), ("external_id", "in", list(latest))])
        return {b.external_id.lower() for b in bindings
                if latest.get(b.external_id.lower()) and b._pushed_version()
                and b._pushed_version() >= latest[b.external_id.lower()]}

    def _read_contacts(self, connection, client, ids):
        reader = self.env["xero.contact.reader"]
        resolver = self.env["res.partner"]._xero_address_resolver()
        count = 0
        for chunk in _chunks(ids):
            contacts = client.get_contacts(chunk)
            count += len(contacts)
            reader._store_page(connection, contacts, resolver, set())
            self._commit()
        return count

    def _read_documents(self, connection, client, category, ids):
        fetch = (client.get_invoices_by_ids if category == "INVOICE"
                 else client.get_credit_notes_by_ids)
        count = 0
        for chunk in _chunks(ids):
            documents = fetch(chunk)
            count += len(documents)
            self._apply_documents(connection, category, documents)
            self._commit()
        return count

    def _apply_documents(self, connection, category, documents):
        """Sales documents go to the ledger (and the synced invoices they
        update); the types the document importer reads (documents raised in
        Xero when brought in, bills sent from Odoo) go through it too, from
        the same records: no second read."""
        sales = [d for d in documents
                 if isinstance(d, dict) and d.get("Type") == SALES_TYPES[category]]
        if sales:
            importer = self.env["xero.ledger.importer"]
            kind = ledger.INVOICE if category == "INVOICE" else ledger.CREDIT_NOTE
            importer._store(connection, sales, importer._contacts(connection), kind)
        documents_in = self.env["xero.document.importer"]
        types = set(documents_in._types(connection))
        taken = [d for d in documents if isinstance(d, dict) and d.get("Type") in types]
        if taken:
            # Its own rules apply (switch-on moment, linked contacts, set
            # aside); its watermarks stay for the scheduled read to move.
            stats = dict.fromkeys(("pages", "read", "imported", "updated", "set_aside"), 0)
            documents_in._apply_records(connection, taken, stats)
