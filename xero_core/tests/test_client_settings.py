"""Items, currencies and branding themes (stub server: the sandbox has no
such endpoints yet), and the time Xero gives when there is no envelope."""

import json
from datetime import UTC, datetime

from xero_core.client import element_failed
from xero_core.tests.stub_server import StubServer
from xero_core.tests.stub_xero import envelope, stub_client

ITEMS = [{"ItemID": f"i{n}", "Code": f"ITEM-{n}"} for n in range(3)]


def settings_server():
    def respond(request):
        path = request["path"].rsplit("/", 1)[-1]
        if request["method"] == "GET":
            key = {"Items": "Items", "Currencies": "Currencies",
                   "BrandingThemes": "BrandingThemes"}[path]
            items = {"Items": ITEMS, "Currencies": [{"Code": "NZD"}, {"Code": "AUD"}],
                     "BrandingThemes": [{"BrandingThemeID": "b1", "Name": "Standard"}]}[key]
            return 200, {}, envelope(key, items)
        sent = json.loads(request["body"])["Items"]
        answers = [dict(item, ItemID=f"new-{item['Code']}", StatusAttributeString="OK")
                   if item.get("Code") != "BAD" else
                   dict(item, StatusAttributeString="ERROR",
                        ValidationErrors=[{"Message": "Item code 'BAD' is refused."}])
                   for item in sent]
        return 200, {}, envelope("Items", answers)

    return StubServer(respond)


def test_items_currencies_branding_themes():
    with settings_server() as stub:
        client = stub_client(stub)
        assert client.items(modified_since=datetime(2026, 1, 2, 3, 4, 5, 678)) == ITEMS
        assert [c["Code"] for c in client.currencies()] == ["NZD", "AUD"]
        assert client.branding_themes()[0]["Name"] == "Standard"
    items_call = stub.requests[0]
    assert items_call["path"] == "/api.xro/2.0/Items"
    assert items_call["headers"]["if-modified-since"] == "2026-01-02T03:04:05+00:00"
    assert items_call["query"]["unitdp"] == "4"
    assert [r["path"] for r in stub.requests[1:]] == ["/api.xro/2.0/Currencies",
                                                      "/api.xro/2.0/BrandingThemes"]
    assert all(r["headers"]["xero-tenant-id"] for r in stub.requests)


def test_create_and_save_items_in_batches_of_fifty():
    items = [{"Code": f"C{n}", "Name": f"Item {n}"} for n in range(120)]
    items[70]["Code"] = "BAD"
    with settings_server() as stub:
        client = stub_client(stub)
        answers = client.create_items(items, "items-key")
        saved = client.save_items(items[:2], "save-key")
    assert len(answers) == 120
    assert [a["Code"] for a in answers] == [i["Code"] for i in items], "in order"
    assert [n for n, a in enumerate(answers) if element_failed(a)] == [70]
    puts = [r for r in stub.requests if r["method"] == "PUT"]
    assert [len(json.loads(r["body"])["Items"]) for r in puts] == [50, 50, 20]
    keys = [r["headers"]["idempotency-key"] for r in puts]
    assert len(set(keys)) == 3 and "items-key" not in keys
    assert all(r["query"]["summarizeErrors"].lower() == "false" for r in puts)
    post = [r for r in stub.requests if r["method"] == "POST"]
    assert len(post) == 1 and post[0]["headers"]["idempotency-key"] == "save-key"
    assert len(saved) == 2


def test_server_time_from_the_date_header_without_envelope():
    def respond(request):
        return 200, {"Date": "Thu, 26 Nov 2026 10:18:59 GMT"}, [
            {"id": "c1", "tenantId": "t1", "tenantType": "ORGANISATION"}]

    with StubServer(respond) as stub:
        client = stub_client(stub)
        client.connections()
    assert client.last_server_time == datetime(2026, 11, 26, 10, 18, 59, tzinfo=UTC)


def test_envelope_time_wins_over_the_date_header():
    def respond(request):
        return 200, {"Date": "Thu, 26 Nov 2026 10:18:59 GMT"}, envelope(
            "Currencies", [], date_time="/Date(1795688400250)/")

    with StubServer(respond) as stub:
        client = stub_client(stub)
        client.currencies()
    assert client.last_server_time == datetime.fromtimestamp(1795688400.25, UTC)
