from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang

from ..xero_core import exec_summary, organisation_mapping


class XeroClientLink(models.Model):
    """A client (company partner) linked to its own Xero organisation, read
    through the authorisation that reaches it. What Xero said is cached here;
    the partner's Xero Organisation tab shows the cache."""

    _name = "xero.client.link"
    _description = "Xero client organisation link"
    _order = "partner_id, id"

    partner_id = fields.Many2one(
        "res.partner",
        "Client",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("is_company", "=", True)],
    )
    organisation_id = fields.Many2one(
        "xero.organisation",
        "Xero organisation",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    tenant_id = fields.Char(related="organisation_id.tenant_id")
    authorization_id = fields.Many2one(related="organisation_id.authorization_id")
    xero_login = fields.Char(related="organisation_id.authorization_id.name", string="Xero login")
    state = fields.Selection(
        [("connected", "Connected"), ("expired", "Expired"), ("unreachable", "Unreachable")],
        # As the system: whoever sees the client reads the state, never the
        # authorisation's tokens.
        compute="_compute_state", compute_sudo=True,
    )
    linked_by_id = fields.Many2one("res.users", "Linked by", readonly=True)
    linked_at = fields.Datetime(readonly=True)

    # Cache of what Xero answered, refreshed on demand and daily.
    organisation_data = fields.Json(readonly=True)
    summary_data = fields.Json("Executive Summary (as Xero sent it)", readonly=True)
    user_ids = fields.One2many("xero.client.link.user", "link_id", "Xero users", readonly=True)
    organisation_note = fields.Text(readonly=True)
    users_note = fields.Text(readonly=True)
    summary_note = fields.Text(readonly=True)
    refresh_note = fields.Text(readonly=True, help="Why the last refresh stopped.")
    refreshed_at = fields.Datetime("Last refreshed", readonly=True)
    summary_html = fields.Html("Executive Summary", compute="_compute_summary_html", sanitize=False)

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A partner is linked to at most one Xero organisation per company.",
        ),
    ]

    @api.depends("partner_id.name", "organisation_id.name")
    def _compute_display_name(self):
        for link in self:
            link.display_name = " → ".join(
                n for n in (link.partner_id.name, link.organisation_id.name) if n
            )

    @api.depends("organisation_id.reachable", "organisation_id.authorization_id.state")
    def _compute_state(self):
        for link in self:
            org = link.organisation_id
            auth = org.authorization_id
            if not auth or auth.state == "revoked" or not org.reachable:
                link.state = "unreachable"
            elif auth.state == "expired":
                link.state = "expired"
            else:
                link.state = "connected"

    @api.depends_context("lang")
    @api.depends("summary_data", "organisation_id.base_currency")
    def _compute_summary_html(self):
        for link in self:
            summary = exec_summary.normalise(link.summary_data) if link.summary_data else None
            if not summary or exec_summary.is_empty(summary):
                link.summary_html = False
                continue
            summary = exec_summary.format_amounts(summary, link._format_amount)
            link.summary_html = self.env["ir.qweb"]._render(
                "xero_connector.client_link_exec_summary", {"summary": summary}
            )

    def _format_amount(self, value):
        """An amount of the organisation's Executive Summary, in its currency
        and the user's language."""
        code = self.organisation_id.base_currency
        currency = code and self.env["res.currency"].with_context(active_test=False).search(
            [("name", "=", code)], limit=1)
        if currency:
            return formatLang(self.env, value, currency_obj=currency)
        return " ".join(t for t in (code, formatLang(self.env, value, digits=2)) if t)

    @api.constrains("organisation_id", "company_id")
    def _check_company(self):
        for link in self:
            if link.organisation_id.company_id != link.company_id:
                raise ValidationError(
                    _(
                        "%(org)s belongs to another company than the link.",
                        org=link.organisation_id.name,
                    )
                )

    # === LINKING ===

    @api.model
    def _link(self, partner, organisation, confirm=False):
        """Link ``partner`` to ``organisation`` (no Xero call). Another
        partner linked to it already: refuse unless ``confirm``."""
        partner.ensure_one()
        organisation.ensure_one()
        if not partner.is_company:
            raise UserError(
                _(
                    "Only a company can be linked to a Xero organisation: %s is an individual.",
                    partner.display_name,
                )
            )
        company = organisation.company_id
        others = self.search(
            [("organisation_id", "=", organisation.id), ("partner_id", "!=", partner.id)]
        )
        if others and not confirm:
            raise UserError(
                _(
                    "%(org)s is already linked to %(partners)s. Two clients would then show "
                    "the same organisation: confirm to link %(partner)s to it as well.",
                    org=organisation.name,
                    partners=", ".join(others.partner_id.mapped("name")),
                    partner=partner.display_name,
                )
            )
        link = self.search(
            [("partner_id", "=", partner.id), ("company_id", "=", company.id)], limit=1
        )
        if link.organisation_id == organisation:
            return link
        vals = {
            "organisation_id": organisation.id,
            "linked_by_id": self.env.uid,
            "linked_at": fields.Datetime.now(),
        }
        if link:
            link._clear_cache()
            link.write(vals)
        else:
            link = self.create(dict(vals, partner_id=partner.id, company_id=company.id))
        # A note, not a message: it needs no sender address.
        partner._message_log(
            body=_(
                "Linked to the Xero organisation %(org)s by %(user)s.",
                org=organisation.name,
                user=self.env.user.name,
            )
        )
        return link

    def action_disconnect(self):
        """Remove the links only: the authorisation, the organisation record
        and the practice connection stay, so it can be picked again."""
        self._xero_check_manager()
        for link in self:
            link.partner_id._message_log(
                body=_(
                    "Unlinked from the Xero organisation %(org)s by %(user)s.",
                    org=link.organisation_id.name,
                    user=self.env.user.name,
                )
            )
        self.unlink()
        return True

    def _clear_cache(self):
        self.sudo().user_ids.unlink()
        self.sudo().write(
            {
                "organisation_data": False,
                "summary_data": False,
                "organisation_note": False,
                "users_note": False,
                "summary_note": False,
                "refresh_note": False,
                "refreshed_at": False,
            }
        )

    # === READING XERO ===

    def _refresh_safely(self):
        """Refresh the cache now (see xero.client.refresher); never raises
        for Xero's sake: the reason is kept in the notes."""
        self.env["xero.client.refresher"]._run_for(self)
        return True

