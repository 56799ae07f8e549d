"""Fault scenarios that need real transactions: two cron workers at once,
and an Odoo process killed with SIGKILL in the middle of a long run."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from unittest.mock import patch

from odoo import api, fields, tools
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import TransactionCase, tagged

from ..xero_core.oauth import clean_token
from .common import CLIENT_ID, CLIENT_SECRET, PRACTICE, base_seed, sandbox
from .test_faults import FaultTally, xero_city

PARAMS = ("login_url", "identity_url", "api_url", "client_id", "client_secret",
          "calls_per_minute", "retries", "retry_backoff", "timeout")


@tagged("post_install", "-at_install")
class TestFaultsProcesses(FaultTally, TransactionCase):
    """Data here is committed (other processes must see it) and removed at
    the end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = sandbox()
        cls.sandbox.reset(base_seed())
        cls.sandbox.generate(organisation=PRACTICE, contacts=5000, seed=99)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            param = env["ir.config_parameter"]
            cls._saved = {k: param.get_param(f"xero_connector.{k}") for k in PARAMS}
            for key in ("login_url", "identity_url", "api_url"):
                param.set_param(f"xero_connector.{key}", cls.sandbox.url)
            param.set_param("xero_connector.client_id", CLIENT_ID)
            param.set_param("xero_connector.client_secret", CLIENT_SECRET)
            param.set_param("xero_connector.calls_per_minute", 0)
            param.set_param("xero_connector.retries", 2)
            param.set_param("xero_connector.retry_backoff", 0.01)
            param.set_param("xero_connector.timeout", 10)
            company = env["res.company"].with_context(active_test=False).search(
                [("name", "=", "Fault Tolerance Ltd")]) or env["res.company"].create(
                {"name": "Fault Tolerance Ltd"})
            company.active = True
            auth = env["xero.authorization"]._from_login(
                clean_token(cls.sandbox.connect()), company, CLIENT_ID)
            orgs = env["xero.organisation"]._upsert_from_connections(
                auth, auth._xero_client().connections())
            conn = env["xero.connection"]._connect(
                company, orgs.filtered(lambda o: o.tenant_id == PRACTICE))
            cr.commit()  # pylint: disable=invalid-commit
            conn._run_job("pull_contacts")
            cls.conn_id, cls.auth_id, cls.company_id = conn.id, auth.id, company.id

    @classmethod
    def tearDownClass(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            conn = env["xero.connection"].browse(cls.conn_id)
            bindings = env["xero.contact"].with_context(active_test=False).search(
                [("backend_id", "=", conn.id)])
            partners = bindings.odoo_id
            env["xero.sync.log"].search([("connection_id", "=", conn.id)]).unlink()
            bindings.unlink()
            (partners | partners.child_ids).unlink()
            conn.unlink()
            env["xero.organisation"].search([("company_id", "=", cls.company_id)]).unlink()
            env["xero.authorization"].browse(cls.auth_id).unlink()
            env["res.company"].browse(cls.company_id).active = False
            for key, value in cls._saved.items():
                env["ir.config_parameter"].set_param(f"xero_connector.{key}", value or False)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        # The test runner holds the registry lock while it loads modules;
        # cron threads in production do not contend with it.
        self.startPatcher(patch.object(Registry, "_lock", DummyRLock()))

    # -- helpers -----------------------------------------------------------------

    def scalar(self, query, params=()):
        with self.registry.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchone()[0]

    def in_job(self, code):
        """Run ``code(env, conn)`` in a committed transaction of its own."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            return code(env, env["xero.connection"].browse(self.conn_id))

    def odoo_process(self, script):
        """An Odoo shell in another process running ``script``."""
        config = tools.config
        command = [sys.executable, "-m", "odoo", "shell", "-d", self.env.cr.dbname,
                   "--no-http", "--log-level=warn", f"--addons-path={config['addons_path']}",
                   f"--data-dir={config['data_dir']}"]
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if config.get(option):
                command.append(f"--{option}={config[option]}")
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        process.stdin.write(script.encode())
        process.stdin.close()
        return process

    def kill_when(self, process, query, params, threshold, timeout=180):
        """SIGKILL ``process`` as soon as ``query`` reaches ``threshold``."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.scalar(query, params) >= threshold:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(10)
                return True
            if process.poll() is not None:
                return False
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        raise AssertionError("the Odoo process made no progress")

    def xero_by_id(self):
        by_id = {}
        for contact in self.sandbox.state(PRACTICE, "contacts"):
            by_id.setdefault(contact["ContactID"], []).append(contact)
        return by_id

    # -- scenarios (run in name order: import, then push, then workers) ------

    def test_1_kill_during_import_of_5000(self):
        linked = ("SELECT count(*) FROM xero_contact WHERE backend_id=%s AND state='linked'",
                  [self.conn_id])
        process = self.odoo_process(
            f"conn = env['xero.connection'].browse({self.conn_id})\n"
            "lines = env['xero.contact'].search([('backend_id', '=', conn.id), "
            "('state', '=', 'review')])\n"
            "env['xero.contact.importer']._import(conn, lines, 250)\n")
        killed = self.kill_when(process, *linked, threshold=500)
        done_before = self.scalar(*linked)
        self.assertTrue(killed and done_before < 5003, "killed in the middle")

        def resume(env, conn):
            lines = env["xero.contact"].search([("backend_id", "=", conn.id),
                                                ("state", "=", "review")])
            env["xero.contact.importer"]._import(conn, lines, 500)
        self.in_job(resume)

        def check(env, conn):
            bindings = env["xero.contact"].search([("backend_id", "=", conn.id)])
            partners = bindings.odoo_id
            lost = len(bindings.filtered(lambda b: b.state != "linked"))
            duplicated = len(bindings) - len(partners)
            names = partners.mapped("name")
            duplicated += len(names) - len(set(names))
            created = env["res.partner"].search_count([("id", "in", partners.ids)])
            # Each partner's child contacts: Xero's primary person and persons, once.
            xero = {c["ContactID"]: c for c in self.sandbox.state(PRACTICE, "contacts")}
            wanted = sum(bool(xero[b.external_id].get("FirstName"))
                         + len(xero[b.external_id].get("ContactPersons") or [])
                         for b in bindings)
            children = env["res.partner"].search_count([("parent_id", "in", partners.ids)])
            lost += max(0, wanted - children)
            duplicated += max(0, children - wanted)
            return len(bindings), lost + (len(bindings) - created), duplicated
        self.survived(*self.in_job(check))

    def test_2_kill_during_push_of_1000(self):
        def change(env, conn):
            bindings = env["xero.contact"].search(
                [("backend_id", "=", conn.id), ("state", "=", "linked")], limit=1000,
                order="id")
            bindings.odoo_id.write({"city": "Killed Push"})
            return bindings.ids
        ids = self.in_job(change)
        self.assertEqual(len(ids), 1000)
        contacts_before = len(self.sandbox.state(PRACTICE, "contacts"))
        pending = ("SELECT count(*) FROM xero_contact WHERE backend_id=%s AND NOT need_push "
                   "AND id = ANY(%s)", [self.conn_id, ids])
        process = self.odoo_process(
            f"env['xero.connection'].browse({self.conn_id})"
            "._run_job('push_contacts', max_batches=20)\n")
        killed = self.kill_when(process, *pending, threshold=100)
        self.assertTrue(killed and self.scalar(*pending) < 1000, "killed in the middle")
        self.in_job(lambda env, conn: conn._run_job("push_contacts", max_batches=40))
        by_id = self.xero_by_id()

        def check(env, conn):
            bindings = env["xero.contact"].browse(ids)
            lost = 0
            for binding in bindings:
                [contact] = by_id.get(binding.external_id) or [None]
                city = contact and xero_city(contact)
                lost += city != "Killed Push" or binding.need_push
            return len(bindings), lost
        checked, lost = self.in_job(check)
        duplicated = len(self.sandbox.state(PRACTICE, "contacts")) - contacts_before
        self.survived(checked, lost, duplicated)

    def test_3_two_workers_on_one_connection(self):
        def change(env, conn):
            bindings = env["xero.contact"].search(
                [("backend_id", "=", conn.id), ("state", "=", "linked")], limit=200,
                order="id desc")
            bindings.odoo_id.write({"city": "Two Workers"})
            conn.authorization_id.sudo().expires_at = 0  # both need a refresh
            return bindings.ids
        ids = self.in_job(change)
        self.sandbox.clear_log()
        errors, barrier = [], threading.Barrier(2)

        def worker():
            try:
                barrier.wait(10)
                self.in_job(lambda env, conn: conn._run_job("push_contacts", max_batches=10))
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
        threads = [threading.Thread(target=worker) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertFalse(errors, errors)
        self.assertEqual(len(self.sandbox.calls("/connect/token")), 1, "one refresh")
        posts = self.sandbox.calls("/Contacts", "POST")
        self.assertEqual(len(posts), 4, "200 contacts in 4 batches, none sent twice")
        self.assertEqual(len({p["idempotency_key"] for p in posts}), 4)
        by_id = self.xero_by_id()

        def check(env, conn):
            lost = 0
            for binding in env["xero.contact"].browse(ids):
                contact = (by_id.get(binding.external_id) or [{}])[0]
                city = xero_city(contact)
                lost += city != "Two Workers"
            return len(ids), lost
        checked, lost = self.in_job(check)
        self.survived(checked, lost, 0)

    def test_4_expiry_while_a_job_holds_the_connection_row(self):
        """A job that already updated its connection gets invalid_grant on a
        token refresh: recording the expiry must not wait for that job."""
        self.in_job(lambda env, conn: conn.authorization_id.sudo().write({"expires_at": 0}))
        self.sandbox.fault(kind="invalid_grant")
        started = time.monotonic()

        def job(env, conn):
            conn.contacts_full_page = 7  # this transaction now holds the row
            env.flush_all()
            try:
                conn._xero_client().organisation()
            except Exception as exc:  # noqa: BLE001
                return exc
            return None
        error = self.in_job(job)
        self.assertLess(time.monotonic() - started, 10, "no lock wait")
        self.assertEqual(type(error).__name__, "XeroAuthError")
        state = self.scalar("SELECT state FROM xero_authorization WHERE id=%s", [self.auth_id])
        self.assertEqual(state, "expired")

        def reconnect(env, conn):
            env["xero.authorization"]._from_login(
                clean_token(self.sandbox.connect()), conn.company_id, CLIENT_ID)
            conn.contacts_full_page = 0
        self.in_job(reconnect)
        self.survived(1, 0, 0)

    def test_5_two_jobs_never_update_a_connection_at_once(self):
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            conn1 = api.Environment(cr1, api.SUPERUSER_ID, {})["xero.connection"].browse(
                self.conn_id)
            conn2 = api.Environment(cr2, api.SUPERUSER_ID, {})["xero.connection"].browse(
                self.conn_id)
            self.assertTrue(conn1._try_state_lock())
            self.assertFalse(conn2._try_state_lock(), "the second job waits its turn")
            conn1._release_state_lock()
            self.assertTrue(conn2._try_state_lock())
            conn2._release_state_lock()
        self.survived(0, 0, 0)

    def concurrently(self, *jobs):
        """Run each ``job(env, conn)`` in its own worker thread, all at once;
        the exceptions that escaped them."""
        errors, barrier = [], threading.Barrier(len(jobs))

        def worker(job):
            try:
                barrier.wait(10)
                self.in_job(job)
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
        threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)
        return errors

    def new_partners(self, prefix, count):
        self.log_before = self.scalar("SELECT coalesce(max(id), 0) FROM xero_sync_log")

        def create(env, conn):
            conn.write({"create_in_xero": "all", "auto_push": True})
            partners = env["res.partner"].create(
                [{"name": f"{prefix} {i}", "city": "Concurrent"} for i in range(count)])
            return partners.ids
        return self.in_job(create)

    def check_new_partners(self, ids, contacts_before):
        by_id = self.xero_by_id()

        def check(env, conn):
            conn.create_in_xero = "off"
            bindings = env["xero.contact"].search([("odoo_id", "in", ids)])
            lost = len(ids) - len(bindings.filtered(lambda b: b.external_id in by_id))
            failed = env["xero.sync.log"].search_count([
                ("connection_id", "=", conn.id), ("state", "=", "failed"),
                ("id", ">", self.log_before)])
            return len(ids), lost, len(bindings) - len(set(bindings.mapped("odoo_id"))), failed
        checked, lost, duplicated, failed = self.in_job(check)
        self.assertEqual(failed, 0, "nothing logged as failed")
        created = len(self.sandbox.state(PRACTICE, "contacts")) - contacts_before
        self.survived(checked, lost, duplicated + created - len(ids))

    def test_6_two_pushes_binding_the_same_new_partners(self):
        """Two push jobs of one connection at once (each binds the new
        partners first): the second waits its turn instead of failing."""
        ids = self.new_partners("Two Pushes", 60)
        before = len(self.sandbox.state(PRACTICE, "contacts"))
        push = lambda env, conn: conn._cron_run("push_contacts")  # noqa: E731
        self.assertFalse(self.concurrently(push, push))
        self.in_job(push)  # the postponed run
        self.check_new_partners(ids, before)

    def test_7_push_and_pull_at_once(self):
        ids = self.new_partners("Push And Pull", 60)
        before = len(self.sandbox.state(PRACTICE, "contacts"))
        push = lambda env, conn: conn._cron_run("push_contacts")  # noqa: E731
        pull = lambda env, conn: conn._cron_run("pull_contacts")  # noqa: E731
        self.assertFalse(self.concurrently(push, pull))
        self.in_job(push)
        self.in_job(pull)
        self.check_new_partners(ids, before)

    def test_8_kill_during_import_of_documents_raised_in_xero(self):
        """1,500 invoices raised in Xero, two pages: killed after the
        first page, run again: each comes in once."""
        def prepare(env, conn):
            company = conn.company_id
            if not env["account.journal"].search([("type", "=", "sale"),
                                                  ("company_id", "=", company.id)]):
                env["account.chart.template"].try_loading("generic_coa", company,
                                                          install_demo=False)
            env.ref("base.NZD").active = True
            line = env["xero.contact"].search([("backend_id", "=", conn.id),
                                               ("state", "=", "linked")], limit=1)
            conn.write({"import_sales_enabled": True, "import_sales_since":
                        fields.Datetime.now() - timedelta(minutes=1)})
            return line.xero_name
        name = self.in_job(prepare)
        self.addCleanup(self.in_job, _remove_imported)
        today = date.today().isoformat()
        self.sandbox.seed({"organisations": [{"OrganisationID": PRACTICE, "Invoices": [{
            "Type": "ACCREC", "Contact": {"Name": name}, "InvoiceNumber": f"KILL-{i:05d}",
            "Date": today, "DueDate": today, "Status": "AUTHORISED",
            "LineAmountTypes": "NoTax",
            "LineItems": [{"Description": f"Line {n}", "Quantity": 1, "UnitAmount": 10 + n,
                           "AccountCode": "200"} for n in range(3)],
        } for i in range(1500)]}]})
        imported = ("SELECT count(*) FROM xero_invoice WHERE backend_id=%s AND origin='xero'",
                    [self.conn_id])
        process = self.odoo_process(
            f"env['xero.connection'].browse({self.conn_id})._run_job('import_documents')\n")
        killed = self.kill_when(process, *imported, threshold=1000)
        self.assertTrue(killed and self.scalar(*imported) < 1500, "killed in the middle")
        self.in_job(lambda env, conn: conn._run_job("import_documents"))
        self.in_job(lambda env, conn: conn._run_job("import_documents"))

        def check(env, conn):
            bindings = env["xero.invoice"].search([("backend_id", "=", conn.id),
                                                   ("origin", "=", "xero")])
            moves = bindings.odoo_id
            numbers = bindings.mapped("xero_number")
            duplicated = (len(bindings) - len(set(bindings.mapped("external_id")))
                          + len(numbers) - len(set(numbers)))
            orphans = env["account.move"].search_count([
                ("company_id", "=", conn.company_id.id), ("move_type", "=", "out_invoice"),
                ("id", "not in", moves.ids)])
            wrong = len(moves.filtered(lambda m: m.amount_total != 33))
            return len(bindings), 1500 - len(bindings) + wrong, duplicated + orphans
        self.survived(*self.in_job(check))


def _remove_imported(env, conn):
    """The documents the kill test brought in, and its switch."""
    bindings = env["xero.invoice"].search([("backend_id", "=", conn.id)])
    moves = bindings.odoo_id
    bindings.unlink()
    moves.filtered(lambda m: m.state != "draft").button_draft()
    moves.unlink()
    conn.write({"import_sales_enabled": False, "import_sales_since": False,
                "accrec_synced_at": False, "accreccredit_synced_at": False})
