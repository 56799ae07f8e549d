"""Invoice push: customer invoices posted and paid in Odoo, sent to Xero
with their payments; and a generated set of tax-inclusive, tax-exclusive,
discounted and multi-currency invoices whose totals must match Xero's."""

import random
from datetime import date

from benchmarks.contacts import API_TARGET, linked_bindings, run_until_done
from benchmarks.measure import measured, profiled
from benchmarks.odoo_env import job_env
from benchmarks.report import Figure, ratio_figure
from benchmarks.sandbox import summarise_calls
from benchmarks.volumes import batches

CREATE_BATCH = 100
# Currencies of the generated set: Odoo's company currency, and others the
# organisation has enabled (the sandbox's defaults).
CURRENCIES = ("USD", "EUR", "AUD", "NZD")


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


def _pay(env, moves):
    """One payment per invoice, as Register Payment makes them."""
    for start in range(0, len(moves), CREATE_BATCH):
        chunk = moves[start:start + CREATE_BATCH]
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=chunk.ids).create(
            {"payment_date": date.today(), "group_payment": False})._create_payments()


def _endpoint_calls(log, endpoint):
    return sum(n for name, n in log["by_endpoint"].items() if name == endpoint)


def push(bench, org, skip, count):
    """Post ``count`` invoices for linked customers and pay them in Odoo;
    push them all, with their payments."""
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        # Invoices stay drafts by default: paid ones go approved in the same write.
        connection.write({"invoice_sync_enabled": True})
    with job_env(bench.reg) as env, measured() as posting:
        connection = bench.connection(env, org)
        partners = linked_bindings(env, connection)[skip:skip + count].odoo_id
        moves = _post_invoices(env, connection, partners, count)
        _pay(env, moves)
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        bindings = env["xero.invoice"].search([("backend_id", "=", connection.id),
                                               ("odoo_id", "in", moves.ids)])
        queued = len(bindings.filtered("need_push"))
        bench.sandbox.clear_log()
        with profiled(bench.profile_dir, "push-invoices"), measured() as m:
            runs = run_until_done("push_invoices", connection)
        synced = len(bindings.filtered(lambda b: b.state == "synced"))
        paid = env["xero.invoice.payment"].search_count([
            ("binding_id", "in", bindings.ids), ("state", "=", "synced")])
    log = summarise_calls(bench.sandbox.log(), org.tenant)
    invoice_calls = _endpoint_calls(log, "PUT /Invoices")
    payment_calls = _endpoint_calls(log, "PUT /Payments")
    details = {"log": log, "posted": len(moves), "queued": queued, "synced": synced,
               "payments_synced": paid, "runs": runs, "posting": posting.as_dict(),
               **m.as_dict()}
    figure = bench.add(ratio_figure(
        "api.push_invoices", f"API: push {count:,} invoices", invoice_calls, batches(count),
        "calls", API_TARGET, "minimum", details=details))
    if synced != count:
        # Few calls are no achievement when the invoices did not get there.
        figure.passed = False
        figure.note = f"only {synced} of {count} invoices reached Xero. {figure.note}".strip()
    figure = bench.add(ratio_figure(
        "api.push_payments", f"API: push their {count:,} payments", payment_calls,
        batches(count), "calls", API_TARGET, "minimum"))
    if paid != count:
        figure.note = f"only {paid} of {count} payments reached Xero. {figure.note}".strip()
    bench.add(ratio_figure(
        "api.push_invoices_payments", f"API: the whole run ({count:,} + {count:,})",
        log["calls"], 2 * batches(count), "calls", 1.0,
        f"⌈{count:,}/50⌉ + ⌈{count:,}/50⌉"))


def _lines(rng, taxes, inclusive, currency_index):
    """Lines of a generated invoice: unit prices with up to 4 decimals,
    quantities, discounts."""
    from odoo import Command  # noqa: PLC0415

    tax = taxes["incl" if inclusive else "excl"]
    lines = []
    for n in range(rng.randint(1, 4)):
        lines.append(Command.create({
            "name": f"Generated line {currency_index}-{n}",
            "quantity": rng.choice([1, 1, 2, 3, 7, 12.5]),
            "price_unit": round(rng.uniform(0.01, 900), rng.choice([2, 2, 3, 4])),
            "discount": rng.choice([0, 0, 0, 5, 10, 12.5, 33]),
            "tax_ids": [Command.set((tax if rng.random() > 0.15 else taxes["zero"]).ids)],
        }))
    return lines


