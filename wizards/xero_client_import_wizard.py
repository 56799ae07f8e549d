from odoo import _, fields, models


class XeroClientImportWizard(models.TransientModel):
    """Confirm an import from a client's Xero organisation that would
    overwrite different, non-empty Odoo values."""

    _name = "xero.client.import.wizard"
    _description = "Confirm an import from Xero"

    partner_id = fields.Many2one("res.partner", "Client", required=True, ondelete="cascade")
    keys = fields.Char(help="Comma-separated import keys (organisation fields).")
    link_user_id = fields.Many2one("xero.client.link.user", "Xero user", ondelete="cascade")
    contact_id = fields.Many2one("res.partner", "Contact to update", ondelete="cascade")
    line_ids = fields.One2many("xero.client.import.wizard.line", "wizard_id", readonly=True)

    def _open_for(self, partner, keys, changes, link_user=None, contact=None):
        """The dialog for ``changes`` [(key, label, Odoo value, Xero value)]."""
        wizard = self.create(
            {
                "partner_id": partner.id,
                "keys": ",".join(keys),
                "link_user_id": link_user.id if link_user else False,
                "contact_id": contact.id if contact else False,
                "line_ids": [
                    fields.Command.create(
                        {
                            "key": key,
                            "label": label,
                            "current_value": current,
                            "xero_value": value,
                        }
                    )
                    for key, label, current, value in changes
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Overwrite with the Xero values?"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _keys(self):
        return [k for k in (self.keys or "").split(",") if k]

    def _check_editor(self):
        """Whoever may edit the client (and the contact to update)."""
        (self.partner_id | self.contact_id)._xero_check_write(self)

    def action_overwrite(self):
        self._check_editor()
        self.ensure_one()
        if self.link_user_id:
            return self.partner_id._xero_client_import_user(self.link_user_id, confirmed=True)
        return self.partner_id._xero_client_import(self._keys(), confirmed=True)

    def action_fill_empty(self):
        """Import only the fields that would not overwrite anything."""
        self._check_editor()
        self.ensure_one()
        keep = set(self.line_ids.mapped("key"))
        keys = [k for k in self._keys() if k not in keep]
        if not keys:
            return {"type": "ir.actions.act_window_close"}
        return self.partner_id._xero_client_import(keys, confirmed=True)


class XeroClientImportWizardLine(models.TransientModel):
    _name = "xero.client.import.wizard.line"
    _description = "Value an import from Xero would overwrite"

    wizard_id = fields.Many2one("xero.client.import.wizard", required=True, ondelete="cascade")
    key = fields.Char(required=True)
    label = fields.Char("Field")
    current_value = fields.Char("Odoo value")
    xero_value = fields.Char("Xero value")
