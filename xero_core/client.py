"""Talk to one Xero organisation through xero-python.

Reads skip xero-python's model deserialisation (``_preload_content=False``)
and return Xero's JSON as dicts: the mapping code works on that shape, and
building model objects for 10,000 contacts costs more than the call itself.
xero-python still builds every request (URL, query encoding, headers, auth).

Token handling stays with the caller through a *token provider*: an object
with ``access_token()`` (a valid token, refreshed under the caller's lock when
needed) and ``token_rejected(stale_token)`` (refresh after a 401
TokenExpired, or reuse a token another worker refreshed meanwhile). That is
why xero-python is never given ``expires_at``: it must not refresh on its own,
because Xero rotates refresh tokens and two refreshes of one token set race.
"""

import json
import logging
import time

import urllib3
from xero_python.accounting import AccountingApi
from xero_python.api_client import ApiClient
from xero_python.api_client.configuration import Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.exceptions import HTTPStatusException
from xero_python.identity import IdentityApi

from .errors import (
    TenantMismatch,
    XeroAuthError,
    XeroBadResponse,
    XeroError,
    XeroForbidden,
    XeroNotFound,
    XeroRateLimited,
    XeroTransientError,
    XeroValidationError,
)
from .ratelimit import MinuteLimiter

_logger = logging.getLogger(__name__)

PAGE_SIZE = 1000  # Xero's maximum page size
IDS_PER_CALL = 50  # longer IDs lists make Xero's gateway answer 404
MAX_BODY = 50 * 1024 * 1024  # refuse bodies larger than this (bytes)

_TRANSPORT_ERRORS = (
    urllib3.exceptions.HTTPError,  # timeouts, resets, protocol errors
    ConnectionError,
    TimeoutError,
)


def sdk_configuration(client_id, client_secret):
    """A xero-python Configuration of our own. Its metaclass hands out
    copies of the first instance ever made, ignoring the arguments, and the
    copies share that instance's OAuth2Token: without our own token object,
    clients of different logins in one process would swap access tokens."""
    configuration = Configuration()
    configuration.oauth2_token = OAuth2Token(client_id, client_secret)
    return configuration


