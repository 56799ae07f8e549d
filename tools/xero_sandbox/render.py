"""Internal records -> the JSON shapes Xero returns."""

from .dates import date_string, ms_date, utc_string
from .money import ZERO, num, r2
from .settings import FLAGS

_EMPTY_LISTS = {
    "Payments": [],
    "CreditNotes": [],
    "Prepayments": [],
    "Overpayments": [],
}


def _set(out, record, *fields):
    for field in fields:
        if record.get(field):
            out[field] = record[field]


def address_out(addr):
    out = {"AddressType": addr["AddressType"]}
    _set(out, addr, "AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4")
    for field in ("City", "Region", "PostalCode", "Country"):
        out[field] = addr.get(field, "")
    _set(out, addr, "AttentionTo")
    return out


def phone_out(phone):
    out = {"PhoneType": phone["PhoneType"]}
    for field in ("PhoneNumber", "PhoneAreaCode", "PhoneCountryCode"):
        out[field] = phone.get(field, "")
    return out


def balances(org, contact, today):
    result = {}
    for label, doc_type in (
        ("AccountsReceivable", "ACCREC"),
        ("AccountsPayable", "ACCPAY"),
    ):
        outstanding = overdue = ZERO
        for inv_id in org.contact_invoices.get(contact["ContactID"], ()):
            inv = org.invoices[inv_id]
            if inv["Type"] != doc_type or inv["Status"] != "AUTHORISED":
                continue
            outstanding += inv["AmountDue"]
            if inv.get("DueDate") and inv["DueDate"] < today:
                overdue += inv["AmountDue"]
        result[label] = {"Outstanding": num(outstanding), "Overdue": num(overdue)}
    return result


def contact_ref(contact):
    """The slim contact embedded in invoice lists, payments and credit notes."""
    return {
        "ContactID": contact["ContactID"],
        "Name": contact["Name"],
        "Addresses": [],
        "Phones": [],
        "ContactGroups": [],
        "ContactPersons": [],
        "HasValidationErrors": False,
    }


def contact_out(org, contact, today, mode="full"):
    """``mode``: full (by id / paged), list (unpaged), summary, ref."""
    if mode == "ref":
        return contact_ref(contact)
    out = {"ContactID": contact["ContactID"]}
    _set(out, contact, "ContactNumber", "AccountNumber")
    out["ContactStatus"] = contact["ContactStatus"]
    out["Name"] = contact["Name"]
    _set(out, contact, "FirstName", "LastName", "CompanyNumber")
    out["EmailAddress"] = contact.get("EmailAddress", "")
    if mode != "summary":
        out["BankAccountDetails"] = contact.get("BankAccountDetails", "")
        _set(
            out,
            contact,
            "TaxNumber",
            "TaxNumberType",
            "AccountsReceivableTaxType",
            "AccountsPayableTaxType",
            "XeroNetworkKey",
            "SalesDefaultAccountCode",
            "PurchasesDefaultAccountCode",
        )
        out["Addresses"] = [address_out(a) for a in contact["Addresses"]]
        out["Phones"] = [phone_out(p) for p in contact["Phones"]]
    out["UpdatedDateUTC"] = ms_date(contact["_updated"])
    out["ContactGroups"] = []
    out["IsSupplier"] = contact["_is_supplier"]
    out["IsCustomer"] = contact["_is_customer"]
    _set(out, contact, "DefaultCurrency")
    if mode != "summary":
        _set(
            out,
            contact,
            "Website",
            "SalesDefaultLineAmountType",
            "PurchasesDefaultLineAmountType",
            "PaymentTerms",
        )
        out["SalesTrackingCategories"] = []
        out["PurchasesTrackingCategories"] = []
        persons = contact["ContactPersons"] if mode == "full" else []
        out["ContactPersons"] = [dict(p) for p in persons]
        if org.contact_invoices.get(contact["ContactID"]):
            out["Balances"] = balances(org, contact, today)
    out["HasAttachments"] = False
    out["HasValidationErrors"] = False
    return out


