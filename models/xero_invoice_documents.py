from odoo import api, fields, models

from ..xero_core.endpoints import bill_link, supplier_credit_link

PURCHASE_TYPES = ("in_invoice", "in_refund")


class XeroInvoiceDocuments(models.Model):
    """Both ledgers on one binding: sales documents and bills (``side``),
    sent from Odoo or raised in Xero (``origin``). A document raised in
    Xero is never pushed back; its payments follow both ways."""

    _inherit = "xero.invoice"

    side = fields.Selection([("sale", "Sales"), ("purchase", "Purchases")], required=True,
                            default="sale", index=True, readonly=True)
    origin = fields.Selection(
        [("odoo", "Sent from Odoo"), ("xero", "Raised in Xero")], required=True,
        default="odoo", index=True, readonly=True)
    # Documents raised in Xero: what Xero changed on a posted Odoo copy waits
    # for a user (no silent change).
    xero_content_key = fields.Char(
        readonly=True, copy=False,
        help="Fingerprint of the Xero content (lines, dates, amounts) last applied.")
    xero_document = fields.Json(readonly=True, copy=False,
                                help="The Xero version last applied to the Odoo copy.")
    xero_change_pending = fields.Boolean("Changed in Xero", readonly=True, copy=False,
                                         index=True)
    xero_change_text = fields.Text("What Xero changed", readonly=True, copy=False)
    xero_change_document = fields.Json(readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        moves = self.env["account.move"].browse(
            [v["odoo_id"] for v in vals_list if v.get("odoo_id") and "side" not in v])
        purchase = set(moves.filtered(lambda m: m.move_type in PURCHASE_TYPES).ids)
        for vals in vals_list:
            if "side" not in vals and vals.get("odoo_id") in purchase:
                vals["side"] = "purchase"
        return super().create(vals_list)

    def _xero_link(self, short_code):
        if self.side != "purchase":
            return super()._xero_link(short_code)
        link = supplier_credit_link if self.kind == "credit_note" else bill_link
        return link(short_code, self.external_id)

    def _push_operation(self):
        if self.side == "purchase":
            return "push_supplier_credit" if self.kind == "credit_note" else "push_bill"
        return super()._push_operation()

    def _queue(self):
        # A document raised in Xero is Xero's: posting its Odoo copy sends nothing.
        return super(XeroInvoiceDocuments, self.filtered(lambda b: b.origin == "odoo"))._queue()
