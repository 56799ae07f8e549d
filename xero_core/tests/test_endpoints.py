from urllib.parse import parse_qs, urlparse

from xero_core.endpoints import (
    XeroEndpoints,
    contact_link,
    invoice_link,
    requested_scopes,
)


def test_requested_scopes():
    granular = requested_scopes()
    assert {"offline_access", "openid", "profile", "email", "accounting.contacts",
            "accounting.invoices", "accounting.payments", "accounting.settings.read",
            "accounting.reports.executivesummary.read"} == set(granular)
    assert "accounting.invoices" not in requested_scopes(invoices=False)
    broad = requested_scopes(broad=True, reports=False)
    assert "accounting.transactions" in broad and "accounting.reports.read" not in broad


def test_endpoints_default_to_xero_and_follow_overrides():
    xero = XeroEndpoints.from_urls()
    assert xero.authorize_url == "https://login.xero.com/identity/connect/authorize"
    assert xero.token_url == "https://identity.xero.com/connect/token"
    assert xero.accounting_url == "https://api.xero.com/api.xro/2.0"
    local = XeroEndpoints.from_urls("http://h:1/", "http://h:1", "http://h:1")
    assert local.revocation_url == "http://h:1/connect/revocation"


def test_deep_links_carry_the_short_code():
    url = urlparse(invoice_link("!aBc12", "inv-1"))
    query = parse_qs(url.query)
    assert url.netloc == "go.xero.com"
    assert query["shortcode"] == ["!aBc12"]
    assert query["redirecturl"] == ["/AccountsReceivable/View.aspx?InvoiceID=inv-1"]
    assert "/Contacts/View/c-9" in parse_qs(urlparse(contact_link("!x", "c-9")).query)[
        "redirecturl"][0]
    assert contact_link(None, "c-9") is None
