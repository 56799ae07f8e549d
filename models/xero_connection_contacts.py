"""Contacts between a connection's Xero organisation and Odoo: refresh (pull),
import, push. The Xero I/O and the mapping are in xero_core; this file
decides what to store and commits per batch so an interrupted run resumes
without duplicates."""

import logging
import time
import uuid
from datetime import timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..xero_core import contact_mapping as cm
from ..xero_core.client import PAGE_SIZE, element_errors, element_failed
from ..xero_core.dates import parse_datetime, to_naive_utc
from ..xero_core.errors import (
    XeroAuthError,
    XeroError,
    XeroRateLimited,
    XeroValidationError,
)
from ..xero_core.idempotency import request_key
from ..xero_core.matching import Matcher
from .res_partner import country_state_vals, simple_vals

_logger = logging.getLogger(__name__)

PUSH_BATCH = 50  # elements per Xero write
PUSH_BATCHES_PER_RUN = 20
IMPORT_BATCH = 500
FULL_RECONCILE_EVERY = timedelta(days=7)
# Ask Xero for changes a little before the watermark: clocks and equal
# timestamps must not make us miss a change (re-reading one is harmless).
WATERMARK_SKEW = timedelta(seconds=1)
NAME_CLASH = "is already assigned to another contact"


class XeroConnection(models.Model):
    _inherit = "xero.connection"

    contact_ids = fields.One2many("xero.contact", "backend_id")
    contacts_full_page = fields.Integer(
        readonly=True, copy=False, help="Next page of a full read of Xero's contacts in progress.")
    contacts_full_started = fields.Datetime(readonly=True, copy=False)
    contacts_full_archived = fields.Boolean(readonly=True, copy=False)
    create_in_xero_since = fields.Datetime(readonly=True, copy=False)

    def write(self, vals):
        if vals.get("create_in_xero") not in (None, "off"):
            # The transaction's time: partners created from now on qualify.
            vals.setdefault("create_in_xero_since", self.env.cr.now())
        return super().write(vals)

    def _has_links(self):
        return super()._has_links() or bool(
            self.env["xero.contact"].with_context(active_test=False).search_count(
                [("backend_id", "in", self.ids)], limit=1))

    def _reset_sync_state(self):
        self.write({"contacts_synced_at": False, "contacts_full_at": False,
                    "contacts_full_page": 0, "contacts_full_started": False})
        return super()._reset_sync_state()

    # === REFRESH / PULL ===

    def _sync_contacts_from_xero(self, full=None, max_pages=None, client=None,
                                 include_archived=False):
        """Read Xero contacts into bindings, commit per page.

        Incremental runs ask for what changed since the watermark, oldest
        change first. Full runs (the first one, then weekly) read everything
        in ContactID order, page by page, remembering the next page, so an
        interrupted full read resumes where it stopped. Matches are
        suggested for new lines; linked contacts that changed in Xero are
        compared with Odoo and pulled when the settings say so.

        Returns {"calls", "contacts", "pages", "done"}.
        """
        self.ensure_one()
        client = self._client_for_sync(client)
        first_run = not self.contacts_synced_at and not self.contacts_full_page
        if self.contacts_full_page:
            full = True  # finish the full read in progress
        elif full is None:
            full = first_run or not self.contacts_full_at or (
                self.contacts_full_at < fields.Datetime.now() - FULL_RECONCILE_EVERY)
        if full and not self.contacts_full_page:
            # The first refresh leaves archived contacts out unless asked;
            # later ones include them: archiving is a change to see.
            self.write({"contacts_full_page": 1, "contacts_full_started": fields.Datetime.now(),
                        "contacts_full_archived": include_archived or not first_run})
        stats = {"calls": 0, "contacts": 0, "pages": 0, "done": False}
        calls_before = client.calls
        resolver = self.env["xero.contact"]._address_resolver()
        seen, matcher = set(), None
        start_page = self.contacts_full_page if full else 1
        if full:
            pages = client.iter_contact_pages(include_archived=self.contacts_full_archived,
                                              start_page=start_page, order="ContactID ASC")
        else:
            pages = client.iter_contact_pages(
                modified_since=self.contacts_synced_at - WATERMARK_SKEW, include_archived=True)
        for page, contacts in pages:
            stats["pages"] += 1
            stats["contacts"] += len(contacts)
            to_suggest = self._upsert_contacts(contacts, resolver, seen, include_archived)
            if to_suggest:
                matcher = matcher or self._matcher()
                self._suggest_matches(to_suggest, matcher)
            if full:
                self.contacts_full_page = page + 1
            else:
                watermark = max(self._page_watermarks(contacts), default=None)
                if watermark and watermark > self.contacts_synced_at:
                    self.contacts_synced_at = watermark
            self._commit()
            if max_pages and stats["pages"] >= max_pages and len(contacts) == PAGE_SIZE:
                stats["calls"] = client.calls - calls_before
                return stats
        if full:
            # Every contact was read since the full read started: changes
            # from then on are the next incremental run's.
            started = self.contacts_full_started
            if start_page == 1 and not first_run:
                self._flag_vanished_contacts(seen)
            self.write({
                "contacts_full_page": 0,
                "contacts_full_at": started,
                "contacts_synced_at": max(started - WATERMARK_SKEW,
                                          self.contacts_synced_at or started - WATERMARK_SKEW),
            })
        stats.update(calls=client.calls - calls_before, done=True)
        self.env["xero.sync.log"]._log_event(
            self, "pull contacts",
            _("%(n)s contact(s) read from Xero in %(calls)s call(s).",
              n=stats["contacts"], calls=stats["calls"]),
            direction="pull", count=stats["contacts"])
        self._commit()
        return stats

    @staticmethod
    def _page_watermarks(contacts):
        for contact in contacts:
            try:
                value = to_naive_utc(parse_datetime(contact.get("UpdatedDateUTC")))
            except (ValueError, AttributeError):
                continue
            if value:
                yield value

    def _upsert_contacts(self, contacts, resolver, seen, include_archived=False):
        """Store one page of Xero contacts; a bad record gets a note on its
        line and the others go on."""
        Binding = self.env["xero.contact"].with_context(xero_no_push=True, active_test=False)
        ids = [c.get("ContactID") for c in contacts if isinstance(c, dict) and c.get("ContactID")]
        existing = {b.external_id: b for b in Binding.search(
            [("backend_id", "=", self.id), ("external_id", "in", ids)])}
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
                    to_create.append(dict(vals, backend_id=self.id, external_id=contact_id,
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
            self._process_xero_changes(changed_linked, resolver)
        return to_suggest

    def _process_xero_changes(self, bindings, resolver):
        """Linked contacts changed in Xero: apply or keep for review."""
        odoo_values = bindings._odoo_values()
        bindings._recompute_diffs(odoo_values)
        for binding in bindings.filtered("odoo_id"):
            try:
                with self.env.cr.savepoint():
                    binding._apply_xero_change(odoo_values[binding.odoo_id.id], resolver)
            except (UserError, ValidationError, ValueError, psycopg2.Error) as exc:
                # This partner refuses the change (e.g. a constraint of another
                # module): say so on it; the rest of the page goes on.
                binding._set_pull_error(_("Could not apply Xero's change: %s", exc))

    def _flag_vanished_contacts(self, seen):
        """A full read that no longer lists a contact: treat it as archived."""
        gone = self.env["xero.contact"].search([
            ("backend_id", "=", self.id), ("xero_status", "=", "ACTIVE"),
            ("external_id", "!=", False), ("external_id", "not in", list(seen)),
        ])
        gone.write({"xero_status": "ARCHIVED"})
        gone.filtered(lambda b: b.state != "linked").write({"active": False})

    def _matcher(self):
        """Index of the partners a Xero contact may be linked to."""
        linked = set(self.env["xero.contact"].search(
            [("backend_id", "=", self.id), ("odoo_id", "!=", False)]).mapped("odoo_id").ids)
        self.env.cr.execute("""
            SELECT id, name, email, vat, company_registry, ref, phone, zip
              FROM res_partner
             WHERE active AND parent_id IS NULL AND (company_id IS NULL OR company_id = %s)
        """, [self.company_id.id])
        columns = [c.name for c in self.env.cr.description]
        partners = [dict(zip(columns, row, strict=True)) for row in self.env.cr.fetchall()]
        return Matcher(p for p in partners if p["id"] not in linked)

    def _suggest_matches(self, bindings, matcher=None):
        """Best partner for each unlinked Xero contact."""
        matcher = matcher or self._matcher()
        for binding in bindings:
            match = matcher.match(binding.xero_values or {})
            binding.write({
                "match_partner_id": match.partner_id or False,
                "match_score": match.score,
                "match_reason": match.reason or False,
                "match_ambiguous": match.ambiguous,
                "link_partner_id": match.partner_id or False,
            })

    # === IMPORT ===

    def _import_contacts(self, bindings, batch_size=IMPORT_BATCH):
        """Create partners from Xero contacts in batches, each committed with
        its bindings: a rerun after an interruption continues with what is
        left and creates no duplicate."""
        self.ensure_one()
        resolver = self.env["xero.contact"]._address_resolver()
        done = 0
        for start in range(0, len(bindings), batch_size):
            batch = bindings[start:start + batch_size].exists().filtered(
                lambda b: b.state != "linked" and not b.odoo_id)
            if batch:
                done += self._import_batch(batch, resolver)
            self._commit()
        return done

    def _import_batch(self, bindings, resolver):
        Partner = self.env["res.partner"].with_context(xero_no_push=True,
                                                       tracking_disable=True)
        rows = []  # (binding, partner vals, primary person vals, notes)
        for binding in bindings:
            vals, person, notes = self._partner_vals(binding.xero_values or {}, resolver)
            rows.append((binding, vals, person, notes))
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
        children = [dict(row[2], parent_id=partner.id) for row, partner in created if row[2]]
        if children:
            Partner.create(children)
        now = fields.Datetime.now()
        for (binding, _vals, _person, notes), partner in created:
            binding.write({"odoo_id": partner.id, "state": "linked", "sync_action": False,
                           "active": True, "snapshot": binding.xero_values, "sync_date": now,
                           "import_note": "\n".join(notes) or False, "need_push": False,
                           "ledger_backfilled": False})
        self.env["xero.sync.log"]._log_event(
            self, "import contacts", _("%s partner(s) created from Xero.", len(created)),
            direction="pull", count=len(created))
        return len(created)

    def _partner_vals(self, values, resolver):
        """res.partner values (+ primary person) for a Xero contact."""
        person_like = cm.looks_like_person(values)
        place, notes = country_state_vals(resolver, values.get("country"), values.get("state"))
        vals = {
            "name": values.get("name") or _("Unnamed Xero contact"),
            "is_company": not person_like,
            "company_id": False,
            "email": values.get("email") if person_like else False,
            **simple_vals(values),
            **place,
        }
        person = None
        person_name = cm.join_person_name(values.get("first_name"), values.get("last_name"))
        if not person_like and (person_name or values.get("email")):
            if person_name:
                person = {"name": person_name, "type": "contact",
                          "email": values.get("email") or False}
            else:
                vals["email"] = values.get("email")
        return vals, person, notes

    # === PUSH ===

    def _new_partners_to_create(self, limit):
        """Partners created since "Create new customers in Xero" was turned
        on that have no Xero contact yet."""
        if self.create_in_xero == "off" or not self.create_in_xero_since:
            return self.env["res.partner"]
        domain = [
            ("create_date", ">=", self.create_in_xero_since),
            ("parent_id", "=", False),
            ("active", "=", True),
            ("company_id", "in", [False, self.company_id.id]),
            ("xero_contact_ids", "not any", [("backend_id", "=", self.id)]),
        ]
        if self.create_in_xero == "customers":
            domain.append(("customer_rank", ">", 0))
        return self.env["res.partner"].search(domain, limit=limit, order="id")

    def _push_contacts(self, max_batches=PUSH_BATCHES_PER_RUN, client=None):
        """Send pending Odoo changes, ``PUSH_BATCH`` contacts per call.
        Returns {"calls", "pushed", "failed", "remaining"}."""
        self.ensure_one()
        client = self._client_for_sync(client)
        calls_before = client.calls
        stats = {"pushed": 0, "failed": 0}
        new_partners = self._new_partners_to_create(PUSH_BATCH * max_batches)
        if new_partners:
            self.env["xero.contact"].create([{
                "backend_id": self.id, "odoo_id": p.id, "state": "linked",
                "xero_name": p.name, "need_push": True, "push_key": uuid.uuid4().hex,
            } for p in new_partners])
            self._commit()
        for _batch in range(max_batches):
            bindings = self.env["xero.contact"]._lock_for_sync(
                [("backend_id", "=", self.id), ("state", "=", "linked"),
                 ("need_push", "=", True)], PUSH_BATCH)
            if not bindings:
                break
            result = self._push_batch(bindings, client)
            stats["pushed"] += result["pushed"]
            stats["failed"] += result["failed"]
            self._commit()
        remaining = self.env["xero.contact"].search_count(
            [("backend_id", "=", self.id), ("state", "=", "linked"), ("need_push", "=", True)])
        stats.update(calls=client.calls - calls_before, remaining=remaining)
        return stats

    def _push_batch(self, bindings, client, keys_by_binding=None):
        """One POST /Contacts for up to 50 bindings; each element's answer
        goes back to its binding."""
        sent = self._contact_payloads(bindings, keys_by_binding or {})
        if not sent:
            return {"pushed": 0, "failed": 0}
        now = fields.Datetime.now()
        idempotency_key = request_key([f"{b.id}:{b.push_key}" for b, _v, _k, _p in sent],
                                      [p for _b, _v, _k, p in sent])
        log = self.env["xero.sync.log"].sudo().create({
            "connection_id": self.id, "operation": "push contacts", "direction": "push",
            "state": "running", "count": len(sent), "attempts": 1, "started_at": now,
            "record_name": _("%s contact(s)", len(sent)),
        })
        try:
            results = client.save_contacts([p for _b, _v, _k, p in sent], idempotency_key)
        except (XeroRateLimited, XeroAuthError):
            raise
        except XeroError as exc:
            log.write({"state": "failed", "message": exc.message,
                       "finished_at": fields.Datetime.now()})
            for binding, _values, _keys, _payload in sent:
                # A refusal is final; after a transport failure the outcome is
                # unknown, so a retry must reuse the same key.
                binding._set_error(exc.message, definite=isinstance(exc, XeroValidationError))
            return {"pushed": 0, "failed": len(sent)}
        pushed, failed = self._apply_contact_results(sent, results, client, now)
        log.write({"state": "done" if not failed else "failed",
                   "message": _("%(ok)s pushed, %(ko)s failed", ok=pushed, ko=failed),
                   "finished_at": fields.Datetime.now()})
        return {"pushed": pushed, "failed": failed}

    def _contact_payloads(self, bindings, keys_by_binding):
        """[(binding, odoo values, keys, payload)] of what needs sending."""
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
            payload = cm.to_xero(values, binding.external_id, keys,
                                 current=binding.xero_values or None)
            sent.append((binding, values, keys, payload))
        return sent

    def _apply_contact_results(self, sent, results, client, now):
        """Each element of Xero's answer back to its binding; a new contact
        whose name Xero already has is linked to that contact."""
        pushed = failed = 0
        for (binding, values, keys, _payload), element in zip(sent, results, strict=False):
            if element_failed(element):
                message = "; ".join(element_errors(element)) or _("Xero refused the contact.")
                if not binding.external_id and NAME_CLASH in message:
                    ok = binding._link_existing_by_name(client, values)
                else:
                    binding._set_error(message)
                    ok = False
            else:
                binding._after_push(element, values, keys, now)
                ok = True
            pushed, failed = pushed + ok, failed + (not ok)
        for binding, _values, _keys, _payload in sent[len(results):]:
            binding._set_error(_("Xero returned no answer for this contact."))
            failed += 1
        return pushed, failed

    # === SCHEDULED JOBS ===

    def _job_push_contacts(self):
        if not self.auto_push:
            return
        stats = self._push_contacts()
        self.env["ir.cron"]._notify_progress(done=stats["pushed"] + stats["failed"],
                                             remaining=stats["remaining"])

    def _job_pull_contacts(self):
        stats = self._sync_contacts_from_xero(max_pages=5)
        self.env["ir.cron"]._notify_progress(done=stats["contacts"],
                                             remaining=0 if stats["done"] else 1)

    # === BUTTONS ===

    def _refresh_contacts(self, include_archived=False):
        """Refresh from Xero (the Sync with Xero screen's buttons)."""
        self.ensure_one()
        self._check_usable()
        start = time.monotonic()
        if not self._try_state_lock():
            raise UserError(_("Xero is being read for this company right now; try again in a "
                              "minute."))
        try:
            stats = self._sync_contacts_from_xero(full=True if include_archived else None,
                                                  include_archived=include_archived)
        except XeroError as exc:
            raise UserError(exc.message) from exc
        finally:
            self._release_state_lock()
        return self._notify(_(
            "%(n)s Xero contact(s) read in %(calls)s call(s) (%(sec).1fs).",
            n=stats["contacts"], calls=stats["calls"], sec=time.monotonic() - start,
        ), reload=True)

    def _notify(self, message, reload=False, kind="success"):
        action = {"type": "ir.actions.client", "tag": "display_notification",
                  "params": {"message": message, "type": kind, "sticky": False}}
        if reload:
            action["params"]["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
        return action

    @api.model
    def _for_current_company(self):
        connection = self._for_company()
        if not connection:
            raise UserError(_("Connect this company to Xero first (Settings > Xero)."))
        return connection

