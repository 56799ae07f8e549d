from datetime import UTC, datetime, timedelta, timezone

import pytest

from xero_core import usage, where
from xero_core.watermark import cap_watermark

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_watermark_never_passes_xeros_clock():
    ahead = NOW + timedelta(minutes=5)
    assert cap_watermark(ahead, NOW, NOW + timedelta(hours=1)) == NOW
    assert cap_watermark(NOW - timedelta(minutes=1), NOW, None) == NOW - timedelta(minutes=1)


def test_watermark_falls_back_to_the_run_start():
    started = NOW - timedelta(minutes=2)
    assert cap_watermark(NOW, None, started) == started
    assert cap_watermark(NOW, None, None) == NOW


def test_watermark_reads_naive_as_utc_and_answers_aware():
    naive = datetime(2026, 11, 26, 10, 5)
    plus13 = timezone(timedelta(hours=13))
    capped = cap_watermark(naive, datetime(2026, 11, 26, 23, 0, tzinfo=plus13), None)
    assert capped == NOW and capped.tzinfo is not None
    assert cap_watermark(None, NOW, NOW) is None


def test_where_literals():
    assert where.equals("Name", "Alpha & Sons") == 'Name=="Alpha & Sons"'
    for unsafe in ('Say "hi"', "back\\slash", "a&quot;b", "a&#34;b", "tab\there"):
        assert where.equals("Name", unsafe) is None
    assert where.guid_equals("ContactID", "AAAAAAAA-1111-4111-8111-111111111111") == \
        'ContactID==Guid("AAAAAAAA-1111-4111-8111-111111111111")'
    with pytest.raises(ValueError):
        where.guid_equals("ContactID", '1") OR (1==1')
    assert where.all_of(None, 'A=="1"') == 'A=="1"'
    assert where.all_of('A=="1"', 'B=="2"') == '(A=="1") AND (B=="2")'
    assert where.all_of() is None


def test_chunks_by_count_and_length():
    ids = [f"{n:08x}-0000-4000-8000-000000000000" for n in range(120)]
    assert [len(c) for c in where.chunks(ids, 50, 1950)] == [50, 50, 20]
    assert [len(c) for c in where.chunks(ids, 50, 400)] == [10] * 12
    assert list(where.chunks([], 50, 100)) == []
    assert list(where.chunks(["x" * 500], 50, 100)) == [["x" * 500]], "never dropped"


def test_endpoint_names():
    assert usage.endpoint_name("https://api.xero.com/api.xro/2.0/Invoices?page=2") == \
        "/Invoices"
    assert usage.endpoint_name(
        "http://h/api.xro/2.0/Payments/8a1e7bb2-1111-4111-8111-111111111111") == \
        "/Payments/{id}"
    assert usage.endpoint_name("https://api.xero.com/Connections") == "/Connections"
    assert usage.endpoint_name(None) == "/"


def test_response_info_reads_the_rate_headers():
    info = usage.response_info("t", "pull", "GET", "http://h/api.xro/2.0/Contacts", 200,
                               {"x-daylimit-remaining": "990", "x-minlimit-remaining": "59",
                                "x-appminlimit-remaining": "junk"}, 1234)
    assert info == {"tenant": "t", "job": "pull", "method": "GET", "endpoint": "/Contacts",
                    "status": 200, "day_remaining": 990, "minute_remaining": 59,
                    "app_minute_remaining": None, "bytes": 1234}
