"""Benchmark driver: ``scripts/bench [--quick] [--keep-db] [--only NAME]``.

Starts the Xero sandbox, creates a fresh database with xero_connector,
runs the scenarios, prints the result table and writes the same figures to
benchmarks/results/latest.json. Exits 0 when every scenario ran (missed
targets included), 1 when one crashed.
"""

import argparse
import datetime
import importlib.util
import os
import platform
import subprocess
import sys
import time
import traceback

from benchmarks import contacts, documents_in, echo, invoices, ledger, matching, rate_limits
from benchmarks.report import error_figure, table, write_json
from benchmarks.sandbox import REPO, Sandbox, bench_seed
from benchmarks.state import Bench
from benchmarks.volumes import FULL, QUICK

RESULTS = os.path.join(REPO, "benchmarks", "results")
# Scenarios in the order they run, with what each needs to have run first.
SCENARIOS = {
    "refresh": (),
    "matching": ("refresh",),
    "import": ("refresh",),
    "ledger": ("refresh", "import"),
    "incremental": ("refresh", "import"),
    "echo": ("refresh", "import", "incremental"),
    "auto-pull": ("refresh", "import"),
    "push": ("refresh", "import"),
    "invoices": ("refresh", "import"),
    "totals": ("refresh", "import"),
    "documents-in": ("refresh", "import"),
    "rate-limits": (),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a tenth of the volumes: a smoke run of a few minutes")
    parser.add_argument("--keep-db", action="store_true", help="keep the database at the end")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help=f"run only these scenarios (and what they need): "
                             f"{', '.join(SCENARIOS)}; repeatable or comma-separated")
    parser.add_argument("--db", help="database name (default: xc_bench_<timestamp>)")
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--output", default=os.path.join(RESULTS, "latest.json"))
    parser.add_argument("--profile", action="store_true",
                        help="write pyinstrument profiles of the measured steps to "
                             "benchmarks/results/profiles/ (needs pyinstrument)")
    # Internal: a step run in a child process.
    parser.add_argument("--step", choices=["ledger", "full-sync"], help=argparse.SUPPRESS)
    parser.add_argument("--connection-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--company-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sandbox-url", help=argparse.SUPPRESS)
    parser.add_argument("--calls-per-minute", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--login", help=argparse.SUPPRESS)
    parser.add_argument("--tenant", help=argparse.SUPPRESS)
    parser.add_argument("--logfile", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    options.only = [n.strip() for item in options.only for n in item.split(",") if n.strip()]
    unknown = [n for n in options.only if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from "
                     f"{', '.join(SCENARIOS)}")
    options.profile_dir = os.path.join(RESULTS, "profiles")
    if options.profile and importlib.util.find_spec("pyinstrument") is None:
        parser.error("--profile needs pyinstrument: pip install pyinstrument")
    options.db = options.db or "xc_bench_" + datetime.datetime.now().strftime("%Y%m%d_%H%M%S")
    return options


def plan(only):
    """{scenario: reported} in running order; needed-only ones are not reported."""
    wanted = set(only or SCENARIOS)
    needed = set(wanted)
    for name in wanted:
        needed.update(SCENARIOS[name])
    return {name: name in wanted for name in SCENARIOS if name in needed}


def run_scenarios(bench, steps):
    """Run each scenario; a crash is reported and skips what depends on it."""
    volumes = bench.volumes
    org_a, org_b = bench.orgs["A"], bench.orgs["B"]
    actions = {
        "refresh": lambda report: contacts.first_refresh(bench, org_a, report),
        "matching": lambda report: matching.suggestions(bench, org_a),
        "import": lambda report: contacts.bulk_import(bench, org_a, report),
        "ledger": lambda report: ledger.pull(bench, org_a, report),
        "incremental": lambda report: contacts.incremental_refresh(
            bench, org_a, volumes.changes),
        "echo": lambda report: echo.echo_pushes(bench, org_a),
        "auto-pull": lambda report: echo.auto_pull(bench, org_a, volumes.auto_pulled),
        "push": lambda report: contacts.push_changes(
            bench, org_a, volumes.changes, volumes.pushed_partners),
        "invoices": lambda report: invoices.push(
            bench, org_a, volumes.changes + volumes.pushed_partners, volumes.pushed_invoices),
        "totals": lambda report: invoices.totals(
            bench, org_a, volumes.changes + volumes.pushed_partners + volumes.pushed_invoices,
            volumes.totals_invoices),
        "documents-in": lambda report: documents_in.documents_in(
            bench, org_a, 0, volumes.documents_in),
        "rate-limits": lambda report: rate_limits.full_sync(bench, org_b),
    }
    failed = set()
    timings = {}
    for name, report in steps.items():
        broken = [n for n in SCENARIOS[name] if n in failed]
        if broken:
            failed.add(name)
            bench.add(error_figure(name, name, f"skipped: {', '.join(broken)} failed"))
            continue
        say(f"{name}{'' if report else ' (needed by another scenario)'}")
        start = time.monotonic()
        try:
            actions[name](report)
        except Exception as exc:  # noqa: BLE001 - report it, go on with the rest
            failed.add(name)
            traceback.print_exc()
            bench.add(error_figure(name, name, f"{type(exc).__name__}: {exc}"))
        timings[name] = round(time.monotonic() - start, 1)
    return failed, timings


def say(message):
    print(f"\033[1m==> {message}\033[0m", flush=True)


def prepare_sandbox(bench, steps):
    sandbox = bench.sandbox
    sandbox.reset(bench_seed())
    orgs = [bench.orgs["A"]] + ([bench.orgs["B"]] if "rate-limits" in steps else [])
    for org in orgs:
        sandbox.generate(org.tenant, bench.volumes.contacts, bench.volumes.invoices, org.seed)
        org.counts = sandbox.counts(org.tenant)


def git_revision():
    """The commit measured, with ``+changes`` when the tree differs from it."""
    def git(*args):
        return subprocess.run(["git", "-C", REPO, *args], capture_output=True, text=True,
                              check=False).stdout.strip()

    try:
        changed = git("status", "--porcelain", "--untracked-files=no")
        return git("rev-parse", "--short", "HEAD") + ("+changes" if changed else "")
    except OSError:
        return ""


def main(argv=None):
    options = parse_args(argv)
    if options.step:
        {"ledger": ledger.run_step, "full-sync": rate_limits.run_step}[options.step](options)
        return 0
    started = time.monotonic()
    started_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    revision = git_revision()  # what scripts/bench just copied for Odoo
    volumes = QUICK if options.quick else FULL
    steps = plan(options.only)
    logs_dir = os.path.join(RESULTS, "logs")
    os.makedirs(logs_dir, exist_ok=True)
    sandbox = Sandbox(os.path.join(logs_dir, "sandbox.log"))
    bench = Bench(options, volumes, sandbox, logs_dir)
    failed, timings, db_created = {"setup"}, {}, False
    try:
        say(f"Xero sandbox, {volumes.contacts:,} contacts and {volumes.invoices:,} invoices "
            f"per organisation")
        sandbox.start()
        prepare_sandbox(bench, steps)
        say(f"Database {options.db} (installs xero_connector)")
        from benchmarks import odoo_env  # noqa: PLC0415 - imports odoo

        install_start = time.monotonic()
        db_created = True
        odoo_env.create_database(options.db, options.addons_path, options.data_dir,
                                 os.path.join(logs_dir, "install.log"))
        timings["install"] = round(time.monotonic() - install_start, 1)
        odoo_env.configure(options.addons_path, options.data_dir, options.db,
                           os.path.join(logs_dir, "odoo.log"))
        bench.reg = odoo_env.registry(options.db)
        contacts.connect_org(bench, bench.orgs["A"], calls_per_minute=0)
        failed, more = run_scenarios(bench, steps)
        timings.update(more)
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc()
        bench.add(error_figure("setup", "setup", f"{type(exc).__name__}: {exc}"))
    finally:
        wall = time.monotonic() - started
        payload = {
            "started_at": started_at, "wall_seconds": round(wall, 1),
            "mode": "quick" if options.quick else "full", "scenarios": list(steps),
            "volumes": volumes.as_dict(), "database": options.db,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform(), "revision": revision},
            "timings": timings, "figures": [f.as_dict() for f in bench.figures],
            "details": bench.details, "organisations": {
                k: {"counts": o.counts, "phases": o.phases} for k, o in bench.orgs.items()},
        }
        write_json(options.output, payload)
        print()
        print(table(bench.figures))
        print(f"\nWall time {wall / 60:.1f} min; figures in "
              f"{os.path.relpath(options.output)}")
        databases = [options.db, *([f"{options.db}_rl"] if "rate-limits" in steps else [])]
        if db_created and not options.keep_db:
            from benchmarks import odoo_env  # noqa: PLC0415

            for db in databases:
                odoo_env.drop_database(db)
        elif db_created:
            print(f"Databases kept: {', '.join(databases)}")
        sandbox.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
