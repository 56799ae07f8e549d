"""The Xero app's client secret is entered here, not in a settings field:
the web client would send a field's value through RPC, whose arguments Odoo
logs at debug level, and a form posted to this route is logged by nobody."""

import logging

from werkzeug.exceptions import Forbidden

from odoo import _, http
from odoo.http import request

from ..models.res_config_settings import SECRET_PARAM, SECRET_URL

_logger = logging.getLogger(__name__)

SETTINGS_URL = "/odoo/action-account.action_account_config"


class XeroClientSecretController(http.Controller):
    @http.route(SECRET_URL, type="http", auth="user", methods=["GET", "POST"])
    def client_secret(self, client_secret=None, **kw):
        if not request.env.user.has_group("xero_connector.group_xero_manager"):
            _logger.warning("Xero client secret: user %s is not a Xero Manager", request.env.uid)
            raise Forbidden()
        error = None
        if request.httprequest.method == "POST":
            secret = (client_secret or "").strip()
            if secret:
                request.env["ir.config_parameter"].sudo().set_param(SECRET_PARAM, secret)
                _logger.info("Xero client secret replaced by user %s", request.env.uid)
                return request.redirect(SETTINGS_URL)
            error = _("Paste the client secret first.")
        return request.render("xero_connector.client_secret_form", {
            "is_set": bool(request.env["ir.config_parameter"].sudo().get_param(SECRET_PARAM)),
            "error": error,
            "back_url": SETTINGS_URL,
        }, status=400 if error else 200)
