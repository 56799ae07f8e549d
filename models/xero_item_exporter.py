"""Products → Xero items (PUT /Items, 50 per call): code, name, sales
price, sales account and tax."""

from odoo import _, models

from ..xero_core import item_mapping
from ..xero_core.client import element_errors, element_failed
from ..xero_core.errors import XeroError
from ..xero_core.idempotency import request_key
from ..xero_core.invoice_mapping import InvoiceMappingError

ITEM_BATCH = 50


class XeroItemExporter(models.AbstractModel):
    _name = "xero.item.exporter"
    _inherit = "xero.service"
    _description = "Products → Xero items"

    def _run(self, connection, client=None, items=None):
        """Create the queued items (or ``items``) in Xero. Returns
        {"calls", "pushed", "failed", "processed", "remaining"}."""
        connection.ensure_one()
        client = connection._client_for_sync(client)
        calls_before = client.calls
        Item = self.env["xero.item"]
        todo = items if items is not None else Item.search([
            ("backend_id", "=", connection.id), ("need_push", "=", True),
            ("odoo_id", "!=", False), ("external_id", "=", False), *Item._due_domain()])
        stats = {"pushed": 0, "failed": 0}
        for start in range(0, len(todo), ITEM_BATCH):
            self._send(connection, client, todo[start:start + ITEM_BATCH], stats)
        stats.update(calls=client.calls - calls_before,
                     processed=stats["pushed"] + stats["failed"],
                     remaining=Item.search_count([("backend_id", "=", connection.id),
                                                  ("need_push", "=", True)]))
        return stats

    def _send(self, connection, client, items, stats):
        payloads = []
        for item in items:
            try:
                payloads.append((item, self._payload(connection, item)))
            except (item_mapping.ItemMappingError, InvoiceMappingError) as exc:
                item._set_error(str(exc))
                stats["failed"] += 1
        if not payloads:
            return
        key = request_key([f"{i.id}:{i.push_key}" for i, _p in payloads],
                          [p for _i, p in payloads])
        try:
            elements = client.create_items([p for _i, p in payloads], key)
        except XeroError as exc:
            self.env["xero.item"].browse([i.id for i, _p in payloads])._set_failure(exc)
            stats["failed"] += len(payloads)
            return
        for (item, _payload), element in zip(payloads, elements, strict=True):
            if element_failed(element):
                message = "; ".join(element_errors(element))
                if "already exists" in message:
                    message += " " + _("Link the product to that item instead (Xero items).")
                item._set_error(message)
                stats["failed"] += 1
                continue
            values = {"external_id": element.get("ItemID"), "code": element.get("Code"),
                      "name": element.get("Name"), "state": "linked", "need_push": False,
                      "error_message": False, "is_sold": True, **item._sent_values(),
                      "sale_price": (element.get("SalesDetails") or {}).get("UnitPrice") or 0,
                      "sales_account_code": (element.get("SalesDetails") or {}).get(
                          "AccountCode"),
                      "sales_tax_type": (element.get("SalesDetails") or {}).get("TaxType")}
            item.write(values)
            stats["pushed"] += 1
            self.env["xero.sync.log"]._record(connection, "push_item", binding=item,
                                              message=_("Created in Xero as item %s.",
                                                        item.code))

    def _payload(self, connection, item):
        product = item.odoo_id
        taxes = product.taxes_id.filtered(lambda t: t.company_id == connection.company_id)
        rate = self.env["xero.tax.map"]._rate_for(connection, taxes[:1], "sale") \
            if taxes else None
        return item_mapping.to_xero(
            product.default_code, product.name, product.description_sale or None,
            product.list_price, connection.sales_account_id.code,
            rate.tax_type if rate else None)
