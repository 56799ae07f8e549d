"""Deterministic demo data: two login users, four organisations, realistic ledgers.

Logins: ``demo@example.com`` / ``demo`` (Demo Practice Ltd, Bayside Club,
Northwind Traders) and ``sam@example.com`` / ``demo`` (Harbour Cafe Ltd).
App: ``sandbox-client-id`` / ``sandbox-client-secret``.
Dates are relative to the sandbox clock's today; ids are fixed.
"""

import random
import uuid
from datetime import datetime, time, timedelta

from .dates import UTC
from .invoices import save_document
from .rules import Ctx
from .seed import load_seed

NS = uuid.UUID("6f1c2b1e-0c8a-4d0e-9b7a-5a3d2c1b0a99")

CLIENT_ID = "sandbox-client-id"
CLIENT_SECRET = "sandbox-client-secret"
REDIRECT_URIS = [
    "http://localhost:8069/xero/oauth/callback",
    "http://127.0.0.1:8069/xero/oauth/callback",
]


def demo_id(*parts):
    return str(uuid.uuid5(NS, "/".join(str(p) for p in parts)))


MAIN = demo_id("org", "demo-practice")
CLUB = demo_id("org", "bayside-club")
NORTHWIND = demo_id("org", "northwind")
CAFE = demo_id("org", "harbour-cafe")
DEMO_USER = demo_id("user", "demo")
SAM_USER = demo_id("user", "sam")

CUSTOMERS = [
    ("Bayside Club", "Bob", "Partridge", "Wellington"),
    ("Ridgeway University", "Grace", "Hemi", "Auckland"),
    ("City Agency", "Marcus", "Lee", "Christchurch"),
    ("Marine Systems", "Anita", "Patel", "Tauranga"),
    ("Hamilton Smith Ltd", "Oliver", "Smith", "Hamilton"),
    ("Port & Co", "Sophie", "Walker", "Napier"),
    ("Boom FM", "Liam", "Brown", "Wellington"),
    ("Basket Case", "Chloe", "Wilson", "Dunedin"),
    ("Young Bros Transport", "Jack", "Young", "Nelson"),
    ("Rex Media Group", "Mia", "Taylor", "Auckland"),
    ("Petrie McLoud Watson & Associates", "Noah", "Petrie", "Wellington"),
    ("DIISR - Small Business Services", "Ella", "Martin", "Canberra"),
    ("Coco Cafe", "Lucas", "Anderson", "Rotorua"),
    ("Espresso 31", "Isla", "Thomas", "Auckland"),
    ("Gable Print", "Ethan", "White", "Palmerston North"),
    ("Hoyt Productions", "Ava", "Harris", "Queenstown"),
    ("Light Sparks", "Leo", "Clark", "Whangarei"),
    ("Orlena Greenhouse", "Zoe", "Lewis", "Invercargill"),
    ("Pinnacle Kitchens", "James", "Robinson", "Wellington"),
    ("Sunrise Yoga Studio", "Ruby", "Hall", "Auckland"),
    ("Tasman Legal", "Henry", "Allen", "Nelson"),
    ("Kauri Design", "Aria", "King", "Christchurch"),
    ("Summit Physio", "Max", "Wright", "Hamilton"),
    ("Wairau Wines", "Lily", "Scott", "Blenheim"),
    ("Harbourside Dental", "Oscar", "Green", "Wellington"),
]
SUPPLIERS = [
    ("PowerDirect", "Power company", "Auckland"),
    ("Swanston Security", "Security", "Wellington"),
    ("Central Copiers", "Office equipment", "Wellington"),
    ("ABC Furniture", "Furniture", "Christchurch"),
]
PRODUCTS = [
    ("Consulting services (hours)", "150.00", "200"),
    ("Website maintenance", "85.00", "200"),
    ("Annual support subscription", "1200.00", "200"),
    ("Training workshop", "450.00", "200"),
    ("Design work", "95.50", "200"),
    ("Travel and accommodation", "310.25", "260"),
]


