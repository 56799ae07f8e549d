"""Sandbox clock and the date formats Xero uses on the wire."""

import re
import threading
import time
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

UTC = UTC

_MS_DATE_RE = re.compile(r"^/Date\((-?\d+)([+-]\d{2,4})?\)/$")
_ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)


class Clock:
    """Real time plus an adjustable offset, shared by everything time-based."""

    def __init__(self, offset_seconds=0.0):
        self._offset = float(offset_seconds)
        self._lock = threading.Lock()

    @property
    def offset(self):
        return self._offset

    def set_offset(self, seconds):
        with self._lock:
            self._offset = float(seconds)

    def advance(self, seconds):
        with self._lock:
            self._offset += float(seconds)

    def time(self):
        return time.time() + self._offset

    def now(self):
        """Aware UTC datetime truncated to milliseconds (Xero's precision)."""
        dt = datetime.fromtimestamp(self.time(), UTC)
        return dt.replace(microsecond=dt.microsecond // 1000 * 1000)

    def today(self):
        return self.now().date()


def to_ms(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int(round(value.timestamp() * 1000))
    return (
        int(datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()) * 1000
    )


def ms_date(value):
    """``/Date(ms+0000)/`` as used for entity dates and timestamps."""
    return f"/Date({to_ms(value)}+0000)/"


def envelope_date(value):
    """``/Date(ms)/`` as used for the envelope's DateTimeUTC."""
    return f"/Date({to_ms(value)})/"


def date_string(value):
    """ISO twin of a date field, e.g. ``DateString``."""
    return value.strftime("%Y-%m-%dT00:00:00")


def utc_string(value):
    """ISO twin of a timestamp, e.g. ``UpdatedDateUTCString``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_string(value):
    """Identity API timestamps: ISO without zone, 7 fractional digits."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond:06d}0"


def iso_utc(value):
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_datetime(value):
    """Parse an inbound timestamp; return an aware UTC datetime or None.

    Accepts ``/Date(ms)/``, ``/Date(ms+hhmm)/``, ISO 8601 dates and datetimes
    (with or without fraction/offset, naive meaning UTC) and RFC 1123.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = str(value).strip()
    if not text:
        return None
    match = _MS_DATE_RE.match(text)
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, UTC)
    match = _ISO_RE.match(text)
    if match:
        year, month, day, hh, mi, ss, frac, zone = match.groups()
        micro = int((frac or "0")[:6].ljust(6, "0"))
        try:
            dt = datetime(
                int(year),
                int(month),
                int(day),
                int(hh or 0),
                int(mi or 0),
                int(ss or 0),
                micro,
            )
        except ValueError:
            return None
        tz = UTC
        if zone and zone != "Z":
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            tz = timezone(
                sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            )
        return dt.replace(tzinfo=tz).astimezone(UTC)
    try:
        dt = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def has_zone(value):
    """Whether an inbound timestamp says its time zone (an ISO offset or Z, an
    RFC 1123 zone, or the always-UTC ``/Date(ms)/``)."""
    text = str(value or "").strip()
    if _MS_DATE_RE.match(text):
        return True
    match = _ISO_RE.match(text)
    if match:
        return match.group(8) is not None
    try:
        return parsedate_to_datetime(text).tzinfo is not None
    except (TypeError, ValueError, IndexError):
        return False


def parse_date(value):
    """Parse an inbound date field; return a ``date`` or None."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = str(value).strip() if value is not None else ""
    match = _MS_DATE_RE.match(text)
    if match:
        # The SDK sends midnight UTC; an explicit offset means local midnight.
        dt = datetime.fromtimestamp(int(match.group(1)) / 1000, UTC)
        if match.group(2):
            zone = match.group(2)
            sign = -1 if zone[0] == "-" else 1
            dt += sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5] or 0))
        return dt.date()
    if _ISO_RE.match(text):
        try:
            return date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
        except ValueError:
            return None
    return None
