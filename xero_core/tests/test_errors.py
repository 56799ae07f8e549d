"""Every XeroError falls in exactly one of: stops the run, refusal, transient."""

import pytest

from xero_core import errors
from xero_core.errors import (
    STOPS_RUN,
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
    is_transient,
)

CASES = [
    # (exception, stops the run, refusal, transient)
    (XeroRateLimited("day limit", problem="day"), True, False, True),
    (XeroAuthError("invalid_grant", error="invalid_grant"), True, False, False),
    (XeroForbidden("not connected", 403), True, False, False),
    (TenantMismatch("other organisation"), True, False, False),
    (XeroValidationError("Contact Name cannot be empty.", 400), False, True, False),
    (XeroNotFound("no such record", 404), False, True, False),
    (XeroError("Xero answered 409", 409), False, True, False),
    (XeroError("Xero answered 412", 412), False, True, False),
    (XeroTransientError("Xero answered 503", 503), False, False, True),
    (XeroTransientError("Xero did not answer: ReadTimeoutError"), False, False, True),
    (XeroBadResponse("not JSON", 200), False, False, True),
    (XeroError("Xero answered 408", 408), False, False, True),
    (XeroError("no status: outcome unknown"), False, False, True),
]


@pytest.mark.parametrize("exc, stops, refusal, transient", CASES)
def test_classification(exc, stops, refusal, transient):
    assert isinstance(exc, STOPS_RUN) is stops
    assert is_refusal(exc) is refusal
    assert is_transient(exc) is transient
    # What a caller does: stop, else mark in error, else retry later.
    assert stops or refusal != transient


def test_non_xero_exceptions_are_neither():
    assert not is_refusal(ValueError("x")) and not is_transient(ValueError("x"))


def test_stops_run_is_usable_in_except():
    with pytest.raises(XeroAuthError):
        try:
            raise XeroAuthError("gone")
        except STOPS_RUN:
            raise
        except XeroError:  # pragma: no cover - must not be reached
            pytest.fail("STOPS_RUN did not catch it")


def test_error_code_is_kept():
    assert XeroAuthError("x", status=400, error="invalid_client").error == "invalid_client"
    assert XeroError("x").error is None


def test_backoff_grows_and_is_capped():
    delays = [backoff_delay(n, base=60, cap=3600) for n in range(0, 10)]
    assert delays[:5] == [0.0, 60.0, 120.0, 240.0, 480.0]
    assert all(a <= b for a, b in zip(delays, delays[1:], strict=False))
    assert delays[-1] == 3600.0
    assert backoff_delay(10_000) == 6 * 3600.0, "no overflow for a huge count"
    assert backoff_delay(3, base=1, cap=100, factor=3) == 9.0


def test_module_docstring_explains_the_use():
    doc = errors.__doc__
    for name in ("STOPS_RUN", "is_refusal", "is_transient", "backoff_delay",
                 "idempotency key"):
        assert name in doc