def _addresses(city, street):
    return [
        {
            "AddressType": "POBOX",
            "AddressLine1": f"PO Box {100 + len(city) * 7}",
            "City": city,
            "PostalCode": f"{6000 + len(street)}",
            "Country": "New Zealand",
        },
        {
            "AddressType": "STREET",
            "AddressLine1": street,
            "City": city,
            "PostalCode": f"{6000 + len(street)}",
            "Country": "New Zealand",
        },
    ]


def _contacts(rng, today):
    contacts = []
    base = datetime.combine(today - timedelta(days=200), time(8), UTC)
    for i, (name, first, last, city) in enumerate(CUSTOMERS):
        domain = "".join(c for c in name.lower() if c.isalnum())[:16] + ".co.nz"
        contact = {
            "ContactID": demo_id(MAIN, "contact", name),
            "Name": name,
            "FirstName": first,
            "LastName": last,
            "EmailAddress": f"{first.lower()}@{domain}",
            "AccountNumber": f"CUST{i + 1:03d}",
            "TaxNumber": "-".join(
                str(rng.randint(low, high))
                for low, high in ((10, 99), (100, 999), (100, 999))
            ),
            "Addresses": _addresses(city, f"{rng.randint(1, 300)} {last} Street"),
            "Phones": [
                {
                    "PhoneType": "DEFAULT",
                    "PhoneAreaCode": "04",
                    "PhoneNumber": f"{rng.randint(2000000, 9999999)}",
                },
                {
                    "PhoneType": "MOBILE",
                    "PhoneAreaCode": "021",
                    "PhoneNumber": f"{rng.randint(1000000, 9999999)}",
                },
            ],
            "UpdatedDateUTC": (base + timedelta(hours=i * 5)).isoformat(),
        }
        if i % 3 == 0:
            contact["ContactPersons"] = [
                {
                    "FirstName": "Accounts",
                    "LastName": "Team",
                    "EmailAddress": f"accounts@{domain}",
                    "IncludeInEmails": True,
                },
                {
                    "FirstName": rng.choice(["Priya", "Tom", "Hana", "Sione"]),
                    "LastName": last,
                    "EmailAddress": f"office@{domain}",
                    "IncludeInEmails": False,
                },
            ]
        contacts.append(contact)
    for i, (name, kind, city) in enumerate(SUPPLIERS):
        domain = "".join(c for c in name.lower() if c.isalnum()) + ".co.nz"
        contacts.append(
            {
                "ContactID": demo_id(MAIN, "contact", name),
                "Name": name,
                "EmailAddress": f"accounts@{domain}",
                "AccountNumber": f"SUPP{i + 1:03d}",
                "Addresses": _addresses(city, f"{rng.randint(1, 300)} {kind} Road"),
                "Phones": [
                    {
                        "PhoneType": "DEFAULT",
                        "PhoneAreaCode": "09",
                        "PhoneNumber": f"{rng.randint(2000000, 9999999)}",
                    }
                ],
                "UpdatedDateUTC": (base + timedelta(hours=200 + i)).isoformat(),
            }
        )
    contacts.append(
        {
            "ContactID": demo_id(MAIN, "contact", "Old Mill Bakery"),
            "Name": "Old Mill Bakery",
            "EmailAddress": "hello@oldmillbakery.co.nz",
            "ContactStatus": "ARCHIVED",
            "UpdatedDateUTC": (base + timedelta(hours=300)).isoformat(),
        }
    )
    return contacts


def _lines(rng, sales=True):
    lines = []
    for _ in range(rng.randint(1, 3)):
        desc, price, account = (
            rng.choice(PRODUCTS)
            if sales
            else (
                rng.choice(
                    ["Electricity", "Security monitoring", "Copier lease", "Desks"]
                ),
                f"{rng.randint(40, 900)}.{rng.choice(['00', '50', '95'])}",
                "429",
            )
        )
        lines.append(
            {
                "Description": desc,
                "Quantity": rng.choice([1, 1, 2, 3, 5, 10]),
                "UnitAmount": price,
                "AccountCode": account,
                "TaxType": "OUTPUT2" if sales else "INPUT2",
            }
        )
    return lines


