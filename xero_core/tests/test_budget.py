import pytest

from xero_core import budget


def test_tier_figures():
    assert budget.day_limit("starter") == 1000
    assert budget.day_limit("Core") == 5000
    assert budget.day_limit() == 1000, "a new app starts on Starter"
    assert budget.day_limit(2500) == 2500
    for bad in ("gold", 0, -5):
        with pytest.raises(ValueError):
            budget.day_limit(bad)


@pytest.mark.parametrize("priority, last_allowed, first_refused", [
    ("user", 1, 0),
    ("webhook", 1, 0),
    ("push", 51, 50),      # > 5 % of 1,000
    ("pull", 201, 200),    # > 20 %
    ("backfill", 401, 400),  # > 40 %
])
def test_floors_on_starter(priority, last_allowed, first_refused):
    assert budget.allowed(priority, 1000, "starter")
    assert budget.allowed(priority, last_allowed, "starter")
    assert not budget.allowed(priority, first_refused, "starter")
    assert not budget.allowed(priority, 0, "starter")


def test_floors_scale_with_the_tier_and_unknown_remaining_allows():
    assert not budget.allowed("backfill", 1500, "core")  # 30 % of 5,000
    assert budget.allowed("pull", 1500, "core")
    assert budget.allowed("backfill", None, "core"), "no call yet today: Xero will say"
    with pytest.raises(ValueError):
        budget.allowed("bulk", 100, "core")


def test_spendable_stops_before_the_floor():
    assert budget.spendable("backfill", 1000, "starter") == 600
    assert budget.spendable("pull", 150, "starter") == 0
    assert budget.spendable("user", 7, "starter") == 7
    assert budget.spendable("user", 0, "starter") == 0
    assert budget.spendable("push", None, "starter") is None
    # Spending exactly what spendable gives leaves allowed() true to the end.
    remaining = 1000
    for _call in range(budget.spendable("push", remaining, "starter")):
        assert budget.allowed("push", remaining, "starter")
        remaining -= 1
    assert not budget.allowed("push", remaining, "starter")
