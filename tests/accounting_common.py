"""What the accounting tests share: a connected practice with invoice sync
on, invoices posted and paid as a user does, and Xero's view of them."""

from datetime import date

from odoo import Command

from .common import PRACTICE, XeroCase


class AccountingCase(XeroCase):
    def setUp(self):
        super().setUp()
        self.sandbox.reset(self.sandbox_seed())
        self.conn = self.connect_practice()
        self.customer = self.env["res.partner"].create({"name": "Accounting Customer Ltd",
                                                        "is_company": True})
        self.tax15 = self.env["account.tax"].create({
            "name": "GST 15% accounting", "amount": 15, "type_tax_use": "sale",
            "company_id": self.company.id})
        self.conn.write({"invoice_sync_enabled": True})
        self.sandbox.clear_log()

    # -- Odoo ---------------------------------------------------------------------------

    def invoice(self, lines=None, move_type="out_invoice", post=True, partner=None, **vals):
        """lines: [(price, quantity, discount, taxes)]."""
        lines = lines or [(100.0, 1, 0, self.tax15)]
        move = self.env["account.move"].with_company(self.company).create(dict({
            "move_type": move_type,
            "partner_id": (partner or self.customer).id,
            "invoice_date": date(2026, 5, 1),
            "invoice_date_due": date(2026, 5, 31),
            "invoice_line_ids": [Command.create({
                "name": f"Line {i}", "quantity": qty, "price_unit": price,
                "discount": discount, "tax_ids": [Command.set(taxes.ids)]})
                for i, (price, qty, discount, taxes) in enumerate(lines)],
        }, **vals))
        if post:
            move.action_post()
        return move

    def pay(self, moves, amount=None, when=date(2026, 5, 10), journal=None):
        """Register a payment as the Register Payment button does (one per
        invoice when several are selected)."""
        vals = {"payment_date": when, "group_payment": False}
        if amount is not None:
            vals["amount"] = amount
        if journal:
            vals["journal_id"] = journal.id
        wizard = self.env["account.payment.register"].with_company(self.company).with_context(
            active_model="account.move", active_ids=moves.ids).create(vals)
        return wizard._create_payments()

    def push(self):
        return self.run_job(self.conn, "_run_job", "push_invoices")

    def rate(self, tax_type, connection=None):
        return (connection or self.conn).with_context(active_test=False).xero_tax_rate_ids \
            .filtered(lambda r: r.tax_type == tax_type)

    def account(self, code, connection=None):
        return (connection or self.conn).with_context(active_test=False).xero_account_ids \
            .filtered(lambda a: a.code == code)

    # -- Xero ---------------------------------------------------------------------------

    def xero_invoice(self, move, organisation=PRACTICE):
        binding = move.xero_invoice_ids
        for entity in ("invoices", "creditnotes"):
            for doc in self.sandbox.state(organisation, entity):
                if binding.external_id in (doc.get("InvoiceID"), doc.get("CreditNoteID")):
                    return doc
        return None

    def xero_payments(self, move, organisation=PRACTICE):
        doc = self.xero_invoice(move, organisation)
        return [p for p in self.sandbox.state(organisation, "payments")
                if p["Invoice"]["InvoiceID"] == doc["InvoiceID"]]

    def pay_in_xero(self, move, amount, account="090", when="2026-05-20", reference="Cheque"):
        """Someone records a payment in Xero."""
        client = self.conn._xero_client()
        [answer] = client.create_payments([{
            "Invoice": {"InvoiceID": move.xero_invoice_ids.external_id},
            "Account": {"Code": account}, "Amount": amount, "Date": when,
            "Reference": reference}], f"xero-side-{move.id}-{amount}-{reference}")
        assert answer.get("PaymentID"), answer
        return answer["PaymentID"]

    def seed_practice(self, **extra):
        """Add settings to the practice organisation (as edits made in Xero)."""
        self.sandbox.seed({"organisations": [dict({"OrganisationID": PRACTICE}, **extra)]})
