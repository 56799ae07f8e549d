from datetime import datetime

from odoo import fields, models

from ..xero_core.dates import parse_datetime, to_naive_utc


class XeroContact(models.Model):
    _inherit = "xero.contact"

    # Xero's UpdatedDateUTC of our last push, to the millisecond (Datetime
    # fields keep seconds): Xero's webhook event for that very change needs
    # no read, the push's answer held the contact as Xero saved it.
    xero_pushed_version = fields.Char(readonly=True, copy=False)

    def _set_pushed(self, element, odoo_values, keys, now):
        res = super()._set_pushed(element, odoo_values, keys, now)
        try:
            stamp = to_naive_utc(parse_datetime(element.get("UpdatedDateUTC")))
        except ValueError:
            stamp = None
        self.xero_pushed_version = stamp.isoformat() if stamp else False
        return res

    def _pushed_version(self):
        return datetime.fromisoformat(self.xero_pushed_version) \
            if self.xero_pushed_version else None
