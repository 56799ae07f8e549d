import logging

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..xero_core import exec_summary, organisation_mapping
from ..xero_core.errors import (
    XeroAuthError,
    XeroError,
    XeroForbidden,
    XeroRateLimited,
)
from .xero_access import check_manager, check_record_write

_logger = logging.getLogger(__name__)

_KEEP = object()  # a part that failed for a passing reason keeps its cache


def _read_part(read):
    """(data, error) of one read. Access refused (403) drops the cached part;
    other failures keep it. Expiry and rate limits stop the whole refresh."""
    try:
        return read(), None
    except (XeroAuthError, XeroRateLimited):
        raise
    except XeroForbidden as exc:
        return None, exc
    except XeroError as exc:
        return _KEEP, exc


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

    @api.depends("summary_data")
    def _compute_summary_html(self):
        for link in self:
            summary = exec_summary.normalise(link.summary_data) if link.summary_data else None
            if not summary or exec_summary.is_empty(summary):
                link.summary_html = False
                continue
            link.summary_html = self.env["ir.qweb"]._render(
                "xero_connector.client_link_exec_summary", {"summary": summary}
            )

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
        check_manager(self)
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
        """Refresh the cache; never raises for Xero's sake (the reason is
        kept in ``refresh_note`` and the part notes)."""
        for link in self:
            try:
                link._refresh()
            except XeroRateLimited as exc:
                link.sudo().refresh_note = _(
                    "Xero's rate limit was reached (%s): click Refresh again later.",
                    exc.problem or "rate",
                )
        return True

    def _refresh(self):
        """Read the organisation, its users and the Executive Summary, each
        on its own: one refused part keeps the others. Raises
        XeroRateLimited (the caller decides whether to stop)."""
        for link in self:
            link = link.sudo()  # the cache is derived data any reader may fill
            try:
                client = link.organisation_id._xero_client()
                org, org_error = _read_part(client.organisation)
                users, users_error = _read_part(client.users)
                today = fields.Date.context_today(link)
                report, summary_error = _read_part(lambda c=client, d=today: c.executive_summary(d))
            except XeroAuthError as exc:
                # Expired or no longer reachable: the state says so, the cache stays.
                link.refresh_note = exc.message
                continue
            vals = {"refresh_note": False, "refreshed_at": fields.Datetime.now()}
            errors = (org_error, users_error, summary_error)
            if all(isinstance(e, XeroForbidden) for e in errors):
                vals["refresh_note"] = _(
                    "Xero refused every read of this organisation: it may no longer be "
                    "connected to this app. Click Reconnect to log in again."
                )
            vals.update(link._organisation_vals(org, org_error))
            vals.update(link._users_vals(users, users_error))
            vals.update(link._summary_vals(report, summary_error))
            link.write(vals)
            if isinstance(org, dict) and org:
                link.organisation_id._apply_details(org)
        return True

    def _organisation_vals(self, org, error):
        if org is _KEEP:
            return {
                "organisation_note": _(
                    "The organisation details could not be refreshed (%s); showing the "
                    "last ones read.",
                    error.message,
                )
            }
        if error:
            return {
                "organisation_data": False,
                "organisation_note": _(
                    "Xero refused access to the organisation details: the authorisation's "
                    "scope does not allow it (%s).",
                    error.message,
                ),
            }
        notes = {
            "registration_number": _("No registration number is recorded in Xero."),
            "tax_number": _("No tax number is recorded in Xero."),
            "address": _("No address is recorded in Xero."),
        }
        missing = [notes[part] for part in organisation_mapping.missing_parts(org)]
        return {"organisation_data": org or False, "organisation_note": "\n".join(missing) or False}

    def _users_vals(self, users, error):
        if users is _KEEP:
            return {
                "users_note": _(
                    "The users could not be refreshed (%s); showing the last ones read.",
                    error.message,
                )
            }
        commands = [Command.delete(line.id) for line in self.user_ids]
        if error:
            return {
                "user_ids": commands,
                "users_note": _(
                    "Xero refused access to the users: the authorisation's scope does not "
                    "allow it (%s).",
                    error.message,
                ),
            }
        for user in users:
            values = organisation_mapping.user_values(user)
            values.pop("role_label")
            commands.append(Command.create(values))
        note = False if users else _("No users are visible in this Xero organisation.")
        return {"user_ids": commands, "users_note": note}

    def _summary_vals(self, report, error):
        if report is _KEEP:
            return {
                "summary_note": _(
                    "The Executive Summary could not be refreshed (%s); showing the last one read.",
                    error.message,
                )
            }
        if error:
            return {
                "summary_data": False,
                "summary_note": _(
                    "The Executive Summary is not available: Xero refused access to the "
                    "report (%s). Reconnect with a login whose scope includes reports.",
                    error.message,
                ),
            }
        if exec_summary.is_empty(exec_summary.normalise(report)):
            return {
                "summary_data": report or False,
                "summary_note": _("Xero returned an empty Executive Summary."),
            }
        return {"summary_data": report, "summary_note": False}

    # === SCHEDULED ACTION ===

    @api.model
    def _cron_refresh_all(self):
        """Refresh every usable link, least recently refreshed first. Stops
        at Xero's rate limit; the next run starts with the links left over."""
        links = self.sudo().search([], order="refreshed_at asc nulls first, id")
        links = links.filtered(lambda link: link.state == "connected")
        Log = self.env["xero.sync.log"]
        done = 0
        for link in links:
            try:
                with self.env.cr.savepoint():
                    link._refresh()
            except XeroRateLimited as exc:
                message = _(
                    "Xero's %(problem)s limit reached after %(done)s of %(total)s client "
                    "organisations; the others are refreshed on the next run.",
                    problem=exc.problem or "rate",
                    done=done,
                    total=len(links),
                )
                _logger.info("Client organisation refresh stopped: %s", exc.message)
                Log._log_event(
                    link._practice_connection(),
                    "client_refresh",
                    message,
                    state="failed",
                    direction="pull",
                    count=done,
                    record=link,
                )
                return done
            except Exception as exc:  # noqa: BLE001 - one client never stops the others
                _logger.warning("Refreshing client organisation %s failed", link.id,
                                exc_info=True)
                link.refresh_note = _("The last refresh failed: %s", exc)
                continue
            done += 1
        if links:
            Log._log_event(
                self.env["xero.connection"],
                "client_refresh",
                _("%s client organisations refreshed.", done),
                direction="pull",
                count=done,
            )
        return done

    def _practice_connection(self):
        self.ensure_one()
        return self.env["xero.connection"].sudo()._for_company(self.company_id)


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
        check_record_write(self.partner_id, self)
        self.ensure_one()
        return self.partner_id._xero_client_import_user(self)