def line_out(line, unitdp=2, org=None):
    out = {}
    _set(out, line, "ItemCode")
    out["Description"] = line["Description"]
    unit = line["UnitAmount"] if unitdp == 4 else r2(line["UnitAmount"])
    out["UnitAmount"] = num(unit)
    out["TaxType"] = line["TaxType"]
    out["TaxAmount"] = num(line["TaxAmount"])
    out["LineAmount"] = num(line["LineAmount"])
    if line.get("AccountCode"):
        out["AccountCode"] = line["AccountCode"]
    item = org.items.get(line.get("_item")) if org is not None else None
    if item is not None:
        out["Item"] = {
            "ItemID": item["ItemID"],
            "Name": item["Name"],
            "Code": item["Code"],
        }
    out["Tracking"] = list(line.get("Tracking") or [])
    out["Quantity"] = num(line["Quantity"])
    if line.get("DiscountRate") is not None:
        out["DiscountRate"] = num(line["DiscountRate"])
    if line.get("DiscountAmount") is not None:
        out["DiscountAmount"] = num(line["DiscountAmount"])
    out["LineItemID"] = line["LineItemID"]
    if line.get("AccountID"):
        out["AccountID"] = line["AccountID"]
    out["ValidationErrors"] = []
    return out


def _dates(out, doc):
    out["DateString"] = date_string(doc["Date"])
    out["Date"] = ms_date(doc["Date"])
    if doc.get("DueDate"):
        out["DueDateString"] = date_string(doc["DueDate"])
        out["DueDate"] = ms_date(doc["DueDate"])
    for field in ("ExpectedPaymentDate", "PlannedPaymentDate"):
        if doc.get(field):
            out[field] = ms_date(doc[field])


def invoice_ref(org, inv):
    """Invoice as embedded in payments and allocations."""
    out = {
        "Type": inv["Type"],
        "InvoiceID": inv["InvoiceID"],
        "InvoiceNumber": inv["InvoiceNumber"],
        **{k: [] for k in _EMPTY_LISTS},
        "HasErrors": False,
        "IsDiscounted": False,
        "Contact": contact_ref(org.contacts[inv["_contact"]]),
        "LineItems": [],
        "CurrencyCode": inv["CurrencyCode"],
    }
    return out


def invoice_out(org, inv, mode="full", unitdp=2, today=None):
    """``mode``: full (by id), page (paged list), list (unpaged), summary."""
    out = {
        "Type": inv["Type"],
        "InvoiceID": inv["InvoiceID"],
        "InvoiceNumber": inv["InvoiceNumber"],
        "Reference": inv["Reference"],
    }
    if mode != "summary":
        out["Payments"] = [
            {
                "PaymentID": p["PaymentID"],
                "Date": ms_date(p["Date"]),
                "Amount": num(p["Amount"]),
                "Reference": p["Reference"],
                "CurrencyRate": num(p["CurrencyRate"]),
                "HasAccount": False,
                "HasValidationErrors": False,
            }
            for p in (org.payments[pid] for pid in inv["_payments"])
            if p["Status"] == "AUTHORISED"
        ]
        out["CreditNotes"] = [_credit_summary(org, a) for a in inv["_allocations"]]
        out["Prepayments"] = []
        out["Overpayments"] = []
    out["AmountDue"] = num(inv["AmountDue"])
    out["AmountPaid"] = num(inv["AmountPaid"])
    out["AmountCredited"] = num(inv["AmountCredited"])
    out["SentToContact"] = inv["SentToContact"]
    out["CurrencyRate"] = num(inv["CurrencyRate"])
    out["IsDiscounted"] = any(line.get("DiscountRate") for line in inv["LineItems"])
    out["HasAttachments"] = False
    out["HasErrors"] = False
    contact = org.contacts[inv["_contact"]]
    if mode == "full":
        out["Contact"] = contact_out(org, contact, today or inv["Date"])
    else:
        out["Contact"] = contact_ref(contact)
    _dates(out, inv)
    _set(out, inv, "BrandingThemeID", "Url")
    out["Status"] = inv["Status"]
    out["LineAmountTypes"] = inv["LineAmountTypes"]
    if mode in ("full", "page"):
        out["LineItems"] = [line_out(line, unitdp, org) for line in inv["LineItems"]]
    elif mode == "list":
        out["LineItems"] = []
    out["SubTotal"] = num(inv["SubTotal"])
    out["TotalTax"] = num(inv["TotalTax"])
    out["Total"] = num(inv["Total"])
    out["UpdatedDateUTC"] = ms_date(inv["_updated"])
    out["UpdatedDateUTCString"] = utc_string(inv["_updated"])
    out["CurrencyCode"] = inv["CurrencyCode"]
    if inv.get("FullyPaidOnDate"):
        out["FullyPaidOnDate"] = ms_date(inv["FullyPaidOnDate"])
    return out


