import uuid

from odoo import api, fields, models
from odoo.tools import SQL

from ..xero_core.errors import STOPS_RUN, is_refusal


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
        """A new change to send: pending, under a new idempotency key."""
        for binding in self:
            binding.write({"need_push": True, "push_key": self._new_push_key(), **values})
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
        them pending; any other is their error: final after a refusal,
        retried with the same key after an unknown outcome."""
        if isinstance(exc, STOPS_RUN):
            raise exc
        self._set_error(exc.message, definite=is_refusal(exc), operation=operation)

    def _retry(self):
        """Queue the pending change again, with the same idempotency key."""
        self.write({"need_push": True, "error_message": False, "error_at": False})
        return True

    def _lock_for_sync(self, domain, limit, order="id"):
        """Bindings matching ``domain``, locked for this transaction; rows
        another worker holds are skipped, so two workers never process the
        same binding."""
        query = self._search(domain, order=order, limit=limit)
        self.env.cr.execute(SQL("%s FOR UPDATE SKIP LOCKED", query.select("id")))
        return self.browse([row[0] for row in self.env.cr.fetchall()])
