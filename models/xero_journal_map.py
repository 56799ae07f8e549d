from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class XeroJournalMap(models.Model):
    """Which Xero bank account an Odoo journal (or one payment method of
    it) pays into: Odoo payments go to Xero in that account, and a payment
    recorded in Xero in that account is registered in Odoo in that
    journal."""

    _name = "xero.journal.map"
    _description = "Odoo journal to Xero bank account"
    _order = "journal_id, payment_method_line_id, id"

    connection_id = fields.Many2one("xero.connection", required=True, ondelete="cascade",
                                    index=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    journal_id = fields.Many2one(
        "account.journal", "Odoo journal", required=True, ondelete="cascade",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]")
    payment_method_line_id = fields.Many2one(
        "account.payment.method.line", "Payment method", ondelete="cascade",
        domain="[('journal_id', '=', journal_id)]",
        help="Only payments of this method; empty for every payment of the journal.")
    xero_account_id = fields.Many2one(
        "xero.account", "Xero bank account", required=True, ondelete="cascade",
        domain="[('connection_id', '=', connection_id), ('accepts_payments', '=', True)]")

    _sql_constraints = [
        ("journal_uniq", "unique(connection_id, journal_id, payment_method_line_id)",
         "This journal (and payment method) is already mapped."),
    ]

    @api.constrains("xero_account_id", "connection_id")
    def _check_account(self):
        for mapping in self:
            account = mapping.xero_account_id
            if account.connection_id != mapping.connection_id:
                raise ValidationError(_("Choose an account of this connection's organisation."))
            if not account.accepts_payments:
                raise ValidationError(_(
                    "Xero takes no payments into %s: choose a bank account, or an account "
                    "with payments enabled.", account.display_name))

    @api.model
    def _account_for(self, connection, journal, method_line=None):
        """The Xero account payments of ``journal`` (and ``method_line``) go
        to: the most specific mapping, else the connection's payment
        account."""
        maps = connection.journal_map_ids.filtered(lambda m: m.journal_id == journal)
        exact = maps.filtered(lambda m: method_line and m.payment_method_line_id == method_line)
        general = maps.filtered(lambda m: not m.payment_method_line_id)
        return (exact or general)[:1].xero_account_id or connection.payment_account_id

    @api.model
    def _journal_for(self, connection, account):
        """The journal (and payment method) a payment Xero recorded in
        ``account`` is registered in: a journal-wide mapping first."""
        maps = connection.journal_map_ids.filtered(lambda m: m.xero_account_id == account)
        return maps.sorted(lambda m: bool(m.payment_method_line_id))[:1]
