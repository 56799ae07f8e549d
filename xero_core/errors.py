"""Exceptions raised by the Xero client, one per way a caller must react."""


class XeroError(Exception):
    """A Xero call failed; ``message`` is meant for the user."""

    def __init__(self, message, status=None, body=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body


class XeroAuthError(XeroError):
    """The authorisation is no longer usable (``invalid_grant``, revoked,
    wrong client secret): only a new login helps."""


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
