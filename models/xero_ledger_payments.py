from odoo import models


class XeroLedgerImporter(models.AbstractModel):
    """The ledger pull also tells synced invoices what Xero did to them:
    status and amounts, and whether their payments changed there (the
    payment importer then registers or unreconciles them in Odoo)."""

    _inherit = "xero.ledger.importer"

    def _store(self, connection, records, *args, **kwargs):
        result = super()._store(connection, records, *args, **kwargs)
        self.env["xero.invoice"]._note_documents(connection, records)
        return result
