import logging
import uuid
from datetime import timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..xero_core.errors import STOPS_RUN, backoff_delay, is_refusal

_logger = logging.getLogger(__name__)

# Transient failures (timeouts, dropped connections, 5xx) of one record
# retried by the next runs before the record is Failed: about 4 hours with
# the back-off of xero_core.errors.backoff_delay.
MAX_ATTEMPTS = 8


class XeroBinding(models.AbstractModel):
    """Link between an Odoo record and a Xero record of one connection
    (OCA connector's binding: odoo_id / backend_id / external_id), and the
    state of its sync: a pending change (``need_push`` with the idempotency
    key of that change), the last error, Retry, the deep link.

    The link lives here rather than on the Odoo record because a partner can
    be shared by companies that each sync with their own organisation, and
    because an ignored Xero record has no Odoo record at all.
    """

    _name = "xero.binding"
    _description = "Xero binding"

    backend_id = fields.Many2one(
        "xero.connection", "Connection", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(
        "res.company", related="backend_id.company_id", store=True, index=True
    )
    external_id = fields.Char("Xero ID", index=True, copy=False, readonly=True)
    sync_date = fields.Datetime("Last synced", readonly=True, copy=False)
    external_updated_at = fields.Datetime(
        "Updated in Xero", readonly=True, copy=False,
        help="Xero's UpdatedDateUTC when last read.",
    )
    need_push = fields.Boolean(readonly=True, copy=False, index=True)
    push_key = fields.Char(
        readonly=True, copy=False,
        help="Idempotency key of the pending change: the same change sent again "
             "carries the same key, so Xero replays it instead of applying it twice.")
    error_message = fields.Text(readonly=True, copy=False)
    error_at = fields.Datetime(readonly=True, copy=False)
    sent_push_key = fields.Char(
        readonly=True, copy=False, index="btree_not_null",
        help="Key of a create sent to Xero whose answer was not seen: before the record is "
             "sent again it is looked up in Xero, so that it is never created twice.")
    sync_attempts = fields.Integer(
        readonly=True, copy=False,
        help="Transient failures (Xero not reached, no answer) of the pending change in a row.")
    retry_after = fields.Datetime(
        readonly=True, copy=False, index=True,
        help="After a transient failure the change waits until then (growing back-off).")
    xero_url = fields.Char("Open in Xero", compute="_compute_xero_url")

    @api.depends("external_id", "backend_id.short_code")
    def _compute_xero_url(self):
        for binding in self:
            binding.xero_url = binding.external_id and binding._xero_link(
                binding.backend_id.short_code)

    # === HOOKS (per binding model) ===

    def _xero_link(self, short_code):
        """Deep link opening this record in Xero."""
        raise NotImplementedError

    def _push_operation(self):
        """The sync log's operation for sending this record."""
        raise NotImplementedError

    def _error_values(self):
        """Extra values written with an error (e.g. a state)."""
        return {}

    # === STATE MACHINE ===

    @staticmethod
    def _new_push_key():
        return uuid.uuid4().hex

    def _queue_push(self, **values):
        """A new change to send: pending, under a new idempotency key, tried
        at once (no back-off left from an earlier version)."""
        for binding in self:
            binding.write({"need_push": True, "push_key": self._new_push_key(),
                           "sync_attempts": 0, "retry_after": False, **values})
        # Real time: the push job runs once this transaction is committed.
        self.env["xero.connection"]._realtime_push(self)

    def _set_error(self, message, definite=True, operation=None):
        """Xero refused the change (``definite``) or could not be reached:
        say why on the record and in the log. After a refusal the next
        attempt is a new request (new key); after a failure whose outcome is
        unknown, a retry reuses the key so that Xero can replay it."""
        now = fields.Datetime.now()
        for binding in self:
            vals = {"error_message": message, "error_at": now, "need_push": False,
                    **binding._error_values()}
            if definite:
                vals["push_key"] = self._new_push_key()
            binding.write(vals)
            self.env["xero.sync.log"]._record(
                binding.backend_id, operation or binding._push_operation(), "failed",
                message, binding=binding)

    def _set_failure(self, exc, operation=None):
        """A Xero call about these records failed. A failure that stops the
        run (rate limit, login, organisation) is raised again and leaves
        them pending; a refusal is their error (final); any other failure
        (timeout, no answer, 5xx) leaves them pending, retried with the
        same key by a later run (``_set_transient``)."""
        if isinstance(exc, STOPS_RUN):
            raise exc
        if is_refusal(exc):
            self._set_error(exc.message, operation=operation)
        else:
            self._set_transient(exc.message, operation=operation)

    def _set_transient(self, message, operation=None):
        """The outcome is unknown or Xero was not reached: the change stays
        pending under the same key and waits a growing delay; after
        ``MAX_ATTEMPTS`` in a row it is Failed with the reason (Retry sends
        it again, still with the same key)."""
        now = fields.Datetime.now()
        for binding in self:
            attempts = binding.sync_attempts + 1
            if attempts >= MAX_ATTEMPTS:
                binding.write({"sync_attempts": attempts, "retry_after": False})
                binding._set_error(_("%(why)s (gave up after %(n)s attempts)",
                                     why=message, n=attempts),
                                   definite=False, operation=operation)
                continue
            retry_after = now + timedelta(seconds=backoff_delay(attempts))
            note = _("%(why)s; tried again automatically after %(when)s (attempt %(n)s of "
                     "%(max)s).", why=message, when=retry_after, n=attempts, max=MAX_ATTEMPTS)
            binding.write({"sync_attempts": attempts, "retry_after": retry_after,
                           "error_message": note, "error_at": now, "need_push": True})
            self.env["xero.sync.log"]._record(
                binding.backend_id, operation or binding._push_operation(), "queued", note,
                binding=binding)

    @staticmethod
    def _due_domain():
        """Pending changes not waiting for a back-off."""
        return ["|", ("retry_after", "=", False), ("retry_after", "<=", fields.Datetime.now())]

    @staticmethod
    def _sent_values():
        """Values written when Xero answered a change: no back-off left,
        nothing to look up."""
        return {"sync_attempts": 0, "retry_after": False, "sent_push_key": False}

    def _mark_sending(self):
        """About to send these records to create them: until Xero's answer
        is applied, their last send has no answer (committed by the caller
        before the call, so a killed run leaves the mark)."""
        for binding in self.filtered(lambda b: not b.external_id):
            binding.sent_push_key = binding.push_key

    def _wrong_answer(self, answered_id):
        """An error message when Xero's answer about this (linked) record
        names another record than the one sent: the link is never switched
        on the word of an answer."""
        self.ensure_one()
        if self.external_id and answered_id and answered_id != self.external_id:
            return _("Xero's answer is about another record (%(answered)s) than the one sent "
                     "(%(sent)s): nothing was changed in Odoo; check the record in Xero, then "
                     "Retry.", answered=answered_id, sent=self.external_id)
        return None

    def _retry(self):
        """Queue the pending change again, with the same idempotency key."""
        # The lookup mark (sent_push_key) stays: a lost create is looked up first.
        self.write({"need_push": True, "error_message": False, "error_at": False,
                    "sync_attempts": 0, "retry_after": False})
        return True

    def _lock_for_sync(self, domain, limit, order="id"):
        """Bindings matching ``domain``, locked for this transaction; rows
        another worker holds are skipped, so two workers never process the
        same binding."""
        query = self._search(domain, order=order, limit=limit)
        try:
            with self.env.cr.savepoint(flush=False):
                # Another worker's change is expected here (handled below).
                self.env.cr.execute(SQL("%s FOR UPDATE SKIP LOCKED", query.select("id")),
                                    log_exceptions=False)
                ids = [row[0] for row in self.env.cr.fetchall()]
        except psycopg2.errors.SerializationFailure:
            # Another worker changed matching lines since this transaction
            # began: they are its work; this run takes none now and the
            # next run takes what is left.
            _logger.info("%s: lines changed by another worker, left to it", self._name)
            return self.browse()
        return self.browse(ids)
