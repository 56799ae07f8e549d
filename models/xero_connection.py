import logging
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import psycopg2
from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..xero_core.errors import (
    XeroAppCredentialsError,
    XeroAuthError,
    XeroError,
    XeroRateLimited,
)

_logger = logging.getLogger(__name__)

# Another transaction changed the rows a job read or locked: retried later.
CONCURRENCY_ERRORS = (pg_errors.SerializationFailure, pg_errors.LockNotAvailable,
                      pg_errors.DeadlockDetected)


@dataclass(frozen=True)
class Job:
    """A scheduled job of a connection: the service that runs it, the limits
    of one scheduled run, and its scheduled action."""

    service: str
    label: str
    interval: int
    unit: str
    first_run: int  # minutes after the connection is made
    limits: dict = None  # keyword arguments of the service's _run
    enabled: str = None  # connection field that switches the job on
    scopes: tuple = ()  # any of these scopes (granular or broad) is needed
    state_job: bool = False  # writes the connection's watermarks: one at a time
    # Writes the connection's bindings (binds partners, pushes, applies Xero's
    # changes): one such job at a time, the others wait for their turn.
    binding_job: bool = False


INVOICE_SCOPES = ("accounting.invoices", "accounting.transactions")
# Each job's label is the sync log's name of the operation it runs (one
# spelling per operation: the scheduled action and the log agree).
JOBS = {
    "push_contacts": Job("xero.contact.exporter", "Push contacts", 15, "minutes", 2,
                         enabled="auto_push", binding_job=True),
    "pull_contacts": Job("xero.contact.reader", "Read contacts from Xero", 30, "minutes", 5,
                         limits={"max_pages": 5}, state_job=True, binding_job=True),
    "pull_ledger": Job("xero.ledger.importer", "Read the sales ledger", 1, "hours", 20,
                       limits={"max_pages": 20}, state_job=True, binding_job=True,
                       scopes=INVOICE_SCOPES + ("accounting.invoices.read",
                                                "accounting.transactions.read")),
    "push_invoices": Job("xero.invoice.exporter", "Push invoices", 15, "minutes", 9,
                         enabled="invoice_sync_enabled", scopes=INVOICE_SCOPES,
                         binding_job=True),
    "push_bills": Job("xero.bill.exporter", "Push bills", 15, "minutes", 11,
                      enabled="bill_sync_enabled", scopes=INVOICE_SCOPES, binding_job=True),
    "import_documents": Job("xero.document.importer", "Read documents raised in Xero", 1,
                            "hours", 22, limits={"max_pages": 20}, state_job=True,
                            enabled="documents_enabled",
                            scopes=INVOICE_SCOPES + ("accounting.invoices.read",
                                                     "accounting.transactions.read")),
    "import_contacts": Job("xero.contact.importer", "Import contacts",
                           1, "days", 60 * 24),
    "pull_settings": Job("xero.settings.reader", "Read Xero settings", 1, "days", 60 * 6,
                         scopes=("accounting.settings", "accounting.settings.read")),
    "pull_payments": Job("xero.payment.importer", "Register payments made in Xero", 1, "hours",
                         25, scopes=INVOICE_SCOPES + ("accounting.payments",
                                                      "accounting.payments.read"),
                         binding_job=True),
}


