from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from xero_core import dates


def test_ms_date_with_and_without_offset():
    assert dates.parse_datetime("/Date(1439434356790)/") == datetime(
        2015, 8, 13, 2, 52, 36, 790000, tzinfo=UTC)
    # The offset says where it was entered; the instant is still UTC ms.
    assert dates.parse_datetime("/Date(1419937200000+1300)/") == datetime(
        2014, 12, 30, 11, 0, tzinfo=UTC)


def test_date_honours_offset_for_the_calendar_day():
    # 2014-12-30T11:00Z is already 31 December in New Zealand (+13:00).
    assert dates.parse_date("/Date(1419937200000+1300)/") == date(2014, 12, 31)
    assert dates.parse_date("/Date(1419937200000+0000)/") == date(2014, 12, 30)
    assert dates.parse_date("2024-02-29T00:00:00") == date(2024, 2, 29)


def test_iso_and_empty_values():
    assert dates.parse_datetime("2024-01-02T03:04:05Z") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert dates.parse_datetime("2024-01-02T03:04:05") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert dates.parse_datetime(None) is None
    assert dates.parse_date("") is None


def test_garbage_is_an_error_not_a_silent_none():
    with pytest.raises(ValueError):
        dates.parse_datetime("/Date(abc)/")
    with pytest.raises(ValueError):
        dates.parse_date("not a date")


def test_round_trip_and_iso_output():
    moment = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert dates.parse_datetime(dates.ms_date(moment)) == moment
    assert dates.ms_date(date(2024, 5, 6)) == "/Date(1714953600000+0000)/"
    assert dates.iso_utc(datetime(2024, 5, 6, 7, 8, 9)) == "2024-05-06T07:08:09+00:00"
    assert dates.to_naive_utc(moment) == datetime(2024, 5, 6, 7, 8, 9)


def test_out_of_range_dates_are_value_errors():
    for parse in (dates.parse_datetime, dates.parse_date):
        with pytest.raises(ValueError):
            parse("/Date(99999999999999999999)/")


def test_if_modified_since_is_utc_whole_seconds_with_offset():
    """Naive means UTC; microseconds are dropped, never rounded up (the
    record changed in that second must still be asked for)."""
    assert dates.iso_utc(datetime(2026, 11, 26, 10, 18, 59, 999999)) == \
        "2026-11-26T10:18:59+00:00"
    plus13 = timezone(timedelta(hours=13))
    assert dates.iso_utc(datetime(2026, 11, 27, 0, 18, 59, 5, tzinfo=plus13)) == \
        "2026-11-26T11:18:59+00:00"
    assert dates.iso_utc(date(2026, 11, 26)) == "2026-11-26T00:00:00+00:00"
    assert dates.iso_utc("2026-11-26T10:18:59.25") == "2026-11-26T10:18:59+00:00"
    assert dates.iso_utc(None) is None


def test_http_date_header():
    assert dates.parse_http_date("Wed, 26 Nov 2026 10:18:59 GMT") == datetime(
        2026, 11, 26, 10, 18, 59, tzinfo=UTC)
    assert dates.parse_http_date("garbage") is None
    assert dates.parse_http_date(None) is None
