"""Odoo as a library: the benchmark database (created the normal way, with
``-i xero_connector``), the registry, environments like a scheduled action
has, and the addon's settings pointed at the sandbox."""

import os
import subprocess
import sys
from contextlib import contextmanager

ADDON = "xero_connector"


def odoo_args(addons_path, data_dir, logfile):
    args = [f"--addons-path={addons_path}", f"--data-dir={data_dir}",
            f"--logfile={logfile}", "--max-cron-threads=0"]
    for env_key, option in (("PGHOST", "--db_host"), ("PGPORT", "--db_port"),
                            ("PGUSER", "--db_user"), ("PGPASSWORD", "--db_password")):
        if os.environ.get(env_key):
            args.append(f"{option}={os.environ[env_key]}")
    return args


def configure(addons_path, data_dir, db, logfile):
    """Make ``odoo`` usable in this process (configuration and logging)."""
    from odoo.tools import config  # noqa: PLC0415 - needs the addons path first

    config.parse_config([*odoo_args(addons_path, data_dir, logfile), "-d", db],
                        setup_logging=True)


def create_database(db, addons_path, data_dir, logfile):
    """A fresh database with the addon installed, as an administrator would
    create it: ``odoo -d DB -i xero_connector --stop-after-init``."""
    command = [sys.executable, "-m", "odoo", *odoo_args(addons_path, data_dir, logfile),
               "-d", db, "-i", ADDON, "--without-demo=all", "--stop-after-init", "--no-http"]
    result = subprocess.run(command, check=False)
    if result.returncode:
        raise RuntimeError(f"installing {ADDON} in {db} failed (see {logfile})")


def close_registry(db):
    """Forget the registry and close this process's connections to ``db``."""
    from odoo import sql_db  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    Registry.delete(db)
    sql_db.close_db(db)


def vacuum(db, table=None):
    """``VACUUM ANALYZE`` (one table or the whole database), so what a
    scenario left behind (rolled-back rows, fresh statistics to collect) is
    not cleaned up by autovacuum in the middle of the next one."""
    import psycopg2  # noqa: PLC0415

    from odoo import sql_db  # noqa: PLC0415

    _name, info = sql_db.connection_info_for(db)
    conn = psycopg2.connect(**info)
    try:
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(f"VACUUM ANALYZE {table or ''}")
    finally:
        conn.close()


def clone_database(source, target):
    """A copy of ``source`` in its current state (no one may be connected)."""
    close_registry(source)
    subprocess.run(["createdb", "-T", source, target], check=True)


def drop_database(db):
    close_registry(db)
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=False)


def registry(db):
    from odoo.modules.registry import Registry  # noqa: PLC0415

    reg = Registry(db)
    with reg.cursor() as cr:
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [ADDON])
        row = cr.fetchone()
    if not row or row[0] != "installed":
        raise RuntimeError(f"{ADDON} is not installed in {db}")
    return reg


@contextmanager
def job_env(reg, context=None):
    """An environment on its own cursor, committed at the end, as a
    scheduled action has (the sync methods commit per batch themselves)."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with reg.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, dict(context or {}))


def sql_queries():
    """Queries run by this process so far (all cursors)."""
    from odoo import sql_db  # noqa: PLC0415

    return sql_db.sql_counter


def configure_addon(env, sandbox_url, client_id, client_secret, calls_per_minute):
    """System parameters of the addon; the retry settings are the defaults."""
    param = env["ir.config_parameter"].sudo().set_param
    for key in ("login_url", "identity_url", "api_url"):
        param(f"xero_connector.{key}", sandbox_url)
    param("xero_connector.client_id", client_id)
    param("xero_connector.client_secret", client_secret)
    set_calls_per_minute(env, calls_per_minute)


def set_calls_per_minute(env, calls_per_minute):
    """0 turns the addon's own limiter off (the default is Xero's 60)."""
    env["ir.config_parameter"].sudo().set_param("xero_connector.calls_per_minute",
                                                 calls_per_minute)


def connect(env, sandbox, company, login, tenant, client_id):
    """Connect ``company`` to organisation ``tenant`` as the OAuth callback
    does, the sandbox issuing the token directly."""
    from odoo.addons.xero_connector.xero_core.oauth import clean_token  # noqa: PLC0415

    token = sandbox.connect(login, [tenant])
    auth = env["xero.authorization"]._from_login(clean_token(token), company, client_id)
    orgs = env["xero.organisation"]._upsert_from_connections(
        auth, auth._xero_client().connections())
    org = orgs.filtered(lambda o: o.tenant_id == tenant)
    return env["xero.connection"]._connect(company, org)
