"""Queued faults that the next matching requests consume.

A fault is ``{"kind": ..., "count": N, "match": {"method", "path", "tenant"}}``
(``"skip": N`` lets the first N matching requests through, so a fault can
hit the second batch of a run) plus kind-specific options:

* ``status``: answer ``status`` with optional ``headers``, ``body``, ``content_type``.
* ``rate_limit``: 429 with ``problem`` (minute/day/concurrent/appminute) and
  ``retry_after``.
* ``hang``: wait ``seconds``. With ``apply`` the request is processed first and
  the finished response is held back; otherwise the wait comes first and the
  request is then processed (``"then": "drop"`` closes the connection instead).
* ``drop``: reset the connection without a response (``apply`` processes first).
* ``token_expired``: 401 TokenExpired.
* ``invalid_grant``: the matching ``/connect/token`` call answers 400 invalid_grant.
* ``body``: replace the response body (``body`` raw string, or ``size_mb``
  padding) or ``mutate`` the returned records (``drop_fields``/``set_fields``).
* ``wrong_id``: process the request, then answer with other ids than the
  records really have (``new_id``: the id to show, default a new one per record;
  ``fields``: which id fields, default all of ContactID, InvoiceID,
  CreditNoteID, PaymentID, ItemID), as a misbehaving proxy or emulator might.
"""

import itertools
import json
import re
import threading
import uuid
from http import HTTPStatus

from .wire import Response, dumps

KINDS = {
    "status",
    "rate_limit",
    "hang",
    "drop",
    "token_expired",
    "invalid_grant",
    "body",
    "wrong_id",
}
ID_FIELDS = ("ContactID", "InvoiceID", "CreditNoteID", "PaymentID", "ItemID")


class FaultError(ValueError):
    pass


class FaultQueue:
    def __init__(self):
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._items = []

    def clear(self):
        with self._lock:
            self._items = []

    def add(self, spec):
        if not isinstance(spec, dict):
            raise FaultError("fault must be an object")
        kind = spec.get("kind")
        if kind not in KINDS:
            raise FaultError(
                f"unknown fault kind {kind!r}; expected one of {sorted(KINDS)}"
            )
        match = dict(spec.get("match") or {})
        if kind == "invalid_grant":
            match.setdefault("path", "/connect/token")
        if kind == "status" and not isinstance(spec.get("status"), int):
            raise FaultError("status fault needs an integer 'status'")
        fault = dict(spec)
        fault["match"] = match
        fault["count"] = int(spec.get("count", 1))
        fault["skip"] = int(spec.get("skip", 0))
        with self._lock:
            fault["id"] = next(self._ids)
            self._items.append(fault)
        return fault

    def pending(self):
        with self._lock:
            return [dict(f) for f in self._items]

    def take(self, method, path, tenant):
        """Consume one use of the first fault matching this request."""
        with self._lock:
            for fault in self._items:
                if fault["kind"] == "invalid_grant" and not path.lower().endswith(
                    "/connect/token"
                ):
                    continue
                if _matches(fault["match"], method, path, tenant):
                    if fault.get("skip", 0) > 0:
                        # Let this many matching requests through first.
                        fault["skip"] -= 1
                        continue
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        self._items.remove(fault)
                    return dict(fault)
        return None


def _matches(match, method, path, tenant):
    want = match.get("method")
    if want and want.upper() != method.upper():
        return False
    want = match.get("tenant")
    if want and want.lower() != (tenant or "").lower():
        return False
    want = match.get("path")
    if want:
        if want.lower() in path.lower():
            return True
        try:
            return re.search(want, path, re.IGNORECASE) is not None
        except re.error:
            return False
    return True


def fault_response(fault):
    """The canned answer of a ``status`` / ``rate_limit`` fault."""
    if fault["kind"] == "rate_limit":
        headers = {
            "X-Rate-Limit-Problem": fault.get("problem", "minute"),
            "Retry-After": str(fault.get("retry_after", 60)),
        }
        return Response(429, b"", None, headers)
    status = int(fault["status"])
    body = fault.get("body")
    if body is None:
        try:
            body = "" if status == 429 else HTTPStatus(status).phrase
        except ValueError:
            body = ""
    content_type = fault.get("content_type") or "text/plain; charset=utf-8"
    if isinstance(body, (dict, list)):
        body, content_type = json.dumps(body), "application/json; charset=utf-8"
    return Response(status, body, content_type, fault.get("headers"))


def rewrite_body(resp, fault):
    """Apply a ``body`` fault to a finished response."""
    if "status" in fault:
        resp.status = int(fault["status"])
    if fault.get("body") is not None:
        resp.body = str(fault["body"]).encode("utf-8")
        if fault.get("content_type"):
            resp.headers["Content-Type"] = fault["content_type"]
        return resp
    data = resp.data if isinstance(resp.data, dict) else None
    if data is None:
        return resp
    mutate = fault.get("mutate") or {}
    if mutate:
        for value in data.values():
            if isinstance(value, list):
                for record in value:
                    if not isinstance(record, dict):
                        continue
                    for field in mutate.get("drop_fields", ()):
                        record.pop(field, None)
                    record.update(mutate.get("set_fields") or {})
    if fault.get("size_mb"):
        data["Padding"] = "x" * int(float(fault["size_mb"]) * 1024 * 1024)
    resp.body = dumps(data).encode("utf-8")
    return resp


def rewrite_ids(resp, fault):
    """Apply a ``wrong_id`` fault: the top-level records show other ids."""
    data = resp.data if isinstance(resp.data, dict) else None
    if data is None:
        return resp
    fields = fault.get("fields") or ID_FIELDS
    for value in data.values():
        if not isinstance(value, list):
            continue
        for record in value:
            if not isinstance(record, dict):
                continue
            for field in fields:
                if field in record:
                    record[field] = fault.get("new_id") or str(uuid.uuid4())
    resp.body = dumps(data).encode("utf-8")
    return resp
