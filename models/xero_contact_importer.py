"""Xero contact lines → new Odoo partners (Import, on the Sync with Xero
screen or in the background for large selections)."""

import logging

from odoo import _, fields, models

from ..xero_core.matching import LIKELY_SAME

_logger = logging.getLogger(__name__)

IMPORT_BATCH = 500


class XeroContactImporter(models.AbstractModel):
    _name = "xero.contact.importer"
    _inherit = "xero.service"
    _description = "Xero contact lines → new partners"

    def _run(self, connection, limit=2000):
        """The background job: lines marked for import, oldest first.
        Returns {"processed", "remaining"}."""
        Binding = self.env["xero.contact"]
        todo = [("backend_id", "=", connection.id), ("state", "!=", "linked"),
                ("sync_action", "=", "import")]
        done = self._import(connection, Binding.search(todo, limit=limit, order="id"))
        return {"processed": done, "remaining": Binding.search_count(todo)}

    def _import(self, connection, bindings, batch_size=IMPORT_BATCH):
        """Create partners in batches, each committed with its lines: a
        rerun after an interruption continues with what is left and creates
        no duplicate."""
        resolver = self.env["res.partner"]._xero_address_resolver()
        done = 0
        for start in range(0, len(bindings), batch_size):
            batch = bindings[start:start + batch_size].exists().filtered(
                lambda b: b.state != "linked" and not b.odoo_id)
            if batch:
                done += self._import_batch(connection, batch, resolver)
            self._commit()
        return done

    def _likely_duplicates(self, connection, bindings):
        """The lines whose contact most likely is a partner already in Odoo,
        against today's partners (the stored suggestion may predate them);
        their suggestion is brought up to date."""
        reader = self.env["xero.contact.reader"]
        reader._suggest_matches(bindings, reader._matcher(connection))
        return bindings.filtered(
            lambda b: b.match_partner_id and b.match_score >= LIKELY_SAME)

    def _import_batch(self, connection, bindings, resolver):
        Partner = self.env["res.partner"].with_context(xero_no_push=True,
                                                       tracking_disable=True)
        rows = []  # (binding, partner vals, child contacts' vals, notes)
        for binding in bindings:
            vals, children, notes = Partner._xero_partner_vals(binding.xero_values or {},
                                                               resolver)
            rows.append((binding, vals, children, notes))
        try:
            with self.env.cr.savepoint():
                created = list(zip(rows, Partner.create([r[1] for r in rows]), strict=True))
        except Exception:  # noqa: BLE001 - find the bad record, keep the others
            _logger.info("Batch import failed, importing one by one", exc_info=True)
            created = []
            for row in rows:
                try:
                    with self.env.cr.savepoint():
                        created.append((row, Partner.create([row[1]])))
                except Exception as exc:  # noqa: BLE001
                    # Left on the screen with its note, not retried by the job.
                    row[0].write({"import_note": _("Could not import: %s", exc),
                                  "sync_action": False})
        children = [dict(child, parent_id=partner.id)
                    for row, partner in created for child in row[2]]
        if children:
            Partner.create(children)
        now = fields.Datetime.now()
        for (binding, _vals, _children, notes), partner in created:
            binding.write({"odoo_id": partner.id, "state": "linked", "sync_action": False,
                           "active": True, "snapshot": binding.xero_values, "sync_date": now,
                           "import_note": "\n".join(notes) or False, "need_push": False,
                           "ledger_backfilled": False})
        linked = bindings.filtered(lambda b: b.state == "linked")
        linked._read_ledger_soon()
        linked._import_waiting_documents_soon()
        self.env["xero.sync.log"]._record(
            connection, "import_contacts",
            message=_("%s partner(s) created from Xero.", len(created)), count=len(created))
        return len(created)
