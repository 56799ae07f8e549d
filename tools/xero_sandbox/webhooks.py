"""Webhooks the way Xero sends them.

An app registers one webhook (URL and signing key). Registration runs Xero's
"intent to receive" check: a few POSTs of an empty event batch, some signed
with the key and some not; the receiver must answer 200 with an empty body to
the signed ones and 401 to the others, each within the timeout. Only a webhook
that passed receives events.

Every create or update of a contact, invoice (a payment or allocation is an
invoice UPDATE) or credit note in an organisation connected to the app queues
an event. Events are batched (``webhook_batch_seconds`` after the first one
waits) and POSTed with ``x-xero-signature`` = base64(HMAC-SHA256(body, key)).
A delivery that does not get a 200 in time is retried after each delay of
``webhook_retry_delays``; when they run out the webhook is disabled, as Xero
does after 24 hours. Deliveries run on a background thread (or on
``flush()``), never inside an API request.
"""

import base64
import hashlib
import hmac
import itertools
import json
import random
import secrets
import string
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC

CATEGORIES = ("CONTACT", "INVOICE", "CREDITNOTE")
RESOURCES = {"CONTACT": "Contacts", "INVOICE": "Invoices", "CREDITNOTE": "CreditNotes"}
# Xero checks with a handful of requests; at least one of each kind.
INTENT_CHECKS = (True, False, True, False)


class WebhookError(ValueError):
    pass


def sign(body, key):
    digest = hmac.new(key.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def event_date(when):
    """``2025-12-02T00:44:09.923``: UTC, milliseconds, no zone (as Xero sends)."""
    when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}"


