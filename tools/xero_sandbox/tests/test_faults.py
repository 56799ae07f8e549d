"""Injected faults: error statuses, hangs, dropped connections, token and bodies."""

import time

import pytest
import requests
from helpers import ORG_A, ORG_B
from urllib3.exceptions import ProtocolError, ReadTimeoutError
from xero_python.accounting import Contact, Contacts
from xero_python.exceptions import (
    AccountingBadRequestException,
    HTTPStatusException,
    RateLimitException,
)


def _fault(sb, **spec):
    return sb.ctl("POST", "faults", spec)


def _names(sb):
    return [c["Name"] for c in sb.state(ORG_A, "Contacts")]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_status_faults(sb, acme, status):
    _fault(sb, kind="status", status=status, match={"path": "/Contacts"})
    with pytest.raises(HTTPStatusException) as exc:
        acme.accounting.get_contacts(ORG_A)
    assert exc.value.status == status
    assert acme.accounting.get_contacts(ORG_A).contacts


def test_status_429_with_headers_and_rate_limit_shorthand(sb):
    acme = sb.client(retries=False)
    _fault(
        sb,
        kind="status",
        status=429,
        headers={"X-Rate-Limit-Problem": "minute", "Retry-After": "2"},
    )
    with pytest.raises(RateLimitException) as exc:
        acme.accounting.get_invoices(ORG_A)
    assert exc.value.rate_limit == "minute" and exc.value.headers["Retry-After"] == "2"
    _fault(sb, kind="rate_limit", problem="day", retry_after=7)
    with pytest.raises(RateLimitException) as exc:
        acme.accounting.get_invoices(ORG_A)
    assert exc.value.rate_limit == "day" and exc.value.headers["Retry-After"] == "7"


def test_non_json_502(sb, acme):
    html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    _fault(sb, kind="status", status=502, body=html, content_type="text/html")
    with pytest.raises(HTTPStatusException) as exc:
        acme.accounting.get_contacts(ORG_A)
    assert exc.value.body.decode() == html
    assert exc.value.headers["Content-Type"] == "text/html"


def test_fault_matching_count_and_listing(sb, acme):
    _fault(
        sb,
        kind="status",
        status=503,
        count=2,
        match={"method": "GET", "path": r"/contacts$", "tenant": ORG_B},
    )
    assert len(sb.ctl("GET", "faults")) == 1
    assert acme.accounting.get_contacts(ORG_A) is not None
    for _ in range(2):
        with pytest.raises(HTTPStatusException):
            acme.accounting.get_contacts(ORG_B)
    assert acme.accounting.get_contacts(ORG_B) is not None
    _fault(sb, kind="status", status=500)
    sb.ctl("DELETE", "faults")
    assert sb.ctl("GET", "faults") == []


def test_skip_lets_the_first_matching_requests_through(sb, acme):
    _fault(sb, kind="status", status=503, skip=2, match={"path": "/Contacts"})
    for _ in range(2):
        assert acme.accounting.get_contacts(ORG_A) is not None
    with pytest.raises(HTTPStatusException):
        acme.accounting.get_contacts(ORG_A)
    assert acme.accounting.get_contacts(ORG_A) is not None


def test_hang_after_apply_then_client_timeout(sb, acme):
    _fault(sb, kind="hang", seconds=1.5, apply=True, match={"method": "POST"})
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        acme.accounting.update_or_create_contacts(
            ORG_A,
            Contacts(contacts=[Contact(name="Applied Anyway")]),
            _request_timeout=(2, 0.4),
        )
    assert time.monotonic() - started < 1.4
    assert "Applied Anyway" in _names(sb)


