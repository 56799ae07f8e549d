"""Pulls that must not come back: pushes queued by a pull with nothing
changed in Odoo ("echo pushes"), and the cost of applying Xero's changes
with auto-pull on, against importing the same contacts."""

from contextlib import contextmanager

from benchmarks.contacts import _change_in_xero, _env, linked_bindings
from benchmarks.measure import measured, profiled
from benchmarks.odoo_env import job_env
from benchmarks.report import limit_figure, ratio_figure
from benchmarks.sandbox import summarise_calls

AUTO_PULL_TARGET = 1.5


def echo_pushes(bench, org):
    """Contacts queued for a push after the incremental refresh read Xero's
    changes (the pull before this ran it; nothing changed in Odoo since the
    import): 0 expected."""
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        pending = env["xero.contact"].search([("backend_id", "=", connection.id),
                                              ("need_push", "=", True)])
        diffs = env["xero.contact.diff"].search([("connection_id", "=", connection.id)])
        by_field = {}
        for diff in diffs:
            by_field[diff.field] = by_field.get(diff.field, 0) + 1
    bench.add(limit_figure(
        "odoo.echo_pushes", f"Odoo: echo pushes after pulling {bench.volumes.changes:,} "
        "Xero changes (nothing changed in Odoo)", len(pending), "count", 0,
        details={"pending": len(pending), "differences_by_field": by_field}))


@contextmanager
def _no_commit(env):
    """The import's per-batch commits become no-ops, so that the baseline
    can be rolled back."""
    cls = type(env["xero.contact.importer"])
    own = "_commit" in cls.__dict__
    original = cls._commit
    cls._commit = lambda self: None
    try:
        yield
    finally:
        if own:
            cls._commit = original
        else:
            del cls._commit


def _import_again(bench, org, binding_ids):
    """Baseline: import the same contacts as new partners, in a
    transaction rolled back at the end."""
    with bench.reg.cursor() as cr:
        env = _env(cr)
        connection = bench.connection(env, org)
        bindings = env["xero.contact"].browse(binding_ids)
        bindings.write({"state": "review", "odoo_id": False, "snapshot": None})
        env.flush_all()
        with _no_commit(env), measured() as m:
            done = env["xero.contact.importer"]._import(connection, bindings)
            env.flush_all()
        cr.rollback()
    return m, done


def auto_pull(bench, org, count):
    """Apply ``count`` contacts changed in Xero with auto-pull on (the
    scheduled pull: read and apply), against importing the same contacts."""
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        bindings = linked_bindings(env, connection)[-count:]
        binding_ids = bindings.ids
        _change_in_xero(connection, bindings.mapped("external_id"))
        connection.auto_pull = True
    baseline, imported = _import_again(bench, org, binding_ids)
    bench.sandbox.clear_log()
    with job_env(bench.reg) as env:
        connection = bench.connection(env, org)
        with profiled(bench.profile_dir, "auto-pull"), measured() as m:
            stats = connection._run_job("pull_contacts", client=connection._xero_client())
        pulled = env["xero.contact"].browse(binding_ids)
        applied = sum(1 for b in pulled if not b.diff_ids and not b.need_push)
        connection.auto_pull = False
    log = summarise_calls(bench.sandbox.log(), org.tenant)
    figure = bench.add(ratio_figure(
        "odoo.auto_pull", f"Odoo: apply {count:,} contacts changed in Xero, auto-pull on",
        m.seconds, baseline.seconds, "s", AUTO_PULL_TARGET, f"import of the same {count:,}",
        details={"pull": m.as_dict(), "import": baseline.as_dict(), "imported": imported,
                 "applied": applied, "contacts_read": stats.get("contacts"), "log": log}))
    if applied != count:
        figure.passed = False
        figure.note = (f"{applied} of {count} changes applied cleanly. " + figure.note).strip()
