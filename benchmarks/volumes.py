"""Data volumes of a benchmark run, and Xero's fixed sizes the theoretical
minimums are computed from."""

import math
from dataclasses import asdict, dataclass

# Xero's largest page (list calls) and the batch size Xero recommends for writes.
XERO_PAGE = 1000
XERO_BATCH = 50
# Xero's per-organisation limit, in fixed windows of a minute.
XERO_CALLS_PER_MINUTE = 60
XERO_WINDOW_SECONDS = 60.0


@dataclass(frozen=True)
class Volumes:
    contacts: int = 10_000  # Xero contacts of each organisation
    invoices: int = 50_000  # Xero invoices and bills of each organisation
    changes: int = 100  # contacts changed in Xero before the incremental refresh
    auto_pulled: int = 1_000  # contacts changed in Xero, applied with auto-pull on
    pushed_partners: int = 1_000  # partners changed in Odoo, then pushed
    pushed_invoices: int = 500  # customer invoices posted and paid in Odoo, then pushed
    totals_invoices: int = 200  # generated invoices whose totals are compared with Xero's
    matching_partners: int = 100_000  # partners the suggestions are computed against
    documents_in: int = 5_000  # invoices raised in Xero, brought into Odoo

    def as_dict(self):
        return asdict(self)


FULL = Volumes()
QUICK = Volumes(contacts=1_000, invoices=5_000, changes=10, auto_pulled=100,
                pushed_partners=100, pushed_invoices=50, totals_invoices=40,
                matching_partners=10_000, documents_in=500)


def pages(records):
    """List calls needed to read ``records`` (one call even when empty)."""
    return max(1, math.ceil(records / XERO_PAGE))


def batches(records):
    """Write calls needed to send ``records``."""
    return math.ceil(records / XERO_BATCH)


def window_bound_seconds(calls):
    """Shortest time in which ``calls`` calls fit at Xero's per-minute limit:
    the last call can go out once the previous full windows have closed."""
    if calls <= 0:
        return 0.0
    return (math.ceil(calls / XERO_CALLS_PER_MINUTE) - 1) * XERO_WINDOW_SECONDS
