"""Products ⇄ Xero items: items read from Xero wait for review (link by
code, create the product, ignore); products go to Xero as items; an invoice
line sends its product's item code."""

from odoo.tests import tagged

from .accounting_common import AccountingCase
from .common import PRACTICE, base_seed


@tagged("post_install", "-at_install")
class TestItems(AccountingCase):
    @classmethod
    def sandbox_seed(cls):
        seed = base_seed()
        seed["organisations"][0]["Items"] += [
            {"Code": "CONSULT", "Name": "Consulting", "IsSold": True,
             "SalesDetails": {"UnitPrice": 150, "AccountCode": "260", "TaxType": "OUTPUT2"}},
            {"Code": "WIDGET", "Name": "Widget",
             "SalesDetails": {"UnitPrice": 25, "AccountCode": "200", "TaxType": "OUTPUT"}},
        ]
        return seed

    def item(self, code):
        return self.env["xero.item"].with_context(active_test=False).search(
            [("backend_id", "=", self.conn.id), ("code", "=", code)])

    def test_items_read_on_connect_wait_for_review(self):
        consult = self.item("CONSULT")
        self.assertEqual((consult.state, consult.name, consult.sale_price,
                          consult.sales_account_code), ("review", "Consulting", 150, "260"))
        product = self.env["product.template"].create({"name": "Consulting hours",
                                                       "default_code": "CONSULT"})
        consult.invalidate_recordset()
        self.assertEqual(consult.suggested_product_id, product)
        consult.action_link_by_code()
        self.assertEqual((consult.state, consult.odoo_id), ("linked", product))
        self.assertEqual(product.xero_item_code, "CONSULT")
        # The other one becomes a product.
        widget = self.item("WIDGET")
        widget.action_create_product()
        self.assertEqual((widget.odoo_id.default_code, widget.odoo_id.list_price),
                         ("WIDGET", 25))
        self.item("ODOO-ITEM").action_ignore()
        self.assertEqual(self.item("ODOO-ITEM").state, "ignored")

    def test_invoice_lines_send_their_products_item_and_its_account(self):
        consult = self.item("CONSULT")
        product = self.env["product.template"].create({"name": "Consulting hours",
                                                       "default_code": "CONSULT"})
        consult.action_link_by_code()
        move = self.invoice(post=False)
        move.invoice_line_ids[0].product_id = product.product_variant_id
        move.invoice_line_ids[0].write({"price_unit": 150, "tax_ids": [(6, 0, self.tax15.ids)]})
        move.action_post()
        self.push()
        [line] = self.xero_invoice(move)["LineItems"]
        self.assertEqual((line["ItemCode"], line["AccountCode"]), ("CONSULT", "260"))
        self.assertEqual(float(self.xero_invoice(move)["Total"]), move.amount_total)

    def test_product_sent_to_xero_as_an_item(self):
        product = self.env["product.template"].create({
            "name": "Garden design", "default_code": "GARDEN", "list_price": 80.5,
            "taxes_id": [(6, 0, self.tax15.ids)]})
        nameless = self.env["product.template"].create({"name": "No code"})
        self.sandbox.clear_log()
        (product | nameless).action_xero_create_item()
        self.assertEqual(len(self.sandbox.calls("/Items", "PUT")), 1)
        [created] = [i for i in self.sandbox.state(PRACTICE, "items") if i["Code"] == "GARDEN"]
        self.assertEqual(created["Name"], "Garden design")
        self.assertEqual(float(created["SalesDetails"]["UnitPrice"]), 80.5)
        self.assertEqual(created["SalesDetails"]["AccountCode"], "200")
        self.assertEqual(created["SalesDetails"]["TaxType"], "OUTPUT")
        self.assertEqual(product.xero_item_code, "GARDEN")
        bad = nameless.xero_item_ids
        self.assertIn("internal reference", bad.error_message)
        # A product whose code Xero already has is linked to that item, not copied.
        widget = self.env["product.template"].create({"name": "Widget", "default_code": "WIDGET"})
        self.sandbox.clear_log()
        widget.action_xero_create_item()
        self.assertFalse(self.sandbox.calls("/Items", "PUT"))
        self.assertEqual(self.item("WIDGET").odoo_id, widget)
