from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..xero_core import invoice_mapping as im
from ..xero_core import settings_mapping as sm


def status_words(env, status):
    """How a setting's Xero status reads in a sentence."""
    return {"ARCHIVED": env._("archived in Xero"), "DELETED": env._("deleted in Xero"),
            "PENDING": env._("pending in Xero")}.get(status, status)


def _side_label(env, side):
    return env._("purchases") if side == "purchase" else env._("sales")


class XeroTaxMap(models.Model):
    """Which Xero tax rate an Odoo tax is, chosen from the rates read from
    Xero (sales taxes among the rates Xero allows on sales, purchase taxes
    among those it allows on purchases)."""

    _name = "xero.tax.map"
    _description = "Odoo tax to Xero tax rate"
    _order = "tax_use desc, id"

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade",
                                    index=True)
    tax_id = fields.Many2one("account.tax", "Odoo tax", required=True, ondelete="cascade",
                             domain="[('type_tax_use', 'in', ('sale', 'purchase'))]")
    tax_use = fields.Selection(related="tax_id.type_tax_use", store=True, string="Used on")
    xero_tax_rate_id = fields.Many2one(
        "xero.tax.rate", "Xero tax rate", ondelete="cascade",
        domain="[('connection_id', '=', connection_id),"
               " ('for_purchases' if tax_use == 'purchase' else 'for_sales', '=', True)]")
    xero_tax_type = fields.Char(related="xero_tax_rate_id.tax_type", string="Xero tax type")

    _sql_constraints = [
        ("tax_uniq", "unique(connection_id, tax_id)", "This tax is already mapped."),
    ]

    @api.constrains("xero_tax_rate_id", "tax_id", "connection_id")
    def _check_rate(self):
        for mapping in self.filtered("xero_tax_rate_id"):
            rate = mapping.xero_tax_rate_id
            if rate.connection_id != mapping.connection_id:
                raise ValidationError(_("Choose a tax rate of this connection's organisation."))
            side = "purchase" if mapping.tax_use == "purchase" else "sale"
            if not sm.rate_for_side(rate._values(), side):
                raise ValidationError(_(
                    "Xero does not allow the tax rate %(rate)s on %(side)s: choose another one "
                    "for %(tax)s.", rate=rate.display_name, side=_side_label(self.env, side),
                    tax=mapping.tax_id.display_name))

    @api.model
    def _add_defaults(self, connection):
        """Map the company's sales and purchase taxes not mapped yet to the
        Xero rate of the same percent (sales taxes: the sales account's own
        tax type first); a tax no rate matches stays unmapped."""
        rates = connection.with_context(active_test=False).xero_tax_rate_ids
        if not rates:
            return
        values = [r._values() for r in rates]
        by_type = {r.tax_type: r for r in rates}
        mapped = set(connection.tax_map_ids.tax_id.ids)
        preferred = {"sale": connection.sales_account_id.tax_type or None, "purchase": None}
        taxes = self.env["account.tax"].search([
            ("type_tax_use", "in", ("sale", "purchase")),
            ("company_id", "=", connection.company_id.id), ("amount_type", "=", "percent")])
        create = []
        for tax in taxes.filtered(lambda t: t.id not in mapped):
            side = tax.type_tax_use
            proposal = sm.propose_tax_rate(tax.amount, side, tax.name, values, preferred[side])
            if proposal:
                create.append({"connection_id": connection.id, "tax_id": tax.id,
                               "xero_tax_rate_id": by_type[proposal["tax_type"]].id})
        self.create(create)

    @api.model
    def _rate_for(self, connection, taxes, side="sale"):
        """The Xero tax rate of a line's Odoo taxes; for a line without
        taxes, the organisation's zero rate. InvoiceMappingError, saying
        what to fix and where, when Xero cannot take them."""
        if not taxes:
            zero = self._zero_rate(connection, side)
            if not zero:
                raise im.InvoiceMappingError(_(
                    "A line has no tax and the Xero organisation has no active zero tax rate "
                    "for %s: add one in Xero, then click Refresh Xero settings on the Xero "
                    "connection.", _side_label(self.env, side)))
            return zero
        if len(taxes) > 1:
            raise im.InvoiceMappingError(_(
                "A line has several taxes (%s); Xero takes one tax type per line.",
                ", ".join(taxes.mapped("name"))))
        mapping = connection.tax_map_ids.filtered(lambda m: m.tax_id == taxes)
        rate = mapping.xero_tax_rate_id
        if not rate:
            raise im.InvoiceMappingError(_(
                "The tax “%s” is not mapped to a Xero tax rate: map it on the Xero connection "
                "(Invoices tab, Taxes), then Retry.", taxes.display_name))
        if rate.status != "ACTIVE":
            raise im.InvoiceMappingError(_(
                "The tax “%(tax)s” is mapped to the Xero tax rate %(rate)s, which is %(status)s: "
                "map it to an active rate on the Xero connection (Invoices tab, Taxes), then "
                "Retry.", tax=taxes.display_name, rate=rate.display_name,
                status=status_words(self.env, rate.status)))
        if not sm.rate_for_side(rate._values(), side):
            raise im.InvoiceMappingError(_(
                "The tax “%(tax)s” is mapped to the Xero tax rate %(rate)s, which Xero does not "
                "allow on %(side)s: map it to another rate on the Xero connection (Invoices "
                "tab, Taxes), then Retry.", tax=taxes.display_name, rate=rate.display_name,
                side=_side_label(self.env, side)))
        return rate

    @api.model
    def _zero_rate(self, connection, side="sale"):
        rates = connection.xero_tax_rate_ids
        chosen = sm.zero_rate([r._values() for r in rates], side)
        return rates.filtered(lambda r: r.tax_type == chosen["tax_type"]) if chosen else rates[:0]
