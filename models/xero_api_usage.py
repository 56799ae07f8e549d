"""Calls made to Xero per connection, day and job, with what Xero last
said was left (``X-DayLimit-Remaining`` / ``X-MinLimit-Remaining``) and the
bytes downloaded (egress is billed on Xero's paid tiers)."""

import logging

import psycopg2

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class XeroApiUsage(models.Model):
    _name = "xero.api.usage"
    _description = "Xero calls of a day"
    _order = "day desc, calls desc"

    # An id, not a foreign key: the count is written in a transaction of its
    # own, which must never wait on the one that created the connection (a
    # first connect reads Xero before it commits).
    connection_id = fields.Integer("Xero connection", required=True, index=True,
                                   readonly=True)
    day = fields.Date(required=True, readonly=True, help="Xero's day: UTC.")
    job = fields.Char(required=True, readonly=True)
    calls = fields.Integer(readonly=True)
    bytes_in = fields.Integer("Bytes downloaded", readonly=True)
    day_remaining = fields.Integer("Left today (Xero)", readonly=True)
    minute_remaining = fields.Integer("Left this minute (Xero)", readonly=True)
    last_call_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("day_job_uniq", "unique(connection_id, day, job)", "One line per job and day."),
    ]

    @api.model
    def _count(self, connection_id, info):
        """Add one call (``xero_core.usage.response_info``), in a transaction
        of its own: a job rolled back still spent the call, and two workers
        must not wait on each other's counters."""
        try:
            if self.env.registry.in_test_mode():
                # Tests share one transaction: a cursor of its own would only
                # add commits (savepoints) to those the tests count.
                with self.env.cr.savepoint(flush=False):
                    self._upsert(self.env.cr, connection_id, info)
                return
            for attempt in range(3):
                try:
                    with self.env.registry.cursor() as cr:
                        self._upsert(cr, connection_id, info)
                    return
                except psycopg2.errors.SerializationFailure:
                    # Another worker counted a call on the same line: a new
                    # transaction sees its count and adds to it.
                    if attempt == 2:
                        raise
        except Exception:  # the meter must never break the call it measures
            _logger.exception("Could not count a Xero call")

    @api.model
    def _upsert(self, cr, connection_id, info):
        cr.execute("""
            INSERT INTO xero_api_usage
                   (connection_id, day, job, calls, bytes_in, day_remaining,
                    minute_remaining, last_call_at, create_date, write_date)
            VALUES (%(conn)s, (now() at time zone 'UTC')::date, %(job)s, 1, %(bytes)s,
                    %(day)s, %(minute)s, clock_timestamp() at time zone 'UTC',
                    now() at time zone 'UTC', now() at time zone 'UTC')
            ON CONFLICT (connection_id, day, job) DO UPDATE SET
                   calls = xero_api_usage.calls + 1,
                   bytes_in = xero_api_usage.bytes_in + EXCLUDED.bytes_in,
                   day_remaining = COALESCE(EXCLUDED.day_remaining,
                                            xero_api_usage.day_remaining),
                   minute_remaining = COALESCE(EXCLUDED.minute_remaining,
                                               xero_api_usage.minute_remaining),
                   last_call_at = EXCLUDED.last_call_at,
                   write_date = EXCLUDED.write_date
        """, {"conn": connection_id, "job": info.get("job") or "other",
              "bytes": info.get("bytes") or 0, "day": info.get("day_remaining"),
              "minute": info.get("minute_remaining")},
            # A serialization failure is expected between workers and retried.
            log_exceptions=False)

    @api.model
    def _today(self, connection):
        """(calls today, Xero's latest day remaining or None, bytes today)."""
        self.env.cr.execute("""
            SELECT coalesce(sum(calls), 0), coalesce(sum(bytes_in), 0),
                   (array_agg(day_remaining ORDER BY last_call_at DESC)
                        FILTER (WHERE day_remaining IS NOT NULL))[1]
              FROM xero_api_usage
             WHERE connection_id = %s AND day = (now() at time zone 'UTC')::date
        """, [connection.id])
        calls, size, remaining = self.env.cr.fetchone()
        return calls, remaining, size
