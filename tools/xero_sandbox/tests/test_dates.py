"""Wire date formats in and out."""

from datetime import UTC, date, datetime

import pytest
from xero_sandbox.dates import (
    Clock,
    identity_string,
    ms_date,
    parse_date,
    parse_datetime,
)

UTC = UTC


@pytest.mark.parametrize(
    "text, expected",
    [
        ("/Date(1539993600000)/", date(2018, 10, 20)),
        ("/Date(1539993600000+0000)/", date(2018, 10, 20)),
        ("/Date(1539950400000+1200)/", date(2018, 10, 20)),
        ("2018-10-20", date(2018, 10, 20)),
        ("2018-10-20T00:00:00", date(2018, 10, 20)),
        ("20/10/2018", None),
        ("2018-02-30", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2020-02-06T20:17:43.202Z",
        "2020-02-06T12:17:43.202-08:00",
        "2020-02-06T20:17:43.2020000",
        "Thu, 06 Feb 2020 20:17:43 GMT",
        "/Date(1581020263202)/",
    ],
)
def test_parse_datetime_forms(text):
    parsed = parse_datetime(text)
    assert parsed.replace(microsecond=0) == datetime(2020, 2, 6, 20, 17, 43, tzinfo=UTC)


def test_output_formats():
    assert ms_date(date(2018, 10, 20)) == "/Date(1539993600000+0000)/"
    stamp = datetime(2019, 12, 7, 18, 46, 19, 516540, tzinfo=UTC)
    assert identity_string(stamp) == "2019-12-07T18:46:19.5165400"


def test_clock_offset():
    clock = Clock()
    start = clock.time()
    clock.advance(86400)
    assert clock.time() - start >= 86400
    clock.set_offset(0)
    assert abs(clock.time() - start) < 5
