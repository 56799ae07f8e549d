from odoo import _, api, fields, models
from odoo.exceptions import AccessError

SECRET_PARAM = "xero_connector.client_secret"
# Entered on a page of its own: a settings field would carry the secret in
# clear through RPC, whose arguments Odoo logs at debug level.
SECRET_URL = "/xero/settings/client-secret"
# Settings only a Xero Manager may change.
MANAGER_SETTINGS = ("xero_client_id", "xero_broad_scopes", "xero_scope_invoices",
                    "xero_scope_reports", "xero_log_retention_days")


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    xero_client_id = fields.Char("Xero client id", config_parameter="xero_connector.client_id")
    # The secret is never sent back to the browser, only whether one is stored.
    xero_client_secret_set = fields.Boolean(compute="_compute_xero_client_secret_set")
    xero_broad_scopes = fields.Boolean(
        "Use broad scopes (Xero apps created before 2 March 2026)",
        config_parameter="xero_connector.broad_scopes",
    )
    xero_scope_invoices = fields.Boolean(
        "Invoices and payments", default=True,
        help="Sales ledger and invoice sync need them.")
    xero_scope_reports = fields.Boolean(
        "Executive Summary", default=True, help="Client-level links show it.")
    xero_redirect_uri = fields.Char("Redirect URI", compute="_compute_xero_redirect_uri")
    xero_connection_id = fields.Many2one(
        "xero.connection", compute="_compute_xero_connection_id"
    )
    xero_connection_state = fields.Selection(related="xero_connection_id.state")
    xero_organisation_name = fields.Char(related="xero_connection_id.organisation_id.name")
    xero_client_level = fields.Boolean(
        related="company_id.xero_client_level", readonly=False,
    )
    xero_log_retention_days = fields.Integer(
        "Keep finished sync log entries (days)", default=30,
        config_parameter="xero_connector.log_retention_days",
        help="Done entries of the Xero sync log older than this are deleted daily; "
             "failed ones stay until they are retried.")

    @api.depends("company_id")
    def _compute_xero_client_secret_set(self):
        has_secret = bool(self.env["ir.config_parameter"].sudo().get_param(SECRET_PARAM))
        for settings in self:
            settings.xero_client_secret_set = has_secret

    @api.depends("company_id")
    def _compute_xero_redirect_uri(self):
        uri = self.env["xero.authorization"]._xero_redirect_uri()
        for settings in self:
            settings.xero_redirect_uri = uri

    @api.depends("company_id")
    def _compute_xero_connection_id(self):
        for settings in self:
            settings.xero_connection_id = self.env["xero.connection"]._for_company(
                settings.company_id
            )

    @api.model
    def get_values(self):
        res = super().get_values()
        choices = self.env["xero.authorization"]._xero_scope_choices()
        res.update(xero_scope_invoices=choices["invoices"], xero_scope_reports=choices["reports"])
        return res

    def _is_xero_manager(self):
        return self._xero_is_manager()

    def _xero_settings_changed(self):
        current = self.default_get(list(MANAGER_SETTINGS))
        return [name for name in MANAGER_SETTINGS
                if (self[name] or False) != (current.get(name) or False)]

    def set_values(self):
        if not self._is_xero_manager() and self._xero_settings_changed():
            raise AccessError(_("Only a Xero Manager can change the Xero settings."))
        res = super().set_values()
        if self._is_xero_manager():
            param = self.env["ir.config_parameter"].sudo().set_param
            param("xero_connector.scope_invoices", str(bool(self.xero_scope_invoices)))
            param("xero_connector.scope_reports", str(bool(self.xero_scope_reports)))
        return res

    def _check_xero_manager(self):
        self._xero_check_manager()
        self._xero_check_company(self.company_id)

    def action_xero_connect(self):
        """Save the settings, then go to Xero's consent screen."""
        self._check_xero_manager()
        self.set_values()
        return self.env["xero.authorization"]._xero_login_action("practice", self.company_id)

    def action_xero_set_client_secret(self):
        """The page where the client secret is entered (see SECRET_URL)."""
        self._check_xero_manager()
        return {"type": "ir.actions.act_url", "url": SECRET_URL, "target": "self"}

    def action_xero_open_connection(self):
        self._check_xero_manager()
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "xero.connection",
            "res_id": self.xero_connection_id.id,
            "view_mode": "form",
        }
