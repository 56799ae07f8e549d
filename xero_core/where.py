"""Building Xero ``where`` filters without letting a value break them.

How Xero's parser escapes a double quote inside a string literal is not
documented (a backslash in some Dynamic LINQ versions, a doubled quote in
others), so a value holding a quote, a backslash or an HTML entity is never
put in a filter: ``literal`` returns None for it and the caller looks the
value up another way (``searchTerm``, then an exact comparison here).
"""

import re
from urllib.parse import quote_plus

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12}$")
_UNSAFE = re.compile(r'["\\]|&#?\w+;|[\x00-\x1f]')


def is_guid(value):
    return isinstance(value, str) and bool(_GUID.match(value))


def literal(value):
    """``"value"`` ready for a where filter, or None when it cannot be
    quoted safely."""
    text = str(value)
    if _UNSAFE.search(text):
        return None
    return f'"{text}"'


def equals(field, value):
    """``Field=="value"``, or None when the value cannot be quoted safely."""
    quoted = literal(value)
    return None if quoted is None else f"{field}=={quoted}"


def guid_equals(field, value):
    """``Field==Guid("...")``; ValueError when ``value`` is not a GUID."""
    if not is_guid(value):
        raise ValueError(f"Not a Xero ID: {value!r}")
    return f'{field}==Guid("{value}")'


def all_of(*clauses):
    """The clauses joined with AND (None and empty ones left out)."""
    parts = [c for c in clauses if c]
    if len(parts) > 1:
        return " AND ".join(f"({part})" for part in parts)
    return parts[0] if parts else None


def same_text(left, right):
    """Xero compares strings in filters without regard to case."""
    return (left or "").casefold() == (right or "").casefold()


def chunks(values, max_items=50, max_chars=1500, joiner=","):
    """Split ``values`` (strings) into lists of at most ``max_items`` whose
    URL-encoded join stays under ``max_chars``: Xero's gateway answers 404
    to URLs past about 2,000 characters."""
    batch, size = [], 0
    cost_of_joiner = len(quote_plus(joiner))
    for value in values:
        cost = len(quote_plus(str(value))) + (cost_of_joiner if batch else 0)
        if batch and (len(batch) >= max_items or size + cost > max_chars):
            yield batch
            batch, size = [], 0
            cost = len(quote_plus(str(value)))
        batch.append(value)
        size += cost
    if batch:
        yield batch


DOCUMENT_TYPES = ("ACCREC", "ACCPAY", "ACCRECCREDIT", "ACCPAYCREDIT")


def type_clause(document_type):
    """``Type=="ACCPAY"`` (None for no type); ValueError for a value that is
    not one of DOCUMENT_TYPES."""
    if not document_type:
        return None
    if document_type not in DOCUMENT_TYPES:
        raise ValueError(f"Not a document type: {document_type!r}")
    return equals("Type", document_type)


def filter_or_search(wanted):
    """Query arguments finding records whose fields equal the values in
    ``wanted`` [(field, value)]: a where filter for the values it can hold,
    ``searchTerm`` for one it cannot (the caller compares exactly)."""
    clauses, unsafe = [], []
    for field, value in wanted:
        clause = equals(field, value)
        if clause is None:
            unsafe.append(str(value))
        else:
            clauses.append(clause)
    kwargs = {}
    where = all_of(*clauses)
    if where:
        kwargs["where"] = where
    if unsafe:
        kwargs["search_term"] = unsafe[0]
    return kwargs


def guids(values):
    """Unique IDs in order; ValueError naming any that is not a Xero ID."""
    ids = list(dict.fromkeys(v for v in values if v))
    bad = [v for v in ids if not is_guid(v)]
    if bad:
        raise ValueError(f"Not Xero IDs: {', '.join(map(repr, bad[:5]))}")
    return ids
