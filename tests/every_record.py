"""Realistic records of every model the addon defines or extends, in the
main company, and what the access and button tests need around them: users,
JSON-RPC calls the way the web client makes them, a snapshot of the rows."""

import json
from datetime import date

from odoo import Command
from odoo.tests import new_test_user
from odoo.tools import SQL

from .common import CLIENT_A, base_seed

ADDON_MODULE = "odoo.addons.xero_connector."
MANAGER_GROUP = "xero_connector.group_xero_manager"
# What the web client shows as a dialog; anything else is a crash.
USER_FACING = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.RedirectWarning",
}


def seed():
    """The base seed, with a ledger (an invoice part-paid) for Northwind."""
    data = base_seed()
    practice = data["organisations"][0]
    practice["Invoices"] = [{
        "Type": "ACCREC", "Contact": {"Name": "Northwind Traders"}, "InvoiceNumber": "INV-L1",
        "Date": "2026-04-01", "DueDate": "2030-06-01", "Status": "AUTHORISED",
        "LineAmountTypes": "NoTax",
        "LineItems": [{"Description": "Work", "Quantity": 1, "UnitAmount": 100,
                       "AccountCode": "200"}],
    }]
    practice["Payments"] = [{"Invoice": {"InvoiceNumber": "INV-L1"}, "Account": {"Code": "090"},
                             "Date": "2026-04-02", "Amount": 40}]
    return data


def run_job(env, record, method, *args):
    """``record.method(*args)`` on a cursor of its own, as a scheduled job
    runs (sync jobs commit per batch)."""
    env.flush_all()
    try:
        with env.registry.cursor() as cr:
            return getattr(record.with_env(env(cr=cr)), method)(*args)
    finally:
        env.invalidate_all()


def build(case):
    """Records of every model in ``case.company`` (company A); returns
    {model: [recordset, ...]}, a few records per model where they differ."""
    env, company = case.env, case.company
    company.xero_client_level = True
    conn = case.connect_practice()
    run_job(env, conn, "_run_job", "pull_contacts")
    Contact = env["xero.contact"].with_context(active_test=False)

    def line(name):
        return Contact.search([("backend_id", "=", conn.id), ("xero_name", "=", name)])

    linked, review, ignored = line("Northwind Traders"), line("Bayside Club"), line("Acme Supplies")
    run_job(env, linked, "action_import")
    ignored.action_ignore()
    partner = linked.odoo_id
    partner.company_id = company
    run_job(env, conn, "_run_job", "pull_ledger")
    ledger = env["xero.ledger.invoice"].search([("connection_id", "=", conn.id)])
    # An invoice sent to Xero, and paid in part.
    conn.write({"invoice_sync_enabled": True, "auto_push": False})
    move = env["account.move"].create({
        "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": date(2026, 5, 1),
        "invoice_line_ids": [Command.create({"name": "Advice", "quantity": 1,
                                             "price_unit": 100})],
    })
    move.action_post()
    run_job(env, conn, "_run_job", "push_invoices")
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=move.ids).create(
        {"amount": 20, "payment_date": date(2026, 5, 10)})._create_payments()
    run_job(env, conn, "_run_job", "push_invoices")
    # A change made in Odoo and not sent yet: a difference on the partner.
    partner.city = "Napier"
    log = env["xero.sync.log"]._record(conn, "push_contact", "failed",
                                       "Xero refused the contact.", binding=linked)
    # A client linked to its own organisation.
    client = env["res.partner"].create({"name": "Client A", "is_company": True,
                                        "company_id": company.id})
    org_a = env["xero.organisation"].search([("tenant_id", "=", CLIENT_A)])
    link = env["xero.client.link"]._link(client, org_a)
    link._refresh_safely()
    link_wizard = env["xero.client.link.wizard"].create(
        {"partner_id": client.id, "company_id": company.id})
    import_action = client._xero_client_import(["name"])
    import_wizard = env["xero.client.import.wizard"].browse(import_action["res_id"])
    # A product sent to Xero as an item, and the generic item read from Xero.
    product = env["product.template"].create({"name": "Advice (Xero tests)",
                                               "default_code": "ADVICE"})
    run_job(env, product, "action_xero_create_item")
    items = env["xero.item"].search([("backend_id", "=", conn.id)])
    # A document raised in Xero for a contact not linked, set aside.
    set_aside = env["xero.document.review"].create({
        "connection_id": conn.id, "external_id": "5f1c0d6e-0000-4000-8000-00000000d0c1",
        "doc_type": "ACCREC", "number": "INV-X1", "contact_name": "Bayside Club",
        "contact_external_id": review.external_id, "state": "unlinked", "total": 115,
        "reason": "Xero's contact Bayside Club is not linked to a partner."})
    records = {
        "xero.document.review": [set_aside],
        "xero.authorization": [conn.authorization_id],
        "xero.organisation": [conn.organisation_id],
        "xero.connection": [conn],
        "xero.contact": [review, linked, ignored],
        "xero.contact.diff": [linked.diff_ids],
        "xero.sync.log": [log],
        "xero.ledger.invoice": [ledger],
        "xero.ledger.payment": [ledger.payment_ids],
        "xero.invoice": [move.xero_invoice_ids],
        "xero.invoice.payment": [move.xero_invoice_ids.payment_ids],
        "xero.tax.map": [conn.tax_map_ids[:1]],
        "xero.client.link": [link],
        "xero.client.link.user": [link.user_ids],
        "xero.link.score.wizard": [env["xero.link.score.wizard"].create({"min_score": 90})],
        "xero.client.link.wizard": [link_wizard],
        "xero.client.link.wizard.line": [link_wizard.line_ids[:1]],
        "xero.client.import.wizard": [import_wizard],
        "xero.client.import.wizard.line": [import_wizard.line_ids],
        "res.partner": [partner, client],
        "account.move": [move],
        "res.config.settings": [env["res.config.settings"].create({})],
        "product.template": [product],
        "xero.item": [items.filtered("odoo_id"), items.filtered(lambda i: not i.odoo_id)],
        "xero.account": [conn.sales_account_id],
        "xero.tax.rate": [conn.tax_map_ids[:1].xero_tax_rate_id],
        "xero.currency": [conn.xero_currency_ids[:1]],
        "xero.branding.theme": [conn.branding_theme_id],
        "xero.journal.map": [conn.journal_map_ids[:1]],
        "res.company": [company],
        "ir.cron": [conn._cron("pull_contacts")],
    }
    for model, recordsets in records.items():
        for recordset in recordsets:
            assert recordset, f"the test data has no {model} record"
    return records


