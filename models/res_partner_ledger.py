from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from ..xero_core import ledger
from ..xero_core.endpoints import contact_link

# What the Total paid / unpaid boxes add up: approved and paid sales invoices.
TOTALS_DOMAIN = [("kind", "=", ledger.INVOICE), ("xero_status", "in", ("AUTHORISED", "PAID"))]
# What the tab lists and Total unpaid adds up: open and overdue invoices alike.
UNPAID_DOMAIN = [*TOTALS_DOMAIN, ("amount_due", ">", 0)]


class ResPartner(models.Model):
    """The Xero Sales Ledger tab of a linked customer."""

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

    @api.depends_context("company", "lang")
    @api.depends("commercial_partner_id")
    def _compute_xero_ledger(self):
        Ledger = self.env["xero.ledger.invoice"]
        for partner in self:
            commercial = partner.commercial_partner_id
            binding = commercial.xero_binding_id if commercial.id else None
            partner.xero_ledger_visible = bool(binding)
            if not binding or not partner.id:
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
            # Just linked: the ledger is being read; 0.00 would be a claim.
            nothing = (_("Not read yet") if not binding.ledger_backfilled
                       else formatLang(self.env, 0.0, digits=2))
            # One amount per currency: Xero does not convert them.
            partner.xero_ledger_paid_text = " · ".join(
                f"{code} {formatLang(self.env, paid, digits=2)}"
                for code, (paid, _due, _n) in sorted(totals.items())
            ) or nothing
            partner.xero_ledger_unpaid_text = " · ".join(
                f"{code} {formatLang(self.env, due, digits=2)}"
                for code, (_paid, due, _n) in sorted(totals.items())
            ) or nothing
            partner.xero_ledger_open_ids = Ledger.search(domain + UNPAID_DOMAIN,
                                                         order="date desc, id desc", limit=80)

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
        """All invoices, the unpaid ones (open and overdue) first shown."""
        self._xero_check_read()
        return self._action_xero_ledger("unpaid")

    def action_xero_ledger_paid(self):
        """The invoices the Total paid box adds up (part-paid ones too)."""
        self._xero_check_read()
        return self._action_xero_ledger_total(_("Total paid"), [("amount_paid", ">", 0)])

    def action_xero_ledger_unpaid(self):
        """The invoices the Total unpaid box adds up."""
        self._xero_check_read()
        return self._action_xero_ledger_total(_("Total unpaid"), UNPAID_DOMAIN)

    def _action_xero_ledger_total(self, title, domain):
        action = self._action_xero_ledger()
        action["domain"] += TOTALS_DOMAIN + domain
        # Exactly what the box adds up, no default filter; one group (and
        # one balance) per currency when there are several, as in the box.
        currencies = self.env["xero.ledger.invoice"]._read_group(
            action["domain"], ["currency_code"])
        action["context"] = {"group_by": ["currency_code"]} if len(currencies) > 1 else {}
        action["display_name"] = f"{title}: {self.commercial_partner_id.display_name}"
        return action

    def action_xero_ledger_refresh(self):
        """Pull this customer's invoices from Xero now (whoever may edit the
        customer may update what Odoo knows of it)."""
        self._xero_check_write()
        binding = self.commercial_partner_id.xero_binding_id.sudo()
        if not binding:
            raise UserError(_("%s is not linked to Xero.", self.display_name))
        binding.backend_id._check_usable()
        self.env["xero.ledger.importer"]._run_for(binding)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_xero_view_contact(self):
        self._xero_check_read()
        binding = self.commercial_partner_id.xero_binding_id
        url = binding and contact_link(binding.backend_id.short_code, binding.external_id)
        if not url:
            raise UserError(_("This partner has no Xero contact to open."))
        return {"type": "ir.actions.act_url", "url": url, "target": "new"}
