"""Posted vendor bills and refunds → Xero bills (ACCPAY) and supplier
credits (ACCPAYCREDIT), 50 per call: the invoice exporter's rules (enable
date, status setting, checks before export, totals, cancellations,
payments), with the purchase settings."""

from odoo import _, models

from ..xero_core import invoice_mapping as im


class XeroBillExporter(models.AbstractModel):
    _name = "xero.bill.exporter"
    _inherit = "xero.invoice.exporter"
    _description = "Bills and supplier credits → Xero"

    _side = "purchase"

    def _status_setting(self, connection):
        return connection.bill_status

    def _check_settings(self, connection):
        if not connection.settings_read_at:
            self.env["xero.settings.reader"]._run(connection)
        if not connection.purchase_account_id:
            raise im.InvoiceMappingError(_(
                "No Xero purchases account is chosen: choose one on the Xero connection "
                "(Bills tab), then Retry."))

    def _line_item(self, connection, line):
        """The product's Xero item when Xero buys it; bills have no generic
        item (the account codes the line)."""
        Item = self.env["xero.item"].with_context(active_test=False)
        if not line.product_id:
            return Item
        item = Item.search([("backend_id", "=", connection.id), ("state", "=", "linked"),
                            ("odoo_id", "=", line.product_id.product_tmpl_id.id)], limit=1)
        return item if item.active and item.is_purchased else Item

    def _line_account(self, connection, item):
        account = connection.purchase_account_id
        where = _("choose another purchases account on the Xero connection (Bills tab)")
        if account.status != "ACTIVE":
            raise im.InvoiceMappingError(_(
                "The Xero account %(account)s is %(status)s: %(where)s, then Retry.",
                account=account.display_name, where=where,
                status={"ARCHIVED": _("archived in Xero"), "DELETED": _("deleted in Xero")}.get(
                    account.status, account.status)))
        if not account.for_purchases:
            raise im.InvoiceMappingError(_(
                "The Xero account %(account)s does not take bill lines (not an expense or "
                "asset account): %(where)s, then Retry.", account=account.display_name,
                where=where))
        return account

    def _rounding(self, connection, side):
        zero = self.env["xero.tax.map"]._zero_rate(connection, side)
        return {"policy": connection.rounding_policy, "tolerance": connection.rounding_tolerance,
                "account_code": connection.purchase_account_id.code or None,
                "tax_type": zero.tax_type or None}
