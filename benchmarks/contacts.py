"""Contacts: connecting, the first refresh, the bulk import (against bare
partner creation), the incremental refresh and the push."""

import uuid
from contextlib import contextmanager

from benchmarks.measure import SleepMeter, measured, profiled
from benchmarks.odoo_env import configure_addon, connect, job_env, sql_queries
from benchmarks.report import Figure, ratio_figure
from benchmarks.sandbox import CLIENT_ID, CLIENT_SECRET, summarise_calls
from benchmarks.volumes import XERO_BATCH, batches, pages

IMPORT_BATCH = 500
API_TARGET = 1.05
IMPORT_TIME_TARGET = 1.5
# Queries per record may not grow along the import by more than this.
QUERY_GROWTH_TARGET = 1.10


def connect_org(bench, org, calls_per_minute):
    """Create the company if needed and connect it (times the connect)."""
    with job_env(bench.reg) as env:
        configure_addon(env, bench.sandbox.url, CLIENT_ID, CLIENT_SECRET, calls_per_minute)
        if org.company_id is None:
            if org.key == "A":
                org.company_id = env.ref("base.main_company").id
            else:
                org.company_id = env["res.company"].create(
                    {"name": "Benchmark Second Ltd"}).id
        company = env["res.company"].browse(org.company_id)
    with job_env(bench.reg) as env, measured() as m:
        connection = connect(env, bench.sandbox, env["res.company"].browse(company.id),
                             org.login, org.tenant, CLIENT_ID)
        org.connection_id = connection.id
    org.phases["connect"] = m.seconds


def first_refresh(bench, org, report):
    """(a) First refresh of every Xero contact."""
    bench.sandbox.clear_log()
    waits = SleepMeter()
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        client = connection._xero_client(sleep=waits)
        with profiled(bench.profile_dir, f"refresh-{org.key}"), measured() as m:
            stats = connection._run_job("pull_contacts", client=client)
    log = summarise_calls(bench.sandbox.log(), org.tenant)
    org.phases["refresh"] = m.seconds
    org.waits["refresh"] = waits.seconds
    if not report:
        return
    active = org.counts["active_contacts"]
    bench.add(ratio_figure(
        "api.first_refresh", f"API: first refresh, {active:,} contacts", log["calls"],
        pages(active), "calls", API_TARGET, "minimum",
        details={"log": log, "client_calls": stats.get("calls"),
                 "contacts_read": stats.get("contacts"), **m.as_dict()}))


def review_bindings(env, connection):
    return env["xero.contact"].search([
        ("backend_id", "=", connection.id), ("state", "=", "review"),
        ("xero_status", "=", "ACTIVE")], order="id")


def _warm_up(bench, org):
    """Run partner creation once before timing anything, so neither side
    pays for cold caches."""
    with bench.reg.cursor() as cr:
        env = _env(cr)
        connection = bench.connection(env, org)
        bindings = review_bindings(env, connection)[:50]
        resolver = env["res.partner"]._xero_address_resolver()
        rows = [env["res.partner"]._xero_partner_vals(b.xero_values or {}, resolver)
                for b in bindings]
        _create_partners(env, rows)
        cr.rollback()


def _env(cr):
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    return api.Environment(cr, SUPERUSER_ID, {})


def _create_partners(env, rows):
    """Bare batched ``res.partner.create`` of what the import creates: the
    partners, then their child contacts."""
    partner = env["res.partner"].with_context(xero_no_push=True, tracking_disable=True)
    for start in range(0, len(rows), IMPORT_BATCH):
        chunk = rows[start:start + IMPORT_BATCH]
        created = partner.create([vals for vals, _person, _notes in chunk])
        children = [dict(child, parent_id=p.id)
                    for (_vals, kids, _notes), p in zip(chunk, created, strict=True)
                    for child in kids]
        if children:
            partner.create(children)
        env.flush_all()


