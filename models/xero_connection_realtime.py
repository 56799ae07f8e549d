"""Real time within Xero's budget, on the connection: pushes triggered on
save, Sync now, polling slowed while webhooks arrive, and the day's budget
of calls that decides which job may call Xero."""

import logging
import time
from datetime import timedelta

from odoo import _, api, fields, models

from ..xero_core import budget

_logger = logging.getLogger(__name__)

# Who waits when the day's calls run low (see xero_core.budget); a job not
# listed is a scheduled pull.
JOB_PRIORITY = {
    "push_contacts": "push",
    "push_invoices": "push",
    "pull_contacts": "pull",
    "pull_ledger": "pull",
    "pull_payments": "pull",
    "pull_settings": "backfill",
    "import_contacts": "backfill",
}
PUSH_JOBS = {"xero.contact": "push_contacts", "xero.invoice": "push_invoices"}
# Pulls that webhooks make mostly redundant: run this seldom while events arrive.
SLOWED_PULLS = ("pull_contacts", "pull_ledger")
WEBHOOKS_ACTIVE = timedelta(hours=24)
SLOW_POLL_EVERY = timedelta(hours=6)
DEBOUNCE_PARAM = "xero_connector.realtime_debounce"
DEBOUNCE_SECONDS = 3.0
TIERS = [("starter", "Starter (1,000 calls a day)"), ("core", "Core (5,000 calls a day)"),
         ("plus", "Plus"), ("advanced", "Advanced"), ("custom", "Another limit")]