class XeroConnection(models.Model):
    """A company's practice connection: the Xero organisation its contacts,
    ledger and invoices sync with, and how."""

    _name = "xero.connection"
    _description = "Xero connection"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company,
        index=True, readonly=True,
    )
    organisation_id = fields.Many2one(
        "xero.organisation", "Xero organisation", ondelete="restrict", tracking=True,
        domain="[('company_id', '=', company_id)]",
    )
    tenant_id = fields.Char(related="organisation_id.tenant_id")
    short_code = fields.Char(related="organisation_id.short_code")
    authorization_id = fields.Many2one(related="organisation_id.authorization_id")
    xero_login = fields.Char(related="authorization_id.name", string="Xero login")
    token_expiry = fields.Datetime(related="authorization_id.token_expiry")
    connected_by_id = fields.Many2one("res.users", "Connected by", readonly=True)
    connected_at = fields.Datetime(readonly=True)
    sync_enabled = fields.Boolean(
        default=True, tracking=True,
        help="Off after Disconnect: nothing syncs, links are kept for Reconnect.",
    )
    state = fields.Selection(
        [
            ("draft", "Not connected"),
            ("connected", "Connected"),
            ("expired", "Expired"),
            ("disconnected", "Disconnected"),
            ("revoked", "Access revoked"),
        ],
        # Not stored: marking a login expired (in a transaction of its own)
        # must not have to update this row, which a running job may hold.
        # Computed as the system: employees who see a partner's Xero tab read
        # the state, though the authorisation (its tokens) is not theirs.
        compute="_compute_state", compute_sudo=True,
    )
    paused_until = fields.Datetime(
        readonly=True, help="Xero's rate limit was reached: syncing resumes then."
    )
    pause_reason = fields.Char(readonly=True)
    # Scheduled actions are the administrators' (ir.cron): others, Xero
    # Managers included, read the connection without them.
    cron_ids = fields.One2many("ir.cron", "xero_connection_id", "Scheduled actions",
                               readonly=True, copy=False, groups="base.group_system")

    # Contacts (two-way) settings
    auto_push = fields.Boolean("Auto-push Odoo changes", default=True)
    auto_pull = fields.Boolean(
        "Auto-pull Xero changes", default=False,
        help="Off: changes made in Xero wait on the partner for review.",
    )
    create_in_xero = fields.Selection(
        [("off", "Off"), ("customers", "Customers only"), ("all", "All new partners")],
        "Create new customers in Xero", default="off", required=True,
    )
    conflict_policy = fields.Selection(
        [("ask", "Ask"), ("odoo", "Odoo wins"), ("xero", "Xero wins")],
        "When both sides changed", default="ask", required=True,
    )

    create_in_xero_since = fields.Datetime(readonly=True, copy=False)

    # Invoices (Odoo → Xero) settings
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
    tax_map_ids = fields.One2many("xero.tax.map", "connection_id", "Tax mapping")
    deletion_mode = fields.Selection(
        [("keep", "Non-destructive"), ("mirror", "Mirror cancellations")],
        "Cancelled invoices", default="keep", required=True,
        help="Mirror: a cancelled Odoo invoice voids (or, while draft, deletes) its Xero "
             "twin as far as Xero allows.")

    # Accounting as Xero keeps it: the organisation's settings read from Xero
    # (xero.settings.reader), and what invoices and payments use of them.
    # Every choice is a record read from Xero, checked again before each export.
    settings_read_at = fields.Datetime("Xero settings read", readonly=True, copy=False)
    xero_account_ids = fields.One2many("xero.account", "connection_id", "Xero accounts")
    xero_tax_rate_ids = fields.One2many("xero.tax.rate", "connection_id", "Xero tax rates")
    xero_currency_ids = fields.One2many("xero.currency", "connection_id", "Xero currencies")
    xero_branding_theme_ids = fields.One2many("xero.branding.theme", "connection_id",
                                              "Xero branding themes")
    xero_item_ids = fields.One2many("xero.item", "backend_id", "Xero items")
    sales_account_id = fields.Many2one(
        "xero.account", "Sales account", ondelete="set null", copy=False,
        domain="[('connection_id', '=', id), ('for_sales', '=', True)]",
        help="The Xero revenue account invoice lines are coded to (a product linked to a "
             "Xero item uses the item's sales account).")
    payment_account_id = fields.Many2one(
        "xero.account", "Payment account", ondelete="set null", copy=False,
        domain="[('connection_id', '=', id), ('accepts_payments', '=', True)]",
        help="The Xero bank account payments of journals not mapped below go to.")
    journal_map_ids = fields.One2many("xero.journal.map", "connection_id", "Bank accounts")
    default_item_id = fields.Many2one(
        "xero.item", "Generic item", ondelete="set null", copy=False,
        domain="[('backend_id', '=', id), ('is_sold', '=', True)]",
        help="The Xero item sent on lines whose product is not linked to one; empty to send "
             "no item.")
    branding_theme_id = fields.Many2one(
        "xero.branding.theme", "Branding theme", ondelete="set null", copy=False,
        domain="[('connection_id', '=', id)]")
    rounding_policy = fields.Selection(
        [("line", "Add a rounding line"), ("flag", "Mark the invoice")], "Totals that differ",
        default="line", required=True,
        help="Xero rounds tax line by line. When Xero would not reproduce Odoo's total: add a "
             "rounding line of the difference (within the tolerance), or send the invoice as "
             "it is and mark it with the difference.")
    rounding_tolerance = fields.Float(
        "Rounding tolerance", default=0.05, digits=(16, 2),
        help="Largest difference a rounding line covers; a larger one is marked instead.")
    rounding_account_id = fields.Many2one(
        "xero.account", "Rounding account", ondelete="set null", copy=False,
        domain="[('connection_id', '=', id), ('for_sales', '=', True)]",
        help="Account of rounding lines; the sales account when empty.")

    # Watermarks of the incremental pulls (see the reader services)
    contacts_synced_at = fields.Datetime("Contacts pulled up to", readonly=True)
    contacts_full_at = fields.Datetime("Last full contact reconcile", readonly=True)
    contacts_full_page = fields.Integer(
        readonly=True, copy=False, help="Next page of a full read of Xero's contacts in progress.")
    contacts_full_started = fields.Datetime(readonly=True, copy=False)
    contacts_full_archived = fields.Boolean(readonly=True, copy=False)
    ledger_synced_at = fields.Datetime("Invoices pulled up to", readonly=True)
    credit_notes_synced_at = fields.Datetime("Credit notes pulled up to", readonly=True)
    ledger_full_at = fields.Datetime("Last full ledger reconcile", readonly=True)
    last_ledger_pull_at = fields.Datetime("Last ledger pull", readonly=True)

    # What the connection holds
    contact_ids = fields.One2many("xero.contact", "backend_id")
    invoice_binding_ids = fields.One2many("xero.invoice", "backend_id")
    # Read from the sync log rather than written on this row: concurrent
    # workers would otherwise conflict on it.
    last_push_at = fields.Datetime("Last push", compute="_compute_last_sync")
    last_pull_at = fields.Datetime("Last pull", compute="_compute_last_sync")

    _sql_constraints = [
        ("company_uniq", "unique(company_id)",
         "A company has at most one Xero practice connection."),
    ]

    @api.depends("company_id.name", "organisation_id.name")
    def _compute_name(self):
        for conn in self:
            conn.name = " → ".join(
                n for n in (conn.company_id.name, conn.organisation_id.name) if n
            )

    def _compute_last_sync(self):
        Log = self.env["xero.sync.log"].sudo()
        for conn in self:
            for field, direction in (("last_push_at", "push"), ("last_pull_at", "pull")):
                last = Log.search([("connection_id", "=", conn.id), ("direction", "=", direction),
                                   ("state", "=", "done")], order="id desc", limit=1)
                conn[field] = last.finished_at or last.create_date

    @api.depends("organisation_id", "organisation_id.reachable",
                 "organisation_id.authorization_id.state", "sync_enabled")
    def _compute_state(self):
        for conn in self:
            auth = conn.organisation_id.authorization_id
            if not conn.organisation_id:
                conn.state = "draft"
            elif not auth or auth.state == "revoked" or not conn.organisation_id.reachable:
                conn.state = "revoked"
            elif auth.state == "expired":
                conn.state = "expired"
            elif not conn.sync_enabled:
                conn.state = "disconnected"
            else:
                conn.state = "connected"

    # === CRUD ===

    @api.model_create_multi
    def create(self, vals_list):
        connections = super().create(vals_list)
        connections._ensure_crons()
        return connections

    def write(self, vals):
        if vals.get("create_in_xero") not in (None, "off"):
            # The transaction's time: partners created from now on qualify.
            vals.setdefault("create_in_xero_since", self.env.cr.now())
        res = super().write(vals)
        if vals.get("invoice_sync_enabled"):
            for conn in self.filtered(lambda c: not c.invoice_sync_since):
                # The transaction's time: invoices posted from now on qualify.
                conn.invoice_sync_since = self.env.cr.now()
                self.env["xero.tax.map"]._add_defaults(conn)
        return res

    def unlink(self):
        crons = self.sudo().cron_ids
        res = super().unlink()
        crons.unlink()
        return res

    def _ensure_crons(self):
        """One scheduled action per job and connection, so each can be
        switched off and timed on its own."""
        model = self.env["ir.model"]._get("xero.connection")
        for conn in self.sudo():
            existing = set(conn.cron_ids.mapped("xero_job"))
            self.env["ir.cron"].sudo().create([{
                "name": f"Xero: {job.label} ({conn.company_id.name})",
                "model_id": model.id,
                "state": "code",
                "code": f"model.browse({conn.id})._cron_run({key!r})",
                "interval_number": job.interval,
                "interval_type": job.unit,
                # Staggered, so the jobs of a connection do not all start at once.
                "nextcall": fields.Datetime.now() + timedelta(minutes=job.first_run),
                "user_id": self.env.ref("base.user_root").id,
                "xero_connection_id": conn.id,
                "xero_job": key,
            } for key, job in JOBS.items() if key not in existing])

    def _cron(self, job):
        self.ensure_one()
        return self.sudo().cron_ids.filtered(lambda c: c.xero_job == job)[:1]

    # === HELPERS ===

    @api.model
    def _for_company(self, company=None):
        company = company or self.env.company
        return self.search([("company_id", "=", company.id)], limit=1)

    @api.model
    def _for_current_company(self):
        connection = self._for_company()
        if not connection:
            raise UserError(_("Connect this company to Xero first (Settings > Xero)."))
        return connection

    @api.model
    def _for_move(self, move):
        """The connection a posted invoice of ``move``'s company syncs with."""
        # Queued even while disconnected: sent once the company reconnects.
        conn = self._for_company(move.company_id)
        if conn and conn.invoice_sync_enabled:
            return conn
        return self.browse()

    @api.model
    def _connect(self, company, organisation):
        """Make ``organisation`` the practice organisation of ``company``."""
        conn = self._for_company(company)
        switching = conn.organisation_id and conn.organisation_id != organisation
        if switching and conn._has_links():
            raise UserError(_(
                "%(company)s syncs with %(org)s and holds its Xero data (contacts, ledger or "
                "invoices); it cannot switch to another organisation.",
                company=company.name, org=conn.organisation_id.name,
            ))
        if switching:
            conn._reset_sync_state()
        vals = {
            "organisation_id": organisation.id,
            "sync_enabled": True,
            "connected_by_id": self.env.uid,
            "connected_at": fields.Datetime.now(),
            "paused_until": False,
        }
        if conn:
            conn.write(vals)
        else:
            conn = self.create(dict(vals, company_id=company.id))
        try:
            organisation._refresh_details()
        except XeroError as exc:
            _logger.warning("Could not read the Xero organisation details: %s", exc.message)
        self.env["xero.settings.reader"]._run_safely(conn)
        conn.message_post(body=_("Connected to %(org)s by %(user)s.",
                                 org=organisation.name, user=self.env.user.name))
        return conn

    def _has_links(self):
        """Whether this connection holds data of its organisation."""
        held = (("xero.contact", "backend_id"), ("xero.invoice", "backend_id"),
                ("xero.ledger.invoice", "connection_id"))
        return any(self.env[model].with_context(active_test=False).search_count(
            [(field, "in", self.ids)], limit=1) for model, field in held)

    def _reset_sync_state(self):
        """Watermarks belong to one organisation."""
        self.write({"contacts_synced_at": False, "contacts_full_at": False,
                    "contacts_full_page": 0, "contacts_full_started": False,
                    "ledger_synced_at": False, "credit_notes_synced_at": False,
                    "ledger_full_at": False})
        self.env["xero.settings.reader"]._forget(self)
        return True

    def _check_usable(self):
        """Raise a user-facing error if this connection cannot sync now."""
        self.ensure_one()
        messages = {
            "draft": _("Choose the Xero organisation of %s first (Settings > Xero).",
                       self.company_id.name),
            "expired": _("The Xero authorisation has expired: click Reconnect."),
            "disconnected": _("The Xero connection is disconnected: click Reconnect."),
            "revoked": _("Xero access was revoked: connect to Xero again."),
        }
        if self.state in messages:
            raise UserError(messages[self.state])

    def _reconnect_prompt(self):
        """While the Xero login of this connection is expired or revoked:
        a notification that says so, with the way to log in again (None
        otherwise)."""
        self.ensure_one()
        if self.state not in ("expired", "revoked"):
            return None
        login = self.env["xero.authorization"]._xero_login_action("practice", self.company_id)
        # "%s" stays for the notification's link.
        message = (_("The Xero login of %(company)s has expired: nothing syncs until you "
                     "%(link)s.", company=self.company_id.name, link="%s")
                   if self.state == "expired" else
                   _("Xero access of %(company)s was revoked: nothing syncs until you "
                     "%(link)s.", company=self.company_id.name, link="%s"))
        return self._notify(message, kind="warning", sticky=True,
                            links=[{"label": _("reconnect to Xero"), "url": login["url"]}])

    def _xero_client(self, **options):
        self.ensure_one()
        self._check_usable()
        return self.organisation_id._xero_client(**options)

    def _client_for_sync(self, client=None):
        """This connection's client, or the one given, which must act for
        this connection's organisation (nothing is ever sent to another)."""
        if client is None:
            return self._xero_client()
        client.ensure_tenant(self.tenant_id)
        return client

    def _notify(self, message, reload=False, kind="success", sticky=False, links=None):
        """A short notification (``links``: [{label, url}], one %s each in
        ``message``), then the screen reloaded if ``reload``."""
        action = {"type": "ir.actions.client", "tag": "display_notification",
                  "params": {"message": message, "type": kind, "sticky": sticky,
                             "links": links or []}}
        if reload:
            action["params"]["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
        return action

    def _is_paused(self):
        return bool(self.paused_until and self.paused_until > fields.Datetime.now())

    def _pause_for_rate_limit(self, exc):
        """Xero said stop: pause this organisation only, say why, resume later."""
        seconds = exc.retry_after or (3600 if exc.problem == "day" else 60)
        until = fields.Datetime.now() + timedelta(seconds=seconds)
        reason = (_("Xero's daily call limit reached; syncing resumes at %s UTC.", until)
                  if exc.problem == "day" else
                  _("Xero's %(problem)s limit reached; syncing resumes at %(until)s UTC.",
                    problem=exc.problem or "rate", until=until))
        self.sudo().write({"paused_until": until, "pause_reason": reason})
        self.env["xero.sync.log"]._record(self, "pause", "failed", reason)
        for cron in self.sudo().cron_ids.filtered("active"):
            cron._trigger(at=until)
        return until

    # === ACTIONS ===

    def action_connect(self):
        """Start Xero's consent screen for this company (also Reconnect)."""
        self._xero_check_manager()
        self.ensure_one()
        return self.env["xero.authorization"]._xero_login_action("practice", self.company_id)

    action_reconnect = action_connect

    def action_disconnect(self):
        """Soft disconnect: stop syncing, keep every link for Reconnect."""
        self._xero_check_manager()
        self.write({"sync_enabled": False})
        # A note, not a message: it needs no sender address.
        message = _("Disconnected from Xero by %s; links are kept.", self.env.user.name)
        self._message_log_batch(dict.fromkeys(self.ids, message))
        return True

    def action_resume(self):
        """Undo a soft disconnect while the authorisation is still valid."""
        self._xero_check_manager()
        for conn in self:
            if conn.authorization_id.state != "active":
                return conn.action_connect()
        self.write({"sync_enabled": True})
        return True

    def action_revoke(self):
        """Hard disconnect (after the confirmation in the view)."""
        self._xero_check_manager()
        for conn in self:
            org = conn.organisation_id
            auth = org.authorization_id
            if auth and auth.state == "active" and org.xero_connection_uid:
                try:
                    client = auth._xero_client()
                    client.delete_connection(org.xero_connection_uid)
                except XeroError as exc:
                    _logger.warning("Deleting the Xero connection failed: %s", exc.message)
            if auth:
                auth.action_revoke()
            conn.write({"sync_enabled": False})
            conn._message_log(body=_("Xero access revoked by %s.", self.env.user.name))
        return True

    def action_open_in_xero(self):
        self._xero_check_manager("read")
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "new",
                "url": f"https://go.xero.com/organisationlogin/default.aspx?shortcode="
                       f"{self.short_code or ''}"}

    def action_refresh_organisation(self):
        self._xero_check_manager()
        self._check_usable()
        try:
            self.organisation_id._refresh_details()
        except XeroError as exc:
            raise self._xero_user_error(exc) from exc
        return True

    def action_refresh_xero_settings(self):
        """Read the organisation's accounts, tax rates, currencies, branding
        themes and items again (also daily and on connect)."""
        self._xero_check_manager()
        self.ensure_one()
        self._check_usable()
        try:
            stats = self.env["xero.settings.reader"]._run(self)
        except XeroError as exc:
            raise self._xero_user_error(exc) from exc
        return self._notify(_("Xero settings read (%s calls).", stats["calls"]), reload=True)

    def _refresh_contacts(self, include_archived=False):
        """Refresh from Xero (the Sync with Xero screen's buttons)."""
        self.ensure_one()
        if prompt := self._reconnect_prompt():
            return prompt
        self._check_usable()
        start = time.monotonic()
        if not self._try_state_lock():
            raise UserError(_("Xero is being read for this company right now; try again in a "
                              "minute."))
        try:
            stats = self.env["xero.contact.reader"]._run(
                self, full=True if include_archived else None, include_archived=include_archived)
        except XeroError as exc:
            raise self._xero_user_error(exc) from exc
        finally:
            self._release_state_lock()
        self.env["xero.contact.reader"]._resuggest(self)
        return self._notify(_(
            "%(n)s Xero contact(s) read in %(calls)s call(s) (%(sec).1fs).",
            n=stats["contacts"], calls=stats["calls"], sec=time.monotonic() - start,
        ), reload=True)

    # === SCHEDULED ACTIONS ===

    def _has_scope_for(self, job):
        needed = JOBS[job].scopes
        granted = set((self.sudo().authorization_id.scope or "").split())
        return not needed or not granted or bool(granted & set(needed))

    def _run_job(self, job, **limits):
        """Run ``job``'s service for this connection (its stats)."""
        return self.env[JOBS[job].service]._run(self, **limits)

    def _cron_run(self, job):
        """Entry point of every per-connection scheduled action."""
        self.ensure_one()
        spec = JOBS[job]
        if self.state != "connected":
            _logger.info("Xero %s not run for %s: %s", job, self.name, self.state)
            return
        if self._is_paused():
            _logger.info("Xero %s paused for %s until %s", job, self.name, self.paused_until)
            return
        if not self._has_scope_for(job):
            _logger.info("Xero %s not run for %s: the login did not grant its scope",
                         job, self.name)
            return
        if spec.enabled and not self[spec.enabled]:
            return
        if not self._cron_may_run(job):
            return
        locks = [name for name, needed in (("state", spec.state_job),
                                           ("bindings", spec.binding_job)) if needed]
        taken = []
        for name in locks:
            if not self._try_state_lock(name):
                for held in taken:
                    self._release_state_lock(held)
                _logger.info("Xero %s postponed for %s: another job is updating it",
                             job, self.name)
                self._cron(job)._trigger(at=fields.Datetime.now() + timedelta(minutes=1))
                return
            taken.append(name)
        try:
            # Its calls are counted under the job (the connection's usage meter).
            stats = self.with_context(xero_job=job)._run_job(job, **(spec.limits or {}))
            self.env["ir.cron"]._notify_progress(done=stats["processed"],
                                                 remaining=stats["remaining"])
        except CONCURRENCY_ERRORS as exc:
            # Another job of this connection changed the same rows: what was
            # committed stays, the rest is done by a run in a minute. Not an
            # error of the sync.
            self.env.cr.rollback()
            _logger.info("Xero %s for %s met a concurrent job (%s); run again in a minute",
                         job, self.name, exc.pgcode)
            self._cron(job)._trigger(at=fields.Datetime.now() + timedelta(minutes=1))
            self.env.cr.commit()  # pylint: disable=invalid-commit
        except XeroError as exc:
            # What was committed stays; the unfinished batch is dropped and
            # retried on the next run. The job itself ends cleanly.
            self.env.cr.rollback()
            if isinstance(exc, XeroRateLimited):
                self._pause_for_rate_limit(exc)
            else:
                if (isinstance(exc, XeroAuthError) and not isinstance(exc, XeroAppCredentialsError)
                        and self.authorization_id.state == "active"):
                    # Only a new login helps; make sure the state says so.
                    self.authorization_id._mark_expired(exc.message)
                self.env["xero.sync.log"]._record(self, job, "failed", exc.message)
            # The failure is recorded; the job ends cleanly.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        finally:
            for name in reversed(taken):
                self._release_state_lock(name)

    def _state_lock_key(self, name="state"):
        suffix = "" if name == "state" else f".{name}"
        return zlib.crc32(f"xero_connector.connection.{self.id}{suffix}".encode())

    def _try_state_lock(self, name="state"):
        """A session lock (it outlives the per-batch commits) so that two
        jobs never update this connection's watermarks (``state``), or its
        bindings (``bindings``), at the same time."""
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s)", [self._state_lock_key(name)])
        return self.env.cr.fetchone()[0]

    @contextmanager
    def _bindings_held_for_button(self):
        """A button sending or reading this connection's contacts now takes
        the lock its scheduled jobs take: never two at once on one line."""
        self.ensure_one()
        if not self._try_state_lock("bindings"):
            raise UserError(_("Xero contacts of %s are being synced by a scheduled run right "
                              "now; try again in a minute.", self.company_id.name))
        try:
            yield
        finally:
            self._release_state_lock("bindings")

    def _release_state_lock(self, name="state"):
        try:
            self.env.cr.execute("SELECT pg_advisory_unlock(%s)", [self._state_lock_key(name)])
        except psycopg2.Error:
            # Aborted by the error being raised: roll back, then release.
            self.env.cr.rollback()
            self.env.cr.execute("SELECT pg_advisory_unlock(%s)", [self._state_lock_key(name)])
