"""Real time: latency of a change made in Xero to reach Odoo through a
webhook, and of a save in Odoo to reach Xero through the push triggered
after commit; then a compressed practice day whose calls are compared with
Xero's Starter budget.

Odoo serves ``/xero/webhook`` over HTTP in this process and runs a cron
worker thread (Odoo's own loop), so the path measured is the one of a
production server: the sandbox posts signed batches, the route stores
them, the trigger wakes the cron worker, the job reads the records by ID.
The scheduled actions are moved to tomorrow first: only triggers run."""

import statistics
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from benchmarks.contacts import linked_bindings
from benchmarks.invoices import _pay, _post_invoices
from benchmarks.odoo_env import job_env
from benchmarks.report import Figure, limit_figure
from benchmarks.sandbox import CLIENT_ID, free_port

WEBHOOK_KEY = "bench-webhook-key"
STARTER_DAY = 1000
# Seconds a change may take before it counts as lost.
TIMEOUT = 60.0


def _utcnow():
    return datetime.utcnow()  # noqa: DTZ003 - compared with Odoo's naive UTC


def start_odoo_server(bench):
    """Odoo's HTTP (``/xero/webhook``) and one cron worker thread."""
    from werkzeug.serving import make_server  # noqa: PLC0415

    import odoo  # noqa: PLC0415
    from odoo.service.server import ThreadedServer  # noqa: PLC0415

    odoo.tools.config["dbfilter"] = f"^{bench.db}$"
    port = free_port()
    server = make_server("127.0.0.1", port, odoo.http.root, threaded=True)
    threading.Thread(target=server.serve_forever, name="bench-odoo-http", daemon=True).start()
    threading.Thread(target=ThreadedServer.cron_thread, args=(None, 0),
                     name="bench-odoo-cron", daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def _prepare(bench, org, url):
    with job_env(bench.reg) as env:
        env["ir.config_parameter"].sudo().set_param("xero_connector.webhook_key", WEBHOOK_KEY)
        connection = bench.connection(env, org)
        connection.write({"invoice_sync_enabled": True, "realtime": True})
        # Only triggers run during the measurement.
        env["ir.cron"].sudo().search([]).write(
            {"nextcall": _utcnow() + timedelta(days=1)})
        env["ir.cron.trigger"].sudo().search([]).unlink()
    registration = bench.sandbox._call("POST", "webhooks", json={
        "client_id": CLIENT_ID, "url": f"{url}/xero/webhook", "key": WEBHOOK_KEY})
    if registration["status"] != "OK":
        raise RuntimeError(f"webhook registration failed: {registration['reason']}")


def _calls_by_job(env, connection, since):
    env.cr.execute("""
        SELECT job, sum(calls) FROM xero_api_usage
         WHERE connection_id = %s AND last_call_at >= %s GROUP BY job
    """, [connection.id, since])
    return dict(env.cr.fetchall())


def _wait(check, timeout=TIMEOUT, every=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return False


def _percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _latency_figures(bench, key, label, latencies, count, calls):
    p50, p95 = _percentile(latencies, 0.5), _percentile(latencies, 0.95)
    details = {"p50": p50, "p95": p95, "mean": statistics.mean(latencies) if latencies else None,
               "arrived": len(latencies), "changes": count, "calls": calls}
    note = "" if len(latencies) == count else f"{count - len(latencies)} never arrived"
    bench.add(Figure(f"{key}.p50", f"{label}: p50 over {count}", p50, "s", "-", None,
                     note=note, details=details))
    bench.add(Figure(f"{key}.p95", f"{label}: p95 ({sum(calls.values())} calls)", p95, "s",
                     "-", None, note=note))


@contextmanager
def _xero_user(bench, org):
    """A client outside the addon's meter: its calls are a Xero user's."""
    with job_env(bench.reg) as env:
        yield bench.connection(env, org).organisation_id._xero_client()


def xero_to_odoo(bench, org, count, every=0.2):
    """Contacts edited in Xero one by one; the time until Odoo holds each edit."""
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        external_ids = linked_bindings(env, connection)[:count].mapped("external_id")
    started = _utcnow()
    sent, arrived = {}, {}
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            with job_env(bench.reg) as env:
                env.cr.execute("""
                    SELECT external_id, xero_values->>'website' FROM xero_contact
                     WHERE external_id = ANY(%s)
                """, [list(sent)])
                now = time.monotonic()
                for external_id, website in env.cr.fetchall():
                    token = sent.get(external_id, (None,))[0]
                    if token and website == token and external_id not in arrived:
                        arrived[external_id] = now - sent[external_id][1]
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    with _xero_user(bench, org) as client:
        for external_id in external_ids:
            token = f"https://{uuid.uuid4().hex[:10]}.example"
            client.save_contacts([{"ContactID": external_id, "Website": token}],
                                 uuid.uuid4().hex)
            sent[external_id] = (token, time.monotonic())
            time.sleep(every)
    _wait(lambda: len(arrived) == len(sent))
    stop.set()
    watcher.join()
    with job_env(bench.reg) as env:
        calls = _calls_by_job(env, bench.connection(env, org), started)
    _latency_figures(bench, "realtime.xero_to_odoo", "Xero change → Odoo (webhook)",
                     list(arrived.values()), len(external_ids), calls)


def odoo_to_xero(bench, org, count, every=0.2):
    """Partners saved in Odoo one by one; the time until Xero has each save
    (the binding synced after it)."""
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        bindings = linked_bindings(env, connection)[count:2 * count]
        pairs = list(zip(bindings.ids, bindings.odoo_id.ids, strict=True))
    started = _utcnow()
    sent, arrived = {}, {}
    for binding_id, partner_id in pairs:
        with job_env(bench.reg) as env:
            env["res.partner"].browse(partner_id).city = f"City {uuid.uuid4().hex[:8]}"
        sent[binding_id] = (_utcnow(), time.monotonic())
        time.sleep(every)

    def check():
        with job_env(bench.reg) as env:
            env.cr.execute("SELECT id, sync_date, need_push FROM xero_contact WHERE id = ANY(%s)",
                           [list(sent)])
            now = time.monotonic()
            for binding_id, sync_date, need_push in env.cr.fetchall():
                saved_at, t0 = sent[binding_id]
                if binding_id not in arrived and not need_push and sync_date \
                        and sync_date >= saved_at - timedelta(seconds=1):
                    arrived[binding_id] = now - t0
        return len(arrived) == len(sent)

    _wait(check, every=0.1)
    with job_env(bench.reg) as env:
        calls = _calls_by_job(env, bench.connection(env, org), started)
    _latency_figures(bench, "realtime.odoo_to_xero", "Odoo save → Xero",
                     list(arrived.values()), len(pairs), calls)


def _settled(bench, org):
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        env.cr.execute("SELECT count(*) FROM xero_webhook_event WHERE state = 'pending'")
        events = env.cr.fetchone()[0]
        pending = env["xero.contact"].search_count([("backend_id", "=", connection.id),
                                                    ("need_push", "=", True)])
        invoices = env["xero.invoice"].search_count([
            ("backend_id", "=", connection.id), "|", ("need_push", "=", True),
            ("need_payment_sync", "=", True)])
        deliveries = bench.sandbox._call("GET", "webhooks")
        queued = sum(r["queued"] for r in deliveries)
    return not (events or pending or invoices or queued)


def _change_in_xero(bench, org, contact_ids, invoice_ids, wave):
    with _xero_user(bench, org) as client:
        for start in range(0, len(contact_ids), 50):
            client.save_contacts([{"ContactID": i, "Website": f"https://d{wave}.example"}
                                  for i in contact_ids[start:start + 50]], uuid.uuid4().hex)
        for start in range(0, len(invoice_ids), 50):
            client.save_invoices([{"InvoiceID": i, "Reference": f"Day {wave}"}
                                  for i in invoice_ids[start:start + 50]], uuid.uuid4().hex)


def practice_day(bench, org, partners, invoices, contacts_xero, invoices_xero, waves=10):
    """A day compressed into ``waves``: partners edited and invoices posted
    and paid in Odoo, contacts and invoices changed in Xero; every call the
    addon made is counted by job."""
    started = _utcnow()
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        linked = linked_bindings(env, connection)
        partner_ids = linked[:partners].odoo_id.ids
        customers = linked[-max(1, invoices):].odoo_id
        xero_contacts = linked[-contacts_xero:].mapped("external_id")
        linked_ids = set(linked.mapped("external_id"))
    rendered = bench.sandbox._call("GET", "state", params={
        "organisation": org.tenant, "entity": "Invoices"})["Invoices"]
    xero_invoices = [i["InvoiceID"] for i in rendered
                     if i.get("Type") == "ACCREC" and i.get("Status") == "AUTHORISED"
                     and (i.get("Contact") or {}).get("ContactID") in linked_ids][:invoices_xero]
    start = time.monotonic()
    for wave in range(waves):
        def part(items, wave=wave):
            size = -(-len(items) // waves)
            return items[wave * size:(wave + 1) * size]

        with job_env(bench.reg) as env:
            for partner in env["res.partner"].browse(part(partner_ids)):
                partner.city = f"Day {wave} {partner.id}"
        count = len(part(list(range(invoices))))
        if count:
            with job_env(bench.reg) as env:
                connection = bench.connection(env, org)
                moves = _post_invoices(env, connection, customers.with_env(env), count)
                _pay(env, moves)
        _change_in_xero(bench, org, part(xero_contacts), part(xero_invoices), wave)
        time.sleep(1.5)
        _wait(lambda: _settled(bench, org), timeout=180, every=0.5)
    seconds = time.monotonic() - start
    with job_env(bench.reg) as env:
        calls = _calls_by_job(env, bench.connection(env, org), started)
    total = sum(calls.values())
    # The scheduled pulls a day without webhooks makes at least: contacts
    # every 30 minutes and the ledger hourly (invoices and credit notes).
    replaced = 48 + 24 * 2
    budget = STARTER_DAY * partners // 2000 if partners < 2000 else STARTER_DAY
    bench.add(limit_figure(
        "realtime.practice_day",
        f"Practice day: {partners:,} partner edits, {invoices:,} invoices posted and paid, "
        f"{contacts_xero:,} contacts and {len(xero_invoices):,} invoices changed in Xero",
        total, "calls", budget, baseline=replaced,
        baseline_label=f"scheduled pulls replaced: {replaced} calls a day",
        details={"calls_by_job": calls, "seconds": round(seconds, 1), "waves": waves,
                 "starter_budget": STARTER_DAY, "budget_for_volumes": budget,
                 "day": str(date.today())}))


def run(bench, org):
    volumes = bench.volumes
    scale = 10 if volumes.contacts < 10_000 else 1
    url, server = start_odoo_server(bench)
    try:
        _prepare(bench, org, url)
        changes = 200 // scale
        xero_to_odoo(bench, org, changes)
        odoo_to_xero(bench, org, changes)
        practice_day(bench, org, 2000 // scale, 500 // scale, 2000 // scale, 500 // scale)
    finally:
        server.shutdown()