@contextmanager
def _batch_probe(env, batches_seen):
    """Record queries and records of each import batch."""
    cls = type(env["xero.contact.importer"])
    own = "_import_batch" in cls.__dict__
    original = cls._import_batch

    def probe(self, connection, bindings, *args, **kwargs):
        before = sql_queries()
        result = original(self, connection, bindings, *args, **kwargs)
        batches_seen.append({"records": len(bindings), "queries": sql_queries() - before})
        return result

    cls._import_batch = probe
    try:
        yield
    finally:
        if own:
            cls._import_batch = original
        else:
            del cls._import_batch


def _query_growth(seen):
    """Queries per record of the later half of the full batches over the
    earlier half: 1.0 when the cost per record stays flat."""
    full = [b for b in seen if b["records"] == IMPORT_BATCH] or seen
    if len(full) < 2:
        return 1.0
    half = len(full) // 2

    def per_record(items):
        return sum(b["queries"] for b in items) / max(1, sum(b["records"] for b in items))

    first = per_record(full[:half])
    return per_record(full[half:]) / first if first else 1.0


def _import_with_baseline(bench, org, seen):
    """Import batch by batch, each batch paired with the bare creation of
    the same partners in another transaction (rolled back at the end): a
    slow patch of the machine hits both sides alike. Returns (import,
    baseline) totals and the number of partners the baseline created."""
    imported, baseline = Totals(), Totals()
    baseline_records = 0
    with bench.reg.cursor() as base_cr, job_env(bench.reg) as env:
        base_env = _env(base_cr)
        resolver = base_env["res.partner"]._xero_address_resolver()
        connection = bench.connection(env, org)
        with measured() as m:
            bindings = review_bindings(env, connection)
        imported.add(m, 0)
        for number, start in enumerate(range(0, len(bindings), IMPORT_BATCH)):
            chunk = bindings[start:start + IMPORT_BATCH]
            rows = [base_env["res.partner"]._xero_partner_vals(b.xero_values or {}, resolver)
                    for b in chunk.with_env(base_env)]
            base_env.flush_all()
            for side in ("import", "baseline") if number % 2 else ("baseline", "import"):
                if side == "baseline":
                    with measured() as m:
                        _create_partners(base_env, rows)
                    baseline.add(m, len(rows))
                    baseline_records += len(rows) + sum(len(kids) for _v, kids, _n in rows)
                else:
                    with _batch_probe(env, seen), measured() as m:
                        done = env["xero.contact.importer"]._import(
                            connection, chunk, batch_size=IMPORT_BATCH)
                    imported.add(m, done)
        base_cr.rollback()
    return imported, baseline, baseline_records


class Totals:
    def __init__(self):
        self.seconds, self.queries, self.records = 0.0, 0, 0

    def add(self, measurement, records):
        self.seconds += measurement.seconds
        self.queries += measurement.queries
        self.records += records

    def as_dict(self):
        return {"seconds": round(self.seconds, 3), "queries": self.queries,
                "records": self.records}


def bulk_import(bench, org, report):
    """Odoo-side cost: the sync screen's bulk import of every Xero contact
    to review, against bare batched partner creation of the same values."""
    seen = []
    if not report:
        with job_env(bench.reg) as env, measured() as m:
            connection = bench.connection(env, org)
            env["xero.contact.importer"]._import(connection, review_bindings(env, connection),
                                        batch_size=IMPORT_BATCH)
        org.phases["import"] = m.seconds
        return
    _warm_up(bench, org)
    with profiled(bench.profile_dir, "import-and-baseline"):
        imported, baseline, baseline_records = _import_with_baseline(bench, org, seen)
    org.phases["import"] = imported.seconds
    records = imported.records
    with job_env(bench.reg) as env:
        children = env["res.partner"].search_count([
            ("parent_id.xero_contact_ids.backend_id", "=", org.connection_id)])
    details = {"partners_created": records + children,
               "baseline_partners_created": baseline_records, "import": imported.as_dict(),
               "baseline": baseline.as_dict(), "batch_size": IMPORT_BATCH, "batches": seen}
    bench.add(ratio_figure(
        "odoo.import_time", f"Odoo: import {records:,} contacts (wall time)",
        imported.seconds, baseline.seconds, "s", IMPORT_TIME_TARGET, "bare create",
        details=details))
    growth = _query_growth(seen)
    per_record = imported.queries / max(1, records)
    base_per_record = baseline.queries / max(1, records)
    bench.add(Figure(
        "odoo.import_queries", "Odoo: import, SQL queries per contact", per_record,
        "queries/record", f"O(1): flat along the import (≤ {QUERY_GROWTH_TARGET:g}×)",
        growth <= QUERY_GROWTH_TARGET, base_per_record, "bare create",
        per_record / base_per_record if base_per_record else None,
        note=f"queries per contact, later batches vs earlier ones: {growth:.2f}×",
        details={"growth": growth, "queries": imported.queries,
                 "baseline_queries": baseline.queries}))


