"""Fast, deterministic bulk data for volume tests (bypasses per-record validation)."""

import random
import uuid
from datetime import timedelta
from decimal import Decimal

from .invoices import next_number, refresh_invoice, totals
from .money import r2
from .rules import blank_contact

FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Jamie",
    "Avery",
    "Quinn",
    "Harper",
    "Rowan",
    "Emerson",
    "Finley",
    "Parker",
    "Reese",
]
LAST = [
    "Smith",
    "Brown",
    "Wilson",
    "Taylor",
    "Anderson",
    "Thomas",
    "Walker",
    "White",
    "Martin",
    "Clarke",
    "Ngata",
    "Patel",
    "Singh",
    "Chen",
    "Nguyen",
    "Kaur",
]
TRADES = [
    "Plumbing",
    "Design",
    "Logistics",
    "Consulting",
    "Catering",
    "Electrical",
    "Landscaping",
    "Print",
    "Media",
    "Legal",
    "Dental",
    "Fitness",
]
# Places as people type them in Xero: codes or names, as they came.
PLACES = [
    ("AU", "NSW", "Sydney"),
    ("Australia", "New South Wales", "Newcastle"),
    ("AU", "VIC", "Melbourne"),
    ("New Zealand", "", "Auckland"),
    ("NZ", "", "Wellington"),
    ("United Kingdom", "", "London"),
    ("GB", "", "Leeds"),
]
ITEMS = [
    ("Consulting", "150.00"),
    ("Support plan", "89.00"),
    ("Installation", "240.00"),
    ("Materials", "37.45"),
    ("Licence", "1200.00"),
    ("Workshop", "450.00"),
]


def _uid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _address(record, rng, number):
    """A postal address, or (one contact in three) a street address only."""
    country, region, city = rng.choice(PLACES)
    kind = "STREET" if rng.random() < 1 / 3 else "POBOX"
    for slot in record["Addresses"]:
        if slot["AddressType"] == kind:
            slot.update(AddressLine1=f"{number % 400 + 1} Main Road", City=city,
                        Region=region, PostalCode=f"{1000 + number % 9000}", Country=country)


def generate(store, org, contacts=0, invoices=0, payments_ratio=0.3, seed=1):
    rng = random.Random(seed)
    now = store.clock.now()
    today = now.date()
    tag = f"{seed:x}"
    bank = next((a for a in org.accounts.values() if a["Type"] == "BANK"), None)
    sales_tax = org.tax_rates.get(org.default_sales_tax) or {
        "EffectiveRate": Decimal(0)
    }
    rate = Decimal(sales_tax["EffectiveRate"])
    made_contacts = []
    # Addresses and persons draw from their own streams: the rest stays as
    # seeded before.
    places = random.Random(f"addresses-{seed}")
    people = random.Random(f"persons-{seed}")
    for i in range(int(contacts)):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{last} {rng.choice(TRADES)} {tag}-{i + 1:05d}"
        if name.lower() in org.active_names:
            continue
        record = blank_contact(_uid(rng))
        record.update(
            Name=name,
            FirstName=first,
            LastName=last,
            EmailAddress=f"{first.lower()}.{last.lower()}.{tag}{i + 1}@example.com",
            AccountNumber=f"G{tag}-{i + 1:05d}",
            _updated=now - timedelta(seconds=rng.randint(0, 365 * 86400)),
        )
        record["_created_by"] = None
        _address(record, places, i)
        if i % 4 == 0:  # a quarter have contact persons besides the primary one
            record["ContactPersons"] = [
                {"FirstName": people.choice(FIRST), "LastName": people.choice(LAST),
                 "EmailAddress": f"{role}.{tag}{i + 1}@example.com",
                 "IncludeInEmails": role == "accounts"}
                for role in ("accounts", "office")[:people.randint(1, 2)]]
        org.contacts[record["ContactID"]] = record
        org.active_names[name.lower()] = record["ContactID"]
        made_contacts.append(record)
    pool = made_contacts or [
        c for c in org.contacts.values() if c["ContactStatus"] == "ACTIVE"
    ]
    made_invoices = paid = 0
    for _ in range(int(invoices) if pool else 0):
        contact = rng.choice(pool)
        sales = rng.random() < 0.9
        lines = []
        for _ in range(rng.randint(1, 2)):
            desc, price = rng.choice(ITEMS)
            qty = Decimal(rng.randint(1, 8))
            unit = Decimal(price)
            amount = r2(qty * unit)
            tax = r2(amount * rate / 100)
            lines.append(
                {
                    "LineItemID": _uid(rng),
                    "Description": desc,
                    "Quantity": qty,
                    "UnitAmount": unit,
                    "AccountCode": "200" if sales else "429",
                    "TaxType": org.default_tax(sales),
                    "TaxAmount": tax,
                    "LineAmount": amount,
                    "Tracking": [],
                }
            )
        day = today - timedelta(days=rng.randint(0, 365))
        roll = rng.random()
        status = "DRAFT" if roll < 0.1 else "AUTHORISED"
        inv = {
            "InvoiceID": _uid(rng),
            "Type": "ACCREC" if sales else "ACCPAY",
            "InvoiceNumber": "",
            "Reference": f"REF-{rng.randint(1000, 99999)}",
            "_contact": contact["ContactID"],
            "Date": day,
            "DueDate": day + timedelta(days=rng.choice([7, 14, 30])),
            "Status": status,
            "LineAmountTypes": "Exclusive",
            "LineItems": lines,
            "CurrencyCode": org.info.get("BaseCurrency", "NZD"),
            "CurrencyRate": Decimal(1),
            "SentToContact": False,
            "_payments": [],
            "_allocations": [],
            "_created_by": None,
            "_updated": now - timedelta(seconds=rng.randint(0, 365 * 86400)),
        }
        inv["SubTotal"], inv["TotalTax"], inv["Total"] = totals(lines, "Exclusive")
        if sales:
            inv["InvoiceNumber"] = next_number(org, "invoice")
            org.invoice_numbers[inv["InvoiceNumber"].lower()] = inv["InvoiceID"]
            contact["_is_customer"] = True
        else:
            inv["InvoiceNumber"] = f"BILL-{rng.randint(10000, 99999)}"
            contact["_is_supplier"] = True
        org.invoices[inv["InvoiceID"]] = inv
        org.contact_invoices[contact["ContactID"]].append(inv["InvoiceID"])
        if status == "AUTHORISED" and bank and rng.random() < payments_ratio:
            full = rng.random() < 0.7
            amount = inv["Total"] if full else r2(inv["Total"] / 2)
            payment = {
                "PaymentID": _uid(rng),
                "_invoice": inv["InvoiceID"],
                "_account": bank["AccountID"],
                "Date": min(today, day + timedelta(days=rng.randint(0, 30))),
                "Amount": amount,
                "Reference": "",
                "Status": "AUTHORISED",
                "PaymentType": "ACCRECPAYMENT" if sales else "ACCPAYPAYMENT",
                "IsReconciled": False,
                "CurrencyRate": Decimal(1),
                "_updated": inv["_updated"],
                "_created_by": None,
            }
            org.payments[payment["PaymentID"]] = payment
            inv["_payments"].append(payment["PaymentID"])
            paid += 1
        refresh_invoice(org, inv)
        made_invoices += 1
    return {
        "organisation": org.id,
        "contacts": len(made_contacts),
        "invoices": made_invoices,
        "payments": paid,
    }