class XeroClient:
    """Calls for one tenant. ``calls`` counts the HTTP requests made."""

    def __init__(
        self,
        endpoints,
        client_id,
        client_secret,
        token_provider,
        tenant_id=None,
        allowed_tenants=None,
        timeout=(10, 60),
        retries=3,
        backoff=1.0,
        rate_limit_wait=0,
        limiter=None,
        sleep=time.sleep,
    ):
        if tenant_id and allowed_tenants is not None and tenant_id not in allowed_tenants:
            raise TenantMismatch(
                f"Organisation {tenant_id} is not reached by this authorisation."
            )
        self.endpoints = endpoints
        self.tenant_id = tenant_id
        self.token_provider = token_provider
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.rate_limit_wait = rate_limit_wait
        self.limiter = limiter if limiter is not None else MinuteLimiter.shared(tenant_id)
        self.sleep = sleep
        self.calls = 0
        self.last_headers = {}
        self._access_token = None

        self.api_client = ApiClient(
            sdk_configuration(client_id, client_secret),
            pool_threads=1,
            oauth2_token_getter=self._token_for_sdk,
            oauth2_token_saver=lambda token: None,
        )
        # Retries are ours (with backoff and idempotency keys); urllib3 would
        # otherwise silently replay GETs after a dropped connection.
        self.api_client.rest_client.pool_manager.connection_pool_kw["retries"] = False
        self.accounting = AccountingApi(self.api_client, base_url=endpoints.accounting_url)
        self.identity = IdentityApi(self.api_client, base_url=endpoints.api_url)

    # -- plumbing ---------------------------------------------------------------

    def _token_for_sdk(self):
        # No expires_at: xero-python then treats the token as valid and
        # leaves refreshing to the token provider.
        return {"access_token": self._access_token, "scope": [], "expires_in": 1800,
                "token_type": "Bearer"}

    def ensure_tenant(self, tenant_id):
        """Refuse to act on another organisation's record."""
        if tenant_id != self.tenant_id:
            raise TenantMismatch(
                f"Refusing to send data of organisation {tenant_id} "
                f"to organisation {self.tenant_id}."
            )

    def _call(self, api, method, *args, tenant=True, **kwargs):
        """One logical call: retries transient failures with backoff, one
        token refresh on 401 TokenExpired; returns the decoded JSON."""
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            self._access_token = self.token_provider.access_token()
            if self.limiter:
                self.limiter.acquire(self.sleep)
            self.calls += 1
            try:
                call_args = ((self.tenant_id,) if tenant else ()) + args
                response = getattr(api, method)(
                    *call_args,
                    _preload_content=False,
                    _request_timeout=self.timeout,
                    **kwargs,
                )
                data = response.data
                self._remember(response.headers)
                return self._decode(response.status, data)
            except HTTPStatusException as exc:
                self._remember(exc.headers or {})
                error = self._translate(exc)
                if isinstance(error, _TokenExpired) and not refreshed:
                    refreshed = True
                    self.token_provider.token_rejected(self._access_token)
                    attempt -= 1
                    continue
                if isinstance(error, _TokenExpired):
                    raise XeroAuthError(error.message, status=401) from exc
                if (
                    isinstance(error, XeroRateLimited)
                    and error.problem in ("minute", "concurrent")
                    and error.retry_after is not None
                    and error.retry_after <= self.rate_limit_wait
                ):
                    self.sleep(max(error.retry_after, 1))
                    attempt -= 1
                    continue
                if isinstance(error, XeroTransientError) and attempt <= self.retries:
                    self._wait(attempt, error)
                    continue
                raise error from exc
            except _TRANSPORT_ERRORS as exc:
                error = XeroTransientError(f"Xero did not answer: {exc.__class__.__name__}")
                if attempt <= self.retries:
                    self._wait(attempt, error)
                    continue
                raise error from exc

    def _wait(self, attempt, error):
        delay = self.backoff * (2 ** (attempt - 1))
        _logger.info("Xero call failed (%s), retry %s in %.1fs", error.message, attempt, delay)
        self.sleep(delay)

    def _remember(self, headers):
        self.last_headers = {k.lower(): v for k, v in dict(headers).items()}
        remaining = self.last_headers.get("x-minlimit-remaining")
        if self.limiter and remaining is not None:
            try:
                self.limiter.observe_remaining(int(remaining))
            except ValueError:
                pass

    @staticmethod
    def _decode(status, data):
        if status == 204 or not data:
            return {}
        if len(data) > MAX_BODY:
            raise XeroBadResponse(f"Xero's answer is too large ({len(data)} bytes).")
        try:
            return json.loads(data)
        except ValueError as exc:
            raise XeroBadResponse(
                f"Xero answered {status} with a body that is not JSON: {data[:120]!r}"
            ) from exc

    @staticmethod
    def _translate(exc):
        # exc.status of a 400 parses the body, which may not be JSON.
        status = getattr(exc.http_resp, "status", None) or 0
        body = exc.body or b""
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in dict(exc.headers or {}).items()}
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            payload = {}
        if not isinstance(payload, dict):
            payload = {}
        detail = payload.get("Detail") or payload.get("Message") or body[:200]
        if status == 401:
            if "TokenExpired" in (detail or ""):
                return _TokenExpired(detail, status=401)
            if "AuthorizationUnsuccessful" in (detail or ""):
                # A scope the login did not grant: the login itself is fine.
                return XeroForbidden(f"Xero refused access (missing scope): {detail}", 401,
                                     body)
            return XeroAuthError(f"Xero refused the access token: {detail}", 401, body)
        if status == 403:
            return XeroForbidden(f"Xero refused access: {detail}", 403, body)
        if status == 404:
            return XeroNotFound("Xero could not find the record.", 404, body)
        if status == 429:
            retry_after = headers.get("retry-after")
            return XeroRateLimited(
                f"Xero's {headers.get('x-rate-limit-problem', 'rate')} limit reached",
                problem=headers.get("x-rate-limit-problem"),
                retry_after=int(retry_after) if (retry_after or "").isdigit() else None,
                body=body,
            )
        if status == 400:
            return XeroValidationError(validation_message(payload) or detail, 400, body)
        if status >= 500:
            return XeroTransientError(f"Xero answered {status}: {detail[:120]}", status, body)
        return XeroError(f"Xero answered {status}: {detail}", status, body)

    # -- identity -----------------------------------------------------------------

    def connections(self, auth_event_id=None):
        kwargs = {"auth_event_id": auth_event_id} if auth_event_id else {}
        data = self._call(self.identity, "get_connections", tenant=False, **kwargs)
        return data if isinstance(data, list) else []

    def delete_connection(self, connection_id):
        self._call(self.identity, "delete_connection", connection_id, tenant=False)

    # -- organisation, users, reports ---------------------------------------------

    def organisation(self):
        return _first(self._call(self.accounting, "get_organisations"), "Organisations")

    def users(self):
        return _items(self._call(self.accounting, "get_users"), "Users")

    def executive_summary(self, report_date):
        data = self._call(self.accounting, "get_report_executive_summary", date=report_date)
        return _first(data, "Reports")

    # -- contacts -----------------------------------------------------------------

    def iter_contact_pages(self, modified_since=None, include_archived=False,
                           page_size=PAGE_SIZE, start_page=1, order="UpdatedDateUTC ASC"):
        """Yield ``(page, contacts)``, oldest change first by default."""
        kwargs = {"order": order, "page_size": page_size,
                  "include_archived": bool(include_archived)}
        if modified_since:
            kwargs["if_modified_since"] = modified_since
        yield from self._pages("get_contacts", "Contacts", kwargs, page_size, start_page)

    def _pages(self, method, key, kwargs, page_size, start_page=1):
        """Yield ``(page, records)``; stop at Xero's pageCount, or at a short
        page when Xero gives no pagination, so no empty last call is made."""
        page = start_page
        while True:
            data = self._call(self.accounting, method, page=page, **kwargs)
            if not isinstance(data, dict):
                raise XeroBadResponse(f"Xero's {key} page {page} is not an object.")
            records = data.get(key)
            if not isinstance(records, list | type(None)):
                raise XeroBadResponse(f"Xero's {key} page {page} is not a list.")
            # A record that is not an object is kept: the caller notes it.
            records = records or []
            yield page, records
            pagination = data.get("pagination")
            page_count = pagination.get("pageCount") if isinstance(pagination, dict) else None
            if len(records) < page_size or (
                    isinstance(page_count, int) and page >= page_count):
                return
            page += 1

    def get_contacts(self, contact_ids):
        found = []
        ids = list(contact_ids)
        for start in range(0, len(ids), IDS_PER_CALL):
            chunk = ids[start:start + IDS_PER_CALL]
            data = self._call(self.accounting, "get_contacts", i_ds=chunk, include_archived=True)
            found.extend(_items(data, "Contacts"))
        return found

    def find_active_contacts_by_name(self, name):
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        data = self._call(self.accounting, "get_contacts", where=f'Name=="{escaped}"')
        return [c for c in _items(data, "Contacts") if c.get("ContactStatus") != "ARCHIVED"]

    def save_contacts(self, contacts, idempotency_key):
        """POST (update or create) up to 50 contacts; one result per element,
        in order, each with ``StatusAttributeString`` and ``ValidationErrors``."""
        data = self._call(
            self.accounting, "update_or_create_contacts", {"Contacts": contacts},
            summarize_errors=False, idempotency_key=idempotency_key,
        )
        return _answers(data, "Contacts")

    # -- invoices, payments, credit notes -------------------------------------------

    def iter_invoice_pages(self, modified_since=None, contact_ids=None, statuses=None,
                           page_size=PAGE_SIZE, start_page=1, where=None):
        kwargs = {"order": "UpdatedDateUTC ASC", "page_size": page_size}
        if modified_since:
            kwargs["if_modified_since"] = modified_since
        if contact_ids:
            kwargs["contact_i_ds"] = list(contact_ids)
        if statuses:
            kwargs["statuses"] = list(statuses)
        if where:
            kwargs["where"] = where
        yield from self._pages("get_invoices", "Invoices", kwargs, page_size, start_page)


    def create_invoices(self, invoices, idempotency_key):
        """PUT: create only, so a number Xero already has is an error rather
        than an update of someone else's invoice."""
        data = self._call(
            self.accounting, "create_invoices", {"Invoices": invoices},
            summarize_errors=False, unitdp=4, idempotency_key=idempotency_key,
        )
        return _answers(data, "Invoices")

    def create_credit_notes(self, credit_notes, idempotency_key):
        data = self._call(
            self.accounting, "create_credit_notes", {"CreditNotes": credit_notes},
            summarize_errors=False, unitdp=4, idempotency_key=idempotency_key,
        )
        return _answers(data, "CreditNotes")

    def save_invoices(self, invoices, idempotency_key):
        data = self._call(
            self.accounting, "update_or_create_invoices", {"Invoices": invoices},
            summarize_errors=False, unitdp=4, idempotency_key=idempotency_key,
        )
        return _answers(data, "Invoices")


    def create_payments(self, payments, idempotency_key):
        data = self._call(
            self.accounting, "create_payments", {"Payments": payments},
            summarize_errors=False, idempotency_key=idempotency_key,
        )
        return _answers(data, "Payments")

    def delete_payment(self, payment_id, idempotency_key):
        data = self._call(
            self.accounting, "delete_payment", payment_id, {"Status": "DELETED"},
            idempotency_key=idempotency_key,
        )
        return one(_answers(data, "Payments"))

    def iter_credit_note_pages(self, modified_since=None, page_size=PAGE_SIZE, where=None):
        kwargs = {"order": "UpdatedDateUTC ASC", "page_size": page_size}
        if modified_since:
            kwargs["if_modified_since"] = modified_since
        if where:
            kwargs["where"] = where
        yield from self._pages("get_credit_notes", "CreditNotes", kwargs, page_size)

    def save_credit_notes(self, credit_notes, idempotency_key):
        data = self._call(
            self.accounting, "update_or_create_credit_notes", {"CreditNotes": credit_notes},
            summarize_errors=False, unitdp=4, idempotency_key=idempotency_key,
        )
        return _answers(data, "CreditNotes")

    def allocate_credit_note(self, credit_note_id, allocations, idempotency_key):
        data = self._call(
            self.accounting, "create_credit_note_allocation", credit_note_id,
            {"Allocations": allocations}, summarize_errors=False,
            idempotency_key=idempotency_key,
        )
        return _answers(data, "Allocations")