def incremental_refresh(bench, org, changes):
    """(b) Incremental refresh with no change, then with ``changes`` contacts
    changed in Xero."""
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        bench.sandbox.clear_log()
        with measured() as idle:
            idle_stats = connection._run_job("pull_contacts", client=connection._xero_client())
        idle_log = summarise_calls(bench.sandbox.log(), org.tenant)
    bench.add(ratio_figure(
        "api.incremental_0", "API: incremental refresh, 0 changes", idle_log["calls"], 1,
        "calls", API_TARGET, "minimum",
        details={"log": idle_log, "contacts_read": idle_stats.get("contacts"),
                 **idle.as_dict()}))
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        changed = linked_bindings(env, connection)[:changes]
        _change_in_xero(connection, changed.mapped("external_id"))
    bench.sandbox.clear_log()
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        with measured() as busy:
            stats = connection._run_job("pull_contacts", client=connection._xero_client())
    log = summarise_calls(bench.sandbox.log(), org.tenant)
    bench.add(ratio_figure(
        "api.incremental_changes", f"API: incremental refresh, {changes:,} changes",
        log["calls"], pages(changes), "calls", API_TARGET, "minimum",
        details={"log": log, "contacts_read": stats.get("contacts"), **busy.as_dict()}))


def run_until_done(job, connection, max_runs=10):
    """Run a push job as its scheduled action would, until nothing is left
    (or a run makes no progress); returns the stats of each run."""
    runs = []
    for _run in range(max_runs):
        stats = connection._run_job(job, client=connection._xero_client())
        runs.append(stats)
        if not stats["remaining"] or not stats["pushed"] + stats["failed"]:
            break
    return runs


def linked_bindings(env, connection):
    return env["xero.contact"].search([("backend_id", "=", connection.id),
                                       ("state", "=", "linked")], order="id")


def _change_in_xero(connection, contact_ids):
    """Someone edits these contacts in Xero (their phone number)."""
    client = connection._xero_client()
    for start in range(0, len(contact_ids), XERO_BATCH):
        chunk = contact_ids[start:start + XERO_BATCH]
        client.save_contacts([
            {"ContactID": cid, "Phones": [{"PhoneType": "DEFAULT",
                                           "PhoneNumber": f"555 {start + i:04d}"}]}
            for i, cid in enumerate(chunk)], uuid.uuid4().hex)


def push_changes(bench, org, skip, count):
    """(c) ``count`` partners changed in Odoo, pushed to Xero."""
    with job_env(bench.reg) as env, measured() as marking:
        connection = bench.connection(env, org)
        partners = linked_bindings(env, connection)[skip:skip + count].odoo_id
        partners.write({"city": "Benchmark City"})
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        pending = env["xero.contact"].search_count([
            ("backend_id", "=", connection.id), ("need_push", "=", True)])
        bench.sandbox.clear_log()
        with profiled(bench.profile_dir, "push-contacts"), measured() as m:
            runs = run_until_done("push_contacts", connection)
    log = summarise_calls(bench.sandbox.log(), org.tenant)
    figure = bench.add(ratio_figure(
        "api.push_contacts", f"API: push {count:,} changed partners", log["calls"],
        batches(pending), "calls", API_TARGET, "minimum",
        details={"log": log, "pending": pending, "runs": runs,
                 "marking": marking.as_dict(), **m.as_dict()}))
    if pending != count:
        figure.note = (f"{pending} contacts were pending for {count} changed partners. "
                       + figure.note).strip()