class XeroClientLinkUser(models.Model):
    """A user registered in a client's Xero organisation (cached)."""

    _name = "xero.client.link.user"
    _description = "Xero user of a client organisation"
    _order = "link_id, last_name, first_name, id"
    _rec_name = "name"

    link_id = fields.Many2one("xero.client.link", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="link_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="link_id.partner_id")
    xero_user_id = fields.Char("Xero user ID", readonly=True)
    first_name = fields.Char(readonly=True)
    last_name = fields.Char(readonly=True)
    name = fields.Char(compute="_compute_name")
    email = fields.Char(readonly=True)
    role = fields.Char("Xero role", readonly=True)
    role_label = fields.Char("Role", compute="_compute_name")
    is_subscriber = fields.Boolean("Subscriber", readonly=True)
    contact_id = fields.Many2one(
        "res.partner",
        "Odoo contact",
        compute="_compute_contact_id",
        help="The client's contact with this email, if any.",
    )

    @api.depends("first_name", "last_name", "email", "role")
    def _compute_name(self):
        for user in self:
            line = {
                "first_name": user.first_name or "",
                "last_name": user.last_name or "",
                "email": user.email or "",
            }
            user.name = organisation_mapping.contact_values(line)["name"]
            user.role_label = organisation_mapping.user_values({"OrganisationRole": user.role})[
                "role_label"
            ]

    @api.depends("email", "link_id.partner_id.child_ids.email")
    def _compute_contact_id(self):
        for user in self:
            user.contact_id = user.partner_id._xero_client_contact_for(user.email)

    def _as_values(self):
        self.ensure_one()
        return {
            "first_name": self.first_name or "",
            "last_name": self.last_name or "",
            "email": self.email or "",
        }

    def action_import_contact(self):
        """Create (or update) the client's child contact for this user."""
        self.partner_id._xero_check_write(self)
        self.ensure_one()
        return self.partner_id._xero_client_import_user(self)
