"""Who may act on a company's Xero link.

Every method of a model whose name does not start with ``_`` can be called
over RPC by any logged-in user, on any record id they can name, and model
access rules do not protect code that then switches to sudo. So every
public method of the addon's models starts with one of these checks, and
does its bookkeeping as sudo only after it.

Under sudo (``env.su``) the checks pass: the code that switched to sudo has
decided already (RPC calls never run as sudo).
"""

from odoo.exceptions import AccessError

MANAGER_GROUP = "xero_connector.group_xero_manager"


def check_manager(records, operation="write"):
    """A Xero Manager who may ``operation`` ``records``: access rights and
    record rules, so the records' company is one of the user's."""
    env = records.env
    if env.su:
        return
    if not env.user.has_group(MANAGER_GROUP):
        raise AccessError(env._("Only a Xero Manager can do this."))
    records.check_access(operation)


def check_record_write(records, bindings=None):
    """Someone who may edit ``records`` (partners, invoices): what they do
    on the record's Xero link follows their rights on the record.
    ``bindings``: the Xero records involved, which must be of one of the
    user's companies."""
    env = records.env
    if env.su:
        return
    _check_internal(env)
    if bindings is not None:
        bindings.check_access("read")
    records.check_access("write")


def check_record_read(records):
    """An internal user who may read ``records`` (opening a screen or a
    link to Xero changes nothing)."""
    env = records.env
    if env.su:
        return
    _check_internal(env)
    records.check_access("read")


def check_company(env, companies):
    """``companies`` are companies the user works in."""
    if env.su:
        return
    if companies - env.companies:
        raise AccessError(env._("This belongs to a company you do not work in."))


def _check_internal(env):
    if not env.user._is_internal():
        raise AccessError(env._("Only internal users can do this."))
