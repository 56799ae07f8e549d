from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# operation: (label, direction). One spelling per operation, in one place.
OPERATIONS = {
    "pull_contacts": ("Read contacts from Xero", "pull"),
    "import_contacts": ("Import contacts", "pull"),
    "pull_contact": ("Pull a contact's change", "pull"),
    "link_contact": ("Link a contact", "none"),
    "push_contacts": ("Push contacts", "push"),
    "push_contact": ("Push a contact", "push"),
    "pull_ledger": ("Read the sales ledger", "pull"),
    "push_invoices": ("Push invoices", "push"),
    "push_invoice": ("Push an invoice", "push"),
    "push_credit_note": ("Push a credit note", "push"),
    "push_bill": ("Push a bill", "push"),
    "push_supplier_credit": ("Push a supplier credit", "push"),
    "push_bills": ("Push bills", "push"),
    "import_documents": ("Read documents raised in Xero", "pull"),
    "import_document": ("Bring a document raised in Xero", "pull"),
    "document_changed": ("A document changed in Xero", "pull"),
    "document_voided": ("A document voided in Xero", "pull"),
    "cancel_invoice": ("Cancel an invoice", "push"),
    "cancel_credit_note": ("Cancel a credit note", "push"),
    "approve_document": ("Approve in Xero", "push"),
    "push_payment": ("Push a payment", "push"),
    "delete_payment": ("Delete a payment", "push"),
    "allocate_credit_note": ("Allocate a credit note", "push"),
    "delete_allocation": ("Remove an allocation", "push"),
    "delete_in_odoo": ("Deleted in Odoo", "none"),
    "refresh_clients": ("Refresh client organisations", "pull"),
    "pull_settings": ("Read Xero settings", "pull"),
    "link_item": ("Link a Xero item", "none"),
    "push_item": ("Create a Xero item", "push"),
    "import_payments": ("Register payments made in Xero", "pull"),
    "import_payment": ("Register a payment made in Xero", "pull"),
    "remove_payment": ("Unreconcile a payment deleted in Xero", "pull"),
    "pause": ("Rate limit pause", "none"),
    "webhook_events": ("Read changes Xero announced", "pull"),
    "budget_wait": ("Wait for Xero's daily budget", "none"),
}


class XeroSyncLog(models.Model):
    """Every sync operation, so an admin can see what is queued, running,
    done or failed, why, and retry it."""

    _name = "xero.sync.log"
    _description = "Xero sync log"
    _order = "id desc"
    _rec_name = "record_name"

    connection_id = fields.Many2one("xero.connection", ondelete="cascade", index=True)
    company_id = fields.Many2one(
        "res.company", related="connection_id.company_id", store=True, index=True
    )
    res_model = fields.Char("Model", index=True)
    res_id = fields.Many2oneReference("Record ID", model_field="res_model")
    record_name = fields.Char("Record")
    # The binding whose state the entry is about: Retry goes through it.
    binding_model = fields.Char(readonly=True)
    binding_id = fields.Many2oneReference(model_field="binding_model", readonly=True)
    direction = fields.Selection(
        [("push", "Odoo → Xero"), ("pull", "Xero → Odoo"), ("none", "-")],
        default="push", required=True,
    )
    operation = fields.Selection(
        [(key, label) for key, (label, _direction) in OPERATIONS.items()], required=True,
    )
    state = fields.Selection(
        [("queued", "Queued"), ("running", "Running"), ("done", "Done"),
         ("failed", "Failed")],
        default="queued", required=True, index=True,
    )
    attempts = fields.Integer(default=0)
    message = fields.Text()
    started_at = fields.Datetime()
    finished_at = fields.Datetime()
    count = fields.Integer("Records", default=1)

    @api.model
    def _record(self, connection, operation, state="done", message=False, record=None,
                binding=None, count=None):
        """The one way to write the log.

        About one record (``record``, or the Odoo record of ``binding``), the
        entry still open for that operation is updated, so queue → run →
        done/failed and each retry stay on one line. Otherwise (a whole run)
        a new entry is written.
        """
        if binding and record is None:
            record = binding.odoo_id or binding  # e.g. a contact line without partner
        now = fields.Datetime.now()
        log = self.sudo().browse()
        if record:
            log = self.sudo().search([
                ("connection_id", "=", connection.id), ("res_model", "=", record._name),
                ("res_id", "=", record.id), ("operation", "=", operation),
                ("state", "!=", "done")], order="id desc", limit=1)
        vals = {"state": state, "message": message}
        if state == "running":
            vals.update(attempts=log.attempts + 1, started_at=now)
        elif state in ("done", "failed"):
            vals.update(finished_at=now, attempts=log.attempts or 1)
            if not log:
                vals["started_at"] = now
        if count is not None:
            vals["count"] = count
        if binding:
            vals.update(binding_model=binding._name, binding_id=binding.id)
        if log:
            log.write(vals)
            return log
        return self.sudo().create(dict(
            vals,
            connection_id=connection.id if connection else False,
            operation=operation,
            direction=OPERATIONS[operation][1],
            res_model=record._name if record else False,
            res_id=record.id if record else False,
            record_name=record.display_name if record else OPERATIONS[operation][0],
        ))

    def action_open_record(self):
        self.ensure_one()
        self._xero_check_manager("read")
        if not self.res_model or not self.res_id:
            raise UserError(_("This entry is not about a single record."))
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    def action_retry(self):
        """Queue the failed operations again, through their bindings."""
        self._xero_check_manager()
        jobs, retried = [], 0
        for log in self.filtered(lambda entry: entry.state == "failed" and entry.binding_model):
            binding = self.env[log.binding_model].browse(log.binding_id).exists()
            if binding:
                binding._retry()
                retried += 1
                log.write({"state": "queued",
                           "message": _("Retry requested by %s", self.env.user.name)})
                # Sent now, in the background, not at the next scheduled run.
                jobs += self.env["xero.connection"]._realtime_push(binding.sudo(), asked=True)
        if not retried:
            message = _("Nothing to retry: only failed entries about a record can be retried.")
        elif jobs:
            message = _("%(n)s entry(ies) queued again; running now: %(jobs)s. This log shows "
                        "the outcome.", n=retried, jobs=", ".join(dict.fromkeys(jobs)))
        else:
            message = _("%s entry(ies) queued again for the next scheduled run.", retried)
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"message": message, "type": "success" if retried else "warning",
                           "sticky": False,
                           "next": {"type": "ir.actions.client", "tag": "soft_reload"}}}

    @api.model
    def _cron_purge(self):
        days = int(self.env["ir.config_parameter"].sudo().get_param(
            "xero_connector.log_retention_days", 30))
        limit = fields.Datetime.now() - timedelta(days=days)
        # finished_at, not create_date: an entry is reused by each retry.
        self.sudo().search([("state", "=", "done"), ("finished_at", "<", limit)]).unlink()
