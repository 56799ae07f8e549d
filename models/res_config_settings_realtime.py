from odoo import api, fields, models

WEBHOOK_KEY_PARAM = "xero_connector.webhook_key"
# Entered on a page of its own, like the client secret (see res_config_settings).
WEBHOOK_KEY_URL = "/xero/settings/webhook-key"
WEBHOOK_PATH = "/xero/webhook"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    xero_webhook_url = fields.Char("Webhook URL", compute="_compute_xero_webhook")
    xero_webhook_key_set = fields.Boolean(compute="_compute_xero_webhook")

    @api.depends("company_id")
    def _compute_xero_webhook(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        has_key = bool(self.env["ir.config_parameter"].sudo().get_param(WEBHOOK_KEY_PARAM))
        for settings in self:
            settings.xero_webhook_url = base.rstrip("/") + WEBHOOK_PATH
            settings.xero_webhook_key_set = has_key

    def action_xero_set_webhook_key(self):
        """The page where the webhook key is entered (see WEBHOOK_KEY_URL)."""
        self._check_xero_manager()
        return {"type": "ir.actions.act_url", "url": WEBHOOK_KEY_URL, "target": "self"}