def _credit_summary(org, allocation):
    note = org.credit_notes[allocation["_credit_note"]]
    return {
        "CreditNoteID": note["CreditNoteID"],
        "CreditNoteNumber": note["CreditNoteNumber"],
        "Type": note["Type"],
        "AppliedAmount": num(allocation["Amount"]),
        "Date": ms_date(allocation["Date"]),
        "Total": num(note["Total"]),
        "LineItems": [],
        "HasErrors": False,
    }


def credit_note_out(org, note, mode="full", unitdp=2):
    out = {
        "Type": note["Type"],
        "CreditNoteID": note["CreditNoteID"],
        "CreditNoteNumber": note["CreditNoteNumber"],
        "Reference": note["Reference"],
    }
    if mode != "summary":
        out["Payments"] = []
        out["Allocations"] = [
            allocation_out(org, a, with_note=False) for a in note["_allocations"]
        ]
    out["RemainingCredit"] = num(note["RemainingCredit"])
    out["SentToContact"] = note["SentToContact"]
    out["CurrencyRate"] = num(note["CurrencyRate"])
    out["HasErrors"] = False
    out["HasAttachments"] = False
    contact = org.contacts[note["_contact"]]
    out["Contact"] = contact_ref(contact)
    _dates(out, note)
    out["Status"] = note["Status"]
    out["LineAmountTypes"] = note["LineAmountTypes"]
    if mode in ("full", "page"):
        out["LineItems"] = [line_out(line, unitdp, org) for line in note["LineItems"]]
    elif mode == "list":
        out["LineItems"] = []
    out["SubTotal"] = num(note["SubTotal"])
    out["TotalTax"] = num(note["TotalTax"])
    out["Total"] = num(note["Total"])
    out["UpdatedDateUTC"] = ms_date(note["_updated"])
    out["UpdatedDateUTCString"] = utc_string(note["_updated"])
    out["CurrencyCode"] = note["CurrencyCode"]
    if note.get("FullyPaidOnDate"):
        out["FullyPaidOnDate"] = ms_date(note["FullyPaidOnDate"])
    return out


def allocation_out(org, allocation, with_note=True):
    inv = org.invoices[allocation["_invoice"]]
    out = {
        "AllocationID": allocation["AllocationID"],
        "Amount": num(allocation["Amount"]),
        "Date": ms_date(allocation["Date"]),
        "Invoice": invoice_ref(org, inv),
    }
    if with_note:
        note = org.credit_notes[allocation["_credit_note"]]
        out["CreditNote"] = {
            "CreditNoteID": note["CreditNoteID"],
            "CreditNoteNumber": note["CreditNoteNumber"],
            "Type": note["Type"],
            "LineItems": [],
            "HasErrors": False,
        }
    out["IsDeleted"] = False
    return out


