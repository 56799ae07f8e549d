from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..xero_core.contact_mapping import FIELD_KEYS, as_held, looks_like_person
from ..xero_core.contact_persons import (
    PERSON_LIST,
    match_persons,
    odoo_person,
    persons_text,
    same_person,
)
from ..xero_core.names import join_person_name, split_person_name, text

# Partner fields whose change must reach Xero (see xero_core.contact_mapping).
SYNCED_FIELDS = frozenset({
    "name", "email", "phone", "mobile", "street", "street2", "xero_street3",
    "xero_street4", "city", "state_id", "zip", "country_id", "vat",
    "company_registry", "ref", "website", "xero_state_text", "xero_country_text",
    "is_company",
})
# A child contact's fields that are its parent's primary person in Xero.
PERSON_FIELDS = frozenset({"name", "email", "type", "parent_id", "active"})
SIMPLE = {"phone": "phone", "mobile": "mobile", "street": "street", "street2": "street2",
          "street3": "xero_street3", "street4": "xero_street4", "city": "city",
          "zip": "zip", "vat": "vat", "company_registry": "company_registry",
          "ref": "ref", "website": "website"}


def simple_vals(values, keys=None):
    """Partner field values of the Xero fields that map one to one."""
    return {field: values.get(key) or False for key, field in SIMPLE.items()
            if keys is None or key in keys}


def country_state_vals(resolver, country_text, state_text):
    """Country and state records for Xero's text, keeping the text when no
    Odoo record matches it. Returns (values, notes)."""
    country, country_note = resolver.country(country_text)
    state, state_note = resolver.state(state_text, country)
    return {
        "country_id": country.id,
        "xero_country_text": False if country else text(country_text) or False,
        "state_id": state.id,
        "xero_state_text": False if state else text(state_text) or False,
    }, [n for n in (country_note, state_note) if n]


