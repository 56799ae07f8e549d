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

After every HTTP call the client keeps what Xero said about the call:
``last_headers``, ``last_server_time`` (Xero's clock, for watermarks) and a
usage record (``last_usage``, also given to the ``on_response`` callback)
with the remaining day/minute calls and the answer's size, labelled with the
caller's ``job``. After a paged read, ``last_read_complete`` says whether
every page Xero announced was read.
"""

import contextlib
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

from . import answers as xa
from . import where as wh
from .answers import element_errors, element_failed, one, validation_message
from .dates import iso_utc, parse_datetime, parse_http_date
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
    backoff_delay,
    is_refusal,
)
from .idempotency import request_key
from .ratelimit import MinuteLimiter
from .usage import response_info

_logger = logging.getLogger(__name__)

PAGE_SIZE = 1000  # Xero's maximum page size
IDS_PER_CALL = 50  # longer IDs lists make Xero's gateway answer 404
BATCH_SIZE = 50  # elements per write, as Xero recommends
# Encoded length of one list or filter value: 50 GUIDs with their commas fit
# (1,947); Xero's gateway answers 404 past about 2,000 characters of URL.
MAX_QUERY_CHARS = 1950
MAX_BODY = 50 * 1024 * 1024  # refuse bodies larger than this (bytes)
DEFAULT_TIMEOUT = (10.0, 60.0)  # seconds: (connect, read)

_TRANSPORT_ERRORS = (
    urllib3.exceptions.HTTPError,  # timeouts, resets, protocol errors
    ConnectionError,
    TimeoutError,
)


def _sdk_timeout(timeout):
    """xero-python applies a timeout only when given an int or a (connect,
    read) tuple: a float or a list would silently mean "wait forever"."""
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, list | tuple):
        connect, read = timeout
        return (float(connect), float(read))
    return (float(timeout), float(timeout))


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
        on_response=None,
        job=None,
    ):
        if tenant_id and allowed_tenants is not None and tenant_id not in allowed_tenants:
            raise TenantMismatch(
                f"Organisation {tenant_id} is not reached by this authorisation."
            )
        self.endpoints = endpoints
        self.tenant_id = tenant_id
        self.token_provider = token_provider
        self.timeout = _sdk_timeout(timeout)
        self.retries = retries
        self.backoff = backoff
        self.rate_limit_wait = rate_limit_wait
        self.limiter = limiter if limiter is not None else MinuteLimiter.shared(tenant_id)
        self.sleep = sleep
        self.calls = 0
        self.last_headers = {}
        # Usage meter: ``on_response(info)`` after every HTTP call; ``job``
        # labels the calls (see usage.response_info and job_label()).
        self.on_response = on_response
        self.job = job
        self.last_usage = None
        self.last_server_time = None
        # Paged reads: False until a read ends on the page Xero says is the last.
        self.last_read_complete = None
        self.last_read = {}
        self._access_token = None
        self._request_line = (None, None)

        self.api_client = ApiClient(
            sdk_configuration(client_id, client_secret),
            pool_threads=1,
            oauth2_token_getter=self._token_for_sdk,
            oauth2_token_saver=lambda token: None,
        )
        # Retries are ours (with backoff and idempotency keys); urllib3 would
        # otherwise silently replay GETs after a dropped connection.
        self.api_client.rest_client.pool_manager.connection_pool_kw["retries"] = False
        self._watch_requests()
        self.accounting = AccountingApi(self.api_client, base_url=endpoints.accounting_url)
        self.identity = IdentityApi(self.api_client, base_url=endpoints.api_url)

    # -- plumbing ---------------------------------------------------------------

    def _watch_requests(self):
        """Note the method and URL of each request xero-python sends: every
        call goes through its REST client's ``request``."""
        rest = self.api_client.rest_client
        send = rest.request

        def request(method, url, *args, **kwargs):
            self._request_line = (method, url)
            return send(method, url, *args, **kwargs)

        rest.request = request

    @contextlib.contextmanager
    def job_label(self, job):
        """Label the calls made inside the block with ``job``."""
        previous, self.job = self.job, job
        try:
            yield self
        finally:
            self.job = previous

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
            self._request_line = (None, None)
            try:
                call_args = ((self.tenant_id,) if tenant else ()) + args
                response = getattr(api, method)(
                    *call_args,
                    _preload_content=False,
                    _request_timeout=self.timeout,
                    **kwargs,
                )
                data = response.data
                self._remember(response.status, response.headers, data)
                decoded = self._decode(response.status, data)
                self._note_server_time(decoded)
                return decoded
            except HTTPStatusException as exc:
                self._remember(getattr(exc.http_resp, "status", None),
                               exc.headers or {}, exc.body)
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
                self._remember(None, None, b"")
                error = XeroTransientError(f"Xero did not answer: {exc.__class__.__name__}")
                if attempt <= self.retries:
                    self._wait(attempt, error)
                    continue
                raise error from exc

    def _wait(self, attempt, error):
        delay = backoff_delay(attempt, base=self.backoff, cap=60.0)
        _logger.info("Xero call failed (%s), retry %s in %.1fs", error.message, attempt, delay)
        self.sleep(delay)

    def _remember(self, status, headers, body):
        """Keep what Xero said about this call (``headers`` None: no answer)
        and report it to the meter."""
        if headers is None:
            self._meter(status, {}, body)
            return
        self.last_headers = {k.lower(): v for k, v in dict(headers).items()}
        remaining = self.last_headers.get("x-minlimit-remaining")
        if self.limiter and remaining is not None:
            try:
                self.limiter.observe_remaining(int(remaining))
            except ValueError:
                pass
        server_date = parse_http_date(self.last_headers.get("date"))
        if server_date is not None:
            self.last_server_time = server_date
        self._meter(status, self.last_headers, body)

    def _meter(self, status, headers, body):
        method, url = self._request_line
        size = len(body) if isinstance(body, bytes | str) else 0
        self.last_usage = response_info(self.tenant_id, self.job, method, url, status,
                                        headers, size)
        if self.on_response:
            try:
                self.on_response(dict(self.last_usage))
            except Exception:  # the meter must never break the call it measures
                _logger.exception("Xero usage callback failed")

    def _note_server_time(self, data):
        """The answer's DateTimeUTC is Xero's clock to the millisecond; it
        wins over the HTTP Date header."""
        if isinstance(data, dict) and data.get("DateTimeUTC"):
            try:
                stamp = parse_datetime(data["DateTimeUTC"])
            except ValueError:
                return
            if stamp is not None:
                self.last_server_time = stamp

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
                f"Xero answered {status} with {xa.body_summary(data)} instead of JSON.",
                status, data[:2000],
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
        detail = payload.get("Detail") or payload.get("Message") or xa.body_summary(body)
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
        return xa.first_of(self._call(self.accounting, "get_organisations"), "Organisations")

    def users(self):
        return xa.records_of(self._call(self.accounting, "get_users"), "Users")

    def executive_summary(self, report_date):
        data = self._call(self.accounting, "get_report_executive_summary", date=report_date)
        return xa.first_of(data, "Reports")

    # -- paged reads ------------------------------------------------------------------

    def _pages(self, method, key, kwargs, page_size, start_page=1, max_pages=None,
               state=None, track=True):
        """Yield ``(page, records)``.

        With Xero's ``pagination`` object (page, pageSize, pageCount,
        itemCount) the read goes on while page < pageCount, even after a short
        page, and past pageCount while itemCount says records are missing
        (until a page comes back empty). Without it, a short page is the last,
        so no empty last call is made.

        The read's outcome goes in ``state`` (a dict the caller may pass:
        pages, records, item_count, page_count, complete, reason) and, unless
        ``track`` is False, in ``self.last_read`` / ``self.last_read_complete``.
        ``complete`` ends True only when the read reached the last page and
        the records read add up to itemCount; a read stopped by ``max_pages``,
        by an empty page before the last, or by the caller leaving the loop
        stays incomplete: never archive or flag as vanished what it did not see.
        """
        state = {} if state is None else state
        if track:
            self.last_read, self.last_read_complete = state, False
        state.update(pages=0, records=0, item_count=None, page_count=None,
                     complete=False, reason="the read was not finished")
        page = start_page
        while True:
            data = self._call(self.accounting, method, page=page, **kwargs)
            records = xa.page_records(data, key, page)
            state["pages"] += 1
            state["records"] += len(records)
            yield page, records
            done, complete, reason = xa.page_outcome(
                data.get("pagination"), page, records, page_size, start_page, state)
            if not done and max_pages and state["pages"] >= max_pages:
                done, complete = True, False
                reason = f"stopped after {state['pages']} page(s) (max_pages)"
            if done:
                state.update(complete=complete, reason=reason)
                if track:  # the latest read to end is the one described
                    self.last_read, self.last_read_complete = state, complete
                if not complete:
                    _logger.info("Xero %s read incomplete: %s", key, reason)
                return
            page += 1

    def _read_all(self, method, key, kwargs, page_size=PAGE_SIZE):
        """Every record of a paged lookup; XeroBadResponse when Xero's pages
        do not add up (a lookup that missed records could create a duplicate)."""
        state = {}
        found = []
        kwargs = dict(kwargs, page_size=page_size)
        for _page, records in self._pages(method, key, kwargs, page_size, state=state,
                                          track=False):
            found.extend(r for r in records if isinstance(r, dict))
        if not state["complete"]:
            raise XeroBadResponse(f"Xero's {key} pages do not add up: {state['reason']}.")
        return found

    @staticmethod
    def _since(kwargs, modified_since):
        """If-Modified-Since as Xero's spec has it: UTC, whole seconds, offset."""
        if modified_since:
            kwargs["if_modified_since"] = iso_utc(modified_since)
        return kwargs

    # -- contacts -----------------------------------------------------------------

    def iter_contact_pages(self, modified_since=None, include_archived=False,
                           page_size=PAGE_SIZE, start_page=1, order="UpdatedDateUTC ASC",
                           max_pages=None, read=None):
        """Yield ``(page, contacts)``, oldest change first by default. ``read``:
        a dict that receives this read's outcome (see ``_pages``)."""
        kwargs = {"order": order, "page_size": page_size,
                  "include_archived": bool(include_archived)}
        self._since(kwargs, modified_since)
        yield from self._pages("get_contacts", "Contacts", kwargs, page_size, start_page,
                               max_pages, read)

    def get_contacts(self, contact_ids):
        found = []
        ids = list(contact_ids)
        for start in range(0, len(ids), IDS_PER_CALL):
            chunk = ids[start:start + IDS_PER_CALL]
            # Paged: only a paged read carries the contacts' ContactPersons.
            data = self._call(self.accounting, "get_contacts", i_ds=chunk, include_archived=True,
                              page=1)
            found.extend(xa.records_of(data, "Contacts"))
        return found

    def find_contacts(self, contact_number=None, name=None, include_archived=True):
        """Contacts whose ContactNumber and/or Name equal the values given
        (compared as Xero does, without regard to case). A value that cannot
        be quoted safely in a filter is searched with ``searchTerm`` and
        compared here."""
        wanted = [(field, value) for field, value in (("ContactNumber", contact_number),
                                                      ("Name", name)) if value is not None]
        if not wanted:
            raise ValueError("find_contacts needs a contact number or a name.")
        kwargs = {"include_archived": bool(include_archived)}
        kwargs.update(wh.filter_or_search(wanted))
        records = self._read_all("get_contacts", "Contacts", kwargs)
        return [c for c in records
                if all(wh.same_text(c.get(field), value) for field, value in wanted)]

    def find_active_contacts_by_name(self, name):
        return [c for c in self.find_contacts(name=name, include_archived=False)
                if c.get("ContactStatus") != "ARCHIVED"]

    def save_contacts(self, contacts, idempotency_key):
        """POST (update or create) contacts, 50 a call; one result per element,
        in order, each with ``StatusAttributeString`` and ``ValidationErrors``."""
        return self._write("update_or_create_contacts", "Contacts", contacts, idempotency_key)

    # -- invoices, payments, credit notes -------------------------------------------

    def iter_invoice_pages(self, modified_since=None, contact_ids=None, statuses=None,
                           page_size=PAGE_SIZE, start_page=1, where=None, invoice_type=None,
                           max_pages=None, read=None):
        """Yield ``(page, invoices)``, oldest change first. ``invoice_type``
        ("ACCREC" sales, "ACCPAY" bills) adds ``Type=="..."`` to ``where``."""
        kwargs = {"order": "UpdatedDateUTC ASC", "page_size": page_size}
        self._since(kwargs, modified_since)
        if contact_ids:
            kwargs["contact_i_ds"] = list(contact_ids)
        if statuses:
            kwargs["statuses"] = list(statuses)
        where = wh.all_of(wh.type_clause(invoice_type), where)
        if where:
            kwargs["where"] = where
        yield from self._pages("get_invoices", "Invoices", kwargs, page_size, start_page,
                               max_pages, read)

    def get_invoices_by_ids(self, invoice_ids):
        """Full invoices (with line items), 50 IDs a call."""
        ids = wh.guids(invoice_ids)
        found = []
        for chunk in wh.chunks(ids, IDS_PER_CALL, MAX_QUERY_CHARS):
            found.extend(self._read_all("get_invoices", "Invoices", {"i_ds": chunk}))
        return found

    def find_invoices_by_numbers(self, numbers, invoice_type=None):
        """Invoices whose InvoiceNumber is one of ``numbers`` (InvoiceNumbers
        parameter, 50 a call; a number holding a comma is looked up alone).
        Bill numbers are not unique: several invoices may answer one number."""
        numbers = list(dict.fromkeys(str(n) for n in numbers if n not in (None, "")))
        type_clause = wh.type_clause(invoice_type)
        found = []
        listed = [n for n in numbers if "," not in n]
        for chunk in wh.chunks(listed, IDS_PER_CALL, MAX_QUERY_CHARS):
            kwargs = {"invoice_numbers": chunk}
            if type_clause:
                kwargs["where"] = type_clause
            found.extend(self._read_all("get_invoices", "Invoices", kwargs))
        for number in (n for n in numbers if "," in n):
            found.extend(self._find_invoices("InvoiceNumber", number, type_clause))
        return xa.unique(found, "InvoiceID")

    def find_invoices_by_reference(self, reference, invoice_type=None):
        """Invoices whose Reference equals ``reference`` (without regard to case)."""
        return self._find_invoices("Reference", reference, wh.type_clause(invoice_type))

    def _find_invoices(self, field, value, type_clause):
        kwargs = wh.filter_or_search([(field, value)])
        kwargs["where"] = wh.all_of(type_clause, kwargs.get("where"))
        if not kwargs["where"]:
            del kwargs["where"]
        records = self._read_all("get_invoices", "Invoices", kwargs)
        return [r for r in records if wh.same_text(r.get(field), value)]

    def find_sales_documents(self, numbers, credit_notes=False):
        """Sales invoices (or credit notes) whose number or Reference is one
        of ``numbers``, deleted and voided ones left out: what a lost create
        may have left in Xero. As many numbers a call as keep the URL short."""
        numbers = list(dict.fromkeys(str(n) for n in numbers if n))
        method, key = (("get_credit_notes", "CreditNotes") if credit_notes
                       else ("get_invoices", "Invoices"))
        number_field = "CreditNoteNumber" if credit_notes else "InvoiceNumber"
        type_clause = wh.type_clause("ACCRECCREDIT" if credit_notes else "ACCREC")
        clauses, unsafe = [], []
        for number in numbers:
            if wh.literal(number) is None:
                unsafe.append(number)
            else:
                clauses.append(f"{wh.equals(number_field, number)} OR "
                               f"{wh.equals('Reference', number)}")
        found = []
        for chunk in wh.chunks(clauses, IDS_PER_CALL, MAX_QUERY_CHARS, joiner=" OR "):
            where = wh.all_of(type_clause, " OR ".join(chunk))
            found.extend(self._read_all(method, key, {"where": where}))
        for number in unsafe:
            # Not quotable in a filter: searchTerm where Xero has it (not on
            # credit notes: then all of them), compared exactly here.
            kwargs = {"where": type_clause}
            if not credit_notes:
                kwargs["search_term"] = number
            records = self._read_all(method, key, kwargs)
            found.extend(r for r in records if number in (r.get(number_field),
                                                          r.get("Reference")))
        wanted = set(numbers)
        return [d for d in xa.unique(found, "CreditNoteID" if credit_notes else "InvoiceID")
                if (d.get(number_field) in wanted or d.get("Reference") in wanted)
                and d.get("Status") not in ("DELETED", "VOIDED")]

    def create_invoices(self, invoices, idempotency_key):
        """PUT: create only, so a number Xero already has is an error rather
        than an update of someone else's invoice."""
        return self._write("create_invoices", "Invoices", invoices, idempotency_key, unitdp=4)

    def create_credit_notes(self, credit_notes, idempotency_key):
        return self._write("create_credit_notes", "CreditNotes", credit_notes, idempotency_key,
                           unitdp=4)

    def save_invoices(self, invoices, idempotency_key):
        return self._write("update_or_create_invoices", "Invoices", invoices, idempotency_key,
                           unitdp=4)

    def create_payments(self, payments, idempotency_key):
        """PUT many payments in one call (50 a call), ``summarizeErrors=false``:
        one answer element per payment, in order; a refused one has
        ``StatusAttributeString`` ERROR and its ``ValidationErrors``."""
        return self._write("create_payments", "Payments", payments, idempotency_key)

    def delete_payment(self, payment_id, idempotency_key):
        data = self._call(
            self.accounting, "delete_payment", payment_id, {"Status": "DELETED"},
            idempotency_key=idempotency_key,
        )
        return one(xa.answers_of(data, "Payments"))

    def delete_payments(self, payment_ids, idempotency_key):
        """Delete (reverse) payments. Xero deletes one payment per call
        (POST /Payments/{id}), so this makes one call each, with a key
        derived from ``idempotency_key`` and the payment. One result per
        payment, in order: Xero's answer element, or for a refusal an
        element with ``StatusAttributeString`` ERROR. An error that stops
        the run (or a transient one) is raised with the results so far in
        ``exc.answers``."""
        results = []
        for payment_id in payment_ids:
            key = request_key([idempotency_key, "delete", payment_id])
            try:
                results.append(self.delete_payment(payment_id, key))
            except XeroError as exc:
                if not is_refusal(exc):
                    exc.answers = results
                    raise
                results.append(xa.refused_element("PaymentID", payment_id, exc))
        return results

    def find_payments(self, invoice_ids):
        """Every payment of these invoices, deleted ones included (each
        with its Account, which an invoice's Payments list leaves out): a
        where filter on Invoice.InvoiceID, as many IDs a call as keep the
        URL short enough."""
        clauses = [wh.guid_equals("Invoice.InvoiceID", i) for i in wh.guids(invoice_ids)]
        found = []
        for chunk in wh.chunks(clauses, IDS_PER_CALL, MAX_QUERY_CHARS, joiner=" OR "):
            found.extend(self._read_all("get_payments", "Payments",
                                        {"where": " OR ".join(chunk)}))
        return xa.unique(found, "PaymentID")

    def iter_credit_note_pages(self, modified_since=None, page_size=PAGE_SIZE, where=None,
                               start_page=1, credit_note_type=None, max_pages=None,
                               read=None):
        """Yield ``(page, credit notes)``. ``credit_note_type``: "ACCRECCREDIT"
        or "ACCPAYCREDIT"."""
        kwargs = {"order": "UpdatedDateUTC ASC", "page_size": page_size}
        self._since(kwargs, modified_since)
        where = wh.all_of(wh.type_clause(credit_note_type), where)
        if where:
            kwargs["where"] = where
        yield from self._pages("get_credit_notes", "CreditNotes", kwargs, page_size,
                               start_page, max_pages, read)

    def get_credit_notes_by_ids(self, credit_note_ids):
        """Full credit notes. Xero's CreditNotes endpoint takes no IDs list,
        so the IDs go in a where filter (CreditNoteID==Guid(...) OR ...), as
        many a call as keep the URL short enough (about 20)."""
        clauses = [wh.guid_equals("CreditNoteID", i) for i in wh.guids(credit_note_ids)]
        found = []
        for chunk in wh.chunks(clauses, IDS_PER_CALL, MAX_QUERY_CHARS, joiner=" OR "):
            found.extend(self._read_all("get_credit_notes", "CreditNotes",
                                        {"where": " OR ".join(chunk)}))
        return found

    def save_credit_notes(self, credit_notes, idempotency_key):
        return self._write("update_or_create_credit_notes", "CreditNotes", credit_notes,
                           idempotency_key, unitdp=4)

    def allocate_credit_note(self, credit_note_id, allocations, idempotency_key):
        data = self._call(
            self.accounting, "create_credit_note_allocation", credit_note_id,
            {"Allocations": allocations}, summarize_errors=False,
            idempotency_key=idempotency_key,
        )
        return xa.answers_of(data, "Allocations")

    # -- settings: accounts, tax rates, items, currencies, branding themes -------------

    def accounts(self, modified_since=None):
        data = self._call(self.accounting, "get_accounts", **self._since({}, modified_since))
        return xa.records_of(data, "Accounts")

    def tax_rates(self):
        return xa.records_of(self._call(self.accounting, "get_tax_rates"), "TaxRates")

    def items(self, modified_since=None):
        """Items with 4-decimal unit prices."""
        kwargs = self._since({"unitdp": 4}, modified_since)
        return xa.records_of(self._call(self.accounting, "get_items", **kwargs), "Items")

    def currencies(self):
        """The currencies enabled in the organisation."""
        return xa.records_of(self._call(self.accounting, "get_currencies"), "Currencies")

    def branding_themes(self):
        data = self._call(self.accounting, "get_branding_themes")
        return xa.records_of(data, "BrandingThemes")

    def create_items(self, items, idempotency_key):
        """PUT: create only (a Code Xero already has is refused)."""
        return self._write("create_items", "Items", items, idempotency_key, unitdp=4)

    def save_items(self, items, idempotency_key):
        """POST: update (matched on ItemID or Code) or create."""
        return self._write("update_or_create_items", "Items", items, idempotency_key, unitdp=4)

    # -- writes -------------------------------------------------------------------------

    def _write(self, method, key, records, idempotency_key, **options):
        """Send ``records`` ``BATCH_SIZE`` a call with ``summarizeErrors=false``;
        return one answer element per record, in order. A single batch
        carries ``idempotency_key`` itself; several get keys derived from it,
        so sending the same records with the same key again is replayed by
        Xero, not applied twice. If a later batch fails, the exception
        carries the answers of the earlier ones in ``exc.answers``."""
        records = list(records)
        batches = [records[i:i + BATCH_SIZE] for i in range(0, len(records), BATCH_SIZE)]
        answers = []
        for index, batch in enumerate(batches):
            batch_key = (idempotency_key if len(batches) == 1
                         else request_key([idempotency_key, "batch", index]))
            try:
                data = self._call(self.accounting, method, {key: batch},
                                  summarize_errors=False, idempotency_key=batch_key,
                                  **options)
            except XeroError as exc:
                exc.answers = answers
                raise
            elements = xa.answers_of(data, key)
            if len(elements) != len(batch):
                raise XeroBadResponse(
                    f"Xero answered {len(elements)} {key} for {len(batch)} sent.")
            answers.extend(elements)
        return answers


class _TokenExpired(XeroError):
    """Internal: a 401 TokenExpired, answered by one refresh."""


__all__ = ["XeroClient", "XeroError", "element_errors", "element_failed", "one",
           "validation_message"]