def _stamp(day, hour=10):
    return datetime.combine(day, time(hour), UTC).isoformat()


def _invoices(rng, today):
    invoices = []
    customers = [c[0] for c in CUSTOMERS]
    for i in range(90):
        day = today - timedelta(days=rng.randint(1, 180))
        due = day + timedelta(days=rng.choice([7, 14, 20, 30]))
        roll = rng.random()
        inv = {
            "InvoiceID": demo_id(MAIN, "invoice", i),
            "Type": "ACCREC",
            "InvoiceNumber": f"INV-{i + 1:04d}",
            "Reference": f"PO-{rng.randint(1000, 9999)}" if i % 4 else "",
            "Contact": {
                "ContactID": demo_id(MAIN, "contact", customers[i % len(customers)])
            },
            "Date": day.isoformat(),
            "DueDate": due.isoformat(),
            "LineAmountTypes": "Exclusive",
            "LineItems": _lines(rng),
            "Status": "AUTHORISED",
        }
        if i == 50:
            # An export customer billed in US dollars.
            inv["CurrencyCode"], inv["CurrencyRate"] = "USD", "0.6"
        last = day
        if i in (7, 23, 41, 58, 77, 88):
            inv["Status"] = "DRAFT"
        elif i in (12, 64):
            inv["Status"] = "SUBMITTED"
        elif i == 33:
            inv["Status"] = "VOIDED_LATER"
        elif roll < 0.55:
            pay_day = min(today, day + timedelta(days=rng.randint(3, 40)))
            inv["Status"] = "PAID"
            inv["FullyPaidOnDate"] = pay_day.isoformat()
            last = pay_day
        elif roll < 0.68:
            first = min(today, day + timedelta(days=rng.randint(2, 15)))
            second = min(today, first + timedelta(days=rng.randint(5, 20)))
            inv["Payments"] = [
                {
                    "PaymentID": demo_id(MAIN, "payment", i, 1),
                    "Date": first.isoformat(),
                    "Amount": "100.00",
                    "Reference": "Instalment 1",
                    "Account": {"Code": "090"},
                },
                {
                    "PaymentID": demo_id(MAIN, "payment", i, 2),
                    "Date": second.isoformat(),
                    "Amount": "50.00",
                    "Reference": "Instalment 2",
                    "Account": {"Code": "090"},
                },
            ]
            inv["LineItems"] = [
                {
                    "Description": "Consulting services (hours)",
                    "Quantity": 4,
                    "UnitAmount": "150.00",
                    "AccountCode": "200",
                    "TaxType": "OUTPUT2",
                }
            ]
            last = second
        inv["UpdatedDateUTC"] = _stamp(last, 10 + i % 8)
        invoices.append(inv)
    suppliers = [s[0] for s in SUPPLIERS]
    for i in range(10):
        day = today - timedelta(days=rng.randint(5, 150))
        inv = {
            "InvoiceID": demo_id(MAIN, "bill", i),
            "Type": "ACCPAY",
            "InvoiceNumber": f"{suppliers[i % 4][:3].upper()}-{rng.randint(100, 999)}",
            "Contact": {"ContactID": demo_id(MAIN, "contact", suppliers[i % 4])},
            "Date": day.isoformat(),
            "DueDate": (day + timedelta(days=20)).isoformat(),
            "LineItems": _lines(rng, sales=False),
            "Status": "PAID" if i % 2 else "AUTHORISED",
            "UpdatedDateUTC": _stamp(day, 9),
        }
        if i % 2:
            inv["FullyPaidOnDate"] = min(today, day + timedelta(days=10)).isoformat()
        invoices.append(inv)
    return invoices


