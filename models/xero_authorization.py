import logging
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..xero_core import oauth
from ..xero_core.client import XeroClient
from ..xero_core.endpoints import XeroEndpoints
from ..xero_core.errors import XeroAppCredentialsError, XeroAuthError, XeroError
from ..xero_core.ratelimit import MinuteLimiter

_logger = logging.getLogger(__name__)

# Refresh this long before the access token expires.
TOKEN_MARGIN = 120
# Xero drops refresh tokens unused for 60 days.
REFRESH_TOKEN_LIFETIME = timedelta(days=60)


# The OAuth callback route (controllers/main.py).
CALLBACK_URL = "/xero/oauth/callback"


class XeroAuthorization(models.Model):
    """One Xero login's token set. A login reaches several organisations,
    so several organisations (and through them the practice connection and
    client links) share one authorisation: re-authorising it once brings
    them all back."""

    _name = "xero.authorization"
    _description = "Xero authorisation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char("Xero login", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one("res.users", "Connected by", tracking=True)
    xero_user_id = fields.Char("Xero user ID", index=True, readonly=True)
    client_id = fields.Char("Xero app", readonly=True)
    state = fields.Selection(
        [("active", "Connected"), ("expired", "Expired"), ("revoked", "Revoked")],
        default="active",
        required=True,
        tracking=True,
    )
    state_reason = fields.Char(readonly=True)
    access_token = fields.Char(groups="base.group_system", copy=False)
    refresh_token = fields.Char(groups="base.group_system", copy=False)
    expires_at = fields.Integer("Access token expiry (epoch)", groups="base.group_system",
                                copy=False)
    token_expiry = fields.Datetime(compute="_compute_token_expiry", compute_sudo=True)
    scope = fields.Char(readonly=True)
    refreshed_at = fields.Datetime(
        "Last token refresh", readonly=True, help="Xero expires refresh tokens "
        "unused for 60 days; a scheduled action refreshes idle ones."
    )
    organisation_ids = fields.One2many("xero.organisation", "authorization_id")

    @api.depends("expires_at")
    def _compute_token_expiry(self):
        for auth in self:
            auth.token_expiry = (
                datetime.fromtimestamp(auth.expires_at, UTC).replace(tzinfo=None)
                if auth.expires_at else False
            )

    # === CONFIGURATION ===

    @api.model
    def _xero_endpoints(self):
        param = self.env["ir.config_parameter"].sudo().get_param
        return XeroEndpoints.from_urls(
            param("xero_connector.login_url"),
            param("xero_connector.identity_url"),
            param("xero_connector.api_url"),
        )

    @api.model
    def _xero_app_credentials(self):
        param = self.env["ir.config_parameter"].sudo().get_param
        client_id = param("xero_connector.client_id")
        client_secret = param("xero_connector.client_secret")
        if not client_id or not client_secret:
            raise UserError(_(
                "Enter the Xero app's client id and secret in Settings > Xero first."
            ))
        return client_id, client_secret

    @api.model
    def _xero_redirect_uri(self):
        """The callback to register at Xero (shown in Settings)."""
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
        return base.rstrip("/") + CALLBACK_URL

    @api.model
    def _xero_scope_choices(self):
        """Which data the app asks Xero for, as chosen in Settings."""
        param = self.env["ir.config_parameter"].sudo().get_param
        return {
            "broad": bool(param("xero_connector.broad_scopes")),
            "invoices": param("xero_connector.scope_invoices", "True") != "False",
            "reports": param("xero_connector.scope_reports", "True") != "False",
        }

    @api.model
    def _xero_login_action(self, purpose, company, partner=None):
        """Go to Xero's login and consent (the start of the OAuth flow)."""
        self._xero_app_credentials()
        query = {"purpose": purpose, **({"partner_id": partner.id} if partner else {}),
                 "company_id": company.id}
        return {"type": "ir.actions.act_url", "url": f"/xero/oauth/start?{urlencode(query)}",
                "target": "self"}

    @api.model
    def _xero_token_timeout(self):
        """Seconds a token call (code exchange, refresh, revoke) may take;
        below the row lock's timeout, so a silent Xero never holds it."""
        param = self.env["ir.config_parameter"].sudo().get_param
        return float(param("xero_connector.token_timeout", 10))

    @api.model
    def _xero_client_options(self):
        param = self.env["ir.config_parameter"].sudo().get_param
        per_minute = int(param("xero_connector.calls_per_minute", 60))
        return {
            "retries": int(param("xero_connector.retries", 3)),
            "backoff": float(param("xero_connector.retry_backoff", 1.0)),
            "timeout": (10, float(param("xero_connector.timeout", 60))),
            "per_minute": per_minute,
        }

    # === TOKENS ===

    @api.model
    def _from_login(self, token, company, client_id):
        """The authorisation of the login that just happened: the same Xero
        user (id_token) reuses its record, which is what makes Reconnect
        bring every organisation and link back."""
        claims = oauth.id_token_claims(token.get("id_token"))
        xero_user = claims.get("xero_userid") or claims.get("sub")
        auth = self.browse()
        if xero_user:
            auth = self.search([
                ("company_id", "=", company.id),
                ("xero_user_id", "=", xero_user),
                ("client_id", "=", client_id),
            ], limit=1)
        vals = {
            "name": claims.get("email") or claims.get("name") or _("Xero login"),
            "user_id": self.env.uid,
        }
        if auth:
            auth.write(vals)
        else:
            auth = self.create(dict(vals, company_id=company.id, xero_user_id=xero_user,
                                    client_id=client_id))
        auth._save_token(token)
        return auth

    def _save_token(self, token):
        """Store a token set obtained from a login (code exchange)."""
        self.ensure_one()
        vals = {
            "access_token": token["access_token"],
            "refresh_token": token.get("refresh_token"),
            "expires_at": token.get("expires_at") or int(time.time()) + 1800,
            "scope": token.get("scope"),
            "refreshed_at": fields.Datetime.now(),
            "state": "active",
            "state_reason": False,
        }
        self.sudo().write(vals)

    def _xero_access_token(self):
        """A valid access token, refreshed under a row lock when needed."""
        self.ensure_one()
        auth = self.sudo()
        if auth.state != "active":
            raise XeroAuthError(
                _("The Xero authorisation of %s has expired: reconnect to Xero.", auth.name)
            )
        if auth.expires_at and auth.expires_at > time.time() + TOKEN_MARGIN:
            return auth.access_token
        return self._refresh_token_locked(stale_access_token=auth.access_token)

    def _refresh_token_locked(self, stale_access_token):
        """Rotate the token set in a transaction of its own.

        Xero rotates refresh tokens: whoever refreshes must save the new set
        before anything else can fail, and a second worker must not refresh
        the same set again. The row lock serialises workers; whoever gets it
        second finds a fresh token and reuses it.
        """
        self.ensure_one()
        client_id, client_secret = self._xero_app_credentials()
        endpoints = self._xero_endpoints()
        # Only this record: flushing everything would take row locks in the
        # caller's transaction that the refresh transaction may then need.
        self.flush_recordset()
        for attempt in range(3):
            try:
                token, rejected = self._refresh_in_own_transaction(
                    stale_access_token, endpoints, client_id, client_secret)
                break
            except psycopg2.errors.SerializationFailure:
                # Another worker committed a new token while we waited for
                # the lock: look again, we will find it.
                if attempt == 2:
                    raise
        if rejected:
            # The lock is released; whoever refreshed is saved. A rejection
            # of the current refresh token means the login must be redone;
            # refused app credentials do not: the settings fix those.
            if not isinstance(rejected, XeroAppCredentialsError):
                self._mark_expired(rejected.message)
            raise rejected
        self.invalidate_recordset(
            ["access_token", "refresh_token", "expires_at", "scope", "refreshed_at"]
        )
        return token

    def _refresh_in_own_transaction(self, stale_access_token, endpoints, client_id,
                                    client_secret):
        """Lock the row, refresh unless another worker already did, commit.
        Returns (access token, rejection or None)."""
        with self.env.registry.cursor() as cr:
            _lock_timeout(cr)
            # A serialization failure here is expected (see the caller).
            cr.execute(
                "SELECT access_token, refresh_token, expires_at, scope, state"
                "  FROM xero_authorization WHERE id = %s FOR UPDATE",
                [self.id], log_exceptions=False,
            )
            row = cr.fetchone()
            if not row:
                raise XeroAuthError(_("The Xero authorisation no longer exists."))
            access_token, refresh_token, expires_at, scope, state = row
            if state != "active":
                raise XeroAuthError(_("The Xero authorisation has expired: reconnect to Xero."))
            if (access_token != stale_access_token
                    and (expires_at or 0) > time.time() + TOKEN_MARGIN):
                return access_token, None  # another worker refreshed it meanwhile
            try:
                new = oauth.refresh(endpoints, client_id, client_secret, refresh_token, scope,
                                    timeout=self._xero_token_timeout())
            except XeroAuthError as exc:
                return None, exc
            cr.execute(
                "UPDATE xero_authorization SET access_token = %s, refresh_token = %s,"
                " expires_at = %s, scope = %s, refreshed_at = (now() at time zone 'UTC'),"
                " write_date = (now() at time zone 'UTC') WHERE id = %s",
                [new["access_token"], new.get("refresh_token") or refresh_token,
                 new["expires_at"], new.get("scope") or scope, self.id],
            )
            # Committed on its own: from now on the previous refresh token
            # only lives for Xero's 30-minute grace period.
            cr.commit()  # pylint: disable=invalid-commit
            return new["access_token"], None

    def _mark_expired(self, reason):
        """invalid_grant: the login must be repeated. Tokens are kept (never
        blank one that may still be valid); managers get told."""
        self.flush_recordset()
        with self.env.registry.cursor() as cr:
            _lock_timeout(cr)
            env = self.env(cr=cr, su=True)
            auth = env["xero.authorization"].browse(self.id)
            auth.write({"state": "expired", "state_reason": reason})
            auth._notify_expired(reason)
            # Survives the caller's rollback: the expiry is a fact.
            cr.commit()  # pylint: disable=invalid-commit
        # Written by another transaction: nothing cached here is current.
        self.env.invalidate_all()

    def _notify_expired(self, reason):
        self.ensure_one()
        body = _(
            "The Xero authorisation of %(login)s has expired (%(reason)s). "
            "Syncing with its organisations is stopped until someone reconnects.",
            login=self.name, reason=reason,
        )
        connections = self.env["xero.connection"].search(
            [("organisation_id.authorization_id", "=", self.id)]
        )
        targets = connections or self
        managers = self.env.ref("xero_connector.group_xero_manager").users.filtered(
            lambda u: not u.share and self.company_id in u.company_ids
        )
        for record in targets:
            record.message_post(body=body)
            for user in managers:
                record.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("Reconnect to Xero"),
                    note=body,
                    user_id=user.id,
                )

    # === CLIENT ===

    def _xero_client(self, tenant_id=None, **options):
        """An API client acting for ``tenant_id`` with this token set."""
        self.ensure_one()
        client_id, client_secret = self._xero_app_credentials()
        defaults = self._xero_client_options()
        per_minute = defaults.pop("per_minute")
        defaults.update(options)
        allowed = None
        if tenant_id:
            allowed = set(self.sudo().organisation_ids.mapped("tenant_id"))
        limiter = MinuteLimiter.shared(tenant_id, per_minute) if tenant_id else None
        return XeroClient(
            self._xero_endpoints(),
            client_id,
            client_secret,
            _TokenProvider(self),
            tenant_id=tenant_id,
            allowed_tenants=allowed,
            limiter=limiter or False,
            **defaults,
        )

    # === ACTIONS ===

    def action_revoke(self):
        """Revoke the token at Xero: every organisation of this login loses
        access (Xero removes the login's connections)."""
        self._xero_check_manager()
        for auth in self.sudo():
            client_id, client_secret = self._xero_app_credentials()
            if auth.refresh_token and auth.state == "active":
                try:
                    oauth.revoke(self._xero_endpoints(), client_id, client_secret,
                                 auth.refresh_token, timeout=self._xero_token_timeout())
                except XeroError as exc:
                    raise UserError(_("Xero could not revoke the access: %s", exc.message)) \
                        from exc
            auth.write({
                "state": "revoked",
                "state_reason": _("Access revoked by %s", self.env.user.name),
                "access_token": False,
                "refresh_token": False,
                "expires_at": 0,
            })
            auth.organisation_ids.write({"reachable": False})
        return True

    @api.model
    def _cron_keep_alive(self, idle_days=20):
        """Refresh token sets idle for ``idle_days``, well inside Xero's 60."""
        limit = fields.Datetime.now() - timedelta(days=idle_days)
        stale = self.sudo().search([("state", "=", "active"), ("refreshed_at", "<", limit)])
        for auth in stale:
            try:
                auth._refresh_token_locked(stale_access_token=auth.access_token)
            except XeroError as exc:
                _logger.warning("Xero keep-alive failed for authorisation %s: %s",
                                auth.id, exc.message)
        too_old = self.sudo().search([
            ("state", "=", "active"),
            ("refreshed_at", "<", fields.Datetime.now() - REFRESH_TOKEN_LIFETIME),
        ])
        for auth in too_old:
            auth._mark_expired(_("refresh token unused for 60 days"))


def _lock_timeout(cr):
    """A transaction of our own must never wait forever on the caller's."""
    cr.execute("SET LOCAL lock_timeout = '15s'")


class _TokenProvider:
    """What XeroClient asks for tokens (see xero_core.client)."""

    def __init__(self, authorization):
        self.authorization = authorization

    def access_token(self):
        return self.authorization._xero_access_token()

    def token_rejected(self, stale_access_token):
        return self.authorization._refresh_token_locked(stale_access_token)