class ResPartner(models.Model):
    _inherit = "res.partner"

    xero_street3 = fields.Char("Address line 3")
    xero_street4 = fields.Char("Address line 4")
    xero_state_text = fields.Char(
        "Region (as in Xero)", help="Xero's region when no Odoo state matches it."
    )
    xero_country_text = fields.Char(
        "Country (as in Xero)", help="Xero's country when no Odoo country matches it."
    )
    xero_person_role = fields.Selection(
        [("primary", "Primary person"), ("person", "Contact person")], "Role in Xero",
        copy=False,
        help="What this child contact is on its company's Xero contact, when it came from "
             "Xero. Otherwise the first child contact is the primary person and the others "
             "are contact persons.")
    xero_contact_ids = fields.One2many("xero.contact", "odoo_id", "Xero contacts")
    xero_binding_id = fields.Many2one(
        "xero.contact", compute="_compute_xero_binding_id",
        help="This partner's Xero contact in the current company's organisation.",
    )
    xero_diff_ids = fields.Many2many("xero.contact.diff", compute="_compute_xero_binding_id")
    xero_diff_count = fields.Integer(compute="_compute_xero_binding_id")
    xero_sync_state = fields.Selection(
        lambda self: self.env["xero.contact"]._fields["sync_state"].selection,
        compute="_compute_xero_binding_id")
    xero_error = fields.Text(compute="_compute_xero_binding_id")

    @api.depends("xero_contact_ids.state", "xero_contact_ids.diff_ids",
                 "xero_contact_ids.sync_state", "xero_contact_ids.error_message")
    @api.depends_context("company")
    def _compute_xero_binding_id(self):
        for partner in self:
            binding = partner.xero_contact_ids.filtered(
                lambda b: b.state == "linked" and b.company_id == self.env.company)[:1]
            partner.xero_binding_id = binding
            partner.xero_diff_ids = binding.diff_ids
            partner.xero_diff_count = len(binding.diff_ids)
            partner.xero_sync_state = binding.sync_state
            partner.xero_error = binding.error_message

    # === SYNC VALUES ===

    @api.model
    def _xero_address_resolver(self):
        return _AddressResolver(self.env)

    @api.model
    def _xero_partner_vals(self, values, resolver):
        """res.partner values (+ its child contacts: the primary person,
        then Xero's contact persons) for a Xero contact's sync values: the
        partner an import creates. Returns (vals, children, notes)."""
        person_like = looks_like_person(values)
        place, notes = country_state_vals(resolver, values.get("country"), values.get("state"))
        vals = {
            "name": values.get("name") or _("Unnamed Xero contact"),
            "is_company": not person_like,
            "company_id": False,
            "email": values.get("email") if person_like else False,
            **simple_vals(values),
            **place,
        }
        children = []
        person_name = join_person_name(values.get("first_name"), values.get("last_name"))
        if not person_like and (person_name or values.get("email")):
            if person_name:
                children.append({"name": person_name, "type": "contact",
                                 "email": values.get("email") or False,
                                 "xero_person_role": "primary"})
            else:
                vals["email"] = values.get("email")
        children += [self._xero_person_vals(p) for p in values.get(PERSON_LIST) or []]
        return vals, children, notes

    @api.model
    def _xero_person_vals(self, person):
        """A child contact for one of Xero's contact persons."""
        return {"name": person.get("name") or person.get("email"), "type": "contact",
                "email": person.get("email") or False, "xero_person_role": "person"}

    def _xero_primary_person(self):
        """The partner standing for the Xero contact's primary person: the
        child contact that came from it, else the first child contact unless
        that one came from Xero's contact persons (a Xero contact may have
        persons and no primary person: a contact added in Odoo then is one
        more person, and the contact's email stays)."""
        self.ensure_one()
        if not self.is_company:
            return self
        people = self._xero_child_contacts()
        return people.filtered(lambda c: c.xero_person_role == "primary")[:1] or people[
            :1].filtered(lambda c: c.xero_person_role != "person")

    def _xero_child_contacts(self):
        return self.child_ids.filtered(lambda c: c.type == "contact" and c.active).sorted("id")

    def _xero_additional_persons(self):
        """The child contacts that are Xero's contact persons: all but the
        primary person."""
        self.ensure_one()
        people = self._xero_child_contacts()
        return people - self._xero_primary_person() if self.is_company else people

    def _xero_sync_values(self, name_hints=None, held=None):
        """{partner id: sync values} (same keys as xero_core.contact_mapping).

        ``name_hints`` ({partner id: (first, last)}, from the last sync) keep
        Xero's split of a person's name ("Jan" / "van der Berg") as long as
        Odoo's single name still reads the same. ``held`` ({partner id: Xero's
        sync values}) gives country and region in the form Xero holds them
        ("NSW" stays "NSW")."""
        held = held or {}
        result = {}
        # Country and region names as Xero has them, whatever the user's language.
        for partner in self.with_context(lang="en_US"):
            person = partner._xero_primary_person()
            person_name = person.name if person else ""
            if partner.is_company:
                email = person.email if person else partner.email
            else:
                email = partner.email
            first, last = split_person_name(person_name, (name_hints or {}).get(partner.id))
            values = {
                "name": text(partner.name),
                "first_name": first,
                "last_name": last,
                "email": text(email),
                "state": partner._xero_place(partner.state_id, partner.xero_state_text,
                                             held.get(partner.id, {}).get("state")),
                "country": partner._xero_place(partner.country_id, partner.xero_country_text,
                                               held.get(partner.id, {}).get("country")),
            }
            for key, field in SIMPLE.items():
                values[key] = text(partner[field])
            persons = [partner._xero_person_values(c) for c in partner._xero_additional_persons()]
            values["persons"] = persons_text(persons)
            result[partner.id] = {key: values.get(key, "") for key in FIELD_KEYS}
            result[partner.id][PERSON_LIST] = persons
        return result

    @api.model
    def _xero_person_values(self, child):
        return odoo_person(child.name, child.email)

    @api.model
    def _xero_place(self, record, kept_text, held):
        """A country or state as Xero holds it (see contact_mapping.as_held);
        Xero's own text when no Odoo record matched it."""
        if not record:
            return text(kept_text)
        return as_held(record.code, record.name, held)

    def _xero_apply_values(self, values, keys, resolver=None, name_hint=None,
                           archive_persons=True):
        """Write Xero sync ``values`` for ``keys`` into the partner, without
        marking it for a push (this is a pull). ``name_hint``: the (first,
        last) last synced, to split the person's name the same way.
        ``archive_persons=False`` (a link taking Xero's data): child contacts
        Xero does not have are kept, never having been synced. Returns notes
        about values that could not map to an Odoo record."""
        self.ensure_one()
        resolver = resolver or self._xero_address_resolver()
        notes = []
        vals = {}
        keys = set(keys)
        if "name" in keys and text(values.get("name")):
            vals["name"] = values["name"]
        vals.update(simple_vals(values, keys))
        if "country" in keys or "state" in keys:
            country_text = values.get("country") if "country" in keys else (
                self.country_id.name or self.xero_country_text)
            state_text = values.get("state") if "state" in keys else (
                self.state_id.name or self.xero_state_text)
            place, notes = country_state_vals(resolver, country_text, state_text)
            vals.update(place)
        person_keys = keys & {"first_name", "last_name", "email"}
        partner = self.with_context(xero_no_push=True)
        if person_keys and not self.is_company:
            if "email" in person_keys:
                vals["email"] = values.get("email") or False
            if ("first_name" in person_keys or "last_name" in person_keys) and "name" not in vals:
                current_first, current_last = split_person_name(self.name, name_hint)
                name = join_person_name(
                    values.get("first_name") if "first_name" in person_keys else current_first,
                    values.get("last_name") if "last_name" in person_keys else current_last,
                )
                if name:
                    vals["name"] = name
        elif person_keys:
            partner._xero_apply_person(values, person_keys, name_hint,
                                       keep_people=not archive_persons)
        if "persons" in keys and PERSON_LIST in values:
            partner._xero_apply_persons(values[PERSON_LIST], archive=archive_persons)
        if vals:
            partner.write(vals)
        return notes

    def _xero_apply_persons(self, persons, archive=True):
        """Make the contact persons Xero's: each is found by email (or name),
        updated or created; a child contact no longer in Xero is archived
        (``archive``), never deleted."""
        children = self._xero_additional_persons()
        pairs, unpaired = match_persons([self._xero_person_values(c) for c in children],
                                        persons)
        to_create = []
        for index, person in pairs:
            vals = self._xero_person_vals(person)
            if index is None:
                to_create.append(dict(vals, parent_id=self.id))
                continue
            child = children[index]
            vals = {k: v for k, v in vals.items() if k != "type" and child[k] != v}
            if vals:
                child.write(vals)
        if unpaired and archive:
            children.browse([children[i].id for i in unpaired]).write({"active": False})
        if to_create:
            self.create(to_create)

    def _xero_apply_person(self, values, keys, name_hint=None, keep_people=False):
        """Company partner: the primary person is a child contact. Xero's
        primary person already among the child contacts (one of its persons
        until now) becomes the primary one; ``keep_people`` (a link taking
        Xero's data): a primary person who is someone else is kept, as one
        more person, rather than renamed."""
        person = self._xero_primary_person()
        first, last = split_person_name(person.name, name_hint) if person else ("", "")
        first = values.get("first_name") if "first_name" in keys else first
        last = values.get("last_name") if "last_name" in keys else last
        name = join_person_name(first, last)
        email = values.get("email") if "email" in keys else (person.email if person else "")
        wanted = {"name": name, "email": email}
        if name and (not person or keep_people and not same_person(
                self._xero_person_values(person), wanted)):
            found = next((c for c in self._xero_child_contacts() - person
                          if same_person(self._xero_person_values(c), wanted)), None)
            if person.xero_person_role == "primary":
                person.xero_person_role = "person"
            if found:
                found.xero_person_role = "primary"
            person = found
        if person:
            vals = {}
            if name:
                vals["name"] = name
            if "email" in keys:
                vals["email"] = email or False
            person.write(vals)
        elif name:
            self.create({"parent_id": self.id, "type": "contact", "name": name,
                         "email": email or False, "xero_person_role": "primary"})
        elif "email" in keys:
            self.email = email or False

    # === CHANGE TRACKING ===

    def _xero_bindings_to_mark(self, vals):
        """Bindings whose Xero contact a write of ``vals`` changes, in every
        company (bookkeeping: not limited by the user's current companies)."""
        keys = set(vals)
        partners = self.sudo().with_context(active_test=False)
        bindings = self.env["xero.contact"].sudo()
        if keys & SYNCED_FIELDS:
            bindings |= partners.xero_contact_ids
        if keys & PERSON_FIELDS:
            bindings |= partners.filtered("parent_id").parent_id.xero_contact_ids
        return bindings.filtered(lambda b: b.state == "linked")

    def write(self, vals):
        if not vals and self.env.context.get("xero_no_push"):
            # A value pulled from Xero into a company: Odoo passes the
            # commercial fields on to its child contacts, an empty write
            # when none changed; skipped, it would only cost mail tracking.
            return True
        if self.env.context.get("xero_no_push") or not (
            set(vals) & (SYNCED_FIELDS | PERSON_FIELDS)
        ):
            return super().write(vals)
        before = self._xero_bindings_to_mark(vals)
        res = super().write(vals)
        (before | self._xero_bindings_to_mark(vals))._mark_odoo_changed()
        return res

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if not self.env.context.get("xero_no_push"):
            persons = partners.filtered(lambda p: p.parent_id and p.type == "contact")
            persons.sudo().parent_id.xero_contact_ids.filtered(
                lambda b: b.state == "linked")._mark_odoo_changed()
        return partners

    def unlink(self):
        # Deleting a partner never deletes anything in Xero: the Xero contact
        # goes back to the "to review" list (for whoever may delete it).
        self.check_access("unlink")
        self.env["xero.contact"].sudo().with_context(active_test=False).search(
            [("odoo_id", "in", self.ids)]).action_unlink_partner()
        return super().unlink()

    # === ACTIONS ===

    def action_open_xero_contact(self):
        """The partner's Xero link (open in Xero, unlink)."""
        self._xero_check_read()
        self.ensure_one()
        bindings = self.commercial_partner_id.xero_contact_ids
        action = {
            "type": "ir.actions.act_window",
            "res_model": "xero.contact",
            "name": _("Xero contact"),
            "domain": [("id", "in", bindings.ids)],
            "view_mode": "list,form",
        }
        if len(bindings) == 1:
            action.update(view_mode="form", res_id=bindings.id)
        return action

    def _xero_binding_or_raise(self):
        """The binding, for someone allowed to edit this partner."""
        self._xero_check_write()
        self.ensure_one()
        if not self.xero_binding_id:
            raise UserError(_("%s is not linked to Xero in this company.", self.display_name))
        return self.xero_binding_id.sudo()

    def action_xero_push_all(self):
        return self._xero_binding_or_raise().action_push_all()

    def action_xero_pull_all(self):
        return self._xero_binding_or_raise().action_pull_all()

    def action_xero_ignore_all(self):
        return self._xero_binding_or_raise().action_ignore_all()

    def action_xero_retry(self):
        return self._xero_binding_or_raise().action_retry()


