"""The Xero sandbox (tools/xero_sandbox) in a process of its own, and its
control API."""

import os
import socket
import subprocess
import sys
import time
from collections import Counter

import requests

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLIENT_ID = "bench-client-id"
CLIENT_SECRET = "bench-client-secret"
ORG_A = "a1a1a1a1-0000-4000-8000-000000000001"
ORG_B = "b2b2b2b2-0000-4000-8000-000000000002"
LOGIN_A = "practice@bench.example"
LOGIN_B = "second@bench.example"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The item invoice lines fall back to: Xero refuses an unknown ItemCode.
GENERIC_ITEM = {"Code": "ODOO-ITEM", "Name": "Sold from Odoo", "IsSold": True}


def bench_seed():
    """Two empty organisations (bulk data is generated afterwards), each
    reached by its own login."""
    return {
        "apps": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                  "name": "xero_connector benchmark", "redirect_uris": []}],
        "allow_any_localhost_redirect": True,
        "organisations": [
            {"OrganisationID": ORG_A, "Name": "Benchmark Practice Ltd", "CountryCode": "NZ",
             "Items": [GENERIC_ITEM]},
            {"OrganisationID": ORG_B, "Name": "Benchmark Second Ltd", "CountryCode": "NZ",
             "Items": [GENERIC_ITEM]},
        ],
        "users": [
            {"email": LOGIN_A, "password": "secret", "first_name": "Pat",
             "last_name": "Practice", "organisations": [ORG_A]},
            {"email": LOGIN_B, "password": "secret", "first_name": "Sam",
             "last_name": "Second", "organisations": [ORG_B]},
        ],
    }


class Sandbox:
    """``python -m xero_sandbox`` on a free port (rate limits off unless told)."""

    def __init__(self, log_path, rate_limits="off"):
        self.rate_limits_at_start = rate_limits
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process = None
        self.session = requests.Session()

    @classmethod
    def attach(cls, url):
        """The control API of a sandbox another process started."""
        sandbox = cls(log_path=None)
        sandbox.url = url.rstrip("/")
        return sandbox

    def start(self, timeout=30):
        env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "tools"))
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "xero_sandbox", "--port", str(self.port),
                 "--rate-limits", self.rate_limits_at_start, "--quiet"],
                env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the sandbox exited at start (see {self.log_path})")
            try:
                self.session.get(f"{self.url}/_sandbox/", timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"the sandbox did not answer within {timeout}s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.session.close()

    @property
    def pid(self):
        return self.process.pid if self.process else None

    # -- control API -------------------------------------------------------------

    def _call(self, method, path, timeout=300, **kw):
        response = self.session.request(method, f"{self.url}/_sandbox/{path}",
                                        timeout=timeout, **kw)
        if not response.ok:
            raise RuntimeError(f"sandbox {method} {path}: {response.status_code} "
                               f"{response.text[:300]}")
        return response.json() if response.content else None

    def reset(self, seed):
        return self._call("POST", "reset", json=seed)

    def generate(self, organisation, contacts, invoices, seed):
        return self._call("POST", "generate", json={
            "organisation": organisation, "contacts": contacts, "invoices": invoices,
            "seed": seed})

    def seed(self, data):
        return self._call("POST", "seed", json=data)

    def connect(self, user, organisations):
        return self._call("POST", "connect", json={
            "user": user, "client_id": CLIENT_ID, "organisations": organisations})

    def rate_limits(self, limits):
        """``"real"`` or None (off)."""
        return self._call("POST", "config", json={"rate_limits": limits})

    def raw_state(self, organisation, entity):
        data = self._call("GET", "state", params={
            "organisation": organisation, "entity": entity, "format": "raw"})
        return data.get(entity, [])

    def counts(self, organisation):
        """What a full ledger pull must read: receivable invoices and credit
        notes, and the active contacts."""
        invoices = Counter(i.get("Type") for i in self.raw_state(organisation, "Invoices"))
        notes = Counter(n.get("Type") for n in self.raw_state(organisation, "CreditNotes"))
        contacts = Counter(c.get("ContactStatus")
                           for c in self.raw_state(organisation, "Contacts"))
        return {"accrec_invoices": invoices.get("ACCREC", 0),
                "invoices": sum(invoices.values()),
                "accrec_credit_notes": notes.get("ACCRECCREDIT", 0),
                "active_contacts": contacts.get("ACTIVE", 0)}

    def clear_log(self):
        return self._call("DELETE", "requests")

    def log(self):
        """Requests received since the log was cleared."""
        return self._call("GET", "requests")


def summarise_calls(entries, tenant=None):
    """Calls of a request log slice: total, per endpoint, statuses, 429s."""
    api = [e for e in entries
           if not e["path"].startswith("/connect/")
           and (tenant is None or e.get("tenant") in (None, tenant.lower()))]
    by_endpoint = Counter(e.get("endpoint") or f"{e['method']} {e['path']}" for e in api)
    statuses = Counter(str(e.get("status")) for e in api)
    return {
        "calls": len(api),
        "by_endpoint": dict(sorted(by_endpoint.items())),
        "statuses": dict(sorted(statuses.items())),
        "rate_limited": statuses.get("429", 0),
        # Time the sandbox spent answering: the rest of a step is the client's.
        "server_seconds": round(sum(e.get("duration_ms") or 0 for e in api) / 1000, 3),
        "token_calls": sum(1 for e in entries if e["path"].startswith("/connect/")),
    }
