"""Per-organisation and per-app rate limits, their headers and Retry-After."""

import threading
import time

import pytest
from helpers import ORG_A, ORG_B
from xero_python.exceptions import RateLimitException


@pytest.fixture
def acme(sb):
    return sb.client(retries=False)


def _limits(sb, **limits):
    base = {"minute": 60, "day": 5000, "concurrent": 5, "app_minute": 10000}
    sb.ctl("POST", "config", {"rate_limits": {**base, **limits}})


def _headers(acme, tenant=ORG_A):
    _, _, headers = acme.accounting.get_organisations(
        tenant, _return_http_data_only=False
    )
    return headers


def test_headers_on_every_accounting_response(sb, acme):
    headers = _headers(acme)
    assert headers["X-MinLimit-Remaining"] == "59"
    assert headers["X-DayLimit-Remaining"] == "4999"
    assert headers["X-AppMinLimit-Remaining"] == "9999"
    assert _headers(acme)["X-MinLimit-Remaining"] == "58"


def test_minute_limit_with_retry_after_and_window_reset(sb, acme):
    _limits(sb, minute=3)
    assert [_headers(acme)["X-MinLimit-Remaining"] for _ in range(3)] == ["2", "1", "0"]
    with pytest.raises(RateLimitException) as exc:
        acme.accounting.get_contacts(ORG_A)
    assert exc.value.rate_limit == "minute"
    assert 1 <= int(exc.value.headers["Retry-After"]) <= 60
    assert _headers(acme, ORG_B)["X-MinLimit-Remaining"] == "2"
    log = sb.ctl("GET", "requests")
    assert log[-2]["status"] == 429 and log[-2]["problem"] == "minute"
    sb.advance(61)
    assert _headers(acme)["X-MinLimit-Remaining"] == "2"


def test_day_limit(sb, acme):
    _limits(sb, day=2)
    _headers(acme)
    _headers(acme)
    with pytest.raises(RateLimitException) as exc:
        acme.accounting.get_organisations(ORG_A)
    assert exc.value.rate_limit == "day"
    assert int(exc.value.headers["Retry-After"]) > 86000
    assert exc.value.headers["X-DayLimit-Remaining"] == "0"


def test_app_minute_limit_spans_tenants(sb, acme):
    _limits(sb, app_minute=2)
    _headers(acme, ORG_A)
    _headers(acme, ORG_B)
    with pytest.raises(RateLimitException) as exc:
        acme.accounting.get_organisations(ORG_A)
    assert exc.value.rate_limit == "appminute"


def test_concurrent_limit(sb, acme):
    _limits(sb, concurrent=2)
    sb.ctl(
        "POST",
        "faults",
        {
            "kind": "hang",
            "seconds": 1.0,
            "count": 2,
            "match": {"path": "/Organisation"},
        },
    )
    results = []

    def slow():
        client = sb.client(acme.token, retries=False)
        results.append(client.accounting.get_organisations(ORG_A).organisations[0].name)

    threads = [threading.Thread(target=slow) for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        running = sb.ctl("GET", "stats")["rate_limits"]["tenants"].get(ORG_A, {})
        if running.get("concurrent") == 2:
            break
        time.sleep(0.02)
    with pytest.raises(RateLimitException) as exc:
        acme.accounting.get_contacts(ORG_A)
    assert exc.value.rate_limit == "concurrent"
    assert "Retry-After" not in exc.value.headers
    for thread in threads:
        thread.join()
    assert results == ["Acme Ltd", "Acme Ltd"]
    assert acme.accounting.get_contacts(ORG_A).contacts


def test_limits_can_be_switched_off(sb, acme):
    _limits(sb, minute=1)
    _headers(acme)
    sb.ctl("POST", "config", {"rate_limits": None})
    # Counting goes on against Xero's real numbers, nothing is refused.
    assert [_headers(acme)["X-MinLimit-Remaining"] for _ in range(3)] == [
        "58",
        "57",
        "56",
    ]


def test_sdk_default_retries_sleep_through_429_on_get(sb):
    # With urllib3's default Retry, a GET answered 429 + Retry-After is retried
    # after sleeping; the caller never sees RateLimitException.
    client = sb.client()
    sb.ctl(
        "POST", "faults", {"kind": "rate_limit", "problem": "minute", "retry_after": 1}
    )
    started = time.monotonic()
    assert client.accounting.get_organisations(ORG_A).organisations
    assert time.monotonic() - started >= 1
    statuses = [e["status"] for e in sb.ctl("GET", "requests")]
    assert statuses[-2:] == [429, 200]


@pytest.mark.parametrize(
    ("tier", "day"), [("starter", 1000), ("core", 5000), ("plus", 10000), ("advanced", 20000)]
)
def test_tiers_set_the_daily_limit(sb, acme, tier, day):
    config = sb.ctl("POST", "config", {"rate_limits": tier})
    assert config["rate_limits"]["tier"] == tier and config["rate_limits"]["day"] == day
    headers = _headers(acme)
    assert headers["X-DayLimit-Remaining"] == str(day - 1)
    assert headers["X-MinLimit-Remaining"] == "59"
    assert headers["X-AppMinLimit-Remaining"] == "9999"


def test_starter_refuses_the_thousand_and_first_call_of_the_day(sb, acme):
    sb.ctl("POST", "config", {"rate_limits": "starter"})
    _headers(acme)
    # 998 more calls, spread over the day, without making them.
    sb.server.store.limiter._day[ORG_A].count = 999
    assert _headers(acme)["X-DayLimit-Remaining"] == "0"
    sb.advance(61)
    with pytest.raises(RateLimitException) as exc:
        acme.accounting.get_contacts(ORG_A)
    assert exc.value.rate_limit == "day"


def test_a_dict_of_limits_builds_on_a_tier(sb):
    config = sb.ctl("POST", "config", {"rate_limits": {"tier": "starter", "minute": 10}})
    assert config["rate_limits"] == {
        "tier": "starter", "minute": 10, "day": 1000, "concurrent": 5,
        "app_minute": 10000, "connections": 5,
    }
    resp = sb.http.post(f"{sb.url}/_sandbox/config", json={"rate_limits": "gold"})
    assert resp.status_code == 400 and "gold" in resp.json()["error"]


def test_stats_report_bytes_sent_per_organisation(sb, acme):
    sb.ctl("DELETE", "requests")
    sizes = []
    for tenant in (ORG_A, ORG_A, ORG_B):
        acme.accounting.get_contacts(tenant)
        sizes.append(int(acme.api_client.last_response.getheader("Content-Length")))
    stats = sb.ctl("GET", "stats")
    assert stats["egress_bytes"] == {ORG_A: sizes[0] + sizes[1], ORG_B: sizes[2]}
    assert sb.ctl("GET", "requests")[-1]["bytes"] == sizes[2]