class _AddressResolver:
    """Find Odoo countries / states for Xero's free-text address fields."""

    def __init__(self, env):
        self.env = env
        self.countries = {}
        for country in env["res.country"].with_context(lang="en_US").search_read(
                [], ["code", "name"]):
            self.countries[country["code"].upper()] = country["id"]
            self.countries[country["name"].casefold()] = country["id"]
        self.states = {}

    def country(self, value):
        value = text(value)
        if not value:
            return self.env["res.country"], None
        country_id = self.countries.get(value.casefold()) or self.countries.get(value.upper())
        if not country_id:
            return self.env["res.country"], _(
                "Country “%s” matches no Odoo country; kept as text.", value)
        return self.env["res.country"].browse(country_id), None

    def state(self, value, country):
        value = text(value)
        if not value:
            return self.env["res.country.state"], None
        state_id = None
        if country:  # a region name means nothing without its country
            if country.id not in self.states:
                table = {}
                for state in self.env["res.country.state"].with_context(
                        lang="en_US").search_read([("country_id", "=", country.id)],
                                                  ["code", "name"]):
                    table.setdefault(state["code"].upper(), state["id"])
                    table.setdefault(state["name"].casefold(), state["id"])
                self.states[country.id] = table
            states = self.states[country.id]
            state_id = states.get(value.casefold()) or states.get(value.upper())
        if not state_id:
            return self.env["res.country.state"], _(
                "Region “%s” matches no Odoo state; kept as text.", value)
        return self.env["res.country.state"].browse(state_id), None
