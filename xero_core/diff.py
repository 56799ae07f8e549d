"""Three-way comparison of a linked contact.

Each side is compared with the snapshot taken at the last sync, never by
timestamps: a field changed only in Odoo is offered as a push, changed only
in Xero as a pull, changed on both sides to different values is a conflict.
"""

import re
from dataclasses import dataclass

from .contact_mapping import FIELD_BY_KEY, FIELD_KEYS, cut_by_xero, text

LISTS = ("persons",)  # values that are lists ("a; b"): compared in any order

ODOO = "odoo"  # changed in Odoo since the last sync
XERO = "xero"  # changed in Xero since the last sync
BOTH = "both"  # changed on both sides, to different values
NEW = "new"  # never synced: linked with differing values

_NON_DIGITS = re.compile(r"\D")
_ITEM_SEPARATOR = re.compile(r"(?<!\\);")  # a ";" inside a name is written "\;"
_EMAIL_PART = re.compile(r"<[^<>]*>$")


@dataclass(frozen=True)
class Difference:
    field: str
    odoo_value: str
    xero_value: str
    side: str

    @property
    def label(self):
        return FIELD_BY_KEY[self.field].label

    @property
    def empty_in_odoo(self):
        """Sending it would clear Xero's value: only an explicit per-field
        push may do that (SalesBinder's rule: only non-blank values overwrite)."""
        return not self.odoo_value and bool(self.xero_value)


def normalise(key, value):
    """The form in which two values are compared (not stored)."""
    value = text(value)
    if key in LISTS:
        # Items as written (a name's case counts), emails without regard to case.
        items = (_EMAIL_PART.sub(lambda m: m.group(0).lower(), item.strip())
                 for item in _ITEM_SEPARATOR.split(value))
        return "; ".join(sorted(item for item in items if item))
    if key == "email" or key == "website":
        value = value.lower().rstrip("/")
    elif key in ("phone", "mobile"):
        value = _NON_DIGITS.sub("", value)
    elif key in ("country", "state", "zip", "vat", "company_registry"):
        value = value.upper().replace(" ", "") if key in ("zip", "vat") else value.upper()
    return value


def same(key, left, right):
    return normalise(key, left) == normalise(key, right)


def changed_keys(before, after, keys=FIELD_KEYS):
    """Keys whose value differs between two sync-value dicts."""
    return [k for k in keys if not same(k, (before or {}).get(k), (after or {}).get(k))]


def three_way(snapshot, odoo, xero, keys=FIELD_KEYS):
    """Differences between Odoo and Xero, each told which side changed.
    A key missing from Xero's values is not known yet (never read from
    Xero): nothing is said about it until it is."""
    differences = []
    for key in keys:
        if xero and key not in xero:
            continue
        odoo_value, xero_value = text(odoo.get(key)), text(xero.get(key))
        if same(key, odoo_value, xero_value):
            continue
        if cut_by_xero(key, odoo_value, xero_value):
            side = ODOO  # Odoo holds the whole value; Xero refuses it (never pulled)
        elif snapshot is None or key not in snapshot:
            side = NEW  # never synced (a link that took neither side's data)
        elif snapshot[key] is None:
            # A field added to the sync after the link (an upgrade): the side
            # that alone has a value gives it; two values wait for a choice.
            side = ODOO if not xero_value else XERO if not odoo_value else NEW
        else:
            odoo_changed = not same(key, odoo_value, snapshot.get(key))
            xero_changed = not same(key, xero_value, snapshot.get(key))
            if odoo_changed and xero_changed:
                side = BOTH
            elif odoo_changed:
                side = ODOO
            elif xero_changed:
                side = XERO
            else:  # both equal to the snapshot yet different: cannot happen
                side = BOTH
        if FIELD_BY_KEY[key].pull_only and side == ODOO:
            # Xero does not take this field: an Odoo-only edit stays local.
            continue
        differences.append(Difference(key, odoo_value, xero_value, side))
    return differences


def resolve(differences, policy):
    """Split differences by what to do under a conflict policy:
    returns (to_push, to_pull, to_review) lists of field keys.

    ``policy``: ``ask`` (conflicts wait), ``odoo`` (Odoo wins) or ``xero``.
    Non-conflicting changes follow their side; ``new`` ones always wait, and
    so does an Odoo value that is empty (it would clear Xero's), and a list
    of persons changed on both sides.
    """
    push, pull, review = [], [], []
    for diff in differences:
        if diff.empty_in_odoo and (diff.side == ODOO or (diff.side == BOTH
                                                         and policy == "odoo")):
            review.append(diff.field)
        elif diff.side == ODOO:
            push.append(diff.field)
        elif diff.side == XERO:
            pull.append(diff.field)
        elif diff.side == BOTH and diff.field in LISTS:
            review.append(diff.field)  # either side's list would drop the other's people
        elif diff.side == BOTH and policy == "odoo" and not FIELD_BY_KEY[diff.field].pull_only:
            push.append(diff.field)
        elif diff.side == BOTH and policy == "xero":
            pull.append(diff.field)
        else:
            review.append(diff.field)
    return push, pull, review
