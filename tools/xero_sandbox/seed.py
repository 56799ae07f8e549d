"""Loading seed JSON (apps, login users, organisations and their data)."""

import hashlib
import uuid

from . import settings
from .dates import parse_datetime
from .invoices import KINDS, build_document, store_document
from .items import save_item
from .payments import allocate_credit, create_payment, find_invoice, update_payment
from .rules import Ctx, build_contact, store_contact, text
from .settings import SEED_NS
from .store import Org, new_id

COUNTRY_DEFAULTS = {
    "NZ": ("NZ", "NZD", "NEWZEALANDSTANDARDTIME", 15),
    "AU": ("AU", "AUD", "AUSEASTERNSTANDARDTIME", 10),
    "GB": ("UK", "GBP", "GMTSTANDARDTIME", 20),
    "US": ("US", "USD", "EASTERNSTANDARDTIME", 0),
}
# Keys of an organisation seed that configure the sandbox rather than Xero fields.
ORG_SETTINGS = {
    "InvoicePrefix",
    "CreditNotePrefix",
    "DefaultSalesTaxType",
    "DefaultPurchasesTaxType",
    "Contacts",
    "Invoices",
    "Payments",
    "CreditNotes",
    "Allocations",
    "Users",
    "TaxRates",
    "Accounts",
    "Items",
    "Currencies",
    "BrandingThemes",
    "ReportSeed",
}


class SeedError(ValueError):
    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


def short_code(org_id):
    digest = hashlib.sha256(org_id.encode()).digest()
    letters = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    return "!" + "".join(letters[b % len(letters)] for b in digest[:5])


def org_info(data, now):
    org_id = text(data.get("OrganisationID")).strip().lower() or new_id()
    country = text(data.get("CountryCode") or "NZ").upper()
    version, currency, zone, _ = COUNTRY_DEFAULTS.get(country, COUNTRY_DEFAULTS["NZ"])
    name = text(data.get("Name")) or "Sandbox Organisation"
    info = {
        "OrganisationID": org_id,
        "APIKey": hashlib.md5(org_id.encode()).hexdigest()[:30].upper(),
        "Name": name,
        "LegalName": name,
        "PaysTax": True,
        "Version": version,
        "OrganisationType": "COMPANY",
        "BaseCurrency": currency,
        "CountryCode": country,
        "IsDemoCompany": False,
        "OrganisationStatus": "ACTIVE",
        "RegistrationNumber": "",
        "TaxNumber": "",
        "FinancialYearEndDay": 31,
        "FinancialYearEndMonth": 3,
        "SalesTaxBasis": "INVOICE",
        "SalesTaxPeriod": "TWOMONTHS",
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Exclusive",
        "CreatedDateUTC": now,
        "OrganisationEntityType": "COMPANY",
        "Timezone": zone,
        "ShortCode": short_code(org_id),
        "Edition": "BUSINESS",
        "Class": "PREMIUM",
        "LineOfBusiness": "",
        "Addresses": [],
        "Phones": [],
        "ExternalLinks": [],
        "PaymentTerms": {},
    }
    return info


def _update_info(info, data):
    for key, value in data.items():
        if key in ORG_SETTINGS or key == "OrganisationID" or value is None:
            continue
        if key == "CreatedDateUTC":
            value = parse_datetime(value) or info["CreatedDateUTC"]
        info[key] = value
    if "LegalName" not in data and "Name" in data:
        info["LegalName"] = data["Name"]


def _set_updated(record, data):
    stamp = parse_datetime(data.get("UpdatedDateUTC"))
    if stamp is not None:
        record["_updated"] = stamp


def _rekey(table, record, id_field, wanted):
    wanted = text(wanted).strip().lower()
    if not wanted or wanted == record[id_field] or wanted in table:
        return record
    del table[record[id_field]]
    record[id_field] = wanted
    table[wanted] = record
    return record


