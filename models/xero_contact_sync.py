"""Two-way sync of one linked contact: what to push, what a push or pull
changes, errors and retries."""

import uuid

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..xero_core import contact_mapping as cm
from ..xero_core import diff as xdiff
from ..xero_core.client import element_errors, element_failed, one
from ..xero_core.dates import parse_datetime, to_naive_utc
from ..xero_core.errors import XeroAuthError, XeroError, XeroRateLimited, XeroValidationError
from ..xero_core.idempotency import request_key


class XeroContact(models.Model):
    _inherit = "xero.contact"

    def _keys_to_push(self, odoo_values):
        """Fields changed in Odoo since the last sync (and, when Odoo wins,
        those changed on both sides)."""
        self.ensure_one()
        differences = self._differences(odoo_values)
        push, _pull, _review = xdiff.resolve(differences, self.backend_id.conflict_policy)
        return push

    def _after_push(self, element, odoo_values, keys, now):
        """Xero accepted the contact: record its id and values, move the
        snapshot forward for the fields sent."""
        xero_values, _notes = cm.from_xero(element)
        if not self.external_id:
            snapshot = dict(xero_values)  # created in Xero from Odoo's values
        else:
            # Only what was synced: fields never synced stay "different
            # since linking" until someone settles them.
            snapshot = dict(self.snapshot or {})
        snapshot.update({k: odoo_values.get(k, "") for k in keys})
        try:
            updated = to_naive_utc(parse_datetime(element.get("UpdatedDateUTC")))
        except ValueError:
            updated = now
        self.write({
            "external_id": element.get("ContactID") or self.external_id,
            "xero_values": xero_values,
            "snapshot": snapshot,
            "xero_name": xero_values["name"] or self.xero_name,
            "external_updated_at": updated,
            "sync_date": now,
            "need_push": False,
            "error_message": False,
            "error_at": False,
        })
        self._recompute_diffs()

    def _set_error(self, message, definite=True):
        """Xero refused this record (``definite``), or could not be reached:
        show why on it and in the log. After a refusal the next attempt is a
        new request (new key); after a failure whose outcome is unknown, a
        retry must reuse the key so Xero can replay it."""
        for binding in self:
            vals = {"error_message": message, "error_at": fields.Datetime.now(),
                    "need_push": False}
            if definite:
                vals["push_key"] = uuid.uuid4().hex
            binding.write(vals)
            self.env["xero.sync.log"]._log_event(
                binding.backend_id, "push contact", message, state="failed",
                direction="push", count=1, record=binding)

    def _xero_retry(self):
        """Queue the pending change again (same idempotency key)."""
        self.write({"need_push": True, "error_message": False, "error_at": False})
        return True

    def _link_existing_by_name(self, client, odoo_values):
        """Creating failed because an active Xero contact has this name:
        link to it and send only the non-blank Odoo values (never a
        "Name (1)" duplicate)."""
        self.ensure_one()
        try:
            found = client.find_active_contacts_by_name(odoo_values["name"])
        except (XeroRateLimited, XeroAuthError):
            raise
        except XeroError as exc:
            self._set_error(exc.message, definite=isinstance(exc, XeroValidationError))
            return False
        if not found:
            self._set_error(_("Xero reports a contact named %s but could not find it.",
                              odoo_values["name"]))
            return False
        contact = found[0]
        taken = self.with_context(active_test=False).search([
                             ("backend_id", "=", self.backend_id.id),
                             ("external_id", "=", contact["ContactID"]),
                             ("id", "!=", self.id)], limit=1)
        if taken and taken.odoo_id:
            self._set_error(_("The Xero contact %(name)s is already linked to %(partner)s.",
                              name=odoo_values["name"], partner=taken.odoo_id.display_name))
            return False
        taken.unlink()  # an unlinked line of the same Xero contact
        xero_values, _notes = cm.from_xero(contact)
        self.write({"external_id": contact["ContactID"], "xero_values": xero_values,
                    "snapshot": xero_values})
        keys = cm.nonblank_keys(odoo_values)
        # Blank Odoo values never wipe Xero's (an address keeps its other lines).
        payload = [cm.to_xero(odoo_values, contact["ContactID"], keys, current=xero_values)]
        try:
            element = one(client.save_contacts(
                payload, request_key([f"{self.id}:{self.push_key}", "merge"], payload)))
        except (XeroRateLimited, XeroAuthError):
            raise
        except XeroError as exc:
            self._set_error(exc.message, definite=isinstance(exc, XeroValidationError))
            return False
        if element_failed(element):
            self._set_error("; ".join(element_errors(element)))
            return False
        self._after_push(element, odoo_values, keys, fields.Datetime.now())
        return True

    def _apply_xero_change(self, odoo_values, resolver):
        """Xero changed this linked contact: pull, queue a push or leave the
        differences for review, as the connection's settings say."""
        self.ensure_one()
        connection = self.backend_id
        differences = self._differences(odoo_values)
        if not differences:
            # Xero now agrees with Odoo (e.g. our own push coming back).
            self.snapshot = dict(self.xero_values)
            return
        push, pull, review = xdiff.resolve(differences, connection.conflict_policy)
        if not connection.auto_pull:
            # Changes made in Xero wait for review, except that a policy
            # deciding conflicts still decides them.
            pull = [k for k in pull if any(
                d.field == k and d.side == xdiff.BOTH for d in differences)]
        if pull:
            self._pull_fields(pull, resolver)
        if push and connection.auto_push:
            self.write({"need_push": True})
        conflicts = [d for d in differences if d.side == xdiff.BOTH and d.field in review]
        if conflicts:
            self._schedule_conflict_activity(conflicts)

    def _set_pull_error(self, message):
        """A change read from Xero could not be applied to the partner."""
        self.write({"error_message": message, "error_at": fields.Datetime.now()})
        self.env["xero.sync.log"]._log_event(
            self.backend_id, "pull contact", message, state="failed", direction="pull",
            count=1, record=self)

    def _pull_fields(self, keys, resolver=None):
        """Apply Xero's value of ``keys`` to the partner (no echo push)."""
        self.ensure_one()
        values = self.xero_values or {}
        synced = self.snapshot or {}
        hint = (synced.get("first_name", ""), synced.get("last_name", "")) if synced else None
        notes = self.odoo_id._xero_apply_values(values, keys, resolver, hint)
        snapshot = dict(self.snapshot or {})
        snapshot.update({k: values.get(k, "") for k in keys})
        self.write({"snapshot": snapshot, "sync_date": fields.Datetime.now(),
                    "import_note": "\n".join(notes) or self.import_note})
        self._recompute_diffs()

    def _push_now(self, keys_by_binding=None):
        """Push these bindings at once (buttons), not waiting for the cron."""
        for connection in self.backend_id:
            connection._check_usable()
            bindings = self.filtered(lambda b, c=connection: b.backend_id == c)
            try:
                result = connection._push_batch(bindings, connection._xero_client(),
                                                keys_by_binding)
            except XeroError as exc:
                raise UserError(exc.message) from exc
            if result["failed"] and len(bindings) == 1:
                raise UserError(bindings.error_message or _("Xero refused the change."))
        return True

    def _schedule_conflict_activity(self, conflicts):
        self.ensure_one()
        user = self.odoo_id.user_id or self.backend_id.connected_by_id or self.env.user
        fields_text = ", ".join(c.label for c in conflicts)
        summary = _("Xero conflict: %s", fields_text)
        existing = self.odoo_id.activity_ids.filtered(lambda a: a.summary == summary)
        if not existing:
            self.odoo_id.activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id, summary=summary,
                note=_("These fields changed both in Odoo and in Xero since the last sync: "
                       "%s. Choose which value to keep on the partner's Xero tab.",
                       fields_text),
            )

    # === BUTTONS ===
    # Whoever may edit the partner acts on its Xero contact; the bindings'
    # bookkeeping is then done as the system.

    def action_push_all(self):
        """Push every difference of this contact to Xero."""
        self._check_contact_editor()
        bindings = self.sudo()
        keys = {b.id: list({d.field for d in b.diff_ids if not cm.FIELD_BY_KEY[d.field].pull_only})
                for b in bindings}
        return bindings._push_now(keys)

    def action_pull_all(self):
        self._check_contact_editor()
        bindings = self.sudo()
        resolver = bindings._address_resolver()
        for binding in bindings:
            binding._pull_fields(list({d.field for d in binding.diff_ids}), resolver)
        return True

    def action_retry(self):
        self._check_contact_editor()
        bindings = self.sudo()
        bindings._xero_retry()
        return bindings._push_now()

    def action_ignore_all(self):
        self._check_contact_editor()
        self.sudo().diff_ids.action_ignore()
        return True

    def action_refresh_from_xero(self):
        """Re-read these contacts from Xero now."""
        self._check_contact_editor()
        bindings = self.sudo()
        for connection in bindings.backend_id:
            todo = bindings.filtered(lambda b, c=connection: b.backend_id == c and b.external_id)
            try:
                contacts = connection._xero_client().get_contacts(todo.mapped("external_id"))
            except XeroError as exc:
                raise UserError(exc.message) from exc
            connection._upsert_contacts(contacts, bindings._address_resolver(), set())
        return True
