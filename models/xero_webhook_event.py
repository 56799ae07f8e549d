"""Changes Xero announced (webhooks) or a user asked to read (Sync now),
waiting for ``xero.webhook.processor`` to read the records again.

The webhook route only stores them: one INSERT per delivery, de-duplicated
(Xero retries a delivery it thinks failed, with the same events), so that
it answers within Xero's 5 seconds whatever the batch holds."""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..xero_core.dates import to_naive_utc

_logger = logging.getLogger(__name__)

CATEGORIES = [("CONTACT", "Contact"), ("INVOICE", "Invoice"), ("CREDITNOTE", "Credit note")]
KEEP_DONE = timedelta(days=7)
MAX_ATTEMPTS = 5


class XeroWebhookEvent(models.Model):
    _name = "xero.webhook.event"
    _description = "Xero change to read"
    _order = "id"

    tenant_id = fields.Char("Xero organisation ID", required=True, index=True, readonly=True)
    category = fields.Selection(CATEGORIES, required=True, readonly=True)
    resource_id = fields.Char("Xero record ID", required=True, readonly=True)
    event_type = fields.Char(readonly=True)
    event_date = fields.Datetime("Changed in Xero", required=True, readonly=True)
    received_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    source = fields.Selection([("webhook", "Xero webhook"), ("user", "Sync now")],
                              default="webhook", required=True, readonly=True)
    state = fields.Selection(
        [("pending", "To read"), ("done", "Read"), ("dropped", "Dropped"), ("failed", "Failed")],
        default="pending", required=True, index=True, readonly=True)
    attempts = fields.Integer(readonly=True)
    note = fields.Char(readonly=True)

    _sql_constraints = [
        # A delivery Xero sends again carries the same events: stored once.
        ("event_uniq", "unique(tenant_id, category, resource_id, event_date)",
         "This Xero event is already stored."),
    ]

    @api.model
    def _store_events(self, events, source="webhook"):
        """Store parsed events (``xero_core.webhooks.parse_events``) that are
        not stored yet, in one statement. Returns how many were new."""
        rows = [(e["tenantId"], e["eventCategory"], e["resourceId"], e["eventType"],
                 to_naive_utc(e["eventDateUtc"]), source)
                for e in events if e["eventCategory"] in dict(CATEGORIES)]
        if not rows:
            return 0
        self.env.cr.execute(SQL("""
            INSERT INTO xero_webhook_event
                   (tenant_id, category, resource_id, event_type, event_date, source,
                    received_at, state, attempts, create_uid, write_uid, create_date, write_date)
            SELECT v.tenant_id, v.category, v.resource_id, v.event_type, v.event_date, v.source,
                   now() at time zone 'UTC', 'pending', 0, %(uid)s, %(uid)s,
                   now() at time zone 'UTC', now() at time zone 'UTC'
              FROM (VALUES %(rows)s) AS v(tenant_id, category, resource_id, event_type,
                                          event_date, source)
            ON CONFLICT (tenant_id, category, resource_id, event_date) DO NOTHING
        """, uid=self.env.uid, rows=SQL(", ").join(SQL("(%s, %s, %s, %s, %s::timestamp, %s)", *row)
                                                 for row in rows)))
        stored = self.env.cr.rowcount
        if stored:
            self._trigger_processing()
        return stored

    @api.model
    def _queue_read(self, connection, category, resource_ids):
        """Read these records of ``connection`` again soon, as a user asked
        (Sync now): the same path as Xero's events."""
        now = fields.Datetime.now()
        return self._store_events([{
            "tenantId": connection.tenant_id.lower(), "eventCategory": category,
            "resourceId": rid.lower(), "eventType": "SYNC", "eventDateUtc": now,
        } for rid in resource_ids if rid], source="user")

    @api.model
    def _trigger_processing(self):
        cron = self.env.ref("xero_connector.ir_cron_xero_webhook_events",
                            raise_if_not_found=False)
        if cron:
            # Runs once this transaction is committed (the cron worker is woken then).
            cron.sudo()._trigger()

    @api.model
    def _last_received(self, tenant_id):
        """When Xero last sent an event for this organisation."""
        if not tenant_id:
            return False
        self.env.cr.execute("""
            SELECT max(received_at) FROM xero_webhook_event
             WHERE lower(tenant_id) = lower(%s) AND source = 'webhook'
        """, [tenant_id])
        return self.env.cr.fetchone()[0] or False

    def _lock_pending(self, tenant_id, limit=None):
        """Pending events of an organisation, locked; rows another worker
        holds are skipped."""
        query = self._search([("tenant_id", "=", tenant_id), ("state", "=", "pending")],
                             order="id", limit=limit)
        self.env.cr.execute(SQL("%s FOR UPDATE SKIP LOCKED", query.select("id")))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _failed_once(self, message):
        for event in self:
            state = "failed" if event.attempts + 1 >= MAX_ATTEMPTS else "pending"
            event.write({"attempts": event.attempts + 1, "note": message[:250], "state": state})

    @api.model
    def _cron_purge(self):
        self.search([("state", "!=", "pending"),
                     ("received_at", "<", fields.Datetime.now() - KEEP_DONE)]).unlink()