class XeroConnection(models.Model):
    _inherit = "xero.connection"

    realtime = fields.Boolean(
        "Real-time sync", default=True,
        help="Changes saved in Odoo are sent to Xero a few seconds after the save, and "
             "changes Xero announces by webhook are read at once. Off: the scheduled "
             "actions alone sync.")
    webhook_last_at = fields.Datetime("Last Xero event", compute="_compute_webhook_last_at")
    xero_tier = fields.Selection(
        TIERS, "Xero pricing tier", default="starter", required=True,
        help="The Xero app's tier decides how many calls a day each organisation allows.")
    xero_day_limit_custom = fields.Integer("Calls a day")
    xero_day_limit = fields.Integer("Daily call limit", compute="_compute_budget")
    calls_today = fields.Integer("Calls today", compute="_compute_budget")
    calls_remaining = fields.Integer("Calls left today", compute="_compute_budget")
    bytes_today = fields.Integer("Downloaded today (bytes)", compute="_compute_budget")
    budget_note = fields.Char("Waiting for budget", compute="_compute_budget")
    usage_today_ids = fields.Many2many("xero.api.usage", compute="_compute_budget",
                                       string="Calls today by job")

    def _compute_webhook_last_at(self):
        Event = self.env["xero.webhook.event"].sudo()
        for conn in self:
            conn.webhook_last_at = Event._last_received(conn.tenant_id)

    def _compute_budget(self):
        Usage = self.env["xero.api.usage"].sudo()
        today = fields.Datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        for conn in self:
            calls, xero_remaining, size = Usage._today(conn)
            conn.xero_day_limit = conn._day_limit()
            conn.calls_today = calls
            conn.calls_remaining = conn._calls_remaining(calls, xero_remaining)
            conn.bytes_today = size
            conn.usage_today_ids = Usage.search([("connection_id", "=", conn.id),
                                                 ("day", "=", today.date())])
            wait = self.env["xero.sync.log"].sudo().search(
                [("connection_id", "=", conn.id), ("operation", "=", "budget_wait"),
                 ("create_date", ">=", today)], order="id desc", limit=1)
            conn.budget_note = wait.message or False

    # === BUDGET ===

    def _day_limit(self):
        if self.xero_tier == "custom" and self.xero_day_limit_custom > 0:
            return self.xero_day_limit_custom
        return budget.day_limit(self.xero_tier if self.xero_tier != "custom" else None)

    def _calls_remaining(self, calls=None, xero_remaining=None):
        """The lower of Xero's own count (when an answer today gave it) and
        what the tier leaves after the calls counted here: Xero may state a
        larger limit than the app's tier really has."""
        if calls is None:
            calls, xero_remaining, _size = self.env["xero.api.usage"].sudo()._today(self)
        ours = max(0, self._day_limit() - calls)
        return ours if xero_remaining is None else min(ours, xero_remaining)

    def _job_priority(self, job):
        requests = self.env["xero.sync.request"].sudo().search(
            [("connection_id", "=", self.id), ("job", "=", job)])
        if requests:
            requests.unlink()
            return "user"
        return JOB_PRIORITY.get(job, "pull")

    def _budget_allows(self, job):
        """May ``job`` call Xero now? A job that must wait says so on the
        connection and in the log, and runs at its next turn."""
        priority = self._job_priority(job)
        remaining = self._calls_remaining()
        limit = self._day_limit()
        if budget.allowed(priority, remaining, limit):
            return True
        message = _("%(job)s waits: %(left)s of today's %(limit)s Xero calls are left, kept "
                    "for what users ask and for changes Xero announces.",
                    job=self._job_label(job), left=remaining, limit=limit)
        _logger.info("Xero %s deferred for %s: %s calls left", job, self.name, remaining)
        self.env["xero.sync.log"]._record(self, "budget_wait", "done", message, count=0)
        return False

    def _job_label(self, job):
        cron = self._cron(job)
        return cron.name or job

    def _xero_client(self, **options):
        """Every call is counted for this connection, under the job running
        (``xero_job`` in the context)."""
        conn_id, Usage = self.id, self.env["xero.api.usage"].sudo()
        options.setdefault("on_response", lambda info: Usage._count(conn_id, info))
        options.setdefault("job", self.env.context.get("xero_job") or "user")
        return super()._xero_client(**options)

    # === WHEN A SCHEDULED JOB RUNS ===

    def _cron_may_run(self, job):
        """The real-time checks of ``_cron_run``: polling slowed by webhooks,
        a short wait so a burst of saves is one batch, the day's budget."""
        if job in SLOWED_PULLS and self._poll_slowed(job):
            _logger.info("Xero %s skipped for %s: webhooks bring the changes", job, self.name)
            return False
        if job in PUSH_JOBS.values():
            self._debounce(job)
        return self._budget_allows(job)

    def _poll_slowed(self, job):
        last_event = self.webhook_last_at
        now = fields.Datetime.now()
        if not last_event or last_event < now - WEBHOOKS_ACTIVE:
            return False
        if self.env["xero.sync.request"].sudo().search_count(
                [("connection_id", "=", self.id), ("job", "=", job)]):
            return False  # a user asked for it
        operation = {"pull_contacts": "pull_contacts", "pull_ledger": "pull_ledger"}[job]
        last = self.env["xero.sync.log"].sudo().search(
            [("connection_id", "=", self.id), ("operation", "=", operation),
             ("state", "=", "done")], order="id desc", limit=1)
        return bool(last) and (last.finished_at or last.create_date) > now - SLOW_POLL_EVERY

    def _debounce(self, job):
        """Wait until the newest pending change is a few seconds old (at most
        that long), then start from a fresh snapshot that sees every save."""
        seconds = float(self.env["ir.config_parameter"].sudo().get_param(
            DEBOUNCE_PARAM, DEBOUNCE_SECONDS))
        if seconds <= 0:
            return
        model = next(m for m, j in PUSH_JOBS.items() if j == job)
        self.env.cr.execute(f"""
            SELECT max(write_date) FROM {self.env[model]._table}
             WHERE backend_id = %s AND need_push
        """, [self.id])  # noqa: S608 - the table name is the model's own
        newest = self.env.cr.fetchone()[0]
        if not newest:
            return
        age = (fields.Datetime.now() - newest).total_seconds()
        if 0 <= age < seconds:
            time.sleep(seconds - age)
            # Nothing written yet: a new transaction sees what was saved meanwhile.
            self.env.cr.rollback()

    # === TRIGGERS ===

    def _realtime_trigger(self, job, asked=False):
        """Run ``job`` of these connections as soon as this transaction is
        committed (the cron worker is woken then); nothing waits on Xero."""
        for conn in self.sudo():
            if not asked and not conn.realtime:
                continue
            cron = conn._cron(job)
            if not cron or not cron.active:
                continue
            if asked:
                self.env["xero.sync.request"].sudo().create(
                    {"connection_id": conn.id, "job": job})
            cron._trigger()
        return True

    @api.model
    def _realtime_push(self, bindings, asked=False):
        """Bindings with a new change to send: their push job, after commit.
        Returns the names of the jobs triggered."""
        job = PUSH_JOBS.get(bindings._name)
        if not job or not bindings:
            return []
        connections = bindings.sudo().backend_id
        connections._realtime_trigger(job, asked=asked)
        return [conn._job_label(job) for conn in connections
                if (asked or conn.realtime) and conn._cron(job).active]

    # === ACTIONS ===

    def action_sync_now(self):
        """Every job of this connection, now, in the background, with a
        user's priority on the day's budget."""
        self._xero_check_manager()
        for conn in self:
            conn._check_usable()
            for cron in conn.sudo().cron_ids.filtered("active"):
                conn._realtime_trigger(cron.xero_job, asked=True)
        self.env["xero.webhook.event"]._trigger_processing()
        return self._notify(_("Syncing with Xero now, in the background: the sync log shows "
                              "each job as it finishes."))
