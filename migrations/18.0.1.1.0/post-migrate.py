"""The partner's reference now syncs with Xero's AccountNumber (it was read
from the ContactNumber, an API-only code), and contact persons sync too.

Xero's account numbers and persons are not known until the contacts are
read again, so they are left out of Xero's stored values (not compared
meanwhile, so nothing is pushed over them) and the next contact pull is a
full read. Neither was ever synced: the snapshot says so (None), so the
first comparison gives the side that alone has a value to the other, and
two different values wait for a choice, whatever the conflict policy."""

from psycopg2.extras import Json

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT id, snapshot, xero_values FROM xero_contact "
               "WHERE snapshot IS NOT NULL OR xero_values IS NOT NULL")
    for binding_id, snapshot, xero_values in cr.fetchall():
        if isinstance(snapshot, dict):
            snapshot.update(ref=None, persons=None)
        if isinstance(xero_values, dict):
            xero_values.pop("ref", None)
            xero_values.pop("persons", None)
        cr.execute("UPDATE xero_contact SET snapshot = %s, xero_values = %s WHERE id = %s",
                   (Json(snapshot) if snapshot else None,
                    Json(xero_values) if xero_values else None, binding_id))
    cr.execute("UPDATE xero_connection SET contacts_full_at = NULL")
    env = api.Environment(cr, SUPERUSER_ID, {})
    # Differences of the old reference (Xero's ContactNumber) are void.
    env["xero.contact.diff"].search([("field", "=", "ref")]).unlink()
