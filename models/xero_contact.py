from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..xero_core import contact_mapping as cm
from ..xero_core import diff as xdiff
from ..xero_core.dates import parse_datetime, to_naive_utc
from ..xero_core.endpoints import contact_link
from ..xero_core.errors import XeroError


class XeroContact(models.Model):
    """A Xero contact of a connection, and the partner it is linked to.

    It is both the line of the *Sync with Xero* screen (to review / synced /
    ignored) and the binding the two-way sync works on: Xero's last values,
    the snapshot of the last sync (for three-way diffs), and the pending
    push.
    """

    _name = "xero.contact"
    _inherit = ["xero.binding"]
    _description = "Xero contact"
    _order = "xero_name, id"
    _rec_name = "xero_name"

    odoo_id = fields.Many2one("res.partner", "Partner", ondelete="set null", index=True)
    active = fields.Boolean(
        default=True, help="Unlinked contacts archived in Xero are hidden.")
    state = fields.Selection(
        [("review", "To review"), ("linked", "Synced"), ("ignored", "Ignored")],
        default="review", required=True, index=True,
    )
    # What Xero says (shown in the list)
    xero_name = fields.Char("Xero name", readonly=True)
    xero_person = fields.Char("Person", readonly=True)
    xero_email = fields.Char("Email", readonly=True)
    xero_phone = fields.Char("Phone", readonly=True)
    xero_city = fields.Char("City", readonly=True)
    xero_status = fields.Selection(
        [("ACTIVE", "Active"), ("ARCHIVED", "Archived"), ("GDPRREQUEST", "GDPR request")],
        default="ACTIVE", readonly=True, index=True,
    )
    is_customer = fields.Boolean("Customer", readonly=True)
    is_supplier = fields.Boolean("Supplier", readonly=True)
    xero_values = fields.Json(readonly=True, help="Sync values as Xero has them.")
    snapshot = fields.Json(readonly=True, help="Sync values at the last sync.")
    import_note = fields.Text("Note", readonly=True)

    # Match suggestion
    match_partner_id = fields.Many2one("res.partner", "Suggested partner", readonly=True,
                                       index="btree_not_null")
    match_score = fields.Float("Score", readonly=True, aggregator=None)
    match_reason = fields.Char("Matched on", readonly=True)
    match_ambiguous = fields.Boolean("Ambiguous", readonly=True)
    link_partner_id = fields.Many2one(
        "res.partner", "Link to", compute="_compute_link_partner_id", store=True,
        readonly=False, help="Partner to link on Sync; the suggestion by default.",
    )
    sync_action = fields.Selection(
        [("import", "Import"), ("link", "Link to existing"), ("ignore", "Ignore")],
        "Action",
    )
    merge_from = fields.Selection(
        [("none", "Keep both as they are"), ("xero", "Take data from Xero"),
         ("odoo", "Take data from Odoo")],
        "On link", default="none",
    )

    # Two-way sync state (need_push / push_key: see xero.binding)
    diff_ids = fields.One2many("xero.contact.diff", "binding_id", "Differences")
    diff_count = fields.Integer(compute="_compute_diff_count", store=True)
    sync_state = fields.Selection(
        [("ok", "In sync"), ("pending", "Changes to review"), ("push", "To push"),
         ("error", "Error")],
        compute="_compute_sync_state", store=True,
    )
    ignored_diffs = fields.Json(readonly=True, copy=False)
    ledger_backfilled = fields.Boolean(
        readonly=True, copy=False,
        help="The whole sales ledger of this contact has been read since it was linked.",
    )

    _sql_constraints = [
        ("external_uniq", "unique(backend_id, external_id)",
         "This Xero contact is already known for this connection."),
        ("partner_uniq", "unique(backend_id, odoo_id)",
         "A partner can be linked to one Xero contact per connection."),
    ]

    @api.depends("match_partner_id")
    def _compute_link_partner_id(self):
        for binding in self:
            if not binding.link_partner_id:
                binding.link_partner_id = binding.match_partner_id

    @api.depends("diff_ids")
    def _compute_diff_count(self):
        for binding in self:
            binding.diff_count = len(binding.diff_ids)

    @api.depends("diff_ids", "need_push", "error_message", "state")
    def _compute_sync_state(self):
        for binding in self:
            if binding.state != "linked":
                binding.sync_state = False
            elif binding.error_message and not binding.need_push:
                binding.sync_state = "error"
            elif binding.need_push:  # also waiting after a transient failure (its note)
                binding.sync_state = "push"
            elif binding.diff_ids:
                binding.sync_state = "pending"
            else:
                binding.sync_state = "ok"

    def _xero_link(self, short_code):
        return contact_link(short_code, self.external_id)

    def _push_operation(self):
        return "push_contact"

    def _contact_number(self):
        """The ContactNumber a contact created from this partner carries in
        Xero (an API-only code, meant for other systems' keys): a create
        whose answer was lost is found by it, whatever its name is now."""
        self.ensure_one()
        if not self.odoo_id:
            return False
        database = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return f"ODOO-{database[:8]}-{self.odoo_id.id}"

    # === XERO DATA ===

    @api.model
    def _xero_display_vals(self, contact, values, notes):
        """Binding fields from a Xero contact (JSON) and its sync values."""
        updated = None
        try:
            updated = to_naive_utc(parse_datetime(contact.get("UpdatedDateUTC")))
        except ValueError:
            notes = [*notes, _("Xero's UpdatedDateUTC %r is not a date.",
                               contact.get("UpdatedDateUTC"))]
        status = contact.get("ContactStatus") or "ACTIVE"
        if status not in ("ACTIVE", "ARCHIVED", "GDPRREQUEST"):
            notes = [*notes, _("Unknown Xero contact status %r.", status)]
            status = "ACTIVE"
        return {
            "xero_name": values["name"] or _("(no name)"),
            "xero_person": cm.join_person_name(values["first_name"], values["last_name"]),
            "xero_email": values["email"],
            "xero_phone": values["phone"] or values["mobile"],
            "xero_city": values["city"],
            "xero_status": status,
            "is_customer": bool(contact.get("IsCustomer")),
            "is_supplier": bool(contact.get("IsSupplier")),
            "xero_values": values,
            "external_updated_at": updated,
            "import_note": "\n".join(notes) or False,
        }

    # === DIFFERENCES ===

    def _odoo_values(self):
        hints = {}
        for binding in self.filtered("odoo_id"):
            known = binding.snapshot or binding.xero_values or {}
            if known.get("first_name") or known.get("last_name"):
                hints[binding.odoo_id.id] = (known.get("first_name", ""),
                                             known.get("last_name", ""))
        held = {b.odoo_id.id: b.xero_values or {} for b in self.filtered("odoo_id")}
        return self.mapped("odoo_id")._xero_sync_values(hints, held)

    def _differences(self, odoo_values):
        """Three-way differences of this binding, minus ignored ones."""
        self.ensure_one()
        ignored = self.ignored_diffs or {}
        # An unset Json field reads as False: no snapshot means never synced.
        return [
            d for d in xdiff.three_way(self.snapshot or None, odoo_values, self.xero_values or {})
            if ignored.get(d.field) != [xdiff.normalise(d.field, d.odoo_value),
                                        xdiff.normalise(d.field, d.xero_value)]
        ]

    def _recompute_diffs(self, odoo_values=None):
        """Refresh the difference lines of linked bindings."""
        odoo_values = odoo_values or self._odoo_values()
        for binding in self.filtered(lambda b: b.state == "linked" and b.odoo_id):
            binding._settle_agreed(odoo_values[binding.odoo_id.id])
        self.diff_ids.unlink()
        self.env["xero.contact.diff"].create([
            {"binding_id": binding.id, "field": d.field, "odoo_value": d.odoo_value,
             "xero_value": d.xero_value, "side": d.side}
            for binding in self.filtered(lambda b: b.state == "linked" and b.odoo_id)
            for d in binding._differences(odoo_values[binding.odoo_id.id])
        ])
        return True

    def _mark_odoo_changed(self):
        """A synced field changed in Odoo: queue a push with a new key."""
        self._queue_push()
        if self:
            self._recompute_diffs()

    def _settle_agreed(self, odoo_values):
        """Fields never synced (added after the link) on which both sides
        agree are synced from now on: a later edit on one side is then an
        ordinary change, not two different values waiting."""
        self.ensure_one()
        snapshot, xero = self.snapshot or {}, self.xero_values or {}
        agreed = {k: xero[k] for k, v in snapshot.items() if v is None and k in xero
                  and xdiff.same(k, odoo_values.get(k), xero[k])}
        if agreed:
            self.snapshot = dict(snapshot, **agreed)

    def _keys_to_push(self, odoo_values):
        """Fields changed in Odoo since the last sync (and, when Odoo wins,
        those changed on both sides)."""
        self.ensure_one()
        push, _pull, _review = xdiff.resolve(self._differences(odoo_values),
                                             self.backend_id.conflict_policy)
        return push

    # === LINKING ===

    def _check_linkable(self, partner):
        self.ensure_one()
        if not partner:
            raise UserError(_("Choose the partner to link %s to.", self.xero_name))
        if self.state == "linked" and self.odoo_id != partner:
            raise UserError(_("Xero contact %(xero)s is already linked to %(partner)s.",
                              xero=self.xero_name, partner=self.odoo_id.display_name))
        other = self.with_context(active_test=False).search([
                             ("backend_id", "=", self.backend_id.id),
                             ("odoo_id", "=", partner.id), ("id", "!=", self.id)], limit=1)
        if other:
            raise UserError(_(
                "%(partner)s is already linked to Xero contact %(xero)s; "
                "a partner can be linked to one Xero contact per connection.",
                partner=partner.display_name, xero=other.xero_name,
            ))

    def _link(self, partner, merge_from="none"):
        """Link to an existing partner. Nothing is sent either way unless a
        merge direction is chosen; differences then show on the partner."""
        self.ensure_one()
        self._check_linkable(partner)
        values = self.xero_values or {}
        self.write({"odoo_id": partner.id, "state": "linked", "sync_action": False, "active": True,
                    "sync_date": fields.Datetime.now(), "error_message": False,
                    "snapshot": None, "ignored_diffs": False})
        # Taking either side's data never drops the other side's people: the
        # persons count as never synced (a list only one side has goes
        # across; two lists wait for a choice).
        synced = dict(values, persons=None) if "persons" in values else dict(values)
        if merge_from == "xero":
            notes = partner._xero_apply_values(values, cm.FIELD_KEYS, archive_persons=False)
            self.write({"snapshot": synced, "import_note": "\n".join(notes) or False})
        elif merge_from == "odoo":
            # With Xero's values as the last synced state, every difference
            # reads as an Odoo change: the next push sends them all.
            self.write({"snapshot": synced})
            self._queue_push()
        self._recompute_diffs()
        self._ledger_relink()
        self._read_ledger_soon()
        self._import_waiting_documents_soon()
        self.env["xero.sync.log"]._record(
            self.backend_id, "link_contact", message=_("Linked to %s", partner.display_name),
            count=1, binding=self)
        return True

    def _ledger_relink(self):
        """Ledger lines already read for these Xero contacts follow the new
        link; the next pull reads their whole ledger again."""
        for binding in self.filtered("external_id"):
            self.env["xero.ledger.invoice"].search([
                ("connection_id", "=", binding.backend_id.id),
                ("contact_external_id", "=", binding.external_id),
            ]).write({"partner_id": binding.odoo_id.commercial_partner_id.id or False})
        self.write({"ledger_backfilled": False})

    def _read_ledger_soon(self):
        """Just linked: the ledger job reads these contacts' invoices now,
        in the background; until then their totals say "not read yet"."""
        for connection in self.backend_id:
            cron = connection._cron("pull_ledger")
            if cron.active and connection._has_scope_for("pull_ledger"):
                cron._trigger()

    def _import_waiting_documents_soon(self):
        """Just linked: documents raised in Xero that waited for these
        contacts come in now, in the background (not at the next scheduled
        read, which real-time sync may leave hours away)."""
        Review = self.env["xero.document.review"].sudo()
        for connection in self.backend_id:
            mine = self.filtered(lambda b, c=connection: b.backend_id == c)
            waiting = Review.search_count([
                ("connection_id", "=", connection.id), ("state", "=", "unlinked"),
                ("contact_external_id", "in", mine.mapped("external_id"))], limit=1)
            cron = connection._cron("import_documents")
            if waiting and cron.active and connection._has_scope_for("import_documents"):
                cron._trigger()

    # === PUSH AND PULL RESULTS ===

    def _set_pushed(self, element, odoo_values, keys, now):
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
            **self._sent_values(),
        })
        self._recompute_diffs()

    def _pull_fields(self, keys, resolver=None, recompute=True):
        """Apply Xero's value of ``keys`` to the partner (no echo push).
        ``recompute=False``: the caller refreshes the differences once for
        many contacts."""
        self.ensure_one()
        values = self.xero_values or {}
        synced = self.snapshot or {}
        hint = (synced.get("first_name", ""), synced.get("last_name", "")) if synced else None
        notes = self.odoo_id._xero_apply_values(values, keys, resolver, hint)
        snapshot = dict(self.snapshot or {})
        snapshot.update({k: values.get(k, "") for k in keys})
        self.write({"snapshot": snapshot, "sync_date": fields.Datetime.now(),
                    "import_note": "\n".join(notes) or self.import_note})
        if recompute:
            self._recompute_diffs()

    def _set_pull_error(self, message):
        """A change read from Xero could not be applied to the partner."""
        self.write({"error_message": message, "error_at": fields.Datetime.now()})
        self.env["xero.sync.log"]._record(self.backend_id, "pull_contact", "failed", message,
                                          binding=self)

    # === BUTTONS ===

    def _names(self):
        return ", ".join(b.odoo_id.display_name or b.xero_name for b in self[:3]) + (
            "…" if len(self) > 3 else "")

    def _notify_done(self, message):
        """A short notification, then the screen reloaded (the partner's
        differences changed)."""
        return self.env["xero.connection"]._notify(message, reload=True)

    def _check_contact_editor(self):
        """Contact-level actions (push, pull, ignore, retry, refresh): on
        linked contacts, whoever may edit their partners; otherwise a Xero
        Manager. The bindings' bookkeeping is then done as the system."""
        if self.env.su:
            return
        self.check_access("read")
        if self and all(binding.odoo_id for binding in self):
            self.odoo_id._xero_check_write(self)
        else:
            self._xero_check_manager()

    def action_unlink_partner(self):
        """Remove the link only; nothing is deleted in Odoo or in Xero."""
        self._xero_check_manager()
        for binding in self:
            binding.diff_ids.unlink()
            binding.write({"odoo_id": False, "state": "review", "snapshot": None,
                           "need_push": False, "error_message": False})
            binding._ledger_relink()
        return True

    def action_push_all(self):
        """Push every difference of this contact to Xero, except values
        empty in Odoo: clearing Xero's value takes its own per-field push."""
        self._check_contact_editor()
        bindings = self.sudo()
        pushable = bindings.diff_ids.filtered(
            lambda d: not cm.FIELD_BY_KEY[d.field].pull_only and not d.empty_in_odoo)
        # Read now: a push recreates the difference lines.
        kept = sorted({d._label_text() for d in bindings.diff_ids if d.empty_in_odoo})
        keys = {b.id: list({d.field for d in pushable if d.binding_id == b}) for b in bindings}
        to_send = bindings.filtered(lambda b: keys[b.id])
        if to_send:
            self.env["xero.contact.exporter"].sudo()._run_for(to_send, keys)
        message = _("%(names)s: sent to Xero (%(n)s field(s)).",
                    names=bindings._names(), n=sum(len(k) for k in keys.values()))
        if not kept:
            return bindings._notify_done(message)
        # Xero keeps a value that is empty in Odoo: say so, and how to clear it.
        return self.env["xero.connection"]._notify(
            message + " " + _("%(fields)s: empty in Odoo, so Xero keeps its value. To clear it "
                              "in Xero too, use that line's Push to Xero.",
                              fields=", ".join(kept)),
            reload=True, kind="warning")

    def action_pull_all(self):
        self._check_contact_editor()
        bindings = self.sudo()
        resolver = bindings.env["res.partner"]._xero_address_resolver()
        count = 0
        for binding in bindings:
            keys = list({d.field for d in binding.diff_ids})
            binding._pull_fields(keys, resolver)
            count += len(keys)
        return bindings._notify_done(_("%(names)s: taken from Xero (%(n)s field(s)).",
                                       names=bindings._names(), n=count))

    def action_retry(self):
        self._check_contact_editor()
        bindings = self.sudo()
        bindings._retry()
        return self.env["xero.contact.exporter"].sudo()._run_for(bindings)

    def action_ignore_all(self):
        self._check_contact_editor()
        self.sudo().diff_ids.action_ignore()
        return True

    def action_refresh_from_xero(self):
        """Re-read these contacts from Xero now."""
        self._check_contact_editor()
        try:
            return self.env["xero.contact.reader"].sudo()._run_for(self.sudo())
        except XeroError as exc:
            raise self._xero_user_error(exc) from exc