def _voided(invoices):
    for inv in invoices:
        if inv["Status"] == "VOIDED_LATER":
            inv["Status"] = "AUTHORISED"
            return inv["InvoiceID"]
    return None


def _org(org_id, name, legal, org_type, country, city, users, **extra):
    return {
        "OrganisationID": org_id,
        "Name": name,
        "LegalName": legal,
        "OrganisationType": org_type,
        "OrganisationEntityType": org_type,
        "CountryCode": country,
        "RegistrationNumber": f"{int(uuid.UUID(org_id)) % 10**7:07d}",
        "TaxNumber": f"{int(uuid.UUID(org_id)) % 10**9:09d}",
        "IsDemoCompany": True,
        "LineOfBusiness": extra.pop("LineOfBusiness", "Professional services"),
        "Addresses": [
            {
                "AddressType": t,
                "AddressLine1": line,
                "City": city,
                "PostalCode": "6011",
                "Country": "New Zealand" if country == "NZ" else "United Kingdom",
            }
            for t, line in (
                ("POBOX", "PO Box 1234"),
                ("STREET", "23 Main Street"),
                ("DELIVERY", "Unit 4, 23 Main Street"),
            )
        ],
        "Phones": [
            {"PhoneType": "OFFICE", "PhoneAreaCode": "04", "PhoneNumber": "4710000"}
        ],
        "Users": users,
        **extra,
    }


def main_settings():
    """Demo Practice's chart of accounts, tax rates, currencies, items, themes.

    USD and the USD bank account are there on purpose: Odoo's demo company,
    which connects to this NZD organisation, keeps its books in USD."""
    return {
        "Currencies": ["USD", "AUD"],
        "Accounts": [
            {"Code": "090", "Name": "Business Bank Account", "Type": "BANK",
             "EnablePaymentsToAccount": True},
            {"Code": "091", "Name": "Business Savings Account", "Type": "BANK"},
            {"Code": "092", "Name": "USD Account", "Type": "BANK",
             "CurrencyCode": "USD", "BankAccountNumber": "12-3456-7654321-01"},
            {"Code": "093", "Name": "Old Cheque Account", "Type": "BANK",
             "Status": "ARCHIVED"},
            {"Code": "200", "Name": "Sales", "Type": "REVENUE", "TaxType": "OUTPUT2",
             "Description": "Income from any normal business activity"},
            {"Code": "205", "Name": "Sales - Discontinued Lines", "Type": "REVENUE",
             "TaxType": "OUTPUT2", "Status": "ARCHIVED"},
            {"Code": "260", "Name": "Other Revenue", "Type": "REVENUE",
             "TaxType": "OUTPUT2"},
            {"Code": "270", "Name": "Interest Income", "Type": "REVENUE",
             "TaxType": "NONE"},
            {"Code": "310", "Name": "Cost of Goods Sold", "Type": "DIRECTCOSTS",
             "TaxType": "INPUT2"},
            {"Code": "400", "Name": "Advertising", "Type": "OVERHEADS",
             "TaxType": "INPUT2"},
            {"Code": "429", "Name": "General Expenses", "Type": "OVERHEADS",
             "TaxType": "INPUT2"},
            {"Code": "880", "Name": "Owner A Drawings", "Type": "EQUITY",
             "TaxType": "NONE", "EnablePaymentsToAccount": True},
        ],
        "TaxRates": [
            {"TaxType": "GSTONIMPORTS", "Name": "GST on Imports", "Rate": 0,
             "ReportTaxType": "GSTONIMPORTS"},
            {"TaxType": "TAX001", "Name": "12.5% GST on Income (before 2010)",
             "Rate": "12.5", "ReportTaxType": "OUTPUT", "Status": "ARCHIVED"},
        ],
        "Items": [
            {"Code": "CONSULT", "Name": "Consulting (hours)",
             "Description": "Consulting services (hours)", "IsPurchased": False,
             "SalesDetails": {"UnitPrice": "150.00", "AccountCode": "200",
                              "TaxType": "OUTPUT2"}},
            {"Code": "WIDGET", "Name": "Widget", "Description": "Widget, boxed",
             "PurchaseDescription": "Widget from the wholesaler",
             "SalesDetails": {"UnitPrice": "25.00", "AccountCode": "200",
                              "TaxType": "OUTPUT2"},
             "PurchaseDetails": {"UnitPrice": "12.00", "AccountCode": "310",
                                 "TaxType": "INPUT2"}},
        ],
        "BrandingThemes": [
            {"Name": "Special Projects", "SortOrder": 1},
        ],
    }


