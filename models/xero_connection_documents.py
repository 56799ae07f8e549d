from odoo import api, fields, models

PURCHASE_TYPES = ("in_invoice", "in_refund")
# Switch -> the moment it was switched on (documents before it stay out).
SWITCHES = {
    "bill_sync_enabled": "bill_sync_since",
    "import_sales_enabled": "import_sales_since",
    "import_bills_enabled": "import_bills_since",
}


class XeroConnectionDocuments(models.Model):
    """The payables side (bills and supplier credits to Xero) and documents
    raised in Xero brought into Odoo: the connection's settings for both."""

    _inherit = "xero.connection"

    # Bills (Odoo → Xero)
    bill_sync_enabled = fields.Boolean(
        "Send bills to Xero",
        help="Vendor bills and refunds posted from now on are sent to Xero as bills and "
             "supplier credits; earlier ones never are.")
    bill_sync_since = fields.Datetime("Bills synced from", readonly=True, copy=False)
    bill_status = fields.Selection(
        [("DRAFT", "Draft"), ("AUTHORISED", "Awaiting payment")], "Bill status in Xero",
        default="DRAFT", required=True)
    purchase_account_id = fields.Many2one(
        "xero.account", "Purchases account", ondelete="set null", copy=False,
        domain="[('connection_id', '=', id), ('for_purchases', '=', True)]",
        help="The Xero expense account bill lines are coded to.")

    # Documents raised in Xero (Xero → Odoo)
    import_sales_enabled = fields.Boolean(
        "Bring invoices raised in Xero into Odoo",
        help="Sales invoices and credit notes created in Xero from now on, for contacts "
             "linked to partners, come into Odoo. Earlier ones never do.")
    import_sales_since = fields.Datetime("Invoices brought in from", readonly=True, copy=False)
    import_bills_enabled = fields.Boolean(
        "Bring bills raised in Xero into Odoo",
        help="Bills and supplier credits created in Xero from now on, for contacts linked "
             "to partners, come into Odoo. Earlier ones never do.")
    import_bills_since = fields.Datetime("Bills brought in from", readonly=True, copy=False)
    import_post = fields.Selection(
        [("draft", "As drafts"), ("posted", "Posted")], "Documents from Xero arrive",
        default="draft", required=True,
        help="Only documents approved in Xero are posted; Xero drafts stay drafts.")
    import_invoice_journal_id = fields.Many2one(
        "account.journal", "Journal of invoices", check_company=True,
        domain="[('type', '=', 'sale'), ('company_id', '=', company_id)]")
    import_credit_note_journal_id = fields.Many2one(
        "account.journal", "Journal of credit notes", check_company=True,
        domain="[('type', '=', 'sale'), ('company_id', '=', company_id)]",
        help="The journal of invoices when empty.")
    import_bill_journal_id = fields.Many2one(
        "account.journal", "Journal of bills", check_company=True,
        domain="[('type', '=', 'purchase'), ('company_id', '=', company_id)]")
    import_supplier_credit_journal_id = fields.Many2one(
        "account.journal", "Journal of supplier credits", check_company=True,
        domain="[('type', '=', 'purchase'), ('company_id', '=', company_id)]",
        help="The journal of bills when empty.")
    documents_enabled = fields.Boolean(compute="_compute_documents_enabled", store=True)
    # Watermarks: Xero's UpdatedDateUTC of the last document read, per type.
    accrec_synced_at = fields.Datetime("Xero invoices read up to", readonly=True, copy=False)
    accreccredit_synced_at = fields.Datetime("Xero credit notes read up to", readonly=True,
                                             copy=False)
    accpay_synced_at = fields.Datetime("Xero bills read up to", readonly=True, copy=False)
    accpaycredit_synced_at = fields.Datetime("Xero supplier credits read up to",
                                             readonly=True, copy=False)

    @api.depends("import_sales_enabled", "import_bills_enabled", "bill_sync_enabled")
    def _compute_documents_enabled(self):
        for conn in self:
            # Bills sent to Xero need the bills read back for their payments.
            conn.documents_enabled = (conn.import_sales_enabled or conn.import_bills_enabled
                                      or conn.bill_sync_enabled)

    def write(self, vals):
        res = super().write(vals)
        for switch, since in SWITCHES.items():
            if vals.get(switch):
                for conn in self.filtered(lambda c, s=since: not c[s]):
                    # Now, not the transaction's start: documents raised in Xero
                    # from this moment on qualify.
                    conn[since] = fields.Datetime.now()
                    self.env["xero.tax.map"]._add_defaults(conn)
        return res

    @api.model
    def _for_move(self, move):
        if move.move_type not in PURCHASE_TYPES:
            return super()._for_move(move)
        conn = self._for_company(move.company_id)
        return conn if conn.bill_sync_enabled else self.browse()

    def _import_journal(self, side, kind):
        """The journal documents of that type raised in Xero go to."""
        self.ensure_one()
        if side == "purchase":
            journal = (kind == "credit_note" and self.import_supplier_credit_journal_id) \
                or self.import_bill_journal_id
            journal_type = "purchase"
        else:
            journal = (kind == "credit_note" and self.import_credit_note_journal_id) \
                or self.import_invoice_journal_id
            journal_type = "sale"
        return journal or self.env["account.journal"].search(
            [("type", "=", journal_type), ("company_id", "=", self.company_id.id)], limit=1)
