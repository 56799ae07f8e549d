"""Rate limits: a full first sync of one organisation at Xero's real limits,
against the same sync with limits off.

Both syncs start from the same database state (the real-limits one runs in a
copy taken before) and talk to sandboxes holding the same data, one with
limits off and one with Xero's real limits. They run at the same time, each
in a process of its own, so whatever else loads the machine slows both
alike and the ratio is about the limits. Each is one continuous job:
connect, refresh, import every contact, pull the whole ledger.
"""

import json
import os
import subprocess
import sys
import time

from benchmarks import contacts, ledger, odoo_env
from benchmarks.odoo_env import job_env
from benchmarks.report import Figure, ratio_figure
from benchmarks.sandbox import REPO, Sandbox, bench_seed, summarise_calls
from benchmarks.state import Bench, Org
from benchmarks.volumes import XERO_CALLS_PER_MINUTE, window_bound_seconds

PHASES = ("connect", "refresh", "import", "ledger")
DURATION_TARGET = 1.10


def run_step(options):
    """Child process: the full first sync of one organisation, as JSON."""
    odoo_env.configure(options.addons_path, options.data_dir, options.db, options.logfile)
    bench = Bench(options, None, Sandbox.attach(options.sandbox_url), None)
    bench.reg = odoo_env.registry(options.db)
    org = Org("sync", options.tenant, options.login, seed=0, company_id=options.company_id)
    entries = {}  # the steps clear the log as they start: keep each request once
    started = time.monotonic()
    for step in (lambda: contacts.connect_org(bench, org, options.calls_per_minute),
                 lambda: contacts.first_refresh(bench, org, report=False),
                 lambda: contacts.bulk_import(bench, org, report=False),
                 lambda: ledger.pull_here(bench, org)):
        step()
        entries.update((e["seq"], e) for e in bench.sandbox.log())
    result = {"phases": org.phases, "slept": sum(org.waits.values()),
              "wall_seconds": time.monotonic() - started,
              "entries": [entries[seq] for seq in sorted(entries)]}
    with open(options.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, default=str)


def _start_sync(bench, org, db, sandbox, calls_per_minute, name):
    options = bench.options
    command = [sys.executable, "-m", "benchmarks.run", "--step", "full-sync",
               "--db", db, "--addons-path", options.addons_path,
               "--data-dir", options.data_dir, "--sandbox-url", sandbox.url,
               "--calls-per-minute", str(calls_per_minute), "--company-id", str(org.company_id),
               "--login", org.login, "--tenant", org.tenant,
               "--logfile", os.path.join(bench.logs_dir, f"sync-{name}.log"),
               "--out", os.path.join(bench.logs_dir, f"sync-{name}.json")]
    return subprocess.Popen(command, cwd=REPO)


def _result(bench, name):
    with open(os.path.join(bench.logs_dir, f"sync-{name}.json"), encoding="utf-8") as handle:
        return json.load(handle)


def full_sync(bench, org):
    """Both syncs of ``org``; the figures: 429 answers and duration."""
    with job_env(bench.reg) as env:
        org.company_id = env["res.company"].create({"name": "Benchmark Second Ltd"}).id
    copy = f"{bench.options.db}_rl"
    # Both databases start clean: nothing left for autovacuum to do in either.
    odoo_env.close_registry(bench.db)
    odoo_env.vacuum(bench.db)
    odoo_env.clone_database(bench.db, copy)
    limited = Sandbox(os.path.join(bench.logs_dir, "sandbox-real-limits.log"), "real")
    limited.start()
    try:
        limited.reset(bench_seed())
        limited.generate(org.tenant, bench.volumes.contacts, bench.volumes.invoices, org.seed)
        if limited.counts(org.tenant) != org.counts:
            raise RuntimeError("the two sandboxes do not hold the same data")
        bench.sandbox.clear_log()
        children = {
            "limits-off": _start_sync(bench, org, bench.db, bench.sandbox, 0, "limits-off"),
            "real-limits": _start_sync(bench, org, copy, limited, XERO_CALLS_PER_MINUTE,
                                       "real-limits"),
        }
        failed = [name for name, child in children.items() if child.wait()]
        if failed:
            raise RuntimeError(f"the {' and '.join(failed)} sync failed "
                               f"(see {bench.logs_dir}/sync-*.log)")
    finally:
        limited.stop()
    _report(bench, org, _result(bench, "limits-off"), _result(bench, "real-limits"), copy)


def _report(bench, org, off, real, copy):
    log = summarise_calls(real["entries"], org.tenant)
    org_calls = sum(1 for e in real["entries"] if e.get("tenant") == org.tenant.lower())
    duration = sum(real["phases"][p] for p in PHASES)
    unlimited = sum(off["phases"][p] for p in PHASES)
    bound = window_bound_seconds(org_calls)
    details = {
        "log": log, "limits_off_log": summarise_calls(off["entries"], org.tenant),
        "organisation_calls": org_calls, "phases": real["phases"],
        "limits_off_phases": off["phases"], "slept": real["slept"],
        "limits_off_slept": off["slept"], "wall_seconds": real["wall_seconds"],
        "limits_off_wall_seconds": off["wall_seconds"], "limits_off_seconds": unlimited,
        "window_bound_seconds": bound, "database_copy": copy,
        "requests": [(e["ts"], e["method"], e["path"], (e.get("query") or {}).get("page"),
                      e["status"]) for e in real["entries"]],
    }
    bench.details["rate_limits"] = details
    bench.add(Figure(
        "rate.http_429", "Rate limits: 429 answers in a full first sync", log["rate_limited"],
        "count", "0", log["rate_limited"] == 0, details={"statuses": log["statuses"]}))
    bench.add(ratio_figure(
        "rate.full_sync_duration",
        f"Rate limits: full first sync ({org_calls} calls at 60/min)", duration,
        max(unlimited, bound), "s", DURATION_TARGET, "minimum", details=details,
        note=(f"the client waited {real['slept']:.1f} s for the limits; limits off: "
              f"{unlimited:.1f} s, {org_calls} calls need ≥ {bound:.0f} s at 60/min; both "
              f"syncs ran side by side")))
