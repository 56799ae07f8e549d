"""Client organisations → the cache of their links (organisation details,
users, Executive Summary): on demand and daily."""

import logging

from odoo import Command, _, fields, models

from ..xero_core import exec_summary, organisation_mapping
from ..xero_core.errors import XeroAuthError, XeroError, XeroForbidden, XeroRateLimited

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


class XeroClientRefresher(models.AbstractModel):
    _name = "xero.client.refresher"
    _inherit = "xero.service"
    _description = "Client organisations → client links"

    def _run(self, connection=None):
        """The daily refresh: every usable link (of ``connection``'s company
        when given), least recently refreshed first. Stops at Xero's rate
        limit; the next run starts with the links left over."""
        domain = [("company_id", "=", connection.company_id.id)] if connection else []
        links = self.env["xero.client.link"].sudo().search(
            domain, order="refreshed_at asc nulls first, id")
        links = links.filtered(lambda link: link.state == "connected")
        Log = self.env["xero.sync.log"]
        done = 0
        for link in links:
            try:
                with self.env.cr.savepoint():
                    self._refresh(link)
            except XeroRateLimited as exc:
                message = _(
                    "Xero's %(problem)s limit reached after %(done)s of %(total)s client "
                    "organisations; the others are refreshed on the next run.",
                    problem=exc.problem or "rate",
                    done=done,
                    total=len(links),
                )
                _logger.info("Client organisation refresh stopped: %s", exc.message)
                Log._record(_practice_connection(link), "refresh_clients", "failed", message,
                            record=link, count=done)
                return done
            except Exception as exc:  # noqa: BLE001 - one client never stops the others
                _logger.warning("Refreshing client organisation %s failed", link.id,
                                exc_info=True)
                link.refresh_note = _("The last refresh failed: %s", exc)
                continue
            done += 1
        if links:
            Log._record(self.env["xero.connection"], "refresh_clients",
                        message=_("%s client organisations refreshed.", done), count=done)
        return done

    def _run_for(self, links):
        """Refresh these links now; never raises for Xero's sake (the
        reason is kept in ``refresh_note`` and the part notes)."""
        for link in links:
            try:
                self._refresh(link)
            except XeroRateLimited as exc:
                link.sudo().refresh_note = _(
                    "Xero's rate limit was reached (%s): click Refresh again later.",
                    exc.problem or "rate",
                )
        return True

    def _refresh(self, links):
        """Read the organisation, its users and the Executive Summary, each
        on its own: one refused part keeps the others. Raises
        XeroRateLimited (the caller decides whether to stop)."""
        for link in links:
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
            vals.update(self._organisation_vals(org, org_error))
            vals.update(self._users_vals(link, users, users_error))
            vals.update(self._summary_vals(report, summary_error))
            link.write(vals)
            if isinstance(org, dict) and org:
                link.organisation_id._apply_details(org)
        return True

    @staticmethod
    def _organisation_vals(org, error):
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

    @staticmethod
    def _users_vals(link, users, error):
        if users is _KEEP:
            return {
                "users_note": _(
                    "The users could not be refreshed (%s); showing the last ones read.",
                    error.message,
                )
            }
        commands = [Command.delete(line.id) for line in link.user_ids]
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

    @staticmethod
    def _summary_vals(report, error):
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


def _practice_connection(link):
    return link.env["xero.connection"].sudo()._for_company(link.company_id)
