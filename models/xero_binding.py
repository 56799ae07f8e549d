from odoo import fields, models
from odoo.tools import SQL


class XeroBinding(models.AbstractModel):
    """Link between an Odoo record and a Xero record of one connection
    (OCA connector's binding: odoo_id / backend_id / external_id).

    The link lives here rather than on the Odoo record because a partner can
    be shared by companies that each sync with their own organisation, and
    because an ignored Xero record has no Odoo record at all.
    """

    _name = "xero.binding"
    _description = "Xero binding"

    backend_id = fields.Many2one(
        "xero.connection", "Connection", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(
        "res.company", related="backend_id.company_id", store=True, index=True
    )
    external_id = fields.Char("Xero ID", index=True, copy=False, readonly=True)
    sync_date = fields.Datetime("Last synced", readonly=True, copy=False)
    external_updated_at = fields.Datetime(
        "Updated in Xero", readonly=True, copy=False,
        help="Xero's UpdatedDateUTC when last read.",
    )
    error_message = fields.Text(readonly=True, copy=False)
    error_at = fields.Datetime(readonly=True, copy=False)

    def _lock_for_sync(self, domain, limit, order="id"):
        """Bindings matching ``domain``, locked for this transaction; rows
        another worker holds are skipped, so two workers never process the
        same binding."""
        query = self._search(domain, order=order, limit=limit)
        self.env.cr.execute(SQL("%s FOR UPDATE SKIP LOCKED", query.select("id")))
        return self.browse([row[0] for row in self.env.cr.fetchall()])
