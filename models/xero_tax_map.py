from odoo import _, api, fields, models

from ..xero_core import invoice_mapping as im


class XeroTaxMap(models.Model):
    _name = "xero.tax.map"
    _description = "Odoo tax to Xero tax type"

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade")
    tax_id = fields.Many2one("account.tax", "Odoo tax", required=True, ondelete="cascade",
                             domain="[('type_tax_use', '=', 'sale')]")
    xero_tax_type = fields.Char("Xero tax type", required=True,
                                help="Xero's TaxType code, e.g. OUTPUT2, OUTPUT, NONE.")

    _sql_constraints = [
        ("tax_uniq", "unique(connection_id, tax_id)", "This tax is already mapped."),
    ]

    @api.model
    def _add_defaults(self, connection):
        """A sensible start: taxed sales taxes to OUTPUT2, zero ones to NONE."""
        mapped = set(connection.tax_map_ids.tax_id.ids)
        taxes = self.env["account.tax"].search([
            ("type_tax_use", "=", "sale"), ("company_id", "=", connection.company_id.id),
            ("amount_type", "=", "percent")])
        self.create([{
            "connection_id": connection.id, "tax_id": tax.id,
            "xero_tax_type": "OUTPUT2" if tax.amount else "NONE",
        } for tax in taxes if tax.id not in mapped])

    @api.model
    def _tax_type(self, connection, taxes):
        """Xero's TaxType for a line's Odoo taxes (InvoiceMappingError when
        Xero cannot express them)."""
        if not taxes:
            return "NONE"
        if len(taxes) > 1:
            raise im.InvoiceMappingError(_(
                "A line has several taxes (%s); Xero takes one tax type per line.",
                ", ".join(taxes.mapped("name"))))
        mapping = connection.tax_map_ids.filtered(lambda m: m.tax_id == taxes)
        if not mapping:
            raise im.InvoiceMappingError(_(
                "The tax “%s” is not mapped to a Xero tax type (Xero connection > Invoices).",
                taxes.display_name))
        return mapping.xero_tax_type