def demo_seed(today):
    rng = random.Random(20240601)
    invoices = _invoices(rng, today)
    voided = _voided(invoices)
    main_users = [
        {
            "UserID": demo_id(MAIN, "user", "kate"),
            "EmailAddress": "kate@demopractice.co.nz",
            "FirstName": "Kate",
            "LastName": "Mitchell",
            "OrganisationRole": "STANDARD",
        },
        {
            "UserID": demo_id(MAIN, "user", "raj"),
            "EmailAddress": "raj@demopractice.co.nz",
            "FirstName": "Raj",
            "LastName": "Kumar",
            "OrganisationRole": "READONLY",
        },
    ]
    first_customer = demo_id(MAIN, "contact", CUSTOMERS[1][0])
    credit_notes = [
        {
            "CreditNoteID": demo_id(MAIN, "credit", 1),
            "Type": "ACCRECCREDIT",
            "Contact": {"ContactID": first_customer},
            "Date": (today - timedelta(days=20)).isoformat(),
            "Status": "AUTHORISED",
            "Reference": "Goodwill credit",
            "LineItems": [
                {
                    "Description": "Refund for overcharge",
                    "Quantity": 1,
                    "UnitAmount": "40.00",
                    "AccountCode": "200",
                    "TaxType": "OUTPUT2",
                }
            ],
            "UpdatedDateUTC": _stamp(today - timedelta(days=20)),
        },
        {
            "CreditNoteID": demo_id(MAIN, "credit", 2),
            "Type": "ACCRECCREDIT",
            "Contact": {"ContactID": demo_id(MAIN, "contact", CUSTOMERS[2][0])},
            "Date": (today - timedelta(days=10)).isoformat(),
            "Status": "AUTHORISED",
            "LineItems": [
                {
                    "Description": "Returned training seat",
                    "Quantity": 1,
                    "UnitAmount": "100.00",
                    "AccountCode": "200",
                    "TaxType": "OUTPUT2",
                }
            ],
            "UpdatedDateUTC": _stamp(today - timedelta(days=10)),
        },
    ]
    target = next(
        i
        for i in invoices
        if i["Type"] == "ACCREC"
        and i["Status"] == "AUTHORISED"
        and not i.get("Payments")
        and i["Contact"]["ContactID"] == first_customer
    )
    main = _org(
        MAIN,
        "Demo Practice Ltd",
        "Demo Practice Limited",
        "COMPANY",
        "NZ",
        "Wellington",
        main_users,
        DefaultSalesTaxType="OUTPUT2",
        DefaultPurchasesTaxType="INPUT2",
        **main_settings(),
    )
    main["Contacts"] = _contacts(rng, today)
    main["Invoices"] = invoices
    main["CreditNotes"] = credit_notes
    main["Allocations"] = [
        {
            "CreditNoteID": credit_notes[0]["CreditNoteID"],
            "Invoice": {"InvoiceID": target["InvoiceID"]},
            "Amount": "46.00",
            "Date": credit_notes[0]["Date"],
        }
    ]
    club = _org(
        CLUB,
        "Bayside Club",
        "Bayside Club Incorporated",
        "CLUB_OR_SOCIETY",
        "NZ",
        "Wellington",
        [],
        LineOfBusiness="Sports club",
        Currencies=[],
    )
    club["Contacts"] = [
        {
            "ContactID": demo_id(CLUB, "contact", n),
            "Name": n,
            "FirstName": f,
            "LastName": ln,
            "EmailAddress": f"{f.lower()}@example.org",
        }
        for n, f, ln in (
            ("Alice Ngata", "Alice", "Ngata"),
            ("Ben Carter", "Ben", "Carter"),
            ("Wellington Sailing Supplies", "Rita", "Moore"),
        )
    ]
    club["Invoices"] = [
        {
            "InvoiceID": demo_id(CLUB, "invoice", i),
            "Type": "ACCREC",
            "Contact": {
                "ContactID": demo_id(
                    CLUB, "contact", "Alice Ngata" if i % 2 else "Ben Carter"
                )
            },
            "Date": (today - timedelta(days=30 * i + 5)).isoformat(),
            "DueDate": (today - timedelta(days=30 * i - 9)).isoformat(),
            "Status": "PAID" if i > 1 else "AUTHORISED",
            "LineItems": [
                {
                    "Description": "Annual membership",
                    "Quantity": 1,
                    "UnitAmount": "260.00",
                    "AccountCode": "200",
                }
            ],
        }
        for i in range(1, 5)
    ]
    northwind = _org(
        NORTHWIND,
        "Northwind Traders",
        "Northwind Traders Ltd",
        "COMPANY",
        "GB",
        "London",
        [],
        LineOfBusiness="Wholesale",
        Currencies=["EUR", "USD"],
    )
    northwind["Contacts"] = [
        {
            "ContactID": demo_id(NORTHWIND, "contact", n),
            "Name": n,
            "EmailAddress": f"orders@{n.split()[0].lower()}.co.uk",
        }
        for n in (
            "Alfreds Futterkiste UK",
            "Around the Horn",
            "B's Beverages",
            "Consolidated Holdings",
        )
    ]
    northwind["Invoices"] = [
        {
            "InvoiceID": demo_id(NORTHWIND, "invoice", i),
            "Type": "ACCREC",
            "Contact": {"ContactID": demo_id(NORTHWIND, "contact", "Around the Horn")},
            "Date": (today - timedelta(days=12 * i)).isoformat(),
            "DueDate": (today - timedelta(days=12 * i - 30)).isoformat(),
            "Status": "AUTHORISED",
            "LineItems": [
                {
                    "Description": "Chai (case)",
                    "Quantity": 3 + i,
                    "UnitAmount": "18.00",
                    "AccountCode": "200",
                }
            ],
        }
        for i in range(1, 4)
    ]
    cafe = _org(
        CAFE,
        "Harbour Cafe Ltd",
        "Harbour Cafe Limited",
        "COMPANY",
        "NZ",
        "Auckland",
        [],
        LineOfBusiness="Hospitality",
        Currencies=[],
    )
    cafe["Contacts"] = [
        {
            "ContactID": demo_id(CAFE, "contact", "Fresh Produce Co"),
            "Name": "Fresh Produce Co",
        }
    ]
    return {
        "apps": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": REDIRECT_URIS,
                "name": "Odoo Xero Connector (sandbox)",
            }
        ],
        "allow_any_localhost_redirect": True,
        "organisations": [main, club, northwind, cafe],
        "users": [
            {
                "email": "demo@example.com",
                "password": "demo",
                "first_name": "Demo",
                "last_name": "User",
                "user_id": DEMO_USER,
                "organisations": [MAIN, CLUB, NORTHWIND],
            },
            {
                "email": "sam@example.com",
                "password": "demo",
                "first_name": "Sam",
                "last_name": "Taylor",
                "user_id": SAM_USER,
                "organisations": [CAFE],
            },
        ],
        "_void": voided,
    }


def load_demo(store):
    seed = demo_seed(store.clock.today())
    voided = seed.pop("_void")
    result = load_seed(store, seed)
    if voided:
        with store.lock:
            org = store.orgs[MAIN]
            inv = org.invoices[voided]
            stamp = inv["_updated"]
            save_document(org, "invoice", {"Status": "VOIDED"}, Ctx(stamp), inv)
    return result
