"""What one HTTP call to Xero cost: the record the client hands to its
``on_response`` callback after every call (retries included), so the caller
can keep calls per organisation, job and day."""

import re
from urllib.parse import urlsplit

_ID_SEGMENT = re.compile(
    r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|.*\d.*)$"
)
_PREFIX = "/api.xro/2.0"


def endpoint_name(url):
    """``https://api.xero.com/api.xro/2.0/Invoices/<id>?page=2`` ->
    ``/Invoices/{id}``: the path without query, version prefix or IDs."""
    path = urlsplit(url or "").path
    index = path.lower().find(_PREFIX.lower())
    if index >= 0:
        path = path[index + len(_PREFIX):]
    parts = [p for p in path.split("/") if p]
    return "/" + "/".join("{id}" if _ID_SEGMENT.match(p) else p for p in parts)


def _int_header(headers, name):
    value = headers.get(name)
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def response_info(tenant, job, method, url, status, headers, size):
    """The usage record of one call. ``headers`` has lower-case keys;
    ``status`` is None when Xero never answered; ``size`` is the answer's
    body in bytes."""
    return {
        "tenant": tenant,
        "job": job,
        "method": method,
        "endpoint": endpoint_name(url),
        "status": status,
        "day_remaining": _int_header(headers, "x-daylimit-remaining"),
        "minute_remaining": _int_header(headers, "x-minlimit-remaining"),
        "app_minute_remaining": _int_header(headers, "x-appminlimit-remaining"),
        "bytes": int(size or 0),
    }