class Loader:
    def __init__(self, store):
        self.store = store
        self.now = store.clock.now()
        self.errors = []

    def fail(self, where, problems):
        self.errors.extend(f"{where}: {p}" for p in problems)

    def load(self, seed):
        out = {"apps": [], "users": [], "organisations": []}
        store = self.store
        if "allow_any_localhost_redirect" in seed:
            store.config["allow_any_localhost_redirect"] = bool(
                seed["allow_any_localhost_redirect"]
            )
        for key, value in (seed.get("config") or {}).items():
            if key == "rate_limits":
                try:
                    store.set_rate_limits(value)
                except ValueError as exc:
                    self.fail("config", [str(exc)])
            else:
                store.config[key] = value
        for app in seed.get("apps") or []:
            out["apps"].append(self.app(app))
        for data in seed.get("organisations") or []:
            out["organisations"].append(self.organisation(data))
        for person in seed.get("users") or []:
            out["users"].append(self.person(person))
        self.link_people()
        if self.errors:
            raise SeedError(self.errors)
        return out

    def app(self, data):
        client_id = text(data.get("client_id")) or new_id().replace("-", "").upper()
        self.store.apps[client_id] = {
            "client_id": client_id,
            "client_secret": data.get("client_secret", ""),
            "redirect_uris": list(data.get("redirect_uris") or []),
            "name": data.get("name") or "Sandbox App",
        }
        return client_id

    def person(self, data):
        store = self.store
        existing = store.person_by_email(data.get("email"))
        user_id = text(data.get("user_id")).lower() or (
            existing["user_id"] if existing else new_id()
        )
        person = {
            "user_id": user_id,
            "email": text(data.get("email")),
            "password": text(data.get("password")),
            "first_name": text(data.get("first_name")),
            "last_name": text(data.get("last_name")),
            "organisations": [text(o).lower() for o in data.get("organisations") or []],
        }
        if existing and existing["user_id"] != user_id:
            del store.people[existing["user_id"]]
        store.people[user_id] = person
        return user_id

    def link_people(self):
        """Login users show up in GET /Users of the organisations they belong to."""
        for person in self.store.people.values():
            for org_id in person["organisations"]:
                org = self.store.orgs.get(org_id)
                if org is None:
                    continue
                emails = {u["EmailAddress"].lower() for u in org.users.values()}
                if person["email"].lower() in emails:
                    continue
                org.users[person["user_id"]] = {
                    "UserID": person["user_id"],
                    "EmailAddress": person["email"],
                    "FirstName": person["first_name"],
                    "LastName": person["last_name"],
                    "IsSubscriber": not any(
                        u.get("IsSubscriber") for u in org.users.values()
                    ),
                    "OrganisationRole": "FINANCIALADVISER",
                    "_updated": self.now,
                }

    def organisation(self, data):
        store = self.store
        org_id = text(data.get("OrganisationID")).strip().lower()
        org = store.orgs.get(org_id)
        if org is None:
            org = store.add_org(Org(org_info(data, self.now)))
            org.report_seed = int(hashlib.sha256(org.id.encode()).hexdigest()[:6], 16)
        _update_info(org.info, data)
        org.invoice_prefix = data.get("InvoicePrefix", org.invoice_prefix)
        org.credit_note_prefix = data.get("CreditNotePrefix", org.credit_note_prefix)
        org.default_sales_tax = data.get("DefaultSalesTaxType", org.default_sales_tax)
        org.default_purchases_tax = data.get(
            "DefaultPurchasesTaxType", org.default_purchases_tax
        )
        if "ReportSeed" in data:
            org.report_seed = int(data["ReportSeed"])
        try:
            percent = COUNTRY_DEFAULTS.get(org.info["CountryCode"], ("", "", "", 15))[3]
            settings.load_tax_rates(org, data, percent)
            settings.load_accounts(org, data, self.now)
            settings.load_currencies(org, data)
            settings.load_branding_themes(org, data, self.now)
        except ValueError as exc:
            self.fail(f"organisation {org.name!r}", [str(exc)])
        result = {"OrganisationID": org.id, "Name": org.name}
        result["Items"] = [self.item(org, i) for i in data.get("Items") or []]
        for item in data.get("Users") or []:
            user_id = text(item.get("UserID")).lower() or new_id()
            org.users[user_id] = {
                "UserID": user_id,
                "EmailAddress": text(item.get("EmailAddress")),
                "FirstName": text(item.get("FirstName")),
                "LastName": text(item.get("LastName")),
                "IsSubscriber": bool(item.get("IsSubscriber", False)),
                "OrganisationRole": text(item.get("OrganisationRole")) or "STANDARD",
                "_updated": parse_datetime(item.get("UpdatedDateUTC")) or self.now,
            }
        result["Contacts"] = [self.contact(org, c) for c in data.get("Contacts") or []]
        result["Invoices"] = [
            self.document(org, "invoice", d) for d in data.get("Invoices") or []
        ]
        result["CreditNotes"] = [
            self.document(org, "credit_note", d) for d in data.get("CreditNotes") or []
        ]
        result["Payments"] = [self.payment(org, p) for p in data.get("Payments") or []]
        for item in data.get("Allocations") or []:
            self.allocation(org, item)
        return result

    def ctx(self, data):
        stamp = parse_datetime(data.get("UpdatedDateUTC")) or self.now
        return Ctx(stamp, None, 4)

    def item(self, org, data):
        given = text(data.get("ItemID")).strip().lower()
        existing = org.items.get(given) if given else org.item_by_code(data.get("Code"))
        ctx = self.ctx(data)
        item, errors = save_item(org, data, ctx, existing)
        if errors:
            self.fail(f"item {data.get('Code')!r}", errors)
            return None
        _rekey(org.items, item, "ItemID", given)
        _set_updated(item, data)
        return item["ItemID"]

    def contact(self, org, data):
        given = text(data.get("ContactID")).strip().lower()
        existing = org.contacts.get(given) if given else None
        record, errors = build_contact(org, data, existing)
        if errors:
            self.fail(f"contact {data.get('Name')!r}", errors)
            return None
        if existing is None and given:
            record["ContactID"] = given
        record = store_contact(org, record, self.ctx(data), existing)
        for flag in ("IsCustomer", "IsSupplier"):
            if data.get(flag):
                record["_is_customer" if flag == "IsCustomer" else "_is_supplier"] = (
                    True
                )
        _set_updated(record, data)
        return record["ContactID"]

    def document(self, org, kind, data):
        spec = KINDS[kind]
        data = dict(data)
        paid = text(data.get("Status")).upper() == "PAID"
        if paid:
            data["Status"] = "AUTHORISED"
        given = text(data.get(spec["id"])).strip().lower()
        table = getattr(org, spec["table"])
        existing = table.get(given) if given else None
        ctx = self.ctx(data)
        record, pending, errors = build_document(org, kind, data, ctx, existing)
        if errors:
            self.fail(f"{kind} {data.get(spec['number'])!r}", errors)
            return None
        if existing is None and given:
            record[spec["id"]] = given
        record = store_document(org, kind, record, pending, ctx, existing)
        payments = list(data.get("Payments") or [])
        if paid and kind == "invoice" and record["AmountDue"] > 0:
            payments.append(
                {
                    "PaymentID": str(uuid.uuid5(SEED_NS, record[spec["id"]] + "/paid")),
                    "Amount": str(record["AmountDue"]),
                    "Date": data.get("FullyPaidOnDate") or data.get("Date"),
                }
            )
        for item in payments:
            self.payment(org, {**item, "Invoice": {"InvoiceID": record[spec["id"]]}})
        for item in data.get("Allocations") or []:
            self.allocation(org, {**item, "CreditNoteID": record[spec["id"]]})
        _set_updated(record, data)
        return record[spec["id"]]

    def payment(self, org, data):
        data = dict(data)
        deleted = text(data.pop("Status", "")).upper() == "DELETED"
        if not data.get("Account") and not data.get("Code"):
            bank = next((a for a in org.accounts.values() if a["Type"] == "BANK"), None)
            data["Account"] = {"Code": bank["Code"] if bank else "090"}
        invoice = find_invoice(org, data.get("Invoice"))
        payment, errors = create_payment(org, data, self.ctx(data))
        if errors:
            self.fail(f"payment for {data.get('Invoice')}", errors)
            return None
        _rekey(org.payments, payment, "PaymentID", data.get("PaymentID"))
        if invoice is not None and payment["PaymentID"] not in invoice["_payments"]:
            invoice["_payments"][-1] = payment["PaymentID"]
        if deleted:
            update_payment(org, payment, {"Status": "DELETED"}, self.ctx(data))
        _set_updated(payment, data)
        return payment["PaymentID"]

    def allocation(self, org, data):
        note_id = text(data.get("CreditNoteID")).strip().lower()
        note = org.credit_notes.get(note_id)
        if note is None and data.get("CreditNoteNumber"):
            number = text(data["CreditNoteNumber"]).lower()
            note = next(
                (
                    n
                    for n in org.credit_notes.values()
                    if n["CreditNoteNumber"].lower() == number
                ),
                None,
            )
        if note is None:
            self.fail("allocation", ["Credit note could not be found"])
            return
        _, errors = allocate_credit(org, note, data, self.ctx(data))
        if errors:
            self.fail(f"allocation of {note['CreditNoteNumber']}", errors)


def load_seed(store, seed):
    with store.lock:
        return Loader(store).load(seed or {})
