"""Reading Xero's answers: list and write envelopes, per-element errors,
paging outcomes, and words for bodies that are not Xero's JSON."""

import math

from .errors import XeroBadResponse


def records_of(data, key):
    """The records of a list answer; XeroBadResponse when it has no such
    list. Elements that are not objects are dropped."""
    if not isinstance(data, dict):
        raise XeroBadResponse(f"Xero's answer is not an object (expected {key}).")
    items = data.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise XeroBadResponse(f"Xero's {key} is not a list.")
    return [item for item in items if isinstance(item, dict)]


def answers_of(data, key):
    """The answer elements of a write, one per record sent, in order."""
    items = data.get(key) if isinstance(data, dict) else None
    if items is None:
        items = []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise XeroBadResponse(f"Xero's answer does not list the {key} sent.")
    return items


def first_of(data, key):
    records = records_of(data, key)
    return records[0] if records else {}


def one(elements):
    """The single answer element of a one-record write."""
    if len(elements) != 1:
        raise XeroBadResponse(f"Xero answered {len(elements)} records for one.")
    return elements[0]


def body_summary(body):
    """A body that is not Xero's JSON, as words for a message: short plain
    text as it is, anything else described (never raw bytes or HTML)."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    text = " ".join((body or "").split())
    if not text:
        return "an empty answer"
    if text.startswith("<"):
        return "a web page"
    if len(text) <= 200 and text.isprintable() and "\ufffd" not in text:
        return text
    return f"an unreadable answer ({len(body)} characters)"


def page_records(data, key, page):
    if not isinstance(data, dict):
        raise XeroBadResponse(f"Xero's {key} page {page} is not an object.")
    records = data.get(key)
    if not isinstance(records, list | type(None)):
        raise XeroBadResponse(f"Xero's {key} page {page} is not a list.")
    # A record that is not an object is kept: the caller notes it.
    return records or []


def _count(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
        else None


def page_outcome(pagination, page, records, page_size, start_page, state):
    """``(done, complete, reason)`` after one page (see XeroClient._pages)."""
    if not isinstance(pagination, dict):
        if len(records) < page_size:
            return True, True, "read to a short last page"
        return False, False, ""
    page_count = _count(pagination.get("pageCount"))
    item_count = _count(pagination.get("itemCount"))
    size = _count(pagination.get("pageSize")) or page_size
    state.update(page_count=page_count, item_count=item_count)
    if page_count is None and item_count is None:
        # A pagination object without counts says nothing: as if absent.
        return page_outcome(None, page, records, page_size, start_page, state)
    expected = (max(0, item_count - (start_page - 1) * size)
                if item_count is not None else None)
    last_page = page_count if page_count is not None else math.ceil(item_count / size)
    adds_up = expected is None or state["records"] >= expected
    if not records:
        if page >= last_page or (adds_up and expected is not None):
            return True, adds_up, "read to the last page" if adds_up else \
                f"Xero announced {expected} records, {state['records']} were read"
        return True, False, f"page {page} of {last_page} came back empty"
    if page < last_page:
        return False, False, ""
    if not adds_up:
        # pageCount and itemCount disagree: read on until a page is empty.
        return False, False, ""
    return True, True, "read to the last page"


def unique(records, id_key):
    seen, out = set(), []
    for record in records:
        record_id = record.get(id_key)
        if record_id and record_id in seen:
            continue
        seen.add(record_id)
        out.append(record)
    return out


def refused_element(id_key, record_id, exc):
    """An answer element standing for a call Xero refused, so one-call-per-
    record writes report like ``summarizeErrors=false`` batches."""
    return {id_key: record_id, "StatusAttributeString": "ERROR",
            "ValidationErrors": [{"Message": exc.message}]}


def validation_message(payload):
    """The first validation message of a Xero error body or element."""
    if not isinstance(payload, dict):
        return None
    messages = element_errors(payload)
    if messages:
        return "; ".join(messages)
    for element in payload.get("Elements") or []:
        messages = element_errors(element)
        if messages:
            return "; ".join(messages)
    return payload.get("Message") or payload.get("Detail")


def element_errors(element):
    """Messages of one element of a ``summarizeErrors=false`` answer."""
    return [
        str(error.get("Message"))
        for error in element.get("ValidationErrors") or []
        if isinstance(error, dict) and error.get("Message")
    ]


def element_failed(element):
    return (element.get("StatusAttributeString") == "ERROR"
            or element.get("HasValidationErrors") or element.get("HasErrors")
            or bool(element_errors(element)))
