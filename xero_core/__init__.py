"""Xero I/O and sync logic for xero_connector, free of any Odoo import.

Everything here works on plain dicts shaped like Xero's JSON, so it can be
used and tested without Odoo; the addon's models only store and display.
"""
