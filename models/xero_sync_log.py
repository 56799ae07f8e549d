from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .xero_access import check_manager


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
    direction = fields.Selection(
        [("push", "Odoo → Xero"), ("pull", "Xero → Odoo"), ("none", "-")],
        default="push", required=True,
    )
    operation = fields.Char(required=True)
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
    def _log_event(self, connection, operation, message, state="done", direction="none",
                   count=0, record=None):
        now = fields.Datetime.now()
        return self.sudo().create({
            "connection_id": connection.id if connection else False,
            "res_model": record._name if record else False,
            "res_id": record.id if record else False,
            "record_name": record.display_name if record else operation,
            "operation": operation,
            "direction": direction,
            "state": state,
            "message": message,
            "count": count,
            "attempts": 1,
            "started_at": now,
            "finished_at": now,
        })

    # --- lifecycle of one operation on one record ---------------------------

    def _current(self, connection, record, operation):
        return self.sudo().search([
            ("connection_id", "=", connection.id), ("res_model", "=", record._name),
            ("res_id", "=", record.id), ("operation", "=", operation),
            ("state", "!=", "done")], order="id desc", limit=1)

    def _entry(self, connection, record, operation, direction):
        log = self._current(connection, record, operation)
        if not log:
            log = self.sudo().create({
                "connection_id": connection.id, "res_model": record._name,
                "res_id": record.id, "record_name": record.display_name,
                "operation": operation, "direction": direction, "state": "queued",
            })
        return log

    @api.model
    def _queue(self, connection, record, operation, direction="push"):
        log = self._entry(connection, record, operation, direction)
        log.write({"state": "queued", "message": False})
        return log

    @api.model
    def _start(self, connection, record, operation, direction="push"):
        log = self._entry(connection, record, operation, direction)
        log.write({"state": "running", "attempts": log.attempts + 1,
                   "started_at": fields.Datetime.now()})
        return log

    @api.model
    def _finish(self, connection, record, operation, message=False, failed=False,
                direction="push"):
        log = self._entry(connection, record, operation, direction)
        log.write({"state": "failed" if failed else "done", "message": message,
                   "finished_at": fields.Datetime.now(), "attempts": log.attempts or 1})
        return log

    def action_open_record(self):
        check_manager(self, "read")
        self.ensure_one()
        if not self.res_model or not self.res_id:
            raise UserError(_("This entry is not about a single record."))
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    def action_retry(self):
        """Queue the failed operations again on their records."""
        check_manager(self)
        failed = self.filtered(lambda log: log.state == "failed" and log.res_model)
        for log in failed:
            record = self.env[log.res_model].browse(log.res_id).exists()
            if record and hasattr(record, "_xero_retry"):
                record._xero_retry()
                log.write({"state": "queued", "message": _("Retry requested by %s",
                                                           self.env.user.name)})
        return True

    @api.model
    def _cron_purge(self):
        days = int(self.env["ir.config_parameter"].sudo().get_param(
            "xero_connector.log_retention_days", 30))
        limit = fields.Datetime.now() - timedelta(days=days)
        # finished_at, not create_date: an entry is reused by each retry.
        self.sudo().search([("state", "=", "done"), ("finished_at", "<", limit)]).unlink()