def users(case):
    """{kind: (user, password)}: a portal user, a plain employee of company A,
    and a Xero Manager of another company only."""
    env = case.env
    company_b = env["res.company"].create({"name": "Branch B Ltd"})
    specs = {
        "portal": {"groups": "base.group_portal"},
        "employee": {"groups": "base.group_user", "company_id": case.company.id},
        "manager_b": {"groups": f"base.group_user,{MANAGER_GROUP}", "company_id": company_b.id,
                      "company_ids": [company_b.id]},
    }
    result = {}
    for kind, spec in specs.items():
        password = f"xero-{kind}-pass"
        result[kind] = (new_test_user(env, f"xero_sec_{kind}", password=password, **spec),
                        password)
    return result


# --- the addon's models and methods --------------------------------------------------


def addon_models(env):
    """Models whose class comes, at least in part, from this addon."""
    return sorted(name for name, cls in env.registry.items()
                  if any(c.__module__.startswith(ADDON_MODULE) for c in cls.mro()))


def public_methods(env, model):
    """Public methods the addon's classes add to ``model``; overrides of
    methods defined elsewhere (create, write, unlink, button_cancel,
    set_values...) are the ORM's or another module's, checked there."""
    cls = type(env[model])
    ours = [c for c in cls.mro() if c.__module__.startswith(ADDON_MODULE)]
    others = [c for c in cls.mro() if not c.__module__.startswith(ADDON_MODULE)]
    names = set()
    for klass in ours:
        for name, value in vars(klass).items():
            if name.startswith("_") or not callable(value) or isinstance(value, type):
                continue
            if any(name in vars(other) for other in others):
                continue
            names.add(name)
    return sorted(names)


# --- JSON-RPC as the web client does it ----------------------------------------------


def jsonrpc(case, route, params):
    """POST a JSON-RPC call; returns (result, error data or None)."""
    response = case.url_open(route, data=json.dumps(
        {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
        headers={"Content-Type": "application/json"}, timeout=60)
    if response.status_code != 200:
        return None, {"name": f"HTTP {response.status_code}", "message": response.text[:300]}
    body = response.json()
    if "error" in body:
        data = body["error"].get("data") or {}
        return None, {"name": data.get("name") or str(body["error"].get("code")),
                      "message": data.get("message") or body["error"].get("message"),
                      "debug": data.get("debug", "")}
    return body.get("result"), None


def call_kw(case, model, method, args, context=None, route="call_kw", **kwargs):
    """``/web/dataset/call_kw`` (or ``call_button``) as the web client calls it."""
    return jsonrpc(case, f"/web/dataset/{route}/{model}/{method}", {
        "model": model, "method": method, "args": args,
        "kwargs": dict(kwargs, context=context or {}),
    })


def describe(error):
    debug = (error.get("debug") or "").strip().splitlines()
    return f"{error['name']}: {error.get('message')}" + (f" [{debug[-1]}]" if debug else "")


# --- what must not change --------------------------------------------------------------


def snapshot(env, records):
    """A digest of every row of the addon's tables, of the partners and
    invoices used, of their chatter, and of the Xero system parameters."""
    env.flush_all()
    cr = env.cr
    tables = set()
    for model in addon_models(env):
        Model = env[model]
        if Model._abstract or not Model._auto:
            continue
        if model.startswith("xero."):
            tables.add(Model._table)
        for field in Model._fields.values():
            if field.type == "many2many" and field.store and model.startswith("xero."):
                tables.add(field.relation)
    partner_ids = tuple(r.id for r in records["res.partner"]) or (0,)
    move_ids = tuple(r.id for r in records["account.move"]) or (0,)
    queries = {table: SQL("SELECT t::text FROM %s t", SQL.identifier(table))
               for table in sorted(tables)}
    queries.update({
        "res_partner": SQL("SELECT t::text FROM res_partner t WHERE id IN %s OR parent_id IN %s",
                           partner_ids, partner_ids),
        "account_move": SQL("SELECT t::text FROM account_move t WHERE id IN %s", move_ids),
        "mail_message": SQL("SELECT t::text FROM mail_message t WHERE model LIKE %s"
                            " OR (model = 'res.partner' AND res_id IN %s)", "xero.%",
                            partner_ids),
        "mail_activity": SQL("SELECT t::text FROM mail_activity t"),
        "ir_config_parameter": SQL("SELECT t::text FROM ir_config_parameter t"
                                   " WHERE key LIKE %s", "xero_connector.%"),
        "ir_cron_trigger": SQL("SELECT t::text FROM ir_cron_trigger t"),
    })
    digest = {}
    for name, query in queries.items():
        cr.execute(SQL("SELECT md5(coalesce(string_agg(x.t, '|' ORDER BY x.t), ''))"
                       " FROM (%s) x(t)", query))
        digest[name] = cr.fetchone()[0]
    return digest


def changed(before, after):
    return sorted(name for name in before if before[name] != after.get(name))
