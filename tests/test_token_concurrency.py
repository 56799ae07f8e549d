import threading
import time
from unittest.mock import patch

import requests

from odoo import api
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import TransactionCase, tagged

from ..xero_core.oauth import clean_token
from .common import CLIENT_ID, CLIENT_SECRET, PRACTICE, base_seed, sandbox


@tagged("post_install", "-at_install")
class TestTokenConcurrency(TransactionCase):
    """Two workers needing a refresh at once: Xero rotates refresh tokens, so
    only one may refresh; the other must reuse the new token. This needs
    real, separate transactions, so the data is committed and removed."""

    def setUp(self):
        super().setUp()
        # The test runner holds the registry lock while loading modules;
        # cron threads in production do not contend with it.
        self.startPatcher(patch.object(Registry, "_lock", DummyRLock()))
        self.sandbox = sandbox()
        self.sandbox.reset(base_seed())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            param = env["ir.config_parameter"].set_param
            self._saved = {k: env["ir.config_parameter"].get_param(k) for k in (
                "xero_connector.identity_url", "xero_connector.api_url",
                "xero_connector.client_id", "xero_connector.client_secret")}
            param("xero_connector.identity_url", self.sandbox.url)
            param("xero_connector.api_url", self.sandbox.url)
            param("xero_connector.client_id", CLIENT_ID)
            param("xero_connector.client_secret", CLIENT_SECRET)
            token = clean_token(self.sandbox.connect())
            auth = env["xero.authorization"]._from_login(token, env.company, CLIENT_ID)
            auth.expires_at = int(time.time()) - 5
            self.auth_id = auth.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["xero.authorization"].browse(self.auth_id).unlink()
            for key, value in self._saved.items():
                env["ir.config_parameter"].set_param(key, value or False)

    def test_two_workers_one_refresh(self):
        self.sandbox.clear_log()
        # Slow Xero's token answer down so both workers are waiting at once.
        self.sandbox.fault(kind="hang", seconds=1.5, match={"path": "/connect/token"})
        results, errors = {}, []
        barrier = threading.Barrier(2)

        def worker(name):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, api.SUPERUSER_ID, {})
                    auth = env["xero.authorization"].browse(self.auth_id)
                    self.assertTrue(auth.refresh_token)  # read before the race, like a cron
                    barrier.wait(10)
                    results[name] = auth._xero_access_token()
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertFalse(errors, errors)
        self.assertEqual(len(self.sandbox.calls("/connect/token")), 1)
        self.assertEqual(results["a"], results["b"])
        with self.registry.cursor() as cr:
            cr.execute("SELECT access_token, state FROM xero_authorization WHERE id=%s",
                       [self.auth_id])
            access_token, state = cr.fetchone()
        self.assertEqual(access_token, results["a"])
        self.assertEqual(state, "active")
        # Xero accepts the token both workers got.
        answer = requests.get(f"{self.sandbox.url}/api.xro/2.0/Organisation", timeout=10,
                              headers={"Authorization": f"Bearer {results['a']}",
                                       "xero-tenant-id": PRACTICE, "Accept": "application/json"})
        self.assertEqual(answer.status_code, 200, answer.text)
