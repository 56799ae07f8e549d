"""Test base: a real Xero sandbox process (tools/xero_sandbox) over HTTP,
and the addon pointed at it."""

import atexit
import os
import sys
from contextlib import contextmanager

import requests

from odoo.models import BaseModel
from odoo.tests import HttpCase

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-client-secret"
PRACTICE = "11111111-1111-4111-8111-111111111111"
CLIENT_A = "22222222-2222-4222-8222-222222222222"
CLIENT_B = "33333333-3333-4333-8333-333333333333"
OTHER = "44444444-4444-4444-8444-444444444444"
LOGIN = "accountant@practice.example"
OTHER_LOGIN = "solo@other.example"


def _contact(name, **extra):
    return {"Name": name, "ContactStatus": "ACTIVE", **extra}


def base_seed():
    """Three organisations reached by one login, one by another login."""
    return {
        "apps": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                  "name": "Odoo tests", "redirect_uris": []}],
        "allow_any_localhost_redirect": True,
        "organisations": [
            {"OrganisationID": PRACTICE, "Name": "Practice Ltd", "CountryCode": "NZ",
             # The generic item invoice lines fall back to (Settings: generic item code).
             "Items": [{"Code": "ODOO-ITEM", "Name": "Sold from Odoo", "IsSold": True}],
             "Contacts": [
                 _contact("Bayside Club", FirstName="Bob", LastName="Partridge",
                          EmailAddress="bob@bayside.example",
                          Addresses=[{"AddressType": "POBOX", "AddressLine1": "PO Box 10",
                                      "City": "Auckland", "PostalCode": "1011",
                                      "Country": "New Zealand"}],
                          Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": "09 555 1234"}]),
                 _contact("Northwind Traders", EmailAddress="accounts@northwind.example",
                          TaxNumber="123-456-789"),
                 _contact("Acme Supplies", EmailAddress="sales@acme.example"),
             ]},
            {"OrganisationID": CLIENT_A, "Name": "Client A Ltd", "CountryCode": "NZ",
             "RegistrationNumber": "NZBN 9429041234567", "TaxNumber": "111-222-333",
             "Addresses": [{"AddressType": "POBOX", "AddressLine1": "PO Box 1",
                            "AddressLine2": "Shortland St", "AddressLine3": "CBD",
                            "City": "Auckland", "Region": "Auckland", "PostalCode": "1010",
                            "Country": "New Zealand"}],
             "Users": [{"FirstName": "Cara", "LastName": "Client",
                        "EmailAddress": "cara@client-a.example",
                        "OrganisationRole": "STANDARD"}]},
            {"OrganisationID": CLIENT_B, "Name": "Client B Ltd", "CountryCode": "AU"},
            {"OrganisationID": OTHER, "Name": "Other Org", "CountryCode": "GB"},
        ],
        "users": [
            {"email": LOGIN, "password": "secret", "first_name": "Ada",
             "last_name": "Accountant", "organisations": [PRACTICE, CLIENT_A, CLIENT_B]},
            {"email": OTHER_LOGIN, "password": "secret", "first_name": "Sol",
             "last_name": "Solo", "organisations": [OTHER]},
        ],
    }


