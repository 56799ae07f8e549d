from odoo import fields, models

from ..models.xero_access import check_manager


class XeroLinkScoreWizard(models.TransientModel):
    _name = "xero.link.score.wizard"
    _description = "Link Xero contacts by match score"

    min_score = fields.Float("Minimum score (%)", default=90.0, required=True)

    def action_link(self):
        check_manager(self)
        return self.env["xero.contact"]._link_by_score(self.min_score)
