"""The Sync with Xero screen: per line and bulk Import / Link / Ignore."""

from odoo import _, api, models
from odoo.exceptions import UserError

# More than this many contacts to import go to the background job, so a
# browser request never runs for minutes.
IMPORT_INLINE_LIMIT = 2000


class XeroContact(models.Model):
    _inherit = "xero.contact"

    # === PER LINE ===

    def action_import(self):
        """Create partners from these Xero contacts and link them. A contact
        that looks like a partner already in Odoo is not imported without
        asking (context ``xero_import_anyway``: the user answered)."""
        self._xero_check_manager()
        todo = self.filtered(lambda b: b.state != "linked")
        for connection in todo.backend_id:
            if prompt := connection._reconnect_prompt():
                return prompt
            connection._check_usable()
            bindings = todo.filtered(lambda b, c=connection: b.backend_id == c)
            held = self.browse()
            if not self.env.context.get("xero_import_anyway"):
                held = self.env["xero.contact.importer"]._likely_duplicates(connection, bindings)
                bindings -= held
            if len(bindings) > IMPORT_INLINE_LIMIT:
                bindings.write({"sync_action": "import"})
                connection._cron("import_contacts")._trigger()
                return connection._notify(_(
                    "%s contacts are being imported in the background; the Synced tab "
                    "fills as batches finish.", len(bindings)), reload=True, kind="info")
            done = self.env["xero.contact.importer"]._import(connection, bindings)
            if len(held) == 1 and not bindings:
                return held._link_dialog(duplicate=True)
            if held:
                return connection._notify(_(
                    "%(done)s partner(s) created. Not imported, as they look like partners "
                    "already in Odoo: %(names)s. Link them, or click Import on the line to "
                    "import one anyway.", done=done, names=", ".join(held.mapped("xero_name"))),
                    reload=True, kind="warning", sticky=True)
            return connection._notify(_("%s partner(s) created from Xero.", done), reload=True)
        return self._reload()

    def action_link(self):
        """Link each line to its chosen (or suggested) partner."""
        self._xero_check_manager()
        for binding in self:
            binding._link(binding.link_partner_id, binding.merge_from or "none")
        if len(self) == 1:
            return self.backend_id._notify(
                _("%(xero)s linked to %(partner)s.", xero=self.xero_name,
                  partner=self.odoo_id.display_name), reload=True)
        return self.backend_id[:1]._notify(_("%s Xero contact(s) linked.", len(self)),
                                           reload=True)

    def action_link_dialog(self):
        """The line's Link button: choose the partner and which side's data
        wins, then Link."""
        self._xero_check_manager()
        self.ensure_one()
        return self._link_dialog()

    def _link_dialog(self, duplicate=False):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Link %s", self.xero_name),
            "res_model": "xero.contact",
            "res_id": self.id,
            "views": [(self.env.ref("xero_connector.xero_contact_view_form_link").id, "form")],
            "target": "new",
            "context": {"xero_duplicate": duplicate},
        }

    def action_ignore(self):
        self._xero_check_manager()
        self.filtered(lambda b: b.state == "review").write(
            {"state": "ignored", "sync_action": False})
        return self._reload()

    def action_stop_ignoring(self):
        self._xero_check_manager()
        self.filtered(lambda b: b.state == "ignored").write({"state": "review"})
        return self._reload()

    def action_sync(self):
        """Apply the action chosen on each selected line."""
        self._xero_check_manager()
        if not any(self.mapped("sync_action")):
            raise UserError(_("Choose an action (Import, Link or Ignore) on the lines first."))
        self.filtered(lambda b: b.sync_action == "ignore").action_ignore()
        self.filtered(lambda b: b.sync_action == "link").action_link()
        return self.filtered(lambda b: b.sync_action == "import").action_import()

    def action_open_partner(self):
        self._xero_check_read()
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "res.partner",
                "res_id": self.odoo_id.id, "view_mode": "form"}

    def action_open_in_xero(self):
        self._xero_check_read()
        self.ensure_one()
        if not self.xero_url:
            raise UserError(_("This contact has no Xero link yet."))
        return {"type": "ir.actions.act_url", "url": self.xero_url, "target": "new"}

    # === BULK (whole connection) ===
    # List-header buttons: the web client sends the selected lines (none for
    # display="always"); they act on the current company's connection.

    @api.model
    def _connection(self):
        """The current company's connection, for a Xero Manager of it."""
        connection = self.env["xero.connection"]._for_current_company()
        connection._xero_check_manager()
        return connection

    def action_import_all_unmatched(self):
        connection = self._connection()
        unmatched = self.search([("backend_id", "=", connection.id), ("state", "=", "review"),
                                 ("xero_status", "=", "ACTIVE"),
                                 ("match_partner_id", "=", False)])
        if not unmatched:
            return connection._notify(_("Every Xero contact to review has a suggested match."),
                                      kind="info")
        return unmatched.action_import()

    @api.model
    def _link_by_score(self, min_score):
        """Link every line whose suggestion scores at least ``min_score``;
        ambiguous suggestions are never linked automatically."""
        connection = self._connection()
        lines = self.search([("backend_id", "=", connection.id), ("state", "=", "review"),
                             ("xero_status", "=", "ACTIVE"), ("match_partner_id", "!=", False),
                             ("match_score", ">=", min_score), ("match_ambiguous", "=", False)])
        linked, skipped, taken = 0, 0, set()
        for line in lines.sorted(lambda b: -b.match_score):
            if line.match_partner_id.id in taken:
                continue  # two Xero contacts suggest the same partner: keep the best
            try:
                with self.env.cr.savepoint():
                    line._link(line.match_partner_id)
            except UserError as exc:
                # E.g. the suggested partner was linked to another contact since.
                line.import_note = str(exc)
                skipped += 1
                continue
            taken.add(line.match_partner_id.id)
            linked += 1
        message = _("%s Xero contact(s) linked.", linked)
        if skipped:
            message += " " + _("%s could not be linked: see the note on their line.", skipped)
        return connection._notify(message, reload=True, kind="warning" if skipped else "success")

    def action_ignore_suppliers(self):
        connection = self._connection()
        suppliers = self.search([("backend_id", "=", connection.id), ("state", "=", "review"),
                                 ("is_supplier", "=", True), ("is_customer", "=", False)])
        suppliers.action_ignore()
        return connection._notify(_("%s supplier(s) ignored.", len(suppliers)), reload=True)

    def action_refresh(self):
        return self._connection()._refresh_contacts()

    def action_refresh_with_archived(self):
        """Also list contacts archived in Xero (see the "Archived in Xero" filter)."""
        return self._connection()._refresh_contacts(include_archived=True)

    @api.model
    def _open_sync_screen(self):
        """Menu entry (a server action): the screen for the current
        company's connection."""
        connection = self._connection()
        if not connection.contacts_synced_at and connection.state == "connected":
            connection._refresh_contacts()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "xero_connector.action_xero_contact_review")
        action["domain"] = [("backend_id", "=", connection.id)]
        # The state shows the header's Reconnect button while the login is expired.
        action["context"] = {"searchpanel_default_state": "review",
                             "xero_connection_state": connection.state}
        if prompt := connection._reconnect_prompt():
            prompt["params"]["next"] = action
            return prompt
        return action

    def action_reconnect(self):
        """The screen's Reconnect button: Xero's login for this company."""
        return self._connection().action_connect()

    def _reload(self):
        return {"type": "ir.actions.client", "tag": "soft_reload"}