def _entropy():
    return "".join(random.choices(string.ascii_uppercase, k=20))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def post(url, body, signature, timeout):
    """POST one batch; returns ``(status or None, response body, error, ms)``."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "x-xero-signature": signature,
            "User-Agent": "Xero-Webhooks-Sandbox",
        },
    )
    started = time.monotonic()
    status, answer, error = None, b"", None
    try:
        with _OPENER.open(request, timeout=timeout) as resp:
            status, answer = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, answer = exc.code, exc.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError):
            error = f"no answer within {timeout:g} s"
        else:
            error = f"{type(exc).__name__}: {reason}"
    elapsed = time.monotonic() - started
    if error is None and elapsed > timeout:
        error = f"no answer within {timeout:g} s"
    return status, answer, error, round(elapsed * 1000, 1)


class Webhooks:
    def __init__(self, store):
        self.store = store
        self.base_url = "https://api.xero.com"
        self._lock = threading.RLock()
        self._sending = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        self.reset()

    def reset(self):
        with self._lock:
            self.registrations = {}
            self.deliveries = []
            self._ids = itertools.count(1)

    # background thread

    def start(self):
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, name="xero-sandbox-webhooks", daemon=True
            )
            self._thread.start()

    def stop(self):
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self):
        while not self._stop.is_set():
            self._wake.wait(0.1)
            self._wake.clear()
            try:
                self.cycle()
            except Exception:  # noqa: BLE001 - the thread must survive a bad receiver
                time.sleep(0.5)

    # registration

    def register(self, client_id, url, key=None, categories=None):
        if not client_id or client_id not in self.store.apps:
            raise WebhookError("unknown client_id")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise WebhookError("url must be an http(s) URL")
        categories = [c.upper() for c in categories or CATEGORIES]
        if set(categories) - set(CATEGORIES):
            raise WebhookError(f"categories must be among {list(CATEGORIES)}")
        reg = {
            "client_id": client_id,
            "url": url,
            "key": key or base64.b64encode(secrets.token_bytes(48)).decode(),
            "categories": categories,
            "status": "PENDING",
            "reason": None,
            "checked_at": None,
            "sequence": 0,
            "queue": [],
            "oldest": None,
        }
        with self._lock:
            self._cancel(self.registrations.get(client_id))
            self.registrations[client_id] = reg
        ok, reason = self._intent_to_receive(reg)
        with self._lock:
            reg["status"] = "OK" if ok else "FAILED"
            reg["reason"] = reason
            reg["checked_at"] = self.store.clock.now().isoformat()
        return self.view(reg)

    def remove(self, client_id=None):
        with self._lock:
            for cid in [client_id] if client_id else list(self.registrations):
                self._cancel(self.registrations.pop(cid, None))

    def _cancel(self, reg):
        """A replaced or removed webhook delivers nothing more."""
        for entry in self.deliveries:
            if reg is not None and entry["_reg"] is reg and entry["status"] == "pending":
                entry["status"] = "cancelled"

    def _intent_to_receive(self, reg):
        timeout = float(self.store.config["webhook_timeout"])
        checks = list(INTENT_CHECKS)
        random.shuffle(checks)
        for signed in checks:
            payload = {
                "events": [],
                "firstEventSequence": 0,
                "lastEventSequence": 0,
                "entropy": _entropy(),
            }
            body = json.dumps(payload, separators=(",", ":")).encode()
            key = reg["key"] if signed else secrets.token_urlsafe(32)
            entry = self._new_delivery(reg, "intent", payload, body, key)
            entry["signed"] = signed
            status, answer, error = self._attempt(entry, timeout)
            expected = 200 if signed else 401
            problem = None
            if error:
                problem = error
            elif status != expected:
                problem = f"answered {status}, expected {expected}"
            elif answer:
                problem = "answered with a body; it must be empty"
            entry["status"] = "failed" if problem else "delivered"
            if problem:
                kind = "correctly" if signed else "incorrectly"
                return False, f"{kind} signed request: {problem}"
        return True, None

    # events

    def record(self, org, category, resource_id, event_type, when, data=None):
        """Queue an event for every webhook of an app connected to ``org``.

        Called from the write paths, under the store lock.
        """
        with self._lock:
            regs = [
                r
                for r in self.registrations.values()
                if r["status"] == "OK"
                and category in r["categories"]
                and self._connected(r["client_id"], org.id)
            ]
            for reg in regs:
                reg["sequence"] += 1
                event = {
                    "resourceUrl": (
                        f"{self.base_url}/api.xro/2.0/{RESOURCES[category]}/{resource_id}"
                    ),
                    "resourceId": resource_id,
                    "eventDateUtc": event_date(when),
                    "eventType": event_type,
                    "eventCategory": category,
                    "tenantId": org.id,
                    "tenantType": "ORGANISATION",
                }
                if data:
                    event["data"] = dict(data)
                if not reg["queue"]:
                    reg["oldest"] = time.monotonic()
                reg["queue"].append((reg["sequence"], event))
        if regs:
            self._wake.set()

    def _connected(self, client_id, org_id):
        return any(
            c["client_id"] == client_id and c["tenantId"] == org_id
            for c in self.store.connections.values()
        )

    # delivery

    def _new_delivery(self, reg, kind, payload, body, key):
        entry = {
            "id": next(self._ids),
            "kind": kind,
            "client_id": reg["client_id"],
            "url": reg["url"],
            "created_at": self.store.clock.now().isoformat(),
            "status": "pending",
            "payload": payload,
            "attempts": [],
            "_body": body,
            "_signature": sign(body, key),
            "_next": time.monotonic(),
            "_reg": reg,
        }
        with self._lock:
            self.deliveries.append(entry)
            del self.deliveries[: max(0, len(self.deliveries) - 10_000)]
        return entry

    def _attempt(self, entry, timeout):
        status, answer, error, ms = post(
            entry["url"], entry["_body"], entry["_signature"], timeout
        )
        with self._lock:
            entry["attempts"].append(
                {
                    "at": self.store.clock.now().isoformat(),
                    "status": status,
                    "error": error,
                    "duration_ms": ms,
                    "response_body": answer[:500].decode("utf-8", "replace"),
                }
            )
        return status, answer, error

    def _batch(self, reg):
        events = reg["queue"]
        reg["queue"], reg["oldest"] = [], None
        payload = {
            "events": [e for _, e in events],
            "firstEventSequence": events[0][0],
            "lastEventSequence": events[-1][0],
            "entropy": _entropy(),
        }
        body = json.dumps(payload, separators=(",", ":")).encode()
        return self._new_delivery(reg, "events", payload, body, reg["key"])

    def cycle(self, force=False, retry_now=False):
        """Batch what is due, deliver it and due retries; returns the deliveries
        attempted. ``force`` batches every queued event now, ``retry_now`` also
        retries failed batches before their time."""
        config = self.store.config
        window = float(config["webhook_batch_seconds"])
        delays = [float(d) for d in config["webhook_retry_delays"]]
        timeout = float(config["webhook_timeout"])
        with self._sending:
            now = time.monotonic()
            with self._lock:
                for reg in self.registrations.values():
                    if reg["queue"] and (force or now - reg["oldest"] >= window):
                        self._batch(reg)
                now = time.monotonic()
                due = [
                    d
                    for d in self.deliveries
                    if d["kind"] == "events"
                    and d["status"] == "pending"
                    and (retry_now or d["_next"] <= now)
                    and self.registrations.get(d["client_id"]) is d["_reg"]
                ]
            for entry in due:
                status, _, error = self._attempt(entry, timeout)
                with self._lock:
                    if status == 200 and error is None:
                        entry["status"] = "delivered"
                    elif len(entry["attempts"]) <= len(delays):
                        entry["_next"] = (
                            time.monotonic() + delays[len(entry["attempts"]) - 1]
                        )
                    else:
                        entry["status"] = "failed"
                        entry["_reg"]["status"] = "DISABLED"
                        entry["_reg"]["reason"] = "deliveries kept failing"
            return [self.delivery_view(d) for d in due]

    def flush(self, retry_now=False):
        return self.cycle(force=True, retry_now=retry_now)

    # views for the control API

    def view(self, reg):
        with self._lock:
            return {
                "client_id": reg["client_id"],
                "url": reg["url"],
                "key": reg["key"],
                "categories": list(reg["categories"]),
                "status": reg["status"],
                "reason": reg["reason"],
                "checked_at": reg["checked_at"],
                "last_sequence": reg["sequence"],
                "queued": len(reg["queue"]),
            }

    def views(self):
        with self._lock:
            return [self.view(r) for r in self.registrations.values()]

    def delivery_view(self, entry):
        with self._lock:
            out = {k: v for k, v in entry.items() if not k.startswith("_")}
            out["attempts"] = [dict(a) for a in entry["attempts"]]
            if entry["kind"] == "events":
                out["events"] = entry["payload"]["events"]
            return out

    def delivery_views(self, client_id=None, since=0):
        with self._lock:
            return [
                self.delivery_view(d)
                for d in self.deliveries
                if d["id"] > since and (not client_id or d["client_id"] == client_id)
            ]
