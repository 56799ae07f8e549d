"""Xero webhooks: signature check, event parsing, grouping for re-reads.

Xero signs each delivery with ``x-xero-signature``: base64 of the
HMAC-SHA256 of the raw request body under the webhook key. The body must be
hashed exactly as received (never re-serialised JSON). Events carry no
record data, only which record changed: the receiver reads the records
again, 50 IDs a call.
"""

import base64
import binascii
import hashlib
import hmac
import json
import logging

from .dates import parse_datetime
from .where import is_guid

_logger = logging.getLogger(__name__)

CATEGORIES = ("CONTACT", "INVOICE", "CREDITNOTE", "SUBSCRIPTION")
IDS_PER_READ = 50


def signature(raw_body, key):
    """The signature Xero sends for ``raw_body`` (bytes) under ``key``."""
    digest = hmac.new(key.encode("utf-8"), raw_body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(raw_body, signature_header, key):
    """True only when ``signature_header`` is the base64 HMAC-SHA256 of the
    raw body under ``key``; False for a missing, garbled or wrong one."""
    if not key or not isinstance(raw_body, bytes | bytearray) or not signature_header:
        return False
    try:
        given = base64.b64decode(str(signature_header).strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = hmac.new(key.encode("utf-8"), bytes(raw_body), hashlib.sha256).digest()
    return hmac.compare_digest(given, expected)


def parse_events(raw_body, rejected=None):
    """The valid events of a delivery, each a dict with ``resourceId``,
    ``tenantId`` (lower case), ``eventCategory``, ``eventType``,
    ``eventDateUtc`` (aware datetime), ``resourceUrl``, ``tenantType`` and
    ``data`` (credit note events: Type and Status).
    An event that is not valid is left out and logged; its reason is
    appended to ``rejected`` (a list) when given. A body that is not a
    delivery at all gives no events."""
    rejected = rejected if rejected is not None else []
    try:
        payload = json.loads(raw_body)
    except (TypeError, ValueError, UnicodeDecodeError):
        _reject(rejected, None, "the body is not JSON")
        return []
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        _reject(rejected, None, "the body has no list of events")
        return []
    valid = []
    for index, event in enumerate(events):
        parsed, reason = _parse_event(event)
        if parsed is None:
            _reject(rejected, index, reason)
        else:
            valid.append(parsed)
    return valid


def _parse_event(event):
    if not isinstance(event, dict):
        return None, "not an object"
    category = str(event.get("eventCategory") or "").upper()
    if category not in CATEGORIES:
        return None, f"unknown eventCategory {event.get('eventCategory')!r}"
    resource_id = event.get("resourceId")
    tenant_id = event.get("tenantId")
    for name, value in (("resourceId", resource_id), ("tenantId", tenant_id)):
        if not is_guid(value):
            return None, f"{name} {value!r} is not a Xero ID"
    event_type = str(event.get("eventType") or "").upper()
    if not event_type:
        return None, "no eventType"
    try:
        when = parse_datetime(event.get("eventDateUtc"))
    except (TypeError, ValueError):
        when = None
    if when is None:
        return None, f"eventDateUtc {event.get('eventDateUtc')!r} is not a date"
    return {
        "resourceId": resource_id.lower(),
        "tenantId": tenant_id.lower(),
        "eventCategory": category,
        "eventType": event_type,
        "eventDateUtc": when,
        "resourceUrl": event.get("resourceUrl"),
        "tenantType": event.get("tenantType"),
        # Credit note events say which kind and status (ACCPAYCREDIT, DRAFT...).
        "data": event.get("data") if isinstance(event.get("data"), dict) else {},
    }, None


def _reject(rejected, index, reason):
    where = "delivery" if index is None else f"event {index}"
    rejected.append({"index": index, "reason": reason})
    _logger.warning("Xero webhook %s skipped: %s", where, reason)


def group_for_reading(events, size=IDS_PER_READ):
    """{(tenantId, eventCategory): [[resource ids], ...]}: each record once,
    in the order of its first event, in chunks of ``size`` (one read each)."""
    grouped = {}
    for event in events:
        ids = grouped.setdefault((event["tenantId"], event["eventCategory"]), {})
        ids.setdefault(event["resourceId"], None)
    return {
        group: [list(ids)[i:i + size] for i in range(0, len(ids), size)]
        for group, ids in grouped.items()
    }
