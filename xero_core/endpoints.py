"""Where Xero lives: the three hosts are configurable so the same code can
talk to Xero or to a sandbox that behaves like it."""

from dataclasses import dataclass
from urllib.parse import quote

DEFAULT_LOGIN_URL = "https://login.xero.com"
DEFAULT_IDENTITY_URL = "https://identity.xero.com"
DEFAULT_API_URL = "https://api.xero.com"

# Identity scopes every connection asks for (refresh token + who logged in).
BASE_SCOPES = ("offline_access", "openid", "profile", "email")
# Granular scopes, mandatory for Xero apps created from 2026-03-02 on; the
# broad ones older apps still use. Keyed by what they give access to.
GRANULAR_SCOPES = {
    "contacts": ("accounting.contacts", "accounting.settings.read"),
    "invoices": ("accounting.invoices", "accounting.payments"),
    "reports": ("accounting.reports.executivesummary.read",),
}
BROAD_SCOPES = {
    "contacts": ("accounting.contacts", "accounting.settings.read"),
    "invoices": ("accounting.transactions",),
    "reports": ("accounting.reports.read",),
}


def requested_scopes(broad=False, invoices=True, reports=True):
    """Scopes to ask for: contacts and organisation settings always;
    invoices/payments (ledger, invoice sync) and the Executive Summary
    (client-level links) when wanted."""
    table = BROAD_SCOPES if broad else GRANULAR_SCOPES
    scopes = list(BASE_SCOPES) + list(table["contacts"])
    if invoices:
        scopes += table["invoices"]
    if reports:
        scopes += table["reports"]
    return scopes


@dataclass(frozen=True)
class XeroEndpoints:
    login_url: str = DEFAULT_LOGIN_URL
    identity_url: str = DEFAULT_IDENTITY_URL
    api_url: str = DEFAULT_API_URL

    @classmethod
    def from_urls(cls, login_url=None, identity_url=None, api_url=None):
        return cls(
            (login_url or DEFAULT_LOGIN_URL).rstrip("/"),
            (identity_url or DEFAULT_IDENTITY_URL).rstrip("/"),
            (api_url or DEFAULT_API_URL).rstrip("/"),
        )

    @property
    def authorize_url(self):
        return f"{self.login_url}/identity/connect/authorize"

    @property
    def token_url(self):
        return f"{self.identity_url}/connect/token"

    @property
    def revocation_url(self):
        return f"{self.identity_url}/connect/revocation"

    @property
    def accounting_url(self):
        return f"{self.api_url}/api.xro/2.0"


# Deep links open a record in the organisation identified by its ShortCode.
GO_XERO = "https://go.xero.com/organisationlogin/default.aspx"


def deep_link(short_code, path):
    if not short_code:
        return None
    return f"{GO_XERO}?shortcode={quote(short_code)}&redirecturl={quote(path)}"


def contact_link(short_code, contact_id):
    return deep_link(short_code, f"/Contacts/View/{contact_id}")


def invoice_link(short_code, invoice_id):
    return deep_link(short_code, f"/AccountsReceivable/View.aspx?InvoiceID={invoice_id}")


def credit_note_link(short_code, credit_note_id):
    return deep_link(
        short_code, f"/AccountsReceivable/ViewCreditNote.aspx?creditNoteID={credit_note_id}"
    )


def bill_link(short_code, invoice_id):
    return deep_link(short_code, f"/AccountsPayable/Edit.aspx?InvoiceID={invoice_id}")


def supplier_credit_link(short_code, credit_note_id):
    return deep_link(
        short_code, f"/AccountsPayable/ViewCreditNote.aspx?creditNoteID={credit_note_id}"
    )
