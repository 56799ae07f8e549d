from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    xero_item_code = fields.Char(
        "Xero item code", help="ItemCode sent to Xero on invoice lines of this product.")
