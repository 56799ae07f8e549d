"""Odoo partners → Xero contacts: pending changes of linked partners, and
new partners when "Create new customers in Xero" is on. 50 contacts per
call; each answer goes back to its line."""

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..xero_core import contact_mapping as cm
from ..xero_core import diff as xdiff
from ..xero_core.client import element_errors, element_failed, one
from ..xero_core.errors import XeroError
from ..xero_core.idempotency import request_key

PUSH_BATCH = 50  # elements per Xero write
PUSH_BATCHES_PER_RUN = 20
NAME_CLASH = "is already assigned to another contact"


class XeroContactExporter(models.AbstractModel):
    _name = "xero.contact.exporter"
    _inherit = "xero.service"
    _description = "Partners → Xero contacts"

    def _run(self, connection, max_batches=PUSH_BATCHES_PER_RUN, client=None):
        """Send pending Odoo changes, ``PUSH_BATCH`` contacts per call.
        Returns {"calls", "pushed", "failed", "remaining"}."""
        connection.ensure_one()
        client = connection._client_for_sync(client)
        calls_before = client.calls
        stats = {"pushed": 0, "failed": 0}
        new_partners = self._new_partners(connection, PUSH_BATCH * max_batches)
        if new_partners:
            self._bind_new(connection, new_partners)
        # Committed (even with nothing new) so the lines are claimed from a
        # fresh snapshot: getting the client may have waited on another
        # worker's token refresh while that worker pushed lines.
        self._commit()
        pending = [("backend_id", "=", connection.id), ("state", "=", "linked"),
                   ("need_push", "=", True), *self.env["xero.contact"]._due_domain()]
        for _batch in range(max_batches):
            bindings = self.env["xero.contact"]._lock_for_sync(pending, PUSH_BATCH)
            if not bindings:
                break
            result = self._push(connection, bindings, client)
            stats["pushed"] += result["pushed"]
            stats["failed"] += result["failed"]
            self._commit()
        stats.update(calls=client.calls - calls_before,
                     remaining=self.env["xero.contact"].search_count(pending),
                     processed=stats["pushed"] + stats["failed"])
        return stats

    def _run_for(self, bindings, keys_by_binding=None):
        """Push these lines now (buttons), not waiting for the scheduled
        action. ``keys_by_binding``: {binding id: fields to send}."""
        for connection in bindings.backend_id:
            connection._check_usable()
            mine = bindings.filtered(lambda b, c=connection: b.backend_id == c)
            try:
                with connection._bindings_held_for_button():
                    result = self._push(connection, mine, connection._xero_client(),
                                        keys_by_binding)
            except XeroError as exc:
                raise self._xero_user_error(exc) from exc
            if result["failed"] and len(mine) == 1:
                raise UserError(mine.error_message or _("Xero refused the change."))
        return True

    # === SELECT ===

    def _new_partners(self, connection, limit):
        """Partners created since "Create new customers in Xero" was turned
        on that have no Xero contact yet."""
        if connection.create_in_xero == "off" or not connection.create_in_xero_since:
            return self.env["res.partner"]
        domain = [
            ("create_date", ">=", connection.create_in_xero_since),
            ("parent_id", "=", False),
            ("active", "=", True),
            ("company_id", "in", [False, connection.company_id.id]),
            ("xero_contact_ids", "not any", [("backend_id", "=", connection.id)]),
        ]
        if connection.create_in_xero == "customers":
            domain.append(("customer_rank", ">", 0))
        return self.env["res.partner"].search(domain, limit=limit, order="id")

    def _bind_new(self, connection, partners):
        """Lines for partners that are to be created in Xero."""
        return self.env["xero.contact"].create([{
            "backend_id": connection.id, "odoo_id": p.id, "state": "linked",
            "xero_name": p.name, "need_push": True,
            "push_key": self.env["xero.contact"]._new_push_key(),
        } for p in partners])

    # === SEND ===

    def _push(self, connection, bindings, client, keys_by_binding=None):
        """One POST /Contacts for up to 50 lines; each element's answer
        goes back to its line."""
        bindings -= self._look_up_unanswered(bindings, client)
        refused = []
        sent = self._payloads(bindings, keys_by_binding or {}, refused)
        if not sent:
            return {"pushed": 0, "failed": len(refused)}
        creates = bindings.browse([b.id for b, _v, _k, _p in sent if not b.external_id])
        if creates:
            for binding, _v, _k, payload in sent:
                if not binding.external_id:
                    binding.xero_name = payload.get("Name") or binding.xero_name
            creates._mark_sending()
            # Committed before the call: if the answer is lost (run killed),
            # the next run looks these contacts up instead of creating them again.
            self._commit()
        now = fields.Datetime.now()
        idempotency_key = request_key([f"{b.id}:{b.push_key}" for b, _v, _k, _p in sent],
                                      [p for _b, _v, _k, p in sent])
        Log = self.env["xero.sync.log"]
        try:
            results = client.save_contacts([p for _b, _v, _k, p in sent], idempotency_key)
        except XeroError as exc:
            bindings.browse([b.id for b, _v, _k, _p in sent])._set_failure(exc)
            Log._record(connection, "push_contacts", "failed", exc.message, count=len(sent))
            return {"pushed": 0, "failed": len(sent)}
        pushed, failed = self._apply_answers(sent, results, client, now)
        Log._record(connection, "push_contacts", "failed" if failed else "done",
                    _("%(ok)s pushed, %(ko)s failed", ok=pushed, ko=failed), count=len(sent))
        return {"pushed": pushed, "failed": failed + len(refused)}

    def _payloads(self, bindings, keys_by_binding, refused=None):
        """[(binding, odoo values, keys, payload)] of what needs sending;
        lines whose values Xero cannot hold get the error (and go to
        ``refused``) instead: Xero refuses them, and cutting loses data."""
        odoo_values = bindings._odoo_values()
        sent = []
        for binding in bindings:
            partner = binding.odoo_id
            if not partner or not partner.active:
                # Archived partners are never archived in Xero; they stop syncing.
                binding.need_push = False
                continue
            values = odoo_values[partner.id]
            if binding.external_id:
                keys = keys_by_binding.get(binding.id) or binding._keys_to_push(values)
                if not keys:
                    binding.need_push = False
                    continue
            else:
                keys = cm.nonblank_keys(values)
            current = (binding.xero_values or None) if binding.external_id else None
            problems = cm.too_long(values, keys, current)
            if problems:
                binding._set_error("\n".join(problems))
                if refused is not None:
                    refused.append(binding)
                continue
            payload = cm.to_xero(values, binding.external_id, keys, current=current,
                                 contact_number=binding._contact_number())
            sent.append((binding, values, keys, payload))
        return sent

    def _apply_answers(self, sent, results, client, now):
        """Each element of Xero's answer back to its line; a new contact
        whose name Xero already has is linked to that contact."""
        pushed = failed = 0
        for (binding, values, keys, _payload), element in zip(sent, results, strict=False):
            if element_failed(element):
                message = "; ".join(element_errors(element)) or _("Xero refused the contact.")
                if not binding.external_id and NAME_CLASH in message:
                    ok = self._link_existing_by_name(binding, client, values)
                else:
                    binding._set_error(message)
                    ok = False
            elif binding._wrong_answer(element.get("ContactID")):
                binding._set_error(binding._wrong_answer(element.get("ContactID")))
                ok = False
            else:
                binding._set_pushed(element, values, keys, now)
                ok = True
            pushed, failed = pushed + ok, failed + (not ok)
        for binding, _values, _keys, _payload in sent[len(results):]:
            binding._set_transient(_("Xero returned no answer for this contact."))
            failed += 1
        return pushed, failed

    def _look_up_unanswered(self, bindings, client):
        """Contacts whose create was sent without a readable answer are
        looked up in Xero by the ContactNumber they were sent with (found
        even if renamed in Xero since), then by name, before anything is
        sent again: the one found is bound, and a change made since goes as
        an update of it. Returns the lines that cannot be sent now (the
        lookup failed)."""
        todo = bindings.filtered(lambda b: b.sent_push_key and not b.external_id)
        waiting = bindings.browse()
        now = fields.Datetime.now()
        for binding in todo:
            name = binding.xero_name or binding.odoo_id.name
            try:
                found = client.find_contacts(contact_number=binding._contact_number())
                if not found and name:
                    found = client.find_contacts(name=name)
            except XeroError as exc:
                binding._set_failure(exc)
                waiting |= binding
                continue
            # A line a pull made meanwhile for that contact (no partner) gives
            # way; a contact linked to another partner is not this one.
            lines = binding.with_context(active_test=False).search([
                ("backend_id", "=", binding.backend_id.id), ("id", "!=", binding.id),
                ("external_id", "in", [c.get("ContactID") for c in found])])
            linked = set(lines.filtered("odoo_id").mapped("external_id"))
            found = sorted((c for c in found if c.get("ContactID") not in linked),
                           key=lambda c: c.get("ContactStatus") == "ARCHIVED")
            if not found:
                binding.sent_push_key = False  # Xero does not have it: created now
                continue
            lines.filtered(lambda x, i=found[0]["ContactID"]: x.external_id == i).unlink()
            # Bound as Xero has it; what differs in Odoo is pushed with this batch.
            binding._set_pushed(found[0], {}, [], now)
            binding.need_push = True
        return waiting

    def _link_existing_by_name(self, binding, client, odoo_values):
        """Creating failed because an active Xero contact has this name:
        link to it and send only the non-blank Odoo values (never a
        "Name (1)" duplicate)."""
        try:
            found = client.find_active_contacts_by_name(odoo_values["name"])
        except XeroError as exc:
            binding._set_failure(exc)
            return False
        if not found:
            binding._set_error(_("Xero reports a contact named %s but could not find it.",
                                 odoo_values["name"]))
            return False
        contact = found[0]
        taken = binding.with_context(active_test=False).search([
            ("backend_id", "=", binding.backend_id.id),
            ("external_id", "=", contact["ContactID"]),
            ("id", "!=", binding.id)], limit=1)
        if taken and taken.odoo_id:
            binding._set_error(_("The Xero contact %(name)s is already linked to %(partner)s.",
                                 name=odoo_values["name"], partner=taken.odoo_id.display_name))
            return False
        taken.unlink()  # an unlinked line of the same Xero contact
        xero_values, _notes = cm.from_xero(contact)
        binding.write({"external_id": contact["ContactID"], "xero_values": xero_values,
                       "snapshot": xero_values})
        # Again, now that Xero's values are known: country and region as it holds them.
        odoo_values = binding._odoo_values()[binding.odoo_id.id]
        keys = cm.nonblank_keys(odoo_values)
        # Blank Odoo values never wipe Xero's (an address keeps its other lines).
        payload = [cm.to_xero(odoo_values, contact["ContactID"], keys, current=xero_values)]
        try:
            element = one(client.save_contacts(
                payload, request_key([f"{binding.id}:{binding.push_key}", "merge"], payload)))
        except XeroError as exc:
            binding._set_failure(exc)
            return False
        if element_failed(element):
            binding._set_error("; ".join(element_errors(element)))
            return False
        binding._set_pushed(element, odoo_values, keys, fields.Datetime.now())
        self._say_linked_existing(binding, xero_values, odoo_values, keys)
        return True

    def _say_linked_existing(self, binding, xero_values, odoo_values, keys):
        """Tell the partner's chatter and the sync log that the partner was
        linked to a contact already in Xero, and which Xero values Odoo's
        replaced."""
        replaced = [k for k in keys if not xdiff.same(k, odoo_values.get(k), xero_values.get(k))
                    and xero_values.get(k)]
        changes = "; ".join(f"{cm.FIELD_BY_KEY[k].label}: {xero_values[k]} → {odoo_values[k]}"
                            for k in replaced)
        message = _("Linked to the existing Xero contact %(name)s (Xero already had a contact "
                    "of this name).", name=xero_values.get("name") or odoo_values["name"])
        message += " " + (_("Values replaced in Xero: %s.", changes) if changes
                          else _("No Xero value was replaced."))
        binding.odoo_id.message_post(body=message)
        self.env["xero.sync.log"]._record(binding.backend_id, "link_contact", message=message,
                                          count=1, binding=binding)
