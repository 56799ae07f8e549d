"""Control API, demo data, bulk generation and the command line entry point."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from helpers import ORG_A, ORG_B
from xero_sandbox import SandboxServer
from xero_sandbox.demo import CLUB, DEMO_USER, MAIN, NORTHWIND


def test_seed_returns_created_ids_and_reports_errors(sb):
    created = sb.ctl(
        "POST",
        "seed",
        {
            "organisations": [
                {
                    "Name": "Seeded Co",
                    "Contacts": [{"Name": "Seed Contact"}],
                    "Invoices": [
                        {
                            "Type": "ACCREC",
                            "Contact": {"Name": "Seed Contact"},
                            "Status": "PAID",
                            "Date": "2024-01-05",
                            "LineItems": [
                                {
                                    "Description": "x",
                                    "Quantity": 1,
                                    "UnitAmount": 10,
                                    "AccountCode": "200",
                                }
                            ],
                        }
                    ],
                }
            ]
        },
    )["created"]
    org = created["organisations"][0]
    assert org["Name"] == "Seeded Co" and len(org["Contacts"]) == 1
    invoices = sb.state(org["OrganisationID"], "Invoices")
    assert (
        invoices[0]["Status"] == "PAID" and invoices[0]["InvoiceNumber"] == "INV-0001"
    )
    resp = requests.post(
        f"{sb.url}/_sandbox/seed",
        json={
            "organisations": [
                {"OrganisationID": ORG_A, "Contacts": [{"Name": "Existing Co"}]}
            ]
        },
    )
    assert resp.status_code == 400 and "already assigned" in resp.json()["errors"][0]


def test_state_tokens_connections_and_logs(sb, acme):
    assert {c["Name"] for c in sb.state(ORG_A, "Contacts")} == {
        "Existing Co",
        "Archived Co",
    }
    assert sb.ctl("GET", "state", organisation=ORG_A)["counts"]["contacts"] == 2
    raw = sb.ctl("GET", "state", organisation=ORG_A, entity="Contacts", format="raw")
    assert "_updated" in raw["Contacts"][0]
    families = sb.ctl("GET", "tokens")["families"]
    assert families[0]["email"] == "alice@example.com"
    assert families[0]["refresh_tokens"][0]["status"] == "active"
    conns = sb.ctl("GET", "connections")
    assert {c["tenantId"] for c in conns} == {ORG_A, ORG_B}
    sb.ctl("DELETE", "requests")
    acme.accounting.get_contacts(ORG_A, where='Name=="Existing Co"', page=1)
    acme.accounting.get_organisations(ORG_B)
    log = sb.ctl("GET", "requests")
    first = log[0]
    assert first["method"] == "GET" and first["path"] == "/api.xro/2.0/Contacts"
    assert first["query"] == {"where": 'Name=="Existing Co"', "page": "1"}
    assert first["tenant"] == ORG_A and first["status"] == 200
    assert [e["seq"] for e in sb.ctl("GET", "requests", since=first["seq"])] == [
        log[1]["seq"]
    ]
    stats = sb.ctl("GET", "stats")
    assert stats["by_tenant"][ORG_A]["GET /Contacts"] == 1
    assert stats["by_tenant"][ORG_B]["GET /Organisation"] == 1


def test_clock_and_config(sb):
    before = sb.ctl("GET", "clock")
    after = sb.advance(3600)
    assert after["offset_seconds"] == before["offset_seconds"] + 3600
    assert sb.ctl("POST", "clock", {"offset_seconds": 0})["offset_seconds"] == 0
    config = sb.ctl("POST", "config", {"rate_limits": "real"})
    assert config["rate_limits"]["minute"] == 60
    assert (
        requests.post(f"{sb.url}/_sandbox/config", json={"nope": 1}).status_code == 400
    )


def test_reset_restores_start_configuration(server):
    sandbox_url = server.url
    requests.post(f"{sandbox_url}/_sandbox/config", json={"access_token_ttl": 5})
    requests.post(f"{sandbox_url}/_sandbox/clock", json={"advance_seconds": 99})
    requests.post(f"{sandbox_url}/_sandbox/reset", json={})
    assert (
        requests.get(f"{sandbox_url}/_sandbox/config").json()["access_token_ttl"]
        == 1800
    )
    assert requests.get(f"{sandbox_url}/_sandbox/clock").json()["offset_seconds"] == 0
    assert requests.get(f"{sandbox_url}/_sandbox/").json()["organisations"] == []


def test_register_app(sb, browser):
    sb.ctl(
        "POST",
        "apps",
        {
            "client_id": "new-app",
            "client_secret": "s3",
            "redirect_uris": ["https://new.example/cb"],
        },
    )
    _, params = sb.login_and_consent(
        browser,
        tenants=[ORG_A],
        client_id="new-app",
        redirect_uri="https://new.example/cb",
    )
    resp = sb.exchange(
        params["code"],
        client_id="new-app",
        secret="s3",
        redirect_uri="https://new.example/cb",
    )
    assert resp.status_code == 200


def test_generate_is_fast_and_deterministic(sb, acme):
    started = time.monotonic()
    result = sb.ctl(
        "POST",
        "generate",
        {
            "organisation": ORG_A,
            "contacts": 10000,
            "invoices": 50000,
            "payments_ratio": 0.3,
            "seed": 1,
        },
    )
    # Seconds on a quiet machine; the bound only catches a gross slowdown
    # (shared machines run several suites at once).
    assert time.monotonic() - started < 30
    assert result["contacts"] == 10000 and result["invoices"] == 50000
    assert 9000 < result["payments"] < 16000
    page = acme.accounting.get_invoices(ORG_A, page=50, page_size=1000)
    assert len(page.invoices) == 1000 and page.pagination.page_count == 50
    first = sb.state(ORG_A, "Contacts")[2]["Name"]
    sb.server.reset(seed={"organisations": [{"OrganisationID": ORG_A, "Name": "Acme"}]})
    sb.ctl("POST", "generate", {"organisation": ORG_A, "contacts": 1, "seed": 1})
    assert sb.state(ORG_A, "Contacts")[0]["Name"] == first


def test_demo_data(demo):
    info = demo.ctl("GET", "")
    orgs = {o["Name"]: o for o in info["organisations"]}
    assert set(orgs) == {
        "Demo Practice Ltd",
        "Bayside Club",
        "Northwind Traders",
        "Harbour Cafe Ltd",
    }
    assert orgs["Demo Practice Ltd"]["Contacts"] == 30
    assert orgs["Demo Practice Ltd"]["Invoices"] == 100
    demo_user = next(u for u in info["users"] if u["email"] == "demo@example.com")
    assert demo_user["user_id"] == DEMO_USER
    assert demo_user["organisations"] == [MAIN, CLUB, NORTHWIND]
    contacts = demo.state(MAIN, "Contacts")
    bayside = next(c for c in contacts if c["Name"] == "Bayside Club")
    assert bayside["FirstName"] == "Bob"
    assert sum(c["ContactStatus"] == "ARCHIVED" for c in contacts) == 1
    assert any(c["ContactPersons"] for c in contacts)
    assert sum(c["IsSupplier"] for c in contacts) == 4
    invoices = demo.state(MAIN, "Invoices")
    statuses = {i["Status"] for i in invoices}
    assert {"DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED"} <= statuses
    assert any(
        len(i["Payments"]) == 2 and i["Status"] == "AUTHORISED" for i in invoices
    )
    assert any(i["AmountCredited"] for i in invoices)
    assert demo.state(MAIN, "Users")
    accounts = {a["Code"] for a in demo.state(MAIN, "Accounts")}
    assert "090" in accounts
    again = demo.server.reset(demo=True)
    assert again["demo"]["organisations"][0]["Invoices"][0] == invoices[0]["InvoiceID"]


def test_demo_login(demo, browser):
    _, params = demo.login_and_consent(
        browser,
        email="demo@example.com",
        password="demo",
        tenants=[MAIN, CLUB, NORTHWIND],
        client_id="sandbox-client-id",
        redirect_uri="http://localhost:8069/xero/oauth/callback",
    )
    token = demo.exchange(
        params["code"],
        client_id="sandbox-client-id",
        secret="sandbox-client-secret",
        redirect_uri="http://localhost:8069/xero/oauth/callback",
    ).json()
    client = demo.client(
        token, client_id="sandbox-client-id", secret="sandbox-client-secret"
    )
    assert len(client.identity.get_connections()) == 3


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_command_line_server_with_demo_and_starter_limits(tmp_path):
    port = _free_port()
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"apps": [{"client_id": "cli", "client_secret": "x"}]}))
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xero_sandbox",
            "--port",
            str(port),
            "--demo",
            "--seed",
            str(seed),
            "--quiet",
        ],
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                info = requests.get(f"{url}/_sandbox/", timeout=1).json()
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert {a["client_id"] for a in info["apps"]} == {"sandbox-client-id", "cli"}
        config = requests.get(f"{url}/_sandbox/config").json()
        assert config["rate_limits"]["minute"] == 60
        assert config["rate_limits"]["tier"] == "starter"
        assert config["rate_limits"]["day"] == 1000
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_server_as_context_manager():
    with SandboxServer(port=0, seed={"apps": [{"client_id": "ctx"}]}) as srv:
        assert (
            requests.get(f"{srv.url}/_sandbox/").json()["apps"][0]["client_id"] == "ctx"
        )


def test_demo_practice_shows_two_currencies_on_purpose(demo):
    """Odoo's demo company keeps its books in USD: the organisation it
    connects to is in NZD and enables USD, with an active USD bank account
    for the company's bank journal (INSTALL.md says so)."""
    org = demo.ctl("GET", "state", organisation=MAIN, entity="organisation")
    assert org["BaseCurrency"] == "NZD"
    assert "USD" in {c["Code"] for c in demo.state(MAIN, "Currencies")}
    usd_banks = [
        a["Code"]
        for a in demo.state(MAIN, "Accounts")
        if a["Type"] == "BANK"
        and a.get("CurrencyCode") == "USD"
        and a["Status"] == "ACTIVE"
    ]
    assert usd_banks == ["092"]