class Sandbox:
    """The sandbox server (in a thread of the test process) and its control
    API, used over HTTP like any client would."""

    def __init__(self):
        tools = os.path.join(REPO, "tools")
        if tools not in sys.path:
            sys.path.insert(0, tools)
        from xero_sandbox import SandboxServer  # noqa: PLC0415 - found via tools/

        self.server = SandboxServer(port=0, rate_limits="off", verbose=False).start()
        self.url = self.server.url.rstrip("/")
        atexit.register(self.stop)

    def stop(self):
        self.server.stop()

    def _call(self, method, path, **kw):
        response = requests.request(method, f"{self.url}/_sandbox/{path}", timeout=30, **kw)
        if not response.ok:
            raise AssertionError(f"sandbox {method} {path}: {response.status_code} "
                                 f"{response.text[:500]}")
        return response.json() if response.content else None

    def reset(self, seed=None):
        return self._call("POST", "reset", json=seed or {})

    def seed(self, data):
        return self._call("POST", "seed", json=data)

    def connect(self, user=LOGIN, organisations=None, scope=None):
        body = {"user": user, "client_id": CLIENT_ID}
        if organisations:
            body["organisations"] = organisations
        if scope:
            body["scope"] = scope
        return self._call("POST", "connect", json=body)

    def state(self, organisation, entity):
        data = self._call("GET", "state", params={"organisation": organisation,
                                                  "entity": entity})
        return data.get(entity, data) if isinstance(data, dict) else data

    def requests_log(self, **params):
        return self._call("GET", "requests", params=params)

    def clear_log(self):
        return self._call("DELETE", "requests")

    def fault(self, **fault):
        return self._call("POST", "faults", json=fault)

    def clear_faults(self):
        return self._call("DELETE", "faults")

    def config(self, **config):
        return self._call("POST", "config", json=config)

    def clock(self, **kw):
        return self._call("POST", "clock", json=kw)

    def generate(self, **kw):
        return self._call("POST", "generate", json=kw)

    def calls(self, path_part=None, method=None):
        """Requests the sandbox received since the log was cleared."""
        entries = self.requests_log()
        entries = entries.get("requests", entries) if isinstance(entries, dict) else entries
        return [e for e in entries
                if (path_part is None or path_part.lower() in e["path"].lower())
                and (method is None or e["method"] == method)]


_sandbox = None


def sandbox():
    global _sandbox
    if _sandbox is None:
        _sandbox = Sandbox()
    return _sandbox


class XeroCase(HttpCase):
    """Odoo with the addon pointed at a fresh sandbox."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = sandbox()
        cls.sandbox.reset(cls.sandbox_seed())
        param = cls.env["ir.config_parameter"].sudo().set_param
        for key in ("login_url", "identity_url", "api_url"):
            param(f"xero_connector.{key}", cls.sandbox.url)
        param("xero_connector.client_id", CLIENT_ID)
        param("xero_connector.client_secret", CLIENT_SECRET)
        param("xero_connector.calls_per_minute", 0)
        param("xero_connector.retries", 2)
        param("xero_connector.retry_backoff", 0.01)
        param("xero_connector.timeout", 5)
        # Pushes on save wait a few seconds for more saves; not in tests.
        param("xero_connector.realtime_debounce", 0)
        cls.company = cls.env.company
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))

    @classmethod
    def sandbox_seed(cls):
        return base_seed()

    @classmethod
    def connect_practice(cls, organisation=PRACTICE, user=LOGIN, company=None):
        """Connect like the OAuth callback does, with the sandbox issuing the
        token directly (the browser flow has its own tests)."""
        env = cls.env
        company = company or cls.company
        token = cls.sandbox.connect(user=user)
        from ..xero_core.oauth import clean_token

        auth = env["xero.authorization"]._from_login(clean_token(token), company, CLIENT_ID)
        orgs = env["xero.organisation"]._upsert_from_connections(
            auth, auth._xero_client().connections())
        org = orgs.filtered(lambda o: o.tenant_id == organisation)
        return env["xero.connection"]._connect(company, org)

    def assertRaisesNoRollback(self, exception, func, *args, **kwargs):
        """assertRaises without Odoo's savepoint rollback, for code that
        commits what it learnt before raising."""
        try:
            func(*args, **kwargs)
        except exception as exc:
            return exc
        self.fail(f"{exception.__name__} not raised")

    @contextmanager
    def job_env(self):
        """An environment on its own cursor, as a scheduled action has: the
        code under test may commit (in tests: release a savepoint)."""
        self.env.flush_all()
        try:
            with self.registry.cursor() as cr:
                yield self.env(cr=cr)
        finally:
            self.env.invalidate_all()

    def run_job(self, record, method, *args, **kwargs):
        """Call ``record.method(*args)`` in a job environment; recordsets
        among the arguments move to it too."""
        def rebind(value, env):
            return value.with_env(env) if isinstance(value, BaseModel) else value

        with self.job_env() as env:
            return getattr(record.with_env(env), method)(
                *[rebind(a, env) for a in args],
                **{k: rebind(v, env) for k, v in kwargs.items()})
