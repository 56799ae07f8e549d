"""Documents raised in Xero into Odoo: 5,000 invoices (3 lines each) read
and created as Odoo invoices, against the minimum of list calls and a bare
batched ``account.move.create`` of the same values."""

import time
from contextlib import contextmanager
from datetime import date, timedelta

from benchmarks.contacts import API_TARGET, linked_bindings
from benchmarks.measure import measured, profiled
from benchmarks.odoo_env import job_env, sql_queries
from benchmarks.report import Figure, ratio_figure
from benchmarks.sandbox import summarise_calls
from benchmarks.volumes import pages

TIME_TARGET = 1.5
QUERY_GROWTH_TARGET = 1.1
SEED_CHUNK = 1000


def _raise_in_xero(bench, org, contact_names, count):
    """``count`` approved invoices of 3 lines for linked contacts, created in
    the organisation now (after the switch-on)."""
    today = date.today().isoformat()
    for start in range(0, count, SEED_CHUNK):
        bench.sandbox.seed({"organisations": [{"OrganisationID": org.tenant, "Invoices": [{
            "Type": "ACCREC", "Contact": {"Name": contact_names[i % len(contact_names)]},
            "InvoiceNumber": f"BENCH-IN-{i:06d}", "Date": today, "DueDate": today,
            "Status": "AUTHORISED", "LineAmountTypes": "Exclusive",
            "LineItems": [{"Description": f"Service {i}-{n}", "Quantity": n + 1,
                           "UnitAmount": 10.5 + n, "AccountCode": "200", "TaxType": "NONE"}
                          for n in range(3)],
        } for i in range(start, min(count, start + SEED_CHUNK))]}]})


@contextmanager
def _page_probe(env, seen):
    """Record the queries and documents of each page the importer applies."""
    cls = type(env["xero.document.importer"])
    original = cls._apply_records

    def probe(self, connection, records, stats):
        before, start = sql_queries(), time.perf_counter()
        result = original(self, connection, records, stats)
        seen.append({"records": len(records), "queries": sql_queries() - before,
                     "seconds": round(time.perf_counter() - start, 3)})
        return result

    cls._apply_records = probe
    try:
        yield
    finally:
        cls._apply_records = original


def _growth(seen):
    full = [p for p in seen if p["records"] >= 1000] or [p for p in seen if p["records"]]
    if len(full) < 2:
        return 1.0
    half = len(full) // 2

    def per_record(items):
        return sum(p["queries"] for p in items) / max(1, sum(p["records"] for p in items))

    first = per_record(full[:half])
    return per_record(full[half:]) / first if first else 1.0


def _baseline(bench, org, seen_ids):
    """Bare batched account.move.create of the values the importer made,
    in a transaction rolled back at the end."""
    with bench.reg.cursor() as cr:
        from odoo import SUPERUSER_ID, api  # noqa: PLC0415

        env = api.Environment(cr, SUPERUSER_ID, {})
        connection = bench.connection(env, org)
        Importer = env["xero.document.importer"]
        bindings = env["xero.invoice"].search([("backend_id", "=", connection.id),
                                               ("external_id", "in", seen_ids)])
        from odoo.addons.xero_connector.xero_core import (  # noqa: PLC0415
            document_mapping as dm,
        )

        values = [Importer._move_values(connection, dm.from_json(b.xero_document),
                                        b.odoo_id.partner_id) for b in bindings]
        env.flush_all()
        Move = env["account.move"].with_company(connection.company_id)
        with measured() as m:
            for start in range(0, len(values), 1000):
                Move.create(values[start:start + 1000])
                env.flush_all()
        cr.rollback()
    return m


def documents_in(bench, org, skip, count):
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        names = linked_bindings(env, connection)[skip:skip + 500].mapped("xero_name")
        base = connection.organisation_id.base_currency
        env["res.currency"].with_context(active_test=False).search(
            [("name", "=", base)]).active = True
        connection.write({"import_sales_enabled": True})
        connection.import_sales_since = connection.import_sales_since - timedelta(seconds=5)
    _raise_in_xero(bench, org, names, count)
    seen = []
    bench.sandbox.clear_log()
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        with _page_probe(env, seen), profiled(bench.profile_dir, "documents-in"), \
                measured() as m:
            stats = connection._run_job("import_documents", max_pages=None,
                                        client=connection._xero_client())
        ids = env["xero.invoice"].search([("backend_id", "=", connection.id),
                                          ("origin", "=", "xero")]).mapped("external_id")
        wrong = env["xero.invoice"].search_count([
            ("backend_id", "=", connection.id), ("origin", "=", "xero"),
            ("odoo_id.amount_total", "!=", 10.5 + 2 * 11.5 + 3 * 12.5)])
    log = summarise_calls(bench.sandbox.log(), org.tenant)
    minimum = pages(count) + pages(0)  # ACCREC pages + the (empty) credit notes page
    details = {"log": log, "stats": stats, "pages": seen, **m.as_dict(),
               "totals_differing": wrong}
    figure = bench.add(ratio_figure(
        "api.documents_in", f"API: bring {count:,} Xero invoices into Odoo", log["calls"],
        minimum, "calls", API_TARGET, "⌈invoices / 1000⌉ + 1 credit notes page",
        details=details))
    if stats["imported"] != count or wrong:
        figure.passed = False
        figure.note = (f"{stats['imported']} of {count} came in, {wrong} with a wrong total. "
                       f"{figure.note}").strip()
    baseline = _baseline(bench, org, ids)
    bench.add(ratio_figure(
        "odoo.documents_in_time", f"Odoo: bring {count:,} Xero invoices in (wall time)",
        m.seconds, baseline.seconds, "s", TIME_TARGET, "bare account.move.create",
        details={"baseline": baseline.as_dict()}))
    growth = _growth(seen)
    per_record = m.queries / max(1, count)
    base_per_record = baseline.queries / max(1, count)
    bench.add(Figure(
        "odoo.documents_in_queries", "Odoo: Xero invoices in, SQL queries per document",
        per_record, "queries/record", f"O(1): flat along the run (≤ {QUERY_GROWTH_TARGET:g}×)",
        growth <= QUERY_GROWTH_TARGET, base_per_record, "bare create",
        per_record / base_per_record if base_per_record else None,
        note=f"queries per document, later pages vs earlier ones: {growth:.2f}×",
        details={"growth": growth}))
