import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from xero_core import webhooks

KEY = "Y2t1f1BhUzAwcGl0c1pvT3ZRa0h0N3ZIWEx3ZUFGQ1NWZUNzWFV1bWt6N0J0bm1w"
TENANT = "c2cc9b6e-9458-4c7d-93cc-f02b81b0594f"
OTHER = "aef86862-2015-4b6b-88bc-d89032cecc50"
# Raw bytes as Xero sends them (spacing kept: the signature is over these bytes).
INTENT = (b'{"events":[],"firstEventSequence": 0,"lastEventSequence": 0, '
          b'"entropy": "S0m3r4Nd0mt3xt"}')


def sign(body, key=KEY):
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def event(resource, category="CONTACT", tenant=TENANT, **extra):
    data = {"resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{resource}",
            "resourceId": resource, "eventDateUtc": "2024-06-21T01:15:39.902",
            "eventType": "UPDATE", "eventCategory": category, "tenantId": tenant,
            "tenantType": "ORGANISATION"}
    data.update(extra)
    return data


def guid(n):
    return f"{n:08x}-0000-4000-8000-000000000000"


def test_signature_vector():
    # Computed independently: printf '%s' BODY | openssl dgst -sha256 -hmac KEY -binary | base64
    expected = "75UZFQqHlFYDVIUdReNt9Q8TIY/ymj3+K+m5z7UOlOk="
    assert webhooks.signature(INTENT, KEY) == expected
    assert webhooks.verify_signature(INTENT, expected, KEY)


@pytest.mark.parametrize("header", [
    None, "", "   ", "not base64!!", sign(INTENT)[:-4], sign(INTENT, "other-key"),
    sign(INTENT.replace(b" ", b"")),  # re-serialised JSON is another body
])
def test_bad_signatures_are_false(header):
    assert webhooks.verify_signature(INTENT, header, KEY) is False


def test_signature_needs_raw_bytes_and_a_key():
    assert not webhooks.verify_signature(INTENT.decode(), sign(INTENT), KEY)
    assert not webhooks.verify_signature(INTENT, sign(INTENT, ""), "")
    assert webhooks.verify_signature(INTENT, " " + sign(INTENT) + "\n", KEY)


def test_parse_events_keeps_valid_ones_and_says_why_others_are_skipped():
    body = json.dumps({"events": [
        event(guid(1)),
        event(guid(2), category="invoice", tenant=TENANT.upper()),
        event(guid(3), category="PAYMENT"),
        event("not-a-guid"),
        event(guid(4), eventDateUtc="yesterday"),
        event(guid(5), eventType=""),
        "junk",
        event(guid(6), category="CREDITNOTE", data={"Type": "ACCPAYCREDIT", "Status": "DRAFT"}),
        event(guid(7), category="SUBSCRIPTION", tenantType="APPLICATION"),
    ], "firstEventSequence": 1, "lastEventSequence": 9, "entropy": "x"}).encode()
    rejected = []
    events = webhooks.parse_events(body, rejected)
    assert [e["resourceId"] for e in events] == [guid(1), guid(2), guid(6), guid(7)]
    assert events[1]["eventCategory"] == "INVOICE" and events[1]["tenantId"] == TENANT
    assert events[0]["eventDateUtc"] == datetime(2024, 6, 21, 1, 15, 39, 902000, tzinfo=UTC)
    assert events[2]["data"] == {"Type": "ACCPAYCREDIT", "Status": "DRAFT"}
    assert [r["index"] for r in rejected] == [2, 3, 4, 5, 6]
    assert "PAYMENT" in rejected[0]["reason"] and "not a Xero ID" in rejected[1]["reason"]


@pytest.mark.parametrize("body", [b"", b"<html>", b'{"events": "x"}', b"[]", b"\xff\xfe"])
def test_a_body_that_is_no_delivery_gives_no_events(body):
    rejected = []
    assert webhooks.parse_events(body, rejected) == []
    assert rejected and rejected[0]["index"] is None


def test_intent_to_receive_has_no_events():
    assert webhooks.parse_events(INTENT) == []


def test_group_for_reading_dedups_in_order_and_chunks_by_fifty():
    events = [event(guid(n % 120)) for n in range(130)]  # 10 repeats
    events += [event(guid(1), category="INVOICE"), event(guid(1), tenant=OTHER)]
    groups = webhooks.group_for_reading(webhooks.parse_events(
        json.dumps({"events": events}).encode()))
    contacts = groups[(TENANT, "CONTACT")]
    assert [len(chunk) for chunk in contacts] == [50, 50, 20]
    assert [i for chunk in contacts for i in chunk] == [guid(n) for n in range(120)]
    assert groups[(TENANT, "INVOICE")] == [[guid(1)]]
    assert groups[(OTHER, "CONTACT")] == [[guid(1)]]
