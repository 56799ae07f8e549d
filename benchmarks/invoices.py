"""Invoice push: customer invoices posted in Odoo, sent to Xero."""

from datetime import date

from benchmarks.contacts import API_TARGET, linked_bindings, run_until_done
from benchmarks.measure import measured, profiled
from benchmarks.odoo_env import job_env
from benchmarks.report import ratio_figure
from benchmarks.sandbox import summarise_calls
from benchmarks.volumes import batches

CREATE_BATCH = 100


def _sales_tax(env, company):
    return env["account.tax"].search([
        ("type_tax_use", "=", "sale"), ("company_id", "=", company.id),
        ("amount_type", "=", "percent"), ("amount", ">", 0)], limit=1)


def _post_invoices(env, connection, partners, count):
    from odoo import Command  # noqa: PLC0415

    tax = _sales_tax(env, connection.company_id)
    moves = env["account.move"]
    today = date.today()
    for start in range(0, count, CREATE_BATCH):
        moves |= env["account.move"].create([{
            "move_type": "out_invoice",
            "partner_id": partners[i % len(partners)].id,
            "invoice_date": today,
            "invoice_line_ids": [Command.create({
                "name": f"Benchmark service {i}", "quantity": 2, "price_unit": 125.5,
                "tax_ids": [Command.set(tax.ids)]})],
        } for i in range(start, min(count, start + CREATE_BATCH))])
    moves.action_post()
    return moves


def push(bench, org, skip, count):
    """Post ``count`` invoices for linked customers, push them all."""
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        connection.write({"invoice_sync_enabled": True, "payment_account_code": "090"})
    with job_env(bench.reg) as env, measured() as posting:
        connection = bench.connection(env, org)
        partners = linked_bindings(env, connection)[skip:skip + count].odoo_id
        moves = _post_invoices(env, connection, partners, count)
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        queued = env["xero.invoice"].search_count([
            ("backend_id", "=", connection.id), ("need_push", "=", True)])
        bench.sandbox.clear_log()
        with profiled(bench.profile_dir, "push-invoices"), measured() as m:
            runs = run_until_done("push_invoices", connection)
        synced = env["xero.invoice"].search_count([
            ("backend_id", "=", connection.id), ("state", "=", "synced")])
    log = summarise_calls(bench.sandbox.log(), org.tenant)
    figure = bench.add(ratio_figure(
        "api.push_invoices", f"API: push {count:,} invoices", log["calls"], batches(count),
        "calls", API_TARGET, "minimum",
        details={"log": log, "posted": len(moves), "queued": queued, "synced": synced,
                 "runs": runs, "posting": posting.as_dict(), **m.as_dict()}))
    if synced != count:
        # Few calls are no achievement when the invoices did not get there.
        figure.passed = False
        figure.note = f"only {synced} of {count} invoices reached Xero. {figure.note}".strip()
