from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..xero_core import ledger
from ..xero_core.endpoints import contact_link, credit_note_link, invoice_link
from .xero_access import check_record_read, check_record_write

XERO_STATUSES = [("DRAFT", "Draft"), ("SUBMITTED", "Submitted"),
                 ("AUTHORISED", "Authorised"), ("PAID", "Paid"), ("VOIDED", "Voided"),
                 ("DELETED", "Deleted")]
# What the Total paid / unpaid boxes add up: approved and paid sales invoices.
TOTALS_DOMAIN = [("kind", "=", ledger.INVOICE), ("xero_status", "in", ("AUTHORISED", "PAID"))]


class XeroLedgerInvoice(models.Model):
    """A sales invoice or credit note as Xero has it: Xero's view of what a
    customer owes. Read-only, and never an Odoo journal entry."""

    _name = "xero.ledger.invoice"
    _description = "Xero sales ledger line"
    _order = "date desc, id desc"
    _rec_name = "number"

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade",
                                    index=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    external_id = fields.Char("Xero ID", required=True, readonly=True)
    contact_external_id = fields.Char("Xero contact ID", index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", index=True, readonly=True,
                                 ondelete="set null")
    kind = fields.Selection([(ledger.INVOICE, "Invoice"), (ledger.CREDIT_NOTE, "Credit note")],
                            "Type", required=True, default=ledger.INVOICE, readonly=True)
    number = fields.Char("Number", readonly=True, index="trigram")
    reference = fields.Char(readonly=True)
    date = fields.Date("Invoice date", readonly=True, index=True)
    due_date = fields.Date(readonly=True)
    xero_status = fields.Selection(XERO_STATUSES, readonly=True, index=True)
    status = fields.Selection(
        list(ledger.STATUS_LABELS.items()), compute="_compute_status",
        help="As Xero shows it; Overdue depends on today.",
    )
    currency_code = fields.Char("Currency", readonly=True)
    total = fields.Float(readonly=True, digits=(16, 2))
    amount_paid = fields.Float(readonly=True, digits=(16, 2))
    amount_due = fields.Float("Balance", readonly=True, digits=(16, 2))
    amount_credited = fields.Float(readonly=True, digits=(16, 2))
    xero_updated_at = fields.Datetime("Updated in Xero", readonly=True)
    payment_ids = fields.One2many("xero.ledger.payment", "invoice_id", readonly=True)
    payment_count = fields.Integer(readonly=True)
    payments_summary = fields.Char("Payments", compute="_compute_payments_summary")
    pinned_user_ids = fields.Many2many("res.users", string="Pinned by")
    is_pinned = fields.Boolean("Pinned", compute="_compute_is_pinned",
                               search="_search_is_pinned")
    xero_url = fields.Char("Open in Xero", compute="_compute_xero_url")
    note = fields.Char(readonly=True, help="What could not be read from Xero.")

    _sql_constraints = [
        ("external_uniq", "unique(connection_id, external_id)",
         "This Xero invoice is already in the ledger."),
    ]

    @api.depends("xero_status", "amount_due", "amount_paid", "due_date")
    def _compute_status(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.status = ledger.display_status(
                line.xero_status or "DRAFT", line.amount_due, line.amount_paid,
                line.due_date, today)

    @api.depends("payment_ids")
    def _compute_payments_summary(self):
        for line in self:
            if line.payment_count > 1:
                line.payments_summary = _("%s payments", line.payment_count) + ": " + "; ".join(
                    f"{p.date} {p.amount:.2f}" + (f" ({p.reference})" if p.reference else "")
                    for p in line.payment_ids.sorted("date"))
            elif line.payment_count == 1:
                p = line.payment_ids
                line.payments_summary = _("1 payment") + f": {p.date} {p.amount:.2f}"
            else:
                line.payments_summary = False

    @api.depends_context("uid")
    @api.depends("pinned_user_ids")
    def _compute_is_pinned(self):
        for line in self:
            line.is_pinned = self.env.user in line.pinned_user_ids

    def _search_is_pinned(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on Pinned."))
        positive = (operator == "=") == value
        return [("pinned_user_ids", "in" if positive else "not in", [self.env.uid])]

    @api.depends("external_id", "kind", "connection_id.short_code")
    def _compute_xero_url(self):
        for line in self:
            link = credit_note_link if line.kind == ledger.CREDIT_NOTE else invoice_link
            line.xero_url = link(line.connection_id.short_code, line.external_id)

    def action_toggle_pin(self):
        """Pins are personal: each user sees their own."""
        check_record_read(self)
        for line in self:
            command = "unlink" if self.env.user in line.pinned_user_ids else "link"
            line.sudo().pinned_user_ids = [(3 if command == "unlink" else 4, self.env.uid)]
        return True

    def action_open_in_xero(self):
        check_record_read(self)
        self.ensure_one()
        if not self.xero_url:
            raise UserError(_("The Xero organisation's short code is unknown; refresh the "
                              "connection details."))
        return {"type": "ir.actions.act_url", "url": self.xero_url, "target": "new"}


class XeroLedgerPayment(models.Model):
    _name = "xero.ledger.payment"
    _description = "Xero payment on a sales ledger line"
    _order = "date, id"

    invoice_id = fields.Many2one("xero.ledger.invoice", required=True, ondelete="cascade",
                                 index=True)
    external_id = fields.Char("Xero ID", readonly=True)
    date = fields.Date(readonly=True)
    amount = fields.Float(readonly=True, digits=(16, 2))
    reference = fields.Char(readonly=True)


class ResPartner(models.Model):
    _inherit = "res.partner"

    xero_ledger_paid_text = fields.Char("Total paid", compute="_compute_xero_ledger")
    xero_ledger_unpaid_text = fields.Char("Total unpaid", compute="_compute_xero_ledger")
    xero_unpaid_total = fields.Float(compute="_compute_xero_ledger")
    xero_ledger_currency = fields.Char(compute="_compute_xero_ledger")
    xero_ledger_visible = fields.Boolean(compute="_compute_xero_ledger")
    xero_ledger_open_ids = fields.Many2many("xero.ledger.invoice",
                                            compute="_compute_xero_ledger")

    def _xero_ledger_domain(self):
        self.ensure_one()
        return [("partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id)]

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_xero_ledger(self):
        Ledger = self.env["xero.ledger.invoice"]
        for partner in self:
            commercial = partner.commercial_partner_id
            linked = bool(commercial.xero_binding_id) if commercial.id else False
            partner.xero_ledger_visible = linked
            if not linked or not partner.id:
                partner.xero_ledger_paid_text = partner.xero_ledger_unpaid_text = False
                partner.xero_unpaid_total = 0
                partner.xero_ledger_currency = False
                partner.xero_ledger_open_ids = False
                continue
            domain = partner._xero_ledger_domain()
            # Totals come from SQL aggregates, not from reading the lines.
            paid = Ledger._read_group(
                domain + TOTALS_DOMAIN,
                ["currency_code"], ["amount_paid:sum", "amount_due:sum", "__count"])
            totals = {code or "": (p, d, n) for code, p, d, n in paid}
            main = max(totals, key=lambda c: totals[c][2], default="")
            partner.xero_ledger_currency = main
            partner.xero_unpaid_total = totals.get(main, (0, 0, 0))[1]
            # One amount per currency: Xero does not convert them.
            partner.xero_ledger_paid_text = " · ".join(
                f"{code} {paid:,.2f}" for code, (paid, _due, _n) in sorted(totals.items())
            ) or "0.00"
            partner.xero_ledger_unpaid_text = " · ".join(
                f"{code} {due:,.2f}" for code, (_paid, due, _n) in sorted(totals.items())
            ) or "0.00"
            partner.xero_ledger_open_ids = Ledger.search(
                domain + [("amount_due", ">", 0),
                          ("due_date", ">=", fields.Date.context_today(partner))],
                limit=80)

    def _action_xero_ledger(self, filter_name=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "xero_connector.action_xero_ledger_invoice")
        action["domain"] = self._xero_ledger_domain()
        context = {"default_partner_id": self.commercial_partner_id.id}
        if filter_name:
            context[f"search_default_{filter_name}"] = 1
        action["context"] = context
        action["display_name"] = _("Xero sales ledger: %s",
                                   self.commercial_partner_id.display_name)
        return action

    def action_xero_ledger(self):
        check_record_read(self)
        return self._action_xero_ledger("open")

    def action_xero_ledger_paid(self):
        """The invoices the Total paid box adds up (part-paid ones too)."""
        check_record_read(self)
        return self._action_xero_ledger_total(_("Total paid"), [("amount_paid", ">", 0)])

    def action_xero_ledger_unpaid(self):
        """The invoices the Total unpaid box adds up."""
        check_record_read(self)
        return self._action_xero_ledger_total(_("Total unpaid"), [("amount_due", ">", 0)])

    def _action_xero_ledger_total(self, title, domain):
        action = self._action_xero_ledger()
        action["domain"] += TOTALS_DOMAIN + domain
        action["display_name"] = f"{title}: {self.commercial_partner_id.display_name}"
        return action

    def action_xero_ledger_refresh(self):
        """Pull this customer's invoices from Xero now (whoever may edit the
        customer may update what Odoo knows of it)."""
        check_record_write(self)
        binding = self.commercial_partner_id.xero_binding_id.sudo()
        if not binding:
            raise UserError(_("%s is not linked to Xero.", self.display_name))
        binding.backend_id._check_usable()
        binding.backend_id._pull_ledger_for_contacts(binding)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_xero_view_contact(self):
        check_record_read(self)
        binding = self.commercial_partner_id.xero_binding_id
        url = binding and contact_link(binding.backend_id.short_code, binding.external_id)
        if not url:
            raise UserError(_("This partner has no Xero contact to open."))
        return {"type": "ir.actions.act_url", "url": url, "target": "new"}
