from odoo import _, api, fields, models

from ..xero_core.errors import XeroError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    xero_item_ids = fields.One2many("xero.item", "odoo_id", "Xero items")
    xero_item_code = fields.Char(
        "Xero item", compute="_compute_xero_item_code",
        help="The Xero item invoice lines of this product send (this company's organisation).")

    @api.depends("xero_item_ids.code", "xero_item_ids.state")
    @api.depends_context("company")
    def _compute_xero_item_code(self):
        for product in self:
            item = product.sudo().xero_item_ids.filtered(
                lambda i: i.state == "linked" and i.company_id == self.env.company)[:1]
            product.xero_item_code = item.code

    def action_xero_create_item(self):
        """Send these products to Xero as items (code, name, sales price,
        sales account and tax), or link each to the Xero item that already
        has its code."""
        self._xero_check_manager()
        connection = self.env["xero.connection"].sudo()._for_current_company()
        connection._check_usable()
        Item = self.env["xero.item"].sudo().with_context(active_test=False)
        todo = Item
        for product in self.sudo():
            item = Item.search([("backend_id", "=", connection.id),
                                ("odoo_id", "=", product.id)], limit=1)
            if item.state == "linked" and item.external_id and item.active:
                continue
            same_code = product.default_code and Item.search([
                ("backend_id", "=", connection.id), ("code", "=", product.default_code),
                ("active", "=", True), ("odoo_id", "=", False)], limit=1)
            if same_code and not item:
                same_code._link(product)
                continue
            item = item or Item.create({"backend_id": connection.id, "odoo_id": product.id,
                                        "state": "linked"})
            item._queue_push(state="linked", error_message=False)
            todo |= item
        if todo:
            try:
                self.env["xero.item.exporter"].sudo()._run(connection, items=todo)
            except XeroError as exc:
                raise self._xero_user_error(exc) from exc
        failed = todo.filtered("error_message")
        if failed:
            return connection._notify("\n".join(
                f"{i.odoo_id.display_name}: {i.error_message}" for i in failed),
                kind="warning", reload=True)
        return connection._notify(_("%s product(s) are Xero items.", len(self)), reload=True)
