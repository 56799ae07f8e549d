"""Xero contacts → the connection's contact lines (``xero.contact``).

Refresh and scheduled pull: each page read is stored, new lines get a match
suggestion, and linked contacts that changed in Xero are pulled, queued for
a push or left for review, as the connection's settings say. Committed page
by page, so an interrupted read resumes where it stopped."""

import logging
from datetime import timedelta

import psycopg2

from odoo import _, fields, models
from odoo.exceptions import UserError, ValidationError

from ..xero_core import contact_mapping as cm
from ..xero_core import diff as xdiff
from ..xero_core.client import PAGE_SIZE
from ..xero_core.dates import parse_datetime, to_naive_utc
from ..xero_core.matching import Matcher
from ..xero_core.watermark import cap_watermark

_logger = logging.getLogger(__name__)

FULL_RECONCILE_EVERY = timedelta(days=7)
# What a partner may answer to a change read from Xero.
REFUSALS = (UserError, ValidationError, ValueError, psycopg2.Error)


class XeroContactReader(models.AbstractModel):
    _name = "xero.contact.reader"
    _inherit = "xero.service"
    _description = "Xero contacts → contact lines"

    def _run(self, connection, full=None, max_pages=None, client=None,
             include_archived=False):
        """Read Xero contacts into lines, commit per page.

        Incremental runs ask for what changed since the watermark, oldest
        change first. Full runs (the first one, then weekly) read everything
        in ContactID order, page by page, remembering the next page, so an
        interrupted full read resumes where it stopped.

        Returns {"calls", "contacts", "pages", "done"}.
        """
        connection.ensure_one()
        client = connection._client_for_sync(client)
        first_run = not connection.contacts_synced_at and not connection.contacts_full_page
        if connection.contacts_full_page:
            full = True  # finish the full read in progress
        elif full is None:
            full = first_run or not connection.contacts_full_at or (
                connection.contacts_full_at < fields.Datetime.now() - FULL_RECONCILE_EVERY)
        if full and not connection.contacts_full_page:
            # The first refresh leaves archived contacts out unless asked;
            # later ones include them: archiving is a change to see.
            connection.write({"contacts_full_page": 1,
                              "contacts_full_started": fields.Datetime.now(),
                              "contacts_full_archived": include_archived or not first_run})
        stats = {"calls": 0, "contacts": 0, "pages": 0, "done": False}
        calls_before = client.calls
        run_started = fields.Datetime.now()
        resolver = self.env["res.partner"]._xero_address_resolver()
        seen, matcher = set(), None
        start_page = connection.contacts_full_page if full else 1
        if full:
            pages = client.iter_contact_pages(include_archived=connection.contacts_full_archived,
                                              start_page=start_page, order="ContactID ASC")
        else:
            pages = client.iter_contact_pages(
                modified_since=connection.contacts_synced_at - self._watermark_skew,
                include_archived=True)
        for page, contacts in pages:
            stats["pages"] += 1
            stats["contacts"] += len(contacts)
            to_suggest = self._store_page(connection, contacts, resolver, seen, include_archived)
            if to_suggest:
                matcher = matcher or self._matcher(connection)
                self._suggest_matches(to_suggest, matcher)
            if full:
                connection.contacts_full_page = page + 1
            else:
                # Never past Xero's clock: a record stamped ahead of it must
                # not hide the changes made until then.
                watermark = to_naive_utc(cap_watermark(
                    max(_watermarks(contacts), default=None), client.last_server_time,
                    run_started))
                if watermark and watermark > connection.contacts_synced_at:
                    connection.contacts_synced_at = watermark
            self._commit()
            if max_pages and stats["pages"] >= max_pages and len(contacts) == PAGE_SIZE:
                stats.update(calls=client.calls - calls_before, processed=stats["contacts"],
                             remaining=1)
                return stats
        if full:
            # Every contact was read since the full read started: changes
            # from then on are the next incremental run's.
            started = connection.contacts_full_started
            # Only a read that reached Xero's last page (and found as many
            # contacts as Xero counts) may say that a contact is gone.
            if start_page == 1 and not first_run and client.last_read_complete:
                self._flag_vanished(connection, seen)
            connection.write({
                "contacts_full_page": 0,
                "contacts_full_at": started,
                "contacts_synced_at": max(
                    started - self._watermark_skew,
                    connection.contacts_synced_at or started - self._watermark_skew),
            })
        stats.update(calls=client.calls - calls_before, done=True,
                     processed=stats["contacts"], remaining=0)
        self.env["xero.sync.log"]._record(
            connection, "pull_contacts",
            message=_("%(n)s contact(s) read from Xero in %(calls)s call(s).",
                      n=stats["contacts"], calls=stats["calls"]),
            count=stats["contacts"])
        self._commit()
        return stats

    def _run_for(self, bindings):
        """Re-read these contact lines from Xero now (one call per 50)."""
        for connection in bindings.backend_id:
            mine = bindings.filtered(lambda b, c=connection: b.backend_id == c and b.external_id)
            with connection._bindings_held_for_button():
                contacts = connection._xero_client().get_contacts(mine.mapped("external_id"))
                self._store_page(connection, contacts,
                                 self.env["res.partner"]._xero_address_resolver(), set())
        return True

    # === STORE ===

    def _store_page(self, connection, contacts, resolver, seen, include_archived=False):
        """Store one page of Xero contacts; a bad record gets a note on its
        line and the others go on. Returns the lines to suggest a match for."""
        Binding = self.env["xero.contact"].with_context(xero_no_push=True, active_test=False)
        ids = [c.get("ContactID") for c in contacts if isinstance(c, dict) and c.get("ContactID")]
        existing = {b.external_id: b for b in Binding.search(
            [("backend_id", "=", connection.id), ("external_id", "in", ids)])}
        to_create = []
        changed_linked = to_suggest = Binding.browse()
        for contact in contacts:
            if not isinstance(contact, dict) or not contact.get("ContactID"):
                _logger.warning("Skipping a Xero contact without ContactID: %r", contact)
                continue
            contact_id = contact["ContactID"]
            seen.add(contact_id)
            values, notes = cm.from_xero(contact)
            vals = Binding._xero_display_vals(contact, values, notes)
            binding = existing.get(contact_id)
            if not binding:
                if vals["xero_status"] == "ACTIVE" or include_archived:
                    # Archived ones only when asked, kept out of sight (inactive).
                    to_create.append(dict(vals, backend_id=connection.id,
                                          external_id=contact_id,
                                          active=vals["xero_status"] == "ACTIVE"))
                continue
            if (binding.xero_values == values and binding.xero_status == vals["xero_status"]
                    and binding.external_updated_at == vals["external_updated_at"]):
                continue  # nothing new (e.g. the page overlapping the watermark)
            vals["active"] = vals["xero_status"] == "ACTIVE" or binding.state == "linked"
            if binding.xero_values != values:
                if binding.state == "linked":
                    changed_linked |= binding
                elif binding.state == "review":
                    to_suggest |= binding
            binding.write(vals)
        if to_create:
            to_suggest |= Binding.create(to_create)
        if changed_linked:
            self._apply_changes(changed_linked, resolver)
        return to_suggest

    def _flag_vanished(self, connection, seen):
        """A full read that no longer lists a contact: treat it as archived."""
        gone = self.env["xero.contact"].search([
            ("backend_id", "=", connection.id), ("xero_status", "=", "ACTIVE"),
            ("external_id", "!=", False), ("external_id", "not in", list(seen)),
        ])
        gone.write({"xero_status": "ARCHIVED"})
        gone.filtered(lambda b: b.state != "linked").write({"active": False})

    # === CHANGES OF LINKED CONTACTS ===

    def _apply_changes(self, bindings, resolver):
        """Linked contacts changed in Xero: apply or keep for review."""
        odoo_values = bindings._odoo_values()
        bindings._recompute_diffs(odoo_values)
        linked = bindings.filtered("odoo_id")
        try:
            # The whole page at once: one flush (and mail tracking) for all.
            with self.env.cr.savepoint():
                pulled = self._apply_each(linked, odoo_values, resolver)
        except REFUSALS:
            # A partner refuses its change (e.g. a constraint of another
            # module): again one by one, so the rest of the page goes on.
            pulled = bindings.browse()
            for binding in linked:
                try:
                    with self.env.cr.savepoint():
                        pulled |= self._apply_each(binding, odoo_values, resolver)
                except REFUSALS as exc:
                    binding._set_pull_error(_("Could not apply Xero's change: %s", exc))
        # Once for the page, not once per contact.
        pulled.exists()._recompute_diffs()

    def _apply_each(self, bindings, odoo_values, resolver):
        """Apply each binding's change; returns those with pulled fields."""
        pulled = bindings.browse()
        for binding in bindings:
            # Alone in its prefetch set: a partner's write (mail tracking)
            # then recomputes its own fields, not those of the whole page.
            binding = binding.with_prefetch()
            if self._apply_change(binding, odoo_values[binding.odoo_id.id], resolver):
                pulled |= binding
        return pulled

    def _apply_change(self, binding, odoo_values, resolver):
        """Pull, queue a push or leave the differences for review, as the
        connection's settings say. Returns whether fields were pulled (their
        differences are then to recompute)."""
        connection = binding.backend_id
        differences = binding._differences(odoo_values)
        if not differences:
            # Xero now agrees with Odoo (e.g. our own push coming back).
            binding.snapshot = dict(binding.xero_values)
            return False
        push, pull, review = xdiff.resolve(differences, connection.conflict_policy)
        # Fields added to the sync after the link (an upgrade): see xdiff.three_way.
        never_synced = [k for k, v in (binding.snapshot or {}).items() if v is None]
        if not connection.auto_pull:
            # Changes made in Xero wait for review, except that a policy
            # deciding conflicts still decides them, and a field never synced
            # fills Odoo's empty value.
            pull = [k for k in pull if k in never_synced or any(
                d.field == k and d.side == xdiff.BOTH for d in differences)]
        if pull:
            binding._pull_fields(pull, resolver, recompute=False)
        if push and connection.auto_push:
            binding.write({"need_push": True})
        # Someone has to choose: changed on both sides, or two values of a
        # field never synced.
        conflicts = [d for d in differences if d.field in review and (
            d.side == xdiff.BOTH or d.side == xdiff.NEW and d.field in never_synced)]
        if conflicts:
            self._schedule_conflict_activity(binding, conflicts)
        return bool(pull)

    def _schedule_conflict_activity(self, binding, conflicts):
        partner = binding.odoo_id
        user = partner.user_id or binding.backend_id.connected_by_id or self.env.user
        fields_text = ", ".join(c.label for c in conflicts)
        summary = _("Xero conflict: %s", fields_text)
        if not partner.activity_ids.filtered(lambda a: a.summary == summary):
            partner.activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id, summary=summary,
                note=_("These fields differ between Odoo and Xero, changed on both sides "
                       "since the last sync or never synced yet: %s. Choose which value to "
                       "keep on the partner's Xero tab.", fields_text),
            )

    # === MATCH SUGGESTIONS ===

    def _matcher(self, connection):
        """Index of the partners a Xero contact may be linked to."""
        linked = set(self.env["xero.contact"].search(
            [("backend_id", "=", connection.id), ("odoo_id", "!=", False)]).odoo_id.ids)
        self.env.cr.execute("""
            SELECT id, name, email, vat, company_registry, ref, phone, zip
              FROM res_partner
             WHERE active AND parent_id IS NULL AND (company_id IS NULL OR company_id = %s)
        """, [connection.company_id.id])
        columns = [c.name for c in self.env.cr.description]
        partners = [dict(zip(columns, row, strict=True)) for row in self.env.cr.fetchall()]
        return Matcher(p for p in partners if p["id"] not in linked)

    def _suggest_matches(self, bindings, matcher):
        """Best partner for each unlinked Xero contact. A partner the user
        chose to link stays chosen; one that was only the suggestion follows
        the new suggestion."""
        for binding in bindings:
            match = matcher.match(binding.xero_values or {})
            vals = {
                "match_partner_id": match.partner_id or False,
                "match_score": match.score,
                "match_reason": match.reason or False,
                "match_ambiguous": match.ambiguous,
            }
            if binding.link_partner_id == binding.match_partner_id:
                vals["link_partner_id"] = match.partner_id or False
            current = {"match_partner_id": binding.match_partner_id.id or False,
                       "match_score": binding.match_score,
                       "match_reason": binding.match_reason or False,
                       "match_ambiguous": binding.match_ambiguous,
                       "link_partner_id": binding.link_partner_id.id or False}
            if any(current[k] != v for k, v in vals.items()):
                binding.write(vals)  # unchanged lines are not rewritten
        return bindings

    def _resuggest(self, connection):
        """Every line to review against today's partners (the user's
        Refresh): partners created or edited in Odoo since the lines were
        read are suggested too."""
        lines = self.env["xero.contact"].search([("backend_id", "=", connection.id),
                                                 ("state", "=", "review")])
        if lines:
            self._suggest_matches(lines, self._matcher(connection))
        return lines


def _watermarks(contacts):
    for contact in contacts:
        try:
            value = to_naive_utc(parse_datetime(contact.get("UpdatedDateUTC")))
        except (ValueError, AttributeError):
            continue
        if value:
            yield value