def payment_out(org, payment):
    inv = org.invoices[payment["_invoice"]]
    account = org.accounts[payment["_account"]]
    return {
        "PaymentID": payment["PaymentID"],
        "Date": ms_date(payment["Date"]),
        "BankAmount": num(payment.get("BankAmount", payment["Amount"])),
        "Amount": num(payment["Amount"]),
        "Reference": payment["Reference"],
        "CurrencyRate": num(payment["CurrencyRate"]),
        "PaymentType": payment["PaymentType"],
        "Status": payment["Status"],
        "UpdatedDateUTC": ms_date(payment["_updated"]),
        "UpdatedDateUTCString": utc_string(payment["_updated"]),
        "HasAccount": True,
        "IsReconciled": payment["IsReconciled"],
        "Account": {"AccountID": account["AccountID"], "Code": account["Code"]},
        "Invoice": invoice_ref(org, inv),
        "HasValidationErrors": False,
    }


def organisation_out(org):
    out = {}
    for key, value in org.info.items():
        if key.startswith("_"):
            continue
        if key in ("CreatedDateUTC",):
            value = ms_date(value)
        elif key in ("PeriodLockDate", "EndOfYearLockDate"):
            value = ms_date(value)
        out[key] = value
    return out


def user_out(user):
    return {
        "UserID": user["UserID"],
        "EmailAddress": user["EmailAddress"],
        "FirstName": user["FirstName"],
        "LastName": user["LastName"],
        "UpdatedDateUTC": ms_date(user["_updated"]),
        "IsSubscriber": user.get("IsSubscriber", False),
        "OrganisationRole": user.get("OrganisationRole", "STANDARD"),
    }


def account_out(account):
    out = {k: v for k, v in account.items() if not k.startswith("_")}
    out["UpdatedDateUTC"] = ms_date(account["_updated"])
    return out


def tax_rate_out(rate):
    out = {
        "Name": rate["Name"],
        "TaxType": rate["TaxType"],
        "ReportTaxType": rate.get("ReportTaxType", "NONE"),
    }
    for flag in FLAGS:
        out[flag] = rate.get(flag, True)
    out["DisplayTaxRate"] = num(rate.get("DisplayTaxRate", rate["EffectiveRate"]))
    out["EffectiveRate"] = num(rate["EffectiveRate"])
    out["Status"] = rate.get("Status", "ACTIVE")
    out["TaxComponents"] = [
        {
            "Name": c["Name"],
            "Rate": num(c["Rate"]),
            "IsCompound": c["IsCompound"],
            "IsNonRecoverable": c["IsNonRecoverable"],
        }
        for c in rate.get("TaxComponents") or ()
    ]
    return out


def _details_out(details, unitdp):
    out = {}
    if details.get("UnitPrice") is not None:
        price = details["UnitPrice"] if unitdp == 4 else r2(details["UnitPrice"])
        out["UnitPrice"] = num(price)
    _set(out, details, "AccountCode", "TaxType")
    return out


def item_out(item, unitdp=2):
    out = {"ItemID": item["ItemID"], "Code": item["Code"]}
    _set(out, item, "Description", "PurchaseDescription")
    out["UpdatedDateUTC"] = ms_date(item["_updated"])
    out["PurchaseDetails"] = _details_out(item["PurchaseDetails"], unitdp)
    out["SalesDetails"] = _details_out(item["SalesDetails"], unitdp)
    out["Name"] = item["Name"]
    out["IsTrackedAsInventory"] = False
    out["IsSold"] = item["IsSold"]
    out["IsPurchased"] = item["IsPurchased"]
    return out


def currency_out(currency):
    return {"Code": currency["Code"], "Description": currency["Description"]}


def branding_theme_out(theme):
    out = {
        "BrandingThemeID": theme["BrandingThemeID"],
        "Name": theme["Name"],
        "Type": theme["Type"],
        "SortOrder": theme["SortOrder"],
        "CreatedDateUTC": ms_date(theme["CreatedDateUTC"]),
    }
    _set(out, theme, "LogoUrl")
    return out
