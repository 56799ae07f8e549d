"""The addon's HTTP routes: the organisation ticket is used once, the client
secret and Xero's authorisation codes reach no log."""

import logging
import re
import time
from contextlib import contextmanager

from odoo.netsvc import PSEUDOCONFIG_MAPPER
from odoo.tests import tagged

from . import every_record as er
from .common import CLIENT_A, LOGIN, PRACTICE, XeroCase
from .oauth_helpers import consent, hidden, path_of

SECRET_URL = "/xero/settings/client-secret"


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)

    def text(self):
        return "\n".join(record.getMessage() for record in self.records)


@contextmanager
def captured_logs(levels, logger_name=""):
    """Every record logged with ``levels`` ({logger: level}) in force, as a
    server started with them would write it; nothing reaches the usual
    handlers meanwhile (debug output would flood the test log)."""
    capture = _Capture()
    logger = logging.getLogger(logger_name)
    saved_levels = {name: logging.getLogger(name).level for name in levels}
    saved_handlers = logger.handlers[:]
    try:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        logger.handlers = [capture]
        yield capture
    finally:
        logger.handlers = saved_handlers
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)


def _wait_for(capture, text, timeout=5):
    """The access log line is written once the response is sent."""
    deadline = time.monotonic() + timeout
    while text not in capture.text() and time.monotonic() < deadline:
        time.sleep(0.05)


class OAuthCase(XeroCase):
    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.authenticate("admin", "admin")

    def start(self):
        response = self.url_open("/xero/oauth/start?purpose=practice", allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text[:300])
        return response.headers["Location"]


@tagged("post_install", "-at_install")
class TestOrganisationTicket(OAuthCase):
    def test_the_ticket_chooses_once(self):
        location = consent(self.sandbox.url, self.start(), email=LOGIN,
                           tenants=[PRACTICE, CLIENT_A])
        page = self.url_open(path_of(location), allow_redirects=False)
        self.assertEqual(page.status_code, 200, page.text[:300])
        Org = self.env["xero.organisation"]
        practice = Org.search([("tenant_id", "=", PRACTICE)])
        client_a = Org.search([("tenant_id", "=", CLIENT_A)])
        form = {"csrf_token": hidden(page.text, "csrf_token"),
                "ticket": hidden(page.text, "ticket")}
        chosen = self.url_open("/xero/oauth/choose", data=dict(form, organisation_id=practice.id),
                               allow_redirects=False)
        self.assertEqual(chosen.status_code, 303, chosen.text[:300])
        again = self.url_open("/xero/oauth/choose", data=dict(form, organisation_id=client_a.id),
                              allow_redirects=False)
        self.assertEqual(again.status_code, 403)
        conn = self.env["xero.connection"].search([("company_id", "=", self.company.id)])
        self.assertEqual(conn.organisation_id, practice)


@tagged("post_install", "-at_install")
class TestSecretsStayOutOfLogs(OAuthCase):
    def test_client_secret_reaches_no_log_at_debug_rpc(self):
        secret = "Xs3cr3t-never-logged-4242"
        levels = {}
        for spec in PSEUDOCONFIG_MAPPER["debug_rpc"] + PSEUDOCONFIG_MAPPER["debug_rpc_answer"]:
            name, level = spec.split(":")
            levels[name] = getattr(logging, level)
        levels["werkzeug"] = logging.INFO
        context = {"lang": "en_US", "allowed_company_ids": [self.company.id]}
        with captured_logs(levels) as capture:
            # The settings screen: saved, then its button to enter the secret.
            saved, error = er.call_kw(self, "res.config.settings", "web_save",
                                      [[], {"xero_client_id": "test-client-id"}], context,
                                      specification={})
            self.assertIsNone(error, error and er.describe(error))
            action, error = er.call_kw(self, "res.config.settings",
                                       "action_xero_set_client_secret", [[saved[0]["id"]]],
                                       context, route="call_button")
            self.assertIsNone(error, error and er.describe(error))
            self.assertEqual(action["url"], SECRET_URL)
            page = self.url_open(SECRET_URL)
            self.assertEqual(page.status_code, 200)
            self.assertIn("A secret is stored", page.text)
            response = self.url_open(SECRET_URL, data={
                "csrf_token": hidden(page.text, "csrf_token"), "client_secret": f" {secret} "},
                allow_redirects=False)
            self.assertEqual(response.status_code, 303, response.text[:300])
            _wait_for(capture, f"POST {SECRET_URL}")
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param(
            "xero_connector.client_secret"), secret)
        logged = capture.text()
        # Settings fields travel through RPC in clear: the client id is logged.
        self.assertIn("web_save", logged)
        self.assertIn("test-client-id", logged)
        self.assertIn(f"POST {SECRET_URL}", logged)
        self.assertNotIn(secret, logged)

    def test_only_managers_set_the_secret(self):
        user, password = er.users(self)["employee"]
        self.authenticate(user.login, password)
        self.assertEqual(self.url_open(SECRET_URL).status_code, 403)
        token = re.search(r'csrf_token: "([^"]+)"', self.url_open("/odoo").text).group(1)
        response = self.url_open(SECRET_URL, data={"csrf_token": token,
                                                   "client_secret": "someone-elses"},
                                 allow_redirects=False)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param(
            "xero_connector.client_secret"), "test-client-secret")

    def test_authorisation_code_not_in_access_log(self):
        with captured_logs({"werkzeug": logging.INFO}, "werkzeug") as capture:
            response = self.url_open("/xero/oauth/callback?code=XeroCode-77&state=Signed-99",
                                     allow_redirects=False)
            _wait_for(capture, "/xero/oauth/callback")
        self.assertEqual(response.status_code, 403)
        logged = capture.text()
        self.assertIn("/xero/oauth/callback?code=[redacted]&state=[redacted]", logged)
        self.assertNotIn("XeroCode-77", logged)
        self.assertNotIn("Signed-99", logged)
        # Other paths are logged as they are.
        from ..controllers.access_log import redact  # noqa: PLC0415 - the filter under test

        self.assertEqual(redact("GET /web?code=1 HTTP/1.1"), "GET /web?code=1 HTTP/1.1")
