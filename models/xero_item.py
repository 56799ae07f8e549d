from odoo import _, api, fields, models
from odoo.exceptions import UserError


class XeroItem(models.Model):
    """A Xero item of the organisation and the product it stands for (a
    binding on product.template). Items read from Xero wait here for review
    (link to the product of the same code, create the product, or ignore),
    as contacts do on the Sync with Xero screen; products sent to Xero as
    items get a line too. An invoice line sends its product's item code."""

    _name = "xero.item"
    _inherit = ["xero.binding"]
    _description = "Xero item"
    _order = "code, id"
    _rec_name = "code"
    _rec_names_search = ["code", "name"]

    # Items are the organisation's settings as much as links: they go with
    # their connection.
    backend_id = fields.Many2one("xero.connection", "Connection", required=True,
                                 ondelete="cascade", index=True)
    odoo_id = fields.Many2one("product.template", "Product", ondelete="set null", index=True,
                              readonly=True)
    state = fields.Selection(
        [("review", "To review"), ("linked", "Linked"), ("ignored", "Ignored")],
        default="review", required=True, index=True)
    active = fields.Boolean(default=True, readonly=True,
                            help="Off once the item is gone from Xero.")
    code = fields.Char(readonly=True)
    name = fields.Char(readonly=True)
    description = fields.Text(readonly=True)
    sale_price = fields.Float("Sales price", digits=(16, 4), readonly=True)
    sales_account_code = fields.Char(readonly=True)
    sales_tax_type = fields.Char(readonly=True)
    is_sold = fields.Boolean("Sold", readonly=True, default=True)
    is_purchased = fields.Boolean("Purchased", readonly=True)
    suggested_product_id = fields.Many2one(
        "product.template", "Product with this code", compute="_compute_suggested_product_id",
        help="A product whose internal reference is the item's code.")
    link_product_id = fields.Many2one(
        "product.template", "Link to", domain="[('company_id', 'in', (company_id, False))]",
        help="The product to link; the one with the item's code when empty.")

    _sql_constraints = [
        ("product_uniq", "unique(backend_id, odoo_id)",
         "This product is already linked to a Xero item of this connection."),
        ("external_uniq", "unique(backend_id, external_id)", "This Xero item is already known."),
    ]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for item in self:
            item.display_name = " ".join(p for p in (item.code, item.name and f"({item.name})")
                                         if p)

    @api.depends("code", "state", "odoo_id")
    def _compute_suggested_product_id(self):
        Product = self.env["product.template"]
        for item in self:
            product = Product.browse()
            if item.code and not item.odoo_id:
                found = Product.search([("default_code", "=", item.code),
                                        ("company_id", "in", (item.company_id.id, False))],
                                       limit=2)
                product = found if len(found) == 1 else product
            item.suggested_product_id = product

    # === binding hooks ===

    def _xero_link(self, short_code):
        # Xero documents no deep link to an item.
        return False

    def _push_operation(self):
        return "push_item"

    # === read from Xero ===

    @api.model
    def _store_from_xero(self, connection, records):
        """Xero's items (values of xero_core.settings_mapping.item) → lines;
        items gone from Xero are archived, never deleted (invoices may have
        used them)."""
        existing = {i.external_id: i for i in self.with_context(active_test=False).search(
            [("backend_id", "=", connection.id), ("external_id", "!=", False)])}
        seen = set()
        new = []
        for values in records:
            external_id = values.pop("external_id")
            values.pop("updated_at", None)
            seen.add(external_id)
            item = existing.get(external_id)
            if item:
                item.write(dict(values, active=True))
            else:
                new.append(dict(values, backend_id=connection.id, external_id=external_id,
                                need_push=False))
        if new:
            self.create(new)
        gone = [i for key, i in existing.items() if key not in seen and i.active]
        for item in gone:
            item.active = False
        return len(records)

    # === the review list ===

    def action_link(self):
        """Link each line to the chosen product, or the one with its code."""
        self._xero_check_manager()
        for item in self.filtered(lambda i: i.state != "linked"):
            product = item.link_product_id or item.suggested_product_id
            if not product:
                raise UserError(_("Choose the product to link to the Xero item %s.", item.code))
            item._link(product)
        return True

    def action_link_by_code(self):
        """Link every line to review to the product of the same code, where
        exactly one product has it."""
        self._xero_check_manager()
        connection = self.env["xero.connection"]._for_current_company()
        lines = self.search([("backend_id", "=", connection.id), ("state", "=", "review")])
        linked = 0
        for item in lines.filtered("suggested_product_id"):
            if not item.suggested_product_id.xero_item_ids.filtered(
                    lambda i, c=connection: i.backend_id == c):
                item._link(item.suggested_product_id)
                linked += 1
        return connection._notify(_("%s Xero item(s) linked to the product of the same code.",
                                    linked), reload=True)

    def action_create_product(self):
        """Create a product from each Xero item, and link them."""
        self._xero_check_manager()
        Product = self.env["product.template"].sudo()
        for item in self.filtered(lambda i: i.state != "linked"):
            product = Product.create({
                "name": item.name or item.code, "default_code": item.code,
                "list_price": item.sale_price, "sale_ok": item.is_sold,
                "purchase_ok": item.is_purchased, "type": "service",
                "description_sale": item.description or False,
                "company_id": item.company_id.id,
            })
            item._link(product)
        return True

    def action_ignore(self):
        self._xero_check_manager()
        self.filtered(lambda i: i.state == "review").write({"state": "ignored"})
        return True

    def action_stop_ignoring(self):
        self._xero_check_manager()
        self.filtered(lambda i: i.state == "ignored").write({"state": "review"})
        return True

    def action_refresh(self):
        """Read the organisation's items (and other settings) again."""
        self._xero_check_manager()
        connection = self.env["xero.connection"]._for_current_company()
        return connection.action_refresh_xero_settings()

    def _link(self, product):
        self.ensure_one()
        taken = self.search([("backend_id", "=", self.backend_id.id), ("odoo_id", "=", product.id),
                             ("id", "!=", self.id)], limit=1)
        if taken:
            raise UserError(_("%(product)s is already linked to the Xero item %(code)s.",
                              product=product.display_name, code=taken.code))
        self.write({"odoo_id": product.id, "state": "linked", "link_product_id": False,
                    "error_message": False})
        self.env["xero.sync.log"]._record(
            self.backend_id, "link_item", record=product,
            message=_("Linked to the Xero item %s.", self.code))
