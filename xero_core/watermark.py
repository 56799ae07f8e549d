"""Watermarks of incremental reads (``If-Modified-Since``).

A watermark taken from the records read, or from this machine's clock, can
sit ahead of Xero's clock; the next read from it would then miss what Xero
changes in between. Xero's own time of the latest answer (the client's
``last_server_time``) bounds it.
"""

from datetime import UTC

from .dates import parse_datetime


def cap_watermark(candidate, server_time, run_started):
    """The watermark to store: ``candidate`` but never later than Xero's
    time (``server_time``), or than ``run_started`` when Xero's time is not
    known. Values are datetimes (naive = UTC); the result is aware UTC, or
    None when there is no candidate."""
    candidate = parse_datetime(candidate)
    if candidate is None:
        return None
    ceiling = parse_datetime(server_time) or parse_datetime(run_started)
    if ceiling is None:
        return candidate.astimezone(UTC)
    return min(candidate, ceiling).astimezone(UTC)
