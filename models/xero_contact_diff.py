from odoo import _, api, fields, models

from ..xero_core import contact_mapping as cm
from ..xero_core import diff as xdiff

SIDES = [
    (xdiff.ODOO, "Changed in Odoo"),
    (xdiff.XERO, "Changed in Xero"),
    (xdiff.BOTH, "Changed on both"),
    (xdiff.NEW, "Never synced"),
]


class XeroContactDiff(models.Model):
    """A field on which a linked partner and its Xero contact disagree."""

    _name = "xero.contact.diff"
    _description = "Xero contact difference"
    _order = "partner_id, id"

    binding_id = fields.Many2one("xero.contact", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(related="binding_id.odoo_id", store=True, index=True)
    connection_id = fields.Many2one(related="binding_id.backend_id", store=True)
    company_id = fields.Many2one(related="binding_id.company_id", store=True)
    field = fields.Selection([(f.key, f.label) for f in cm.FIELDS], required=True)
    odoo_value = fields.Char("Odoo value")
    xero_value = fields.Char("Xero value")
    side = fields.Selection(SIDES, "Changed", required=True)
    can_push = fields.Boolean(compute="_compute_can_push")
    empty_in_odoo = fields.Boolean(
        compute="_compute_shown", help="Pushing it would clear Xero's value: only this "
        "line's Push to Xero does that, never Push all or a scheduled push.")
    odoo_shown = fields.Char("In Odoo", compute="_compute_shown")
    xero_shown = fields.Char("In Xero", compute="_compute_shown")

    @api.depends("field")
    def _compute_can_push(self):
        for diff in self:
            diff.can_push = not cm.FIELD_BY_KEY[diff.field].pull_only

    @api.depends("odoo_value", "xero_value")
    def _compute_shown(self):
        for diff in self:
            diff.empty_in_odoo = not diff.odoo_value and bool(diff.xero_value)
            # A ";" inside a person's name is kept apart from the list's by
            # a backslash (see xero_core.contact_persons): not shown.
            diff.odoo_shown = (diff.odoo_value or "").replace("\\;", ";") or _(
                "(empty in Odoo)")
            diff.xero_shown = (diff.xero_value or "").replace("\\;", ";") or _(
                "(empty in Xero)")

    def _label_text(self):
        return dict(self._fields["field"]._description_selection(self.env))[self.field]

    def _checked(self):
        """Whoever may edit the partners may settle their differences; the
        bindings' bookkeeping itself is done as the system. The differences
        must be of the user's companies (a partner may be shared)."""
        self.partner_id._xero_check_write(self)
        return self.sudo()

    def _labels(self):
        return ", ".join(dict(self._fields["field"]._description_selection(self.env)).get(
            d.field, d.field) for d in self)

    def _by_binding(self):
        result = {}
        for diff in self:
            result.setdefault(diff.binding_id, []).append(diff.field)
        return result

    def action_push(self):
        """Send the Odoo value(s) to Xero now."""
        diffs = self._checked()
        by_binding = {b.id: [f for f in keys if not cm.FIELD_BY_KEY[f].pull_only]
                      for b, keys in diffs._by_binding().items()}
        # Read before the push: it replaces the difference lines.
        bindings, labels = diffs.binding_id, diffs._labels()
        diffs.env["xero.contact.exporter"]._run_for(bindings, by_binding)
        return bindings._notify_done(_("Sent to Xero: %s.", labels))

    def action_pull(self):
        """Take the Xero value(s) into the partner."""
        diffs = self._checked()
        resolver = diffs.env["res.partner"]._xero_address_resolver()
        bindings, labels = diffs.binding_id, diffs._labels()
        for binding, keys in diffs._by_binding().items():
            binding._pull_fields(keys, resolver)
        return bindings._notify_done(_("Taken from Xero: %s.", labels))

    def action_ignore(self):
        """Keep both values as they are; this difference stays hidden until
        either side changes again."""
        diffs = self._checked()
        for binding, _keys in diffs._by_binding().items():
            ignored = dict(binding.ignored_diffs or {})
            for diff in diffs.filtered(lambda d, b=binding: d.binding_id == b):
                ignored[diff.field] = [xdiff.normalise(diff.field, diff.odoo_value),
                                       xdiff.normalise(diff.field, diff.xero_value)]
            binding.ignored_diffs = ignored
        diffs.unlink()
        return True