class _TokenExpired(XeroError):
    """Internal: a 401 TokenExpired, answered by one refresh."""


def _items(data, key):
    """The records of a list answer; XeroBadResponse when it has no such
    list. Elements that are not objects are dropped."""
    if not isinstance(data, dict):
        raise XeroBadResponse(f"Xero's answer is not an object (expected {key}).")
    items = data.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise XeroBadResponse(f"Xero's {key} is not a list.")
    return [item for item in items if isinstance(item, dict)]


def _answers(data, key):
    """The answer elements of a write, one per record sent, in order."""
    items = data.get(key) if isinstance(data, dict) else None
    if items is None:
        items = []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise XeroBadResponse(f"Xero's answer does not list the {key} sent.")
    return items


def _first(data, key):
    items = _items(data, key)
    return items[0] if items else {}


def one(elements):
    """The single answer element of a one-record write."""
    if len(elements) != 1:
        raise XeroBadResponse(f"Xero answered {len(elements)} records for one.")
    return elements[0]


def validation_message(payload):
    """The first validation message of a Xero error body or element."""
    if not isinstance(payload, dict):
        return None
    messages = element_errors(payload)
    if messages:
        return "; ".join(messages)
    for element in payload.get("Elements") or []:
        messages = element_errors(element)
        if messages:
            return "; ".join(messages)
    return payload.get("Message") or payload.get("Detail")


def element_errors(element):
    """Messages of one element of a ``summarizeErrors=false`` answer."""
    return [
        str(error.get("Message"))
        for error in element.get("ValidationErrors") or []
        if isinstance(error, dict) and error.get("Message")
    ]


def element_failed(element):
    return (element.get("StatusAttributeString") == "ERROR"
            or element.get("HasValidationErrors") or element.get("HasErrors")
            or bool(element_errors(element)))


__all__ = ["XeroClient", "XeroError", "element_errors", "element_failed",
           "validation_message"]
