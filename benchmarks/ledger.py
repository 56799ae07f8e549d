"""The sales ledger pull, in a process of its own so its peak memory is its
own: ``python -m benchmarks.run --step ledger ...`` (started by the driver)."""

import json
import os
import subprocess
import sys

from benchmarks.measure import (
    MB,
    RssSampler,
    SleepMeter,
    measured,
    peak_rss_bytes,
    profiled,
    reset_peak_rss,
)
from benchmarks.odoo_env import job_env
from benchmarks.report import limit_figure, ratio_figure
from benchmarks.sandbox import REPO, summarise_calls
from benchmarks.volumes import pages

API_TARGET = 1.05
RSS_TARGET_MB = 500


def pull_here(bench, org):
    """Pull the whole ledger in this process (as part of a longer job);
    times the pull and what the client slept."""
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        waits = SleepMeter()
        client = connection._xero_client(sleep=waits)
        with measured() as m:
            stats = connection._run_job("pull_ledger", client=client)
    org.phases["ledger"] = m.seconds
    org.waits["ledger"] = waits.seconds
    return stats


def run_step(options):
    """Child process: pull the whole ledger of one connection, report JSON."""
    from benchmarks import odoo_env  # noqa: PLC0415

    odoo_env.configure(options.addons_path, options.data_dir, options.db, options.logfile)
    reg = odoo_env.registry(options.db)
    with odoo_env.job_env(reg) as env:
        connection = env["xero.connection"].browse(options.connection_id)
        waits = SleepMeter()
        client = connection._xero_client(sleep=waits)
        peak_before = peak_rss_bytes()  # registry loading
        reset = reset_peak_rss()
        with profiled(options.profile_dir if options.profile else None,
                      f"ledger-{options.connection_id}"), RssSampler() as rss, measured() as m:
            stats = connection._run_job("pull_ledger", client=client)
        peak = peak_rss_bytes()
        ledger_lines = env["xero.ledger.invoice"].search_count(
            [("connection_id", "=", connection.id)])
    result = {
        "stats": stats, **m.as_dict(), "ledger_lines": ledger_lines,
        "slept_seconds": waits.seconds, "waits": waits.waits,
        "rss_before_mb": rss.start_rss / MB, "rss_peak_sampled_mb": rss.peak / MB,
        "peak_rss_at_start_mb": peak_before / MB, "peak_reset": reset,
        # Without the reset, this is the peak of the whole child process.
        "peak_rss_mb": peak / MB,
    }
    with open(options.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, default=str)


def pull(bench, org, report):
    """(d) Pull the whole ledger of ``org`` in a child process; with
    ``report``, the API and memory figures."""
    out = os.path.join(bench.logs_dir, f"ledger-{org.key}.json")
    options = bench.options
    command = [sys.executable, "-m", "benchmarks.run", "--step", "ledger",
               "--db", bench.db, "--addons-path", options.addons_path,
               "--data-dir", options.data_dir, "--connection-id", str(org.connection_id),
               "--logfile", os.path.join(bench.logs_dir, f"ledger-{org.key}.log"),
               "--out", out, *(["--profile"] if bench.profile_dir else [])]
    bench.sandbox.clear_log()
    subprocess.run(command, cwd=REPO, check=True)
    with open(out, encoding="utf-8") as handle:
        result = json.load(handle)
    log = summarise_calls(bench.sandbox.log(), org.tenant)
    org.phases["ledger"] = result["seconds"]
    org.waits["ledger"] = result["slept_seconds"]
    bench.details[f"ledger_{org.key}"] = {"log": log, **result}
    if not report:
        return
    counts = org.counts
    minimum = pages(counts["accrec_invoices"]) + pages(counts["accrec_credit_notes"])
    bench.add(ratio_figure(
        "api.ledger", f"API: pull ledger of {counts['invoices']:,} invoices", log["calls"],
        minimum, "calls", API_TARGET, "minimum",
        details={"log": log, "counts": counts, "stats": result["stats"],
                 "ledger_lines": result["ledger_lines"], "seconds": result["seconds"],
                 "queries": result["queries"]}))
    bench.add(limit_figure(
        "memory.ledger_peak_rss", "Memory: peak RSS during the ledger pull",
        result["peak_rss_mb"], "MB", RSS_TARGET_MB, result["rss_before_mb"],
        "before the pull",
        details={k: round(v, 1) for k, v in result.items() if k.endswith("_mb")}))