def _setup_totals(env, connection):
    """Taxes (15 % excluded and included, 0 %), four-decimal prices and the
    currencies of the set, with a rate each."""
    company = connection.company_id
    env.ref("product.decimal_price").digits = 4
    Tax = env["account.tax"]
    taxes = {
        "excl": Tax.create({"name": "Bench 15%", "amount": 15, "type_tax_use": "sale",
                            "company_id": company.id}),
        "incl": Tax.create({"name": "Bench 15% incl.", "amount": 15, "type_tax_use": "sale",
                            "price_include_override": "tax_included",
                            "company_id": company.id}),
        "zero": Tax.create({"name": "Bench 0%", "amount": 0, "type_tax_use": "sale",
                            "company_id": company.id}),
    }
    env["xero.tax.map"]._add_defaults(connection)
    currencies = env["res.currency"].with_context(active_test=False).search(
        [("name", "in", CURRENCIES)])
    currencies.active = True
    for currency, rate in zip(currencies, (1.0, 0.92, 1.53, 1.65), strict=False):
        if currency != company.currency_id and not currency.rate_ids:
            env["res.currency.rate"].create({"currency_id": currency.id, "rate": rate,
                                             "company_id": company.id,
                                             "name": date(date.today().year, 1, 1)})
    return taxes, currencies


def totals(bench, org, skip, count):
    """Post ``count`` generated invoices (tax-inclusive and exclusive,
    discounted, four-decimal prices, four currencies, half with tax rounded
    globally), push them, count those whose total in Xero is not Odoo's."""
    rng = random.Random(16)
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        connection.write({"invoice_sync_enabled": True})
        taxes, currencies = _setup_totals(env, connection)
        partners = linked_bindings(env, connection)[skip:skip + count].odoo_id
        company = connection.company_id
        moves = env["account.move"]
        for index in range(count):
            # Odoo rounding the tax of the whole invoice is where totals
            # part from Xero's line by line.
            company.tax_calculation_rounding_method = (
                "round_globally" if index % 2 else "round_per_line")
            move = env["account.move"].create({
                "move_type": "out_invoice", "partner_id": partners[index % len(partners)].id,
                "invoice_date": date.today(), "currency_id": currencies[index % 4].id,
                "invoice_line_ids": _lines(rng, taxes, index % 3 == 0, index)})
            move.action_post()
            moves |= move
        company.tax_calculation_rounding_method = "round_per_line"
        kinds = {
            "inclusive": sum(1 for m in moves
                             if any(m.invoice_line_ids.tax_ids.mapped("price_include"))),
            "discounted": sum(1 for m in moves if any(m.invoice_line_ids.mapped("discount"))),
            "currencies": sorted(set(moves.currency_id.mapped("name")))}
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        bench.sandbox.clear_log()
        runs = run_until_done("push_invoices", connection)
        bindings = env["xero.invoice"].search([("backend_id", "=", connection.id),
                                               ("odoo_id", "in", moves.ids)])
        mismatched = bindings.filtered(lambda b: b.state != "synced" or b.rounding_difference)
        rounded = bindings.filtered("rounding_added")
        examples = [{"invoice": b.odoo_id.name, "state": b.state, "error": b.error_message,
                     "difference": b.rounding_difference} for b in mismatched[:10]]
    figure = bench.add(Figure(
        "totals.mismatch", f"Totals that differ from Xero's ({count:,} generated invoices)",
        len(mismatched), "count", "0", not mismatched,
        details={"generated": count, "synced": len(bindings) - len(mismatched),
                 "rounding_lines": len(rounded), "mismatched": examples, "runs": runs,
                 **kinds}))
    if mismatched:
        figure.note = f"{len(mismatched)} of {count} invoices differ, e.g. {examples[0]}"
