import base64
import json
import logging
import secrets

from werkzeug.exceptions import Forbidden

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import consteq
from odoo.tools.misc import hmac

from ..models.xero_authorization import CALLBACK_URL
from ..xero_core import oauth
from ..xero_core import organisation_mapping as om
from ..xero_core.endpoints import requested_scopes
from ..xero_core.errors import XeroAppCredentialsError, XeroError

_logger = logging.getLogger(__name__)

SESSION_KEY = "xero_oauth_pending"
TICKETS_KEY = "xero_oauth_tickets"
MAX_PENDING = 5  # logins started but not finished, per browser session


def _b64(data):
    raw = base64.urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode()
    return raw.rstrip("=")


def _unb64(text):
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


class XeroOAuthController(http.Controller):
    # --- signed payloads ---------------------------------------------------------

    @staticmethod
    def _sign(scope, payload):
        return hmac(request.env(su=True), scope, payload)

    def _pack(self, scope, payload):
        body = _b64(payload)
        return f"{body}.{self._sign(scope, body)}"

    def _unpack(self, scope, token):
        """Payload of a signed token, or Forbidden. Binds it to the user."""
        try:
            body, signature = (token or "").rsplit(".", 1)
            payload = _unb64(body)
        except (ValueError, TypeError):
            raise Forbidden() from None
        if not consteq(signature, self._sign(scope, body)):
            _logger.warning("Xero OAuth: bad signature on %s", scope)
            raise Forbidden()
        if payload.get("u") != request.env.uid:
            raise Forbidden()
        return payload

    def _require_manager(self):
        if not request.env.user.has_group("xero_connector.group_xero_manager"):
            _logger.warning("Xero OAuth: user %s is not a Xero Manager", request.env.uid)
            raise Forbidden()

    def _error(self, message, back_url="/odoo/xero-connections"):
        return request.render("xero_connector.oauth_error", {
            "message": message, "back_url": back_url,
        }, status=400)

    @staticmethod
    def _redirect_uri():
        return request.env["xero.authorization"]._xero_redirect_uri()

    # --- start -------------------------------------------------------------------------

    @http.route("/xero/oauth/start", type="http", auth="user", methods=["GET"])
    def start(self, purpose="practice", company_id=None, partner_id=None, **kw):
        self._require_manager()
        env = request.env
        company_id, partner_id = _record_id(company_id), _record_id(partner_id)
        company = env["res.company"].browse(company_id or env.company.id)
        if company not in env.user.company_ids or purpose not in ("practice", "client"):
            raise Forbidden()
        Authorization = env["xero.authorization"]
        try:
            client_id, _secret = Authorization._xero_app_credentials()
        except Exception as exc:  # noqa: BLE001 - UserError text for the page
            return self._error(str(exc))
        nonce = secrets.token_urlsafe(16)
        state = self._pack("xero_connector.oauth_state", {
            "n": nonce, "c": company.id, "p": purpose,
            "r": partner_id or False, "u": env.uid,
        })
        verifier = oauth.new_code_verifier()
        pending = dict(request.session.get(SESSION_KEY) or {})
        # Keep the newest few; a verifier is used once, on the callback.
        for old in list(pending)[:-(MAX_PENDING - 1)]:
            pending.pop(old)
        pending[nonce] = verifier
        request.session[SESSION_KEY] = pending
        scopes = requested_scopes(**Authorization._xero_scope_choices())
        url = oauth.authorize_url(
            Authorization._xero_endpoints(), client_id, self._redirect_uri(), scopes, state,
            verifier,
        )
        return request.redirect(url, local=False)

    # --- callback -------------------------------------------------------------------------

    @http.route(CALLBACK_URL, type="http", auth="user", methods=["GET"])
    def callback(self, code=None, state=None, error=None, **kw):
        self._require_manager()
        payload = self._unpack("xero_connector.oauth_state", state)
        pending = dict(request.session.get(SESSION_KEY) or {})
        verifier = pending.pop(payload.get("n"), None)
        request.session[SESSION_KEY] = pending
        if not verifier:
            # Replayed or foreign state: its verifier was already used.
            _logger.warning("Xero OAuth: no pending login for this state")
            raise Forbidden()
        back = self._back_url(payload)
        if error:
            return self._error(*_refusal(error, back))
        if not code:
            return self._error(_("Xero did not send an authorisation code."), back)
        env = request.env
        company = env["res.company"].browse(payload["c"])
        Authorization = env["xero.authorization"].sudo()
        try:
            client_id, client_secret = Authorization._xero_app_credentials()
            token = oauth.exchange_code(
                Authorization._xero_endpoints(), client_id, client_secret, code,
                self._redirect_uri(), verifier, timeout=Authorization._xero_token_timeout(),
            )
            authorization = Authorization.with_company(company)._from_login(
                token, company, client_id
            )
            connections = authorization._xero_client().connections()
        except XeroError as exc:
            request.env.cr.rollback()
            if isinstance(exc, XeroAppCredentialsError):
                back = SETTINGS_URL
            return self._error(_("Connecting to Xero failed: %s", exc.message), back)
        orgs = env["xero.organisation"].sudo()._upsert_from_connections(
            authorization, connections
        )
        if not orgs:
            return self._error(_("The Xero login reached no organisation."), back)
        event = _latest_event(connections)
        just_granted = orgs.filtered(lambda o: o.auth_event_id == event) or orgs
        ticket_payload = {"a": authorization.id, "c": company.id, "p": payload["p"],
                          "r": payload["r"], "u": env.uid, "t": secrets.token_urlsafe(16)}
        if payload["p"] == "practice":
            current = env["xero.connection"].sudo()._for_company(company)
            if current.organisation_id in orgs:  # Reconnect: keep the chosen one
                return self._finish(ticket_payload, current.organisation_id)
            if len(orgs) == 1:
                return self._finish(ticket_payload, orgs)
        elif len(just_granted) == 1:
            return self._finish(ticket_payload, just_granted)
        # The organisation page's ticket is good for one choice.
        tickets = list(request.session.get(TICKETS_KEY) or [])[-(MAX_PENDING - 1):]
        request.session[TICKETS_KEY] = [*tickets, ticket_payload["t"]]
        return request.render("xero_connector.oauth_pick_organisation", {
            "organisations": orgs,
            "preselected": just_granted[:1],
            "ticket": self._pack("xero_connector.oauth_pick", ticket_payload),
            "purpose": payload["p"],
            "company": company,
            "back_url": back,
        })

    @http.route("/xero/oauth/choose", type="http", auth="user", methods=["POST"])
    def choose(self, ticket=None, organisation_id=None, **kw):
        self._require_manager()
        payload = self._unpack("xero_connector.oauth_pick", ticket)
        tickets = list(request.session.get(TICKETS_KEY) or [])
        if payload.get("t") not in tickets:
            # Used already (or issued to another browser session).
            _logger.warning("Xero OAuth: organisation ticket used twice")
            raise Forbidden()
        tickets.remove(payload["t"])
        request.session[TICKETS_KEY] = tickets
        org = request.env["xero.organisation"].sudo().browse(_record_id(organisation_id)).exists()
        if not org or org.authorization_id.id != payload["a"]:
            raise Forbidden()
        return self._finish(payload, org)

    # --- outcome -------------------------------------------------------------------------

    def _finish(self, payload, org):
        env = request.env
        company = env["res.company"].browse(payload["c"])
        if payload["p"] == "client":
            partner = env["res.partner"].browse(payload["r"]).exists()
            if not partner:
                return self._error(_("The partner to link no longer exists."))
            try:
                link = env["xero.client.link"]._link(partner, org, confirm=True)
                link._refresh_safely()
            except UserError as exc:
                request.env.cr.rollback()
                return self._error(str(exc), f"/odoo/res.partner/{partner.id}")
            return request.redirect(f"/odoo/res.partner/{partner.id}")
        try:
            connection = env["xero.connection"].sudo()._connect(company, org)
        except UserError as exc:
            request.env.cr.rollback()
            return self._error(str(exc))
        return request.redirect(f"/odoo/xero-connections/{connection.id}")

    def _back_url(self, payload):
        if payload.get("p") == "client" and payload.get("r"):
            return f"/odoo/res.partner/{payload['r']}"
        return "/odoo/xero-connections"


def _record_id(value):
    """A record id from a request parameter; anything else is refused."""
    if value in (None, ""):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Forbidden() from None


def _latest_event(connections):
    """authEventId of the login that just happened (the newest connection)."""
    newest = max(om.tenants(connections), key=lambda t: t["updated"], default={})
    return newest.get("auth_event_id")


# Where the app's client id and secret are set.
SETTINGS_URL = "/odoo/action-account.action_account_config"


def _refusal(error, back):
    """(sentence, way back) for the ``error`` Xero sent back to the callback."""
    if error == "access_denied":
        return _("You cancelled the Xero authorisation: nothing was changed."), back
    if error in ("invalid_client", "unauthorized_client"):
        return (_("Xero refused this app's credentials: check the client id and secret in "
                  "Settings › Xero."), SETTINGS_URL)
    if error == "invalid_scope":
        return (_("Xero refused the permissions this app asks for: check the scopes in "
                  "Settings › Xero."), SETTINGS_URL)
    return _("Xero refused the authorisation (%s): try again in a moment.", error), back
