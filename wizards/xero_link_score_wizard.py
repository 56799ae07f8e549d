from odoo import fields, models


class XeroLinkScoreWizard(models.TransientModel):
    _name = "xero.link.score.wizard"
    _description = "Link Xero contacts by match score"

    min_score = fields.Float("Minimum score (%)", default=90.0, required=True)

    def action_link(self):
        self._xero_check_manager()
        return self.env["xero.contact"]._link_by_score(self.min_score)
