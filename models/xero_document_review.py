from odoo import _, fields, models
from odoo.exceptions import UserError


class XeroDocumentReview(models.Model):
    """A document raised in Xero that did not come into Odoo: its contact
    is not linked to a partner, or something on it has no Odoo counterpart
    (an item, a tax rate, a currency). The reason says what to fix; Retry
    (or the next run, once the contact is linked) brings it in."""

    _name = "xero.document.review"
    _description = "Document raised in Xero, set aside"
    _order = "id desc"
    _rec_name = "number"

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade",
                                    index=True, readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    external_id = fields.Char("Xero ID", required=True, readonly=True, index=True)
    doc_type = fields.Selection(
        [("ACCREC", "Invoice"), ("ACCRECCREDIT", "Credit note"), ("ACCPAY", "Bill"),
         ("ACCPAYCREDIT", "Supplier credit")], "Type", required=True, readonly=True)
    number = fields.Char(readonly=True)
    contact_external_id = fields.Char("Xero contact ID", readonly=True, index=True)
    contact_name = fields.Char("Xero contact", readonly=True)
    date = fields.Date(readonly=True)
    currency = fields.Char(readonly=True)
    total = fields.Float(readonly=True, digits=(16, 2))
    xero_status = fields.Char("Status in Xero", readonly=True)
    state = fields.Selection(
        [("unlinked", "Contact not linked"), ("unmapped", "Cannot be mapped"),
         ("done", "Brought into Odoo")], required=True, readonly=True, index=True)
    reason = fields.Text(readonly=True)
    document = fields.Json(readonly=True, help="The document as last read from Xero.")
    move_id = fields.Many2one("account.move", "Odoo document", readonly=True,
                              ondelete="set null")

    _sql_constraints = [
        ("external_uniq", "unique(connection_id, external_id)",
         "This Xero document is already listed."),
    ]

    def action_retry(self):
        """Bring the documents in again, as Xero last sent them."""
        self._xero_check_manager()
        todo = self.filtered(lambda r: r.state != "done")
        by_connection = {}
        for review in todo:
            by_connection.setdefault(review.connection_id, self.browse())
            by_connection[review.connection_id] |= review
        Importer = self.env["xero.document.importer"].sudo()
        for connection, reviews in by_connection.items():
            Importer._retry(connection.sudo(), reviews.sudo())
        left = todo.filtered(lambda r: r.state != "done")
        if len(todo) == 1 and left:
            raise UserError(left.reason)
        return connection._notify(_(
            "%(done)s document(s) brought into Odoo, %(left)s still set aside.",
            done=len(todo) - len(left), left=len(left)), reload=True) if todo else True

    def action_link_contact(self):
        """The contact's line on the Sync with Xero screen, to link it."""
        self._xero_check_manager()
        self.ensure_one()
        line = self.env["xero.contact"].with_context(active_test=False).search([
            ("backend_id", "=", self.connection_id.id),
            ("external_id", "=", self.contact_external_id)], limit=1)
        if not line:
            raise UserError(_(
                "Xero's contact %s is not on the Sync with Xero screen yet: click Refresh from "
                "Xero there, then link it.", self.contact_name))
        return {"type": "ir.actions.act_window", "res_model": "xero.contact",
                "res_id": line.id, "view_mode": "form", "target": "current"}

    def action_open_move(self):
        self._xero_check_manager("read")
        self.ensure_one()
        if not self.move_id:
            raise UserError(_("This document is not in Odoo."))
        return {"type": "ir.actions.act_window", "res_model": "account.move",
                "res_id": self.move_id.id, "view_mode": "form"}
