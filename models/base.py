"""Who may act on a company's Xero link.

Every method of a model whose name does not start with ``_`` can be called
over RPC by any logged-in user, on any record id they can name, and model
access rules do not protect code that then switches to sudo. So every
public method of the addon's models starts with one of these checks, and
does its bookkeeping as sudo only after it.

Under sudo (``env.su``) the checks pass: the code that switched to sudo has
decided already (RPC calls never run as sudo).
"""

from odoo import models
from odoo.exceptions import AccessError, RedirectWarning, UserError

from ..xero_core.errors import XeroAppCredentialsError


class Base(models.AbstractModel):
    _inherit = "base"

    def _xero_is_manager(self):
        return self.env.su or self.env.user.has_group("xero_connector.group_xero_manager")

    def _xero_check_manager(self, operation="write"):
        """A Xero Manager who may ``operation`` these records: access rights
        and record rules, so their company is one of the user's."""
        if self.env.su:
            return
        if not self._xero_is_manager():
            raise AccessError(self.env._("Only a Xero Manager can do this."))
        self.check_access(operation)

    def _xero_check_write(self, bindings=None):
        """Someone who may edit these records (partners, invoices): what they
        do on the records' Xero link follows their rights on the records.
        ``bindings``: the Xero records involved, which must be of one of the
        user's companies."""
        if self.env.su:
            return
        self._xero_check_internal()
        if bindings is not None:
            bindings.check_access("read")
        self.check_access("write")

    def _xero_check_read(self):
        """An internal user who may read these records (opening a screen or a
        link to Xero changes nothing)."""
        if self.env.su:
            return
        self._xero_check_internal()
        self.check_access("read")

    def _xero_check_company(self, companies):
        """``companies`` are companies the user works in."""
        if self.env.su:
            return
        if companies - self.env.companies:
            raise AccessError(self.env._("This belongs to a company you do not work in."))

    def _xero_check_internal(self):
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Only internal users can do this."))

    def _xero_user_error(self, exc):
        """The error a failed Xero call shows the user: refused app
        credentials come with a button to the settings that fix them."""
        if isinstance(exc, XeroAppCredentialsError):
            return RedirectWarning(exc.message, "account.action_account_config",
                                   self.env._("Open Settings › Xero"))
        return UserError(exc.message)
