"""Spend an organisation's daily Xero calls by priority.

Xero counts calls per organisation and day, and the day's allowance depends
on the app's pricing tier (since March 2026): Starter 1,000, Core 5,000. No
figure for Plus and Advanced was found published; they are taken as Core's
5,000, the long-standing per-organisation limit. The ``X-DayLimit-Remaining``
header of the latest answer is what counts: pass the limit as a number when
Xero states another one.

Each kind of work keeps its hands off the last part of the day's calls, so
that what a user is waiting for (or a webhook asks) still has calls left
after the scheduled jobs ran:

* ``user`` and ``webhook``: whenever any call is left;
* ``push`` (sending Odoo's changes): while more than 5 % is left;
* ``pull`` (scheduled reads): while more than 20 % is left;
* ``backfill`` (first full reads, catch-up): while more than 40 % is left.
"""

import math

TIER_DAY_LIMITS = {
    "starter": 1000,
    "core": 5000,
    "plus": 5000,
    "advanced": 5000,
}
DEFAULT_TIER = "starter"

# Share of the day's limit each priority must leave untouched.
FLOORS = {
    "user": 0.0,
    "webhook": 0.0,
    "push": 0.05,
    "pull": 0.20,
    "backfill": 0.40,
}


def day_limit(tier_limit=None):
    """Calls a day: a tier name ("starter", "core"...) or a number."""
    if tier_limit is None:
        tier_limit = DEFAULT_TIER
    if isinstance(tier_limit, str):
        try:
            return TIER_DAY_LIMITS[tier_limit.strip().lower()]
        except KeyError:
            raise ValueError(f"Unknown Xero tier: {tier_limit!r}") from None
    limit = int(tier_limit)
    if limit <= 0:
        raise ValueError(f"A day limit must be positive, not {tier_limit!r}")
    return limit


def _floor(priority, limit):
    try:
        return FLOORS[priority] * limit
    except KeyError:
        raise ValueError(f"Unknown priority: {priority!r} (one of {', '.join(FLOORS)})") \
            from None


def allowed(priority, remaining, tier_limit=None):
    """May a job of ``priority`` call Xero with ``remaining`` calls left
    today? ``remaining`` None (not known yet: no call made today) allows it;
    Xero's answer will tell."""
    floor = _floor(priority, day_limit(tier_limit))
    if remaining is None:
        return True
    return remaining > 0 and remaining > floor


def spendable(priority, remaining, tier_limit=None):
    """How many calls a job of ``priority`` may still make today (None when
    ``remaining`` is not known)."""
    floor = _floor(priority, day_limit(tier_limit))
    if remaining is None:
        return None
    # allowed() holds for every count above the floor: that many calls.
    return max(0, remaining - math.floor(floor))
