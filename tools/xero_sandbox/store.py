"""In-memory state of the sandbox: apps, people, organisations, grants, logs."""

import copy
import threading
import uuid
from collections import defaultdict

from .dates import Clock
from .faults import FaultQueue
from .ratelimit import RateLimiter, resolve_limits
from .webhooks import Webhooks

DEFAULT_CONFIG = {
    "rate_limits": None,
    "extra_token_keys": {},
    "access_token_ttl": 1800,
    "refresh_grace_seconds": 1800,
    "refresh_token_ttl": 60 * 86400,
    "code_ttl": 300,
    "allow_any_localhost_redirect": True,
    # Xero answers a missing scope with "AuthorizationUnsuccessful".
    "missing_scope_status": 403,
    # Xero's gateway 404s once the full URL passes 2091 characters (about 56
    # GUIDs in IDs=); this counts path + query, so the https://api.xero.com
    # prefix is taken off.
    "max_url_length": 2071,
    "max_body_bytes": 3_500_000,
    # Paged lists return at most this many records per page whatever pageSize
    # asks (pagination still tells the truth); None: Xero's own 1000.
    "page_size_cap": None,
    # Refuse an If-Modified-Since without a time zone (Xero reads it as UTC).
    "strict_if_modified_since": False,
    "webhook_batch_seconds": 1.0,
    # Seconds before each retry of a failed delivery; about 24 h in all, as Xero.
    "webhook_retry_delays": [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 28800],
    "webhook_timeout": 5.0,
}

LOG_LIMIT = 100_000


def new_id():
    return str(uuid.uuid4())


class Org:
    """One Xero organisation (tenant) and everything stored inside it."""

    def __init__(self, info):
        self.info = info
        self.id = info["OrganisationID"]
        self.contacts = {}
        self.invoices = {}
        self.payments = {}
        self.credit_notes = {}
        self.users = {}
        self.tax_rates = {}
        self.accounts = {}
        self.items = {}
        # code -> {"Code", "Description", "_rate"}; the base currency first
        self.currencies = {}
        self.branding_themes = {}
        # called with every change Xero would send a webhook event for
        self.listener = None
        self.invoice_prefix = "INV-"
        self.invoice_seq = 0
        self.credit_note_prefix = "CN-"
        self.credit_note_seq = 0
        self.default_sales_tax = "OUTPUT"
        self.default_purchases_tax = "INPUT"
        self.report_seed = 0
        # (client_id, key) -> stored response tuple
        self.idempotency = {}
        # lower-cased name -> ContactID, ACTIVE contacts only
        self.active_names = {}
        # lower-cased ACCREC number -> InvoiceID, excluding DELETED
        self.invoice_numbers = {}
        self.credit_note_numbers = {}
        self.contact_invoices = defaultdict(list)

    @property
    def name(self):
        return self.info.get("Name", "")

    def default_tax(self, sales):
        return self.default_sales_tax if sales else self.default_purchases_tax

    @property
    def base_currency(self):
        return self.info.get("BaseCurrency", "NZD")

    def account_by_code(self, code):
        code = _key(code)
        if not code:
            return None
        for account in self.accounts.values():
            if account.get("Code", "").lower() == code:
                return account
        return None

    def item_by_code(self, code):
        code = _key(code)
        if not code:
            return None
        for item in self.items.values():
            if item["Code"].lower() == code:
                return item
        return None

    def contact_by_number(self, number):
        number = _key(number)
        if not number:
            return None
        for contact in self.contacts.values():
            if (contact.get("ContactNumber") or "").lower() == number:
                return contact
        return None

    def default_branding_theme(self):
        themes = sorted(self.branding_themes.values(), key=lambda t: t["SortOrder"])
        return themes[0] if themes else None

    def emit(self, category, resource_id, event_type, when, data=None):
        """Report a change a webhook would announce (CONTACT, INVOICE, CREDITNOTE)."""
        if self.listener is not None:
            self.listener(self, category, resource_id, event_type, when, data)


def _key(value):
    """Lower-cased text of a lookup value (numbers allowed, containers not)."""
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return str(value).strip().lower()


class Store:
    def __init__(self, rate_limits=None):
        self.lock = threading.RLock()
        self.clock = Clock()
        self.faults = FaultQueue()
        self.config = copy.deepcopy(DEFAULT_CONFIG)
        self.limiter = RateLimiter(self.clock)
        self.webhooks = Webhooks(self)
        self.set_rate_limits(rate_limits)
        self.reset()

    def reset(self):
        with self.lock:
            self.apps = {}
            self.people = {}
            self.orgs = {}
            self.sessions = {}
            self.pending = {}
            self.codes = {}
            self.consents = {}
            self.connections = {}
            self.families = {}
            self.refresh_tokens = {}
            self.access_tokens = {}
            self.log = []
            self.seq = 0
            self.stats = defaultdict(lambda: defaultdict(int))
            # bytes of accounting answers sent per organisation
            self.egress = defaultdict(int)
            self.faults.clear()
            self.limiter.reset()
            self.webhooks.reset()

    def set_rate_limits(self, limits):
        """``None``/"off", a tier name ("starter", "core", "plus", "advanced";
        "real" is "core") or a dict of limits over the core tier's."""
        limits = resolve_limits(limits)
        self.config["rate_limits"] = limits
        self.limiter.configure(limits)

    def add_org(self, org):
        org.listener = self.webhooks.record
        self.orgs[org.id] = org
        return org

    # people and apps

    def person_by_email(self, email):
        email = (email or "").strip().lower()
        for person in self.people.values():
            if person["email"].lower() == email:
                return person
        return None

    def app(self, client_id):
        return self.apps.get(client_id or "")

    def org(self, org_id):
        return self.orgs.get((org_id or "").strip().lower())

    # connections

    def user_connections(self, user_id, client_id):
        return [
            c
            for c in self.connections.values()
            if c["user_id"] == user_id and c["client_id"] == client_id
        ]

    def connection_for(self, user_id, client_id, tenant_id):
        tenant_id = (tenant_id or "").strip().lower()
        for conn in self.connections.values():
            if (
                conn["user_id"] == user_id
                and conn["client_id"] == client_id
                and conn["tenantId"] == tenant_id
            ):
                return conn
        return None

    # request log

    def record(self, entry):
        with self.lock:
            self.seq += 1
            entry["seq"] = self.seq
            self.log.append(entry)
            if len(self.log) > LOG_LIMIT:
                del self.log[: len(self.log) - LOG_LIMIT]
            if entry.get("endpoint"):
                self.stats[entry.get("tenant") or "-"][entry["endpoint"]] += 1
