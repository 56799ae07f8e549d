"""Exceptions raised by the Xero client, one per way a caller must react,
and the one place that says how to react to each.

A sync job handles a failed Xero call in three ways, tested in this order::

    from ..xero_core.errors import STOPS_RUN, XeroError, backoff_delay, is_refusal

    try:
        answer = client.save_contacts(batch, key)
    except STOPS_RUN:
        # Rate limit, login no longer valid, organisation not reachable:
        # every further call would fail the same way. Leave the records as
        # they are (still pending) and end the run; the run's log says why.
        raise
    except XeroError as exc:
        if is_refusal(exc):
            # Xero looked at the request and said no: final. The records
            # are in error with exc.message until someone changes them.
            ...
        else:
            # is_transient(exc): timeout, dropped connection, 5xx, unreadable
            # answer. The outcome is unknown, so the work stays pending and
            # is retried later with the SAME idempotency key, after
            # backoff_delay(record's failure count) seconds.
            ...

Per-element refusals of a ``summarizeErrors=false`` write are not
exceptions: see ``client.element_failed``.
"""


class XeroError(Exception):
    """A Xero call failed; ``message`` is meant for the user. ``error`` is
    the OAuth error code (``invalid_grant``...) of a token call, if any."""

    def __init__(self, message, status=None, body=None, error=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.error = error


class XeroAuthError(XeroError):
    """The authorisation is no longer usable (``invalid_grant``, revoked,
    wrong client secret): only a new login helps."""


class XeroAppCredentialsError(XeroAuthError):
    """``invalid_client``: Xero refused the app's client id or secret. The
    login itself may be fine: the settings, not a reconnect, fix it."""


class XeroForbidden(XeroError):
    """403: the tenant is not connected or the scope does not allow it."""


class XeroNotFound(XeroError):
    """404 on a record."""


class XeroTransientError(XeroError):
    """5xx, timeout or connection dropped: worth retrying later."""


class XeroRateLimited(XeroError):
    """429: ``problem`` is ``minute``, ``day``, ``concurrent``...;
    ``retry_after`` in seconds."""

    def __init__(self, message, problem=None, retry_after=None, **kw):
        super().__init__(message, status=429, **kw)
        self.problem = problem
        self.retry_after = retry_after


class XeroValidationError(XeroError):
    """400 ValidationException for a single record."""


class XeroBadResponse(XeroError):
    """Xero answered something that is not the JSON we expected."""


class TenantMismatch(XeroError):
    """A call was about to go to another organisation than the one the
    connection acts for."""


# The run must stop: the next call would fail the same way. A 403
# (organisation disconnected, scope not granted) and a tenant mismatch are
# not about one record either, so they stop the run too instead of putting
# every record of the batch in error.
STOPS_RUN = (XeroRateLimited, XeroAuthError, XeroForbidden, TenantMismatch)

# 4xx statuses that say "try again later" rather than "no".
_RETRYABLE_4XX = (408, 425, 429)


def is_refusal(exc):
    """Xero read the request and refused it (validation, unknown record,
    any other 4xx): final, the record concerned is in error."""
    if not isinstance(exc, XeroError) or isinstance(exc, STOPS_RUN):
        return False
    if isinstance(exc, XeroValidationError | XeroNotFound):
        return True
    return (type(exc) is XeroError and isinstance(exc.status, int)
            and 400 <= exc.status < 500 and exc.status not in _RETRYABLE_4XX)


def is_transient(exc):
    """Timeouts, connection errors, 5xx, 429, an unreadable answer or any
    outcome we cannot know: the work stays pending and is retried with
    back-off (a write with the same idempotency key)."""
    if not isinstance(exc, XeroError):
        return False
    if isinstance(exc, XeroTransientError | XeroRateLimited | XeroBadResponse):
        return True
    if type(exc) is XeroError:
        return not is_refusal(exc)
    return False


def backoff_delay(attempt, base=60.0, cap=6 * 3600.0, factor=2.0):
    """Seconds to wait before retrying a record after its ``attempt``-th
    transient failure (1, 2, ...): base, base*2, base*4... up to ``cap``."""
    if attempt < 1:
        return 0.0
    # min() on the exponent keeps huge attempt counts from overflowing.
    exponent = min(attempt - 1, 64)
    return float(min(cap, base * factor ** exponent))
