from odoo import fields, models


class XeroLinkScoreWizard(models.TransientModel):
    """"More actions" of the Sync with Xero screen: the rarer bulk actions
    on the current company's connection, kept off the screen's header."""

    _name = "xero.link.score.wizard"
    _description = "Sync with Xero: more actions"

    min_score = fields.Float("Minimum score (%)", default=90.0, required=True)

    def action_link(self):
        self._xero_check_manager()
        return self.env["xero.contact"]._link_by_score(self.min_score)

    def action_import_all_unmatched(self):
        self._xero_check_manager()
        return self.env["xero.contact"].action_import_all_unmatched()

    def action_ignore_suppliers(self):
        self._xero_check_manager()
        return self.env["xero.contact"].action_ignore_suppliers()

    def action_refresh_with_archived(self):
        self._xero_check_manager()
        return self.env["xero.contact"].action_refresh_with_archived()
