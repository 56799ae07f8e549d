"""Xero's date formats.

Xero sends ``/Date(1439434356790)/`` or ``/Date(1419937200000+0000)/``
(milliseconds since the epoch, optional offset) and ``*String`` ISO twins;
it reads ``If-Modified-Since`` as ISO 8601 (sent with an offset, to the second).
"""

import re
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def _from_ms(milliseconds):
    try:
        return datetime.fromtimestamp(int(milliseconds) / 1000, tz=UTC)
    except (OverflowError, OSError):
        raise ValueError(f"/Date({milliseconds})/ is out of range") from None


def parse_datetime(value):
    """Return an aware UTC datetime from a Xero date value, or None.

    Raises ValueError on a value that is present but not a date.
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = str(value).strip()
    match = _MS_DATE.match(text)
    if match:
        # The offset only says which local time the instant was entered in;
        # the milliseconds are already UTC.
        return _from_ms(match.group(1))
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_date(value):
    """Return a ``date`` from a Xero date value (``/Date()/`` or ISO).

    Raises ValueError on a value that is present but not a date.
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _MS_DATE.match(text)
    if match:
        instant = _from_ms(match.group(1))
        offset = match.group(2)
        if offset:
            sign = 1 if offset[0] == "+" else -1
            delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
            instant = instant.astimezone(timezone(sign * delta))
        return instant.date()
    return date.fromisoformat(text[:10])


def to_naive_utc(value):
    """Aware datetime -> naive UTC datetime (how Odoo stores Datetime)."""
    if value is None:
        return None
    if value.tzinfo:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def ms_date(value):
    """``date``/``datetime`` -> ``/Date(ms+0000)/``."""
    if isinstance(value, datetime):
        instant = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        instant = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return f"/Date({int(instant.timestamp() * 1000)}+0000)/"


def iso_utc(value):
    """Datetime (naive = UTC), date or ISO text -> the ``If-Modified-Since``
    value Xero's spec describes: UTC, whole seconds, with its offset, e.g.
    ``2026-11-26T10:18:59+00:00``. Microseconds are dropped (not rounded up),
    so the record changed in that very second is still asked for."""
    instant = parse_datetime(value)
    if instant is None:
        return None
    return instant.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_http_date(value):
    """An HTTP ``Date`` header -> aware UTC datetime, or None if unreadable."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
