"""A XeroClient pointed at a StubServer, for behaviours the sandbox lacks."""

from xero_core.client import XeroClient
from xero_core.endpoints import XeroEndpoints

TENANT = "dddddddd-4444-4444-8444-444444444444"


class StaticTokens:
    def access_token(self):
        return "stub-token"

    def token_rejected(self, stale):
        return "stub-token"


def stub_client(stub, **options):
    options.setdefault("retries", 0)
    options.setdefault("limiter", False)
    options.setdefault("timeout", (2, 5))
    endpoints = XeroEndpoints.from_urls(stub.url, stub.url, stub.url)
    return XeroClient(endpoints, "stub-id", "stub-secret", StaticTokens(), tenant_id=TENANT,
                      **options)


def envelope(key, items, pagination=None, date_time="/Date(1795688339000)/"):
    data = {"Id": "x", "Status": "OK", "ProviderName": "stub", "DateTimeUTC": date_time}
    if pagination is not None:
        data["pagination"] = pagination
    data[key] = items
    return data
