"""Modes for a client's integrity tests: a server page size, answers with other
ids, lookups of a document whose answer was lost, strict If-Modified-Since."""

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from helpers import ORG_A
from xero_python.accounting import Contact, Contacts

EXISTING = "c0000000-0000-4000-8000-000000000001"


def _seed_contacts(sb, count):
    sb.ctl("POST", "seed", {"organisations": [{"OrganisationID": ORG_A, "Contacts": [
        {"Name": f"Paged {i:03d}"} for i in range(count)]}]})


def test_page_size_cap_short_pages_but_true_pagination(sb, acme):
    _seed_contacts(sb, 23)
    sb.ctl("POST", "config", {"page_size_cap": 10})
    first = acme.accounting.get_contacts(ORG_A, page=1, page_size=1000, order="Name")
    assert len(first.contacts) == 10
    page = first.pagination
    assert (page.page, page.page_size, page.page_count, page.item_count) == (1, 10, 3, 24)
    names = [c.name for c in first.contacts]
    for number in range(2, page.page_count + 1):
        names += [
            c.name
            for c in acme.accounting.get_contacts(
                ORG_A, page=number, page_size=1000, order="Name"
            ).contacts
        ]
    assert len(names) == len(set(names)) == 24
    invoices = sb.api_get("Invoices", acme.token, ORG_A, params={"page": 1}).json()
    assert invoices["pagination"]["pageSize"] == 10
    sb.ctl("POST", "config", {"page_size_cap": None})
    assert len(acme.accounting.get_contacts(ORG_A, page=1, page_size=1000).contacts) == 24


def test_wrong_id_fault_applies_then_lies(sb, acme):
    sb.ctl("POST", "faults", {"kind": "wrong_id", "match": {"method": "PUT"}})
    answered = acme.accounting.create_contacts(
        ORG_A, Contacts(contacts=[Contact(name="Misreported Ltd")])
    ).contacts[0]
    stored = next(c for c in sb.state(ORG_A, "Contacts") if c["Name"] == "Misreported Ltd")
    assert answered.contact_id != stored["ContactID"]
    fixed = "0f0f0f0f-0000-4000-8000-000000000000"
    sb.ctl("POST", "faults", {"kind": "wrong_id", "new_id": fixed, "match": {"method": "PUT"}})
    invoice = acme.accounting.create_invoices(ORG_A, {"Invoices": [{
        "Type": "ACCREC", "Contact": {"ContactID": EXISTING},
        "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 1}]}]}).invoices[0]
    assert str(invoice.invoice_id) == fixed
    assert str(invoice.contact.contact_id) == EXISTING
    assert fixed not in {i["InvoiceID"] for i in sb.state(ORG_A, "Invoices")}
    assert sb.ctl("GET", "requests")[-1]["fault"] == "wrong_id"


def test_lookups_for_a_lost_answer(acme):
    acc = acme.accounting
    contact = acc.create_contacts(ORG_A, Contacts(contacts=[
        Contact(name="Lost Answer Ltd", contact_number="ODOO-7")])).contacts[0]
    invoice = acc.create_invoices(ORG_A, {"Invoices": [{
        "Type": "ACCREC", "Contact": {"ContactID": contact.contact_id},
        "InvoiceNumber": "SO-0042", "Reference": "odoo:account.move,42",
        "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 1}]}]}).invoices[0]
    assert [c.contact_id for c in acc.get_contacts(
        ORG_A, where='ContactNumber=="ODOO-7"').contacts] == [contact.contact_id]
    assert [c.contact_id for c in acc.get_contacts(
        ORG_A, where='Name=="lost answer ltd"').contacts] == [contact.contact_id]
    assert [i.invoice_id for i in acc.get_invoices(
        ORG_A, invoice_numbers=["SO-0042"]).invoices] == [invoice.invoice_id]
    assert [i.invoice_id for i in acc.get_invoices(
        ORG_A, where='Reference=="odoo:account.move,42"').invoices] == [invoice.invoice_id]


def _since(sb, acme, value):
    return sb.api_get("Contacts", acme.token, ORG_A,
                      headers={"If-Modified-Since": value})


def test_if_modified_since_accepts_rfc_1123_and_iso_with_offset(sb, acme):
    sb.advance(120)
    cutoff = datetime.now(UTC) + timedelta(seconds=110)
    acme.accounting.update_contact(
        ORG_A, EXISTING, Contacts(contacts=[Contact(first_name="Newer")])
    )
    local = cutoff.astimezone(timezone(timedelta(hours=13)))
    for value in (format_datetime(cutoff, usegmt=True), local.isoformat(),
                  cutoff.isoformat().replace("+00:00", "Z")):
        resp = _since(sb, acme, value)
        assert resp.status_code == 200, value
        assert [c["ContactID"] for c in resp.json()["Contacts"]] == [EXISTING], value


def test_strict_if_modified_since_refuses_a_value_without_zone(sb, acme):
    naive = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert _since(sb, acme, naive).status_code == 200
    sb.ctl("POST", "config", {"strict_if_modified_since": True})
    resp = _since(sb, acme, naive)
    assert resp.status_code == 400
    assert resp.json()["Elements"][0]["ValidationErrors"][0]["Message"] == (
        f"If-Modified-Since '{naive}' must carry a time zone (e.g. "
        "2024-01-02T03:04:05+00:00 or an RFC 1123 date)."
    )
    assert _since(sb, acme, "yesterday").status_code == 400
    assert _since(sb, acme, naive + "+00:00").status_code == 200
    stamp = datetime.now(UTC) - timedelta(days=1)
    assert len(acme.accounting.get_contacts(ORG_A, if_modified_since=stamp).contacts) == 1


@pytest.mark.parametrize("path", ["Invoices", "Payments", "Accounts", "Items", "Users"])
def test_strict_mode_covers_every_incremental_list(sb, acme, path):
    sb.ctl("POST", "config", {"strict_if_modified_since": True})
    resp = sb.api_get(path, acme.token, ORG_A,
                      headers={"If-Modified-Since": "2024-01-02T03:04:05"})
    assert resp.status_code == 400
