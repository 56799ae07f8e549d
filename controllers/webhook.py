"""Xero webhooks: the public route Xero posts events to, and the page where
a Xero Manager enters the webhook key (like the client secret: never
through an RPC call, whose arguments Odoo logs at debug level)."""

import logging

from werkzeug.exceptions import Forbidden

from odoo import _, http
from odoo.http import Response, request

from ..models.res_config_settings_realtime import WEBHOOK_KEY_PARAM, WEBHOOK_KEY_URL
from ..xero_core import webhooks

_logger = logging.getLogger(__name__)

SETTINGS_URL = "/odoo/action-account.action_account_config"
# Xero's deliveries are small; anything far larger is not Xero.
MAX_BODY = 5 * 1024 * 1024


class XeroWebhookController(http.Controller):
    @http.route("/xero/webhook", type="http", auth="public", methods=["POST"], csrf=False,
                save_session=False)
    def webhook(self, **_kw):
        """200 with an empty body for a delivery signed with the webhook key
        (Xero's intent-to-receive check has no events), 401 otherwise. The
        events are only stored here; a job reads the records."""
        httprequest = request.httprequest
        if (httprequest.content_length or 0) > MAX_BODY:
            return Response(status=413)
        # The raw bytes, as Xero signed them (never re-serialised JSON).
        raw = httprequest.get_data(cache=True)
        key = request.env["ir.config_parameter"].sudo().get_param(WEBHOOK_KEY_PARAM)
        if not webhooks.verify_signature(raw, httprequest.headers.get("x-xero-signature"), key):
            _logger.info("Xero webhook refused: %s", "no webhook key is set" if not key
                         else "the signature does not match")
            return Response(status=401)
        events = webhooks.parse_events(raw)
        if events:
            stored = request.env["xero.webhook.event"].sudo()._store_events(events)
            _logger.info("Xero webhook: %s event(s), %s new", len(events), stored)
        return Response(status=200)

    @http.route(WEBHOOK_KEY_URL, type="http", auth="user", methods=["GET", "POST"])
    def webhook_key(self, webhook_key=None, **kw):
        if not request.env.user.has_group("xero_connector.group_xero_manager"):
            _logger.warning("Xero webhook key: user %s is not a Xero Manager", request.env.uid)
            raise Forbidden()
        error = None
        if request.httprequest.method == "POST":
            key = (webhook_key or "").strip()
            if key:
                request.env["ir.config_parameter"].sudo().set_param(WEBHOOK_KEY_PARAM, key)
                _logger.info("Xero webhook key replaced by user %s", request.env.uid)
                return request.redirect(SETTINGS_URL)
            error = _("Paste the webhook key first.")
        return request.render("xero_connector.webhook_key_form", {
            "is_set": bool(request.env["ir.config_parameter"].sudo().get_param(
                WEBHOOK_KEY_PARAM)),
            "error": error,
            "back_url": SETTINGS_URL,
        }, status=400 if error else 200)
