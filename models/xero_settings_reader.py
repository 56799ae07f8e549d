"""The organisation's Accounts, TaxRates, Currencies, BrandingThemes and
Items → the records the connection's dropdowns offer; then sensible
defaults for what is not set yet."""

import logging

from odoo import _, fields, models

from ..xero_core import settings_mapping as sm
from ..xero_core.errors import XeroError

_logger = logging.getLogger(__name__)

# model: (how Xero's records read, the key that identifies one)
SETTINGS = {
    "xero.account": (sm.account, "external_id"),
    "xero.tax.rate": (sm.tax_rate, "tax_type"),
    "xero.currency": (sm.currency, "code"),
    "xero.branding.theme": (sm.branding_theme, "external_id"),
}
GONE = {"xero.account": {"status": "DELETED"}, "xero.tax.rate": {"status": "DELETED"},
        "xero.currency": {"active": False}, "xero.branding.theme": {"active": False}}


class XeroSettingsReader(models.AbstractModel):
    _name = "xero.settings.reader"
    _inherit = "xero.service"
    _description = "Xero settings → accounts, tax rates, currencies, items"

    def _run(self, connection, client=None):
        """Read the settings (5 calls), store them, propose defaults.
        Returns {"calls", "processed", "remaining"}."""
        connection.ensure_one()
        client = connection._client_for_sync(client)
        calls_before = client.calls
        answers = {
            "xero.account": client.accounts(),
            "xero.tax.rate": client.tax_rates(),
            "xero.currency": client.currencies(),
            "xero.branding.theme": client.branding_themes(),
        }
        items = client.items()
        counts = {model: self._store(connection, model, records)
                  for model, records in answers.items()}
        counts["xero.item"] = self.env["xero.item"]._store_from_xero(
            connection, [sm.item(i) for i in items if i.get("ItemID")])
        connection.settings_read_at = fields.Datetime.now()
        self._propose_defaults(connection)
        # A connection made before the jobs of its settings and payments existed gets them.
        connection._ensure_crons()
        calls = client.calls - calls_before
        self.env["xero.sync.log"]._record(connection, "pull_settings", message=_(
            "%(accounts)s accounts, %(rates)s tax rates, %(currencies)s currencies, %(themes)s "
            "branding themes and %(items)s items read in %(calls)s calls.",
            accounts=counts["xero.account"], rates=counts["xero.tax.rate"],
            currencies=counts["xero.currency"], themes=counts["xero.branding.theme"],
            items=counts["xero.item"], calls=calls), count=sum(counts.values()))
        return {"calls": calls, "processed": sum(counts.values()), "remaining": 0}

    def _run_safely(self, connection):
        """On connect: a failure is logged, never in the way of connecting
        (the daily run and the Refresh button read them again)."""
        try:
            with self.env.cr.savepoint():
                self._run(connection)
        except XeroError as exc:
            _logger.warning("Could not read the Xero settings of %s: %s", connection.name,
                            exc.message)
            self.env["xero.sync.log"]._record(connection, "pull_settings", "failed",
                                              exc.message)

    def _store(self, connection, model, records):
        """Upsert the connection's records of ``model``; those Xero no
        longer lists are kept (mappings may point at them) as gone."""
        parse, key = SETTINGS[model]
        Model = self.env[model].with_context(active_test=False)
        existing = {r[key]: r for r in Model.search([("connection_id", "=", connection.id)])}
        seen, new = set(), []
        for record in records:
            values = parse(record)
            values.pop("updated_at", None)
            if not values.get(key):
                continue
            seen.add(values[key])
            if model in ("xero.currency", "xero.branding.theme"):
                values["active"] = True
            current = existing.get(values[key])
            if current:
                current.write(values)
            else:
                new.append(dict(values, connection_id=connection.id))
        if new:
            Model.create(new)
        for value, record in existing.items():
            if value not in seen:
                record.write(GONE[model])
        return len(seen)

    def _propose_defaults(self, connection):
        """What a new connection needs to push without setup: the Sales
        account, the bank account payments go to (and the company's bank
        journals mapped to the bank account in their currency), the
        default branding theme, the taxes mapped by rate and type."""
        Account = self.env["xero.account"]
        accounts = Account.search([("connection_id", "=", connection.id)])
        values = [a._values() for a in accounts]
        by_code = {a.code: a for a in accounts}
        base = connection.organisation_id.base_currency or connection.company_id.currency_id.name
        vals = {}
        if not connection.sales_account_id:
            sales = sm.default_sales_account(values)
            vals["sales_account_id"] = sales and by_code[sales["code"]].id
        if not connection.purchase_account_id:
            purchases = sm.default_purchase_account(values)
            vals["purchase_account_id"] = purchases and by_code[purchases["code"]].id
        if not connection.payment_account_id:
            bank = sm.default_bank_account(values, base, base)
            vals["payment_account_id"] = bank and by_code[bank["code"]].id
        if not connection.branding_theme_id:
            vals["branding_theme_id"] = connection.xero_branding_theme_ids[:1].id
        connection.write({k: v for k, v in vals.items() if v})
        self._propose_journals(connection, values, by_code, base)
        self.env["xero.tax.map"]._add_defaults(connection)

    def _propose_journals(self, connection, values, by_code, base):
        """Each bank journal of the company to the Xero bank account of its
        currency (each account once)."""
        mapped = connection.journal_map_ids.journal_id
        journals = self.env["account.journal"].search([
            ("company_id", "=", connection.company_id.id), ("type", "=", "bank")], order="id")
        create = []
        taken = set(connection.journal_map_ids.xero_account_id.ids)
        for journal in journals - mapped:
            # A journal without a currency is in the company's, which need not
            # be the organisation's base currency (a USD company connected to
            # an NZD organisation that enables USD).
            currency = (journal.currency_id or connection.company_id.currency_id).name
            found = sm.default_bank_account(values, currency, base)
            if journal.currency_id or (found and currency != base):
                account = found and by_code[found["code"]]
            else:
                # In the base currency, or no Xero bank account in the
                # company's currency: the organisation's main bank account, as
                # Odoo's first bank journal is (Xero converts the payment).
                account = connection.payment_account_id
            if account and account.id not in taken:
                taken.add(account.id)
                create.append({"connection_id": connection.id, "journal_id": journal.id,
                               "xero_account_id": account.id})
        self.env["xero.journal.map"].create(create)

    def _forget(self, connection):
        """Settings belong to one organisation: when the connection moves
        to another, its mappings and settings go."""
        connection.write({"sales_account_id": False, "payment_account_id": False,
                          "default_item_id": False, "branding_theme_id": False,
                          "rounding_account_id": False, "settings_read_at": False})
        connection.tax_map_ids.unlink()
        connection.journal_map_ids.unlink()
        for model in SETTINGS:
            self.env[model].with_context(active_test=False).search(
                [("connection_id", "=", connection.id)]).unlink()
        self.env["xero.item"].with_context(active_test=False).search(
            [("backend_id", "=", connection.id)]).unlink()
        return True
