"""Xero's rate limits: per organisation per minute/day/concurrent, per app per minute.

Windows are fixed: they open with the first call and close 60 s / 24 h later,
measured on the sandbox clock. When limits are disabled the counters still
run so the ``X-*-Remaining`` headers look real, but nothing is refused.

The daily limit depends on the app's pricing tier (since March 2026): Starter
1,000 calls per organisation per day, Core 5,000. The Plus and Advanced figures
are assumptions (Xero publishes them per plan), see README.md.
"""

import copy
import math
import threading

_BASE = {"minute": 60, "concurrent": 5, "app_minute": 10000}
TIERS = {
    "starter": {**_BASE, "day": 1000, "connections": 5},
    "core": {**_BASE, "day": 5000, "connections": 50},
    "plus": {**_BASE, "day": 10000, "connections": 1000},
    "advanced": {**_BASE, "day": 20000, "connections": None},
}
REAL_LIMITS = TIERS["core"]


class LimitsError(ValueError):
    pass


def resolve_limits(limits):
    """The limits dict for a config value: None/"off", tier name, or dict."""
    if limits in (None, "off", False):
        return None
    if limits == "real":
        limits = "core"
    if isinstance(limits, str):
        if limits.lower() not in TIERS:
            raise LimitsError(
                f"unknown rate-limit tier {limits!r}; use one of {sorted(TIERS)}"
            )
        return {"tier": limits.lower(), **copy.deepcopy(TIERS[limits.lower()])}
    if isinstance(limits, dict):
        tier = str(limits.get("tier") or "core").lower()
        if tier not in TIERS:
            raise LimitsError(f"unknown rate-limit tier {tier!r}")
        return {**TIERS[tier], **limits, "tier": tier}
    raise LimitsError("rate_limits must be null, a tier name or an object")


class _Window:
    __slots__ = ("start", "count")

    def __init__(self):
        self.start = None
        self.count = 0

    def roll(self, now, length):
        if self.start is None or now >= self.start + length:
            self.start = now
            self.count = 0

    def retry_after(self, now, length):
        return max(1, math.ceil(self.start + length - now))


class RateLimiter:
    def __init__(self, clock):
        self.clock = clock
        self._lock = threading.Lock()
        self.limits = None
        self.reset()

    def reset(self):
        with self._lock:
            self._minute = {}
            self._day = {}
            self._app = {}
            self._concurrent = {}

    def configure(self, limits):
        self.limits = dict(limits) if limits else None

    def _effective(self):
        return self.limits or REAL_LIMITS

    def acquire(self, tenant, client_id):
        """Count one call.

        Returns ``(problem, retry_after, headers)``; ``problem`` is None when
        the call may proceed (the caller must then ``release(tenant)``).
        """
        now = self.clock.time()
        lim = self._effective()
        enforce = self.limits is not None
        with self._lock:
            app = self._app.setdefault(client_id, _Window())
            app.roll(now, 60)
            problem = retry = None
            if tenant is None:
                if enforce and app.count >= lim["app_minute"]:
                    problem, retry = "appminute", app.retry_after(now, 60)
                else:
                    app.count += 1
                return (
                    problem,
                    retry,
                    {
                        "X-AppMinLimit-Remaining": str(
                            max(0, lim["app_minute"] - app.count)
                        )
                    },
                )
            minute = self._minute.setdefault(tenant, _Window())
            day = self._day.setdefault(tenant, _Window())
            minute.roll(now, 60)
            day.roll(now, 86400)
            running = self._concurrent.get(tenant, 0)
            if enforce:
                if day.count >= lim["day"]:
                    problem, retry = "day", day.retry_after(now, 86400)
                elif minute.count >= lim["minute"]:
                    problem, retry = "minute", minute.retry_after(now, 60)
                elif app.count >= lim["app_minute"]:
                    problem, retry = "appminute", app.retry_after(now, 60)
                elif running >= lim["concurrent"]:
                    problem = "concurrent"
            if problem is None:
                minute.count += 1
                day.count += 1
                app.count += 1
                self._concurrent[tenant] = running + 1
            headers = {
                "X-DayLimit-Remaining": str(max(0, lim["day"] - day.count)),
                "X-MinLimit-Remaining": str(max(0, lim["minute"] - minute.count)),
                "X-AppMinLimit-Remaining": str(max(0, lim["app_minute"] - app.count)),
            }
            return problem, retry, headers

    def release(self, tenant):
        if tenant is None:
            return
        with self._lock:
            self._concurrent[tenant] = max(0, self._concurrent.get(tenant, 0) - 1)

    def snapshot(self):
        now = self.clock.time()
        with self._lock:
            return {
                "limits": self.limits,
                "tenants": {
                    t: {
                        "minute": w.count,
                        "minute_resets_in": round(w.start + 60 - now, 3),
                        "day": self._day[t].count,
                        "concurrent": self._concurrent.get(t, 0),
                    }
                    for t, w in self._minute.items()
                    if w.start is not None
                },
                "apps": {a: w.count for a, w in self._app.items()},
            }