def test_sdk_retries_put_after_timeout_and_idempotency_key_saves_the_day(sb, acme):
    # urllib3 retries idempotent verbs (PUT included) after a read timeout.
    _fault(sb, kind="hang", seconds=1.0, apply=True, match={"method": "PUT"})
    created = acme.accounting.create_contacts(
        ORG_A,
        Contacts(contacts=[Contact(name="Retried Put")]),
        idempotency_key="retry-1",
        _request_timeout=(2, 0.3),
    )
    assert created.contacts[0].name == "Retried Put"
    assert _names(sb).count("Retried Put") == 1
    # The first attempt is logged once its held-back answer is finally written.
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        puts = [e for e in sb.ctl("GET", "requests") if e["method"] == "PUT"]
        if len(puts) == 2:
            break
        time.sleep(0.05)
    assert [bool(e.get("replayed")) for e in puts] == [True, False]

    _fault(sb, kind="hang", seconds=1.0, apply=True, match={"method": "PUT"})
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.create_contacts(
            ORG_A,
            Contacts(contacts=[Contact(name="No Key")]),
            _request_timeout=(2, 0.3),
        )
    assert "already assigned" in exc.value.reason


def test_hang_without_apply_just_delays(sb, acme):
    _fault(sb, kind="hang", seconds=0.3)
    started = time.monotonic()
    assert acme.accounting.get_organisations(ORG_A).organisations
    assert time.monotonic() - started >= 0.3


def test_drop_connection(sb, acme):
    _fault(sb, kind="drop", match={"method": "POST"})
    with pytest.raises(ProtocolError):
        acme.accounting.update_or_create_contacts(
            ORG_A, Contacts(contacts=[Contact(name="Never Saved")])
        )
    assert "Never Saved" not in _names(sb)
    _fault(sb, kind="drop", apply=True, match={"method": "POST"})
    with pytest.raises(ProtocolError):
        acme.accounting.update_or_create_contacts(
            ORG_A, Contacts(contacts=[Contact(name="Saved Then Dropped")])
        )
    assert "Saved Then Dropped" in _names(sb)


def test_dropped_get_is_retried_by_urllib3(sb, acme):
    _fault(sb, kind="drop", match={"path": "/Organisation"})
    assert acme.accounting.get_organisations(ORG_A).organisations
    statuses = [
        e["status"]
        for e in sb.ctl("GET", "requests")
        if e["path"].endswith("/Organisation")
    ]
    assert statuses == [None, 200]


def test_token_expired_fault(sb, acme):
    _fault(sb, kind="token_expired", match={"path": "/Invoices"})
    with pytest.raises(HTTPStatusException) as exc:
        acme.accounting.get_invoices(ORG_A)
    assert exc.value.status == 401
    assert b"TokenExpired" in exc.value.body
    assert acme.accounting.get_invoices(ORG_A) is not None


def test_invalid_grant_fault(sb):
    client = sb.client(expires_at=time.time() - 10)
    _fault(sb, kind="invalid_grant")
    with pytest.raises(AccountingBadRequestException) as exc:
        client.accounting.get_contacts(ORG_A)
    assert exc.value.error_data == {"error": "invalid_grant"}
    assert client.accounting.get_contacts(ORG_A).contacts
    assert len(client.saved) == 1


def test_body_faults(sb, acme):
    _fault(sb, kind="body", body="this is not json", match={"path": "/Contacts"})
    with pytest.raises(ValueError):
        acme.accounting.get_contacts(ORG_A)
    _fault(
        sb,
        kind="body",
        mutate={"drop_fields": ["Name"], "set_fields": {"EmailAddress": "x@y.z"}},
    )
    contact = acme.accounting.get_contacts(ORG_A).contacts[0]
    assert contact.name is None and contact.email_address == "x@y.z"
    _fault(sb, kind="body", size_mb=10)
    resp = sb.api_get("Contacts", acme.token, ORG_A)
    assert len(resp.content) > 10 * 1024 * 1024
    assert resp.json()["Contacts"][0]["Name"] == "Existing Co"


def test_bad_fault_spec_is_rejected(sb):
    resp = requests.post(f"{sb.url}/_sandbox/faults", json={"kind": "explode"})
    assert resp.status_code == 400
