"""Contacts: rules, batch error modes, idempotency and the query features."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from helpers import ORG_A
from xero_python.accounting import Contact, Contacts
from xero_python.exceptions import AccountingBadRequestException

EXISTING = "c0000000-0000-4000-8000-000000000001"
ARCHIVED = "c0000000-0000-4000-8000-000000000002"
DUPLICATE = (
    "The contact name Existing Co is already assigned to another contact. "
    "The contact name must be unique across all active contacts."
)


def _names(result):
    return [c.name for c in result.contacts]


def test_create_and_fetch_contact(acme):
    created = acme.accounting.create_contacts(
        ORG_A,
        Contacts(
            contacts=[
                Contact(
                    name="Zed Ltd",
                    email_address="zed@example.com",
                    first_name="Zoe",
                    is_customer=True,
                )
            ]
        ),
    ).contacts[0]
    assert created.contact_id and created.contact_status == "ACTIVE"
    assert created.is_customer is False
    assert created.updated_date_utc.tzinfo is not None
    fetched = acme.accounting.get_contact(ORG_A, created.contact_id).contacts[0]
    assert fetched.email_address == "zed@example.com"
    assert {a.address_type for a in fetched.addresses} == {"STREET", "POBOX"}


def test_duplicate_active_name_is_refused_with_xeros_message(acme):
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.create_contacts(
            ORG_A, Contacts(contacts=[Contact(name="Existing Co")])
        )
    assert exc.value.reason == DUPLICATE
    body = exc.value.error_data
    assert body["ErrorNumber"] == 10 and body["Type"] == "ValidationException"
    assert body["Message"] == "A validation exception occurred"
    assert body["Elements"][0]["HasValidationErrors"] is True


def test_archive_then_reuse_name(sb, acme):
    acme.accounting.update_contact(
        ORG_A, EXISTING, Contacts(contacts=[Contact(contact_status="ARCHIVED")])
    )
    reused = acme.accounting.create_contacts(
        ORG_A, Contacts(contacts=[Contact(name="Existing Co")])
    ).contacts[0]
    assert reused.contact_id != EXISTING
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.update_contact(
            ORG_A, EXISTING, Contacts(contacts=[Contact(contact_status="ACTIVE")])
        )
    assert exc.value.reason == DUPLICATE
    statuses = {c["ContactID"]: c["ContactStatus"] for c in sb.state(ORG_A, "Contacts")}
    assert statuses[EXISTING] == "ARCHIVED"


def test_summarize_errors_false_reports_per_element(sb, acme):
    result = acme.accounting.create_contacts(
        ORG_A,
        Contacts(
            contacts=[
                Contact(name="Good One"),
                Contact(name="Existing Co"),
                Contact(name="Bad Mail", email_address="not-an-email"),
            ]
        ),
        summarize_errors=False,
    )
    good, dup, bad = result.contacts
    assert good.status_attribute_string == "OK" and good.contact_id
    assert dup.status_attribute_string == "ERROR" and dup.has_validation_errors is True
    assert dup.validation_errors[0].message == DUPLICATE
    assert bad.validation_errors[0].message == "Email address must be valid."
    names = [c["Name"] for c in sb.state(ORG_A, "Contacts")]
    assert "Good One" in names and "Bad Mail" not in names


def test_default_mode_is_400_but_valid_elements_are_saved(sb, acme):
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.create_contacts(
            ORG_A, Contacts(contacts=[Contact(name="Saved Anyway"), Contact(name="")])
        )
    elements = exc.value.error_data["Elements"]
    assert len(elements) == 1
    assert elements[0]["ValidationErrors"] == [
        {"Message": "Contact Name cannot be empty."}
    ]
    assert elements[0]["ContactID"] == "00000000-0000-0000-0000-000000000000"
    assert "Saved Anyway" in [c["Name"] for c in sb.state(ORG_A, "Contacts")]


def test_idempotency_key_replays_without_applying_twice(sb, acme):
    body = Contacts(contacts=[Contact(name="Once Only")])
    first = acme.accounting.create_contacts(ORG_A, body, idempotency_key="key-1")
    second = acme.accounting.create_contacts(ORG_A, body, idempotency_key="key-1")
    assert first.contacts[0].contact_id == second.contacts[0].contact_id
    assert [c["Name"] for c in sb.state(ORG_A, "Contacts")].count("Once Only") == 1
    log = sb.ctl("GET", "requests")
    assert log[-1]["idempotency_key"] == "key-1" and log[-1]["replayed"] is True
    with pytest.raises(AccountingBadRequestException):
        acme.accounting.create_contacts(ORG_A, body, idempotency_key="k" * 129)


def test_put_is_create_only_and_post_matches_number(sb, acme):
    result = acme.accounting.create_contacts(
        ORG_A,
        Contacts(contacts=[Contact(contact_id=EXISTING, name="Other Name")]),
        summarize_errors=False,
    )
    assert result.contacts[0].status_attribute_string == "ERROR"
    updated = acme.accounting.update_or_create_contacts(
        ORG_A,
        Contacts(
            contacts=[Contact(contact_number="EX-1", name="Existing Co (renamed)")]
        ),
    ).contacts[0]
    assert updated.contact_id == EXISTING
    fresh = acme.accounting.update_or_create_contacts(
        ORG_A, Contacts(contacts=[Contact(name="Brand New")])
    ).contacts[0]
    assert fresh.contact_id != EXISTING
    kept = acme.accounting.get_contact(ORG_A, EXISTING).contacts[0]
    assert kept.email_address == "hello@existing.example"


def test_partial_update_merges_addresses_and_phones(acme):
    acme.accounting.update_contact(
        ORG_A,
        EXISTING,
        {
            "Contacts": [
                {
                    "Addresses": [
                        {
                            "AddressType": "STREET",
                            "AddressLine1": "1 Queen St",
                            "City": "Auckland",
                        }
                    ],
                    "Phones": [{"PhoneType": "MOBILE", "PhoneNumber": "555"}],
                }
            ]
        },
    )
    contact = acme.accounting.get_contact(ORG_A, EXISTING).contacts[0]
    street = next(a for a in contact.addresses if a.address_type == "STREET")
    assert street.address_line1 == "1 Queen St" and street.city == "Auckland"
    assert len(contact.addresses) == 2
    assert (
        next(p for p in contact.phones if p.phone_type == "MOBILE").phone_number
        == "555"
    )
    assert contact.name == "Existing Co"


def test_paging_up_to_1000(sb, acme):
    sb.ctl("POST", "generate", {"organisation": ORG_A, "contacts": 2500, "seed": 7})
    page1 = acme.accounting.get_contacts(ORG_A, page=1, page_size=1000)
    assert len(page1.contacts) == 1000
    assert page1.pagination.page_count == 3 and page1.pagination.item_count == 2501
    page3 = acme.accounting.get_contacts(ORG_A, page=3, page_size=1000)
    assert len(page3.contacts) == 501
    assert acme.accounting.get_contacts(ORG_A, page=4, page_size=1000).contacts == []
    default = acme.accounting.get_contacts(ORG_A, page=1)
    assert default.pagination.page_size == 100
    big = sb.api_get(
        "Contacts", acme.token, ORG_A, params={"page": 1, "pageSize": 5000}
    )
    assert big.json()["pagination"]["pageSize"] == 1000


def test_if_modified_since(sb, acme):
    sb.advance(600)
    cursor = datetime.now(UTC) + timedelta(seconds=599)
    acme.accounting.update_contact(
        ORG_A, EXISTING, Contacts(contacts=[Contact(first_name="Edited")])
    )
    changed = acme.accounting.get_contacts(ORG_A, if_modified_since=cursor)
    assert _names(changed) == ["Existing Co"]
    later = cursor + timedelta(minutes=5)
    assert acme.accounting.get_contacts(ORG_A, if_modified_since=later).contacts == []
    token = acme.token
    for header in (
        cursor.strftime("%Y-%m-%dT%H:%M:%S"),
        cursor.astimezone(timezone(timedelta(hours=-8))).isoformat(),
        cursor.strftime("%a, %d %b %Y %H:%M:%S GMT"),
    ):
        resp = sb.api_get(
            "Contacts", token, ORG_A, headers={"If-Modified-Since": header}
        )
        assert [c["Name"] for c in resp.json()["Contacts"]] == ["Existing Co"], header


@pytest.mark.parametrize(
    "where, expected",
    [
        ('Name=="Existing Co"', ["Existing Co"]),
        ('EmailAddress=="hello@existing.example"', ["Existing Co"]),
        (f'ContactID==GUID("{EXISTING}")', ["Existing Co"]),
        (f'ContactID=GUID("{EXISTING}")', ["Existing Co"]),
        (
            'Name=="Existing Co" AND EmailAddress=="hello@existing.example"',
            ["Existing Co"],
        ),
        ('Name=="Existing Co" && ContactNumber=="EX-2"', []),
        ('Name.Contains("exist")', ["Existing Co"]),
        ('Name.StartsWith("Archived")', []),
    ],
)
def test_where_forms(acme, where, expected):
    assert _names(acme.accounting.get_contacts(ORG_A, where=where)) == expected


def test_unsupported_where_is_400(acme):
    with pytest.raises(AccountingBadRequestException) as exc:
        acme.accounting.get_contacts(ORG_A, where='Colour=="red"')
    assert "No property or field 'Colour'" in exc.value.error_data["Message"]
    with pytest.raises(AccountingBadRequestException):
        acme.accounting.get_contacts(ORG_A, where='Name=="unterminated')


def test_ids_archived_order_and_summary(sb, acme):
    acme.accounting.create_contacts(
        ORG_A,
        Contacts(contacts=[Contact(name="Alpha", addresses=[]), Contact(name="Omega")]),
    )
    assert _names(acme.accounting.get_contacts(ORG_A, order="Name ASC")) == [
        "Alpha",
        "Existing Co",
        "Omega",
    ]
    assert _names(acme.accounting.get_contacts(ORG_A, order="Name DESC"))[0] == "Omega"
    assert "Archived Co" in _names(
        acme.accounting.get_contacts(ORG_A, include_archived=True)
    )
    assert _names(
        acme.accounting.get_contacts(ORG_A, i_ds=[EXISTING, ARCHIVED], order="Name")
    ) == ["Archived Co", "Existing Co"]
    summary = sb.api_get("Contacts", acme.token, ORG_A, params={"summaryOnly": "True"})
    contact = summary.json()["Contacts"][0]
    assert "Addresses" not in contact and "Phones" not in contact
    assert "ContactPersons" not in contact
    ordered = acme.accounting.get_contacts(ORG_A, order="UpdatedDateUTC DESC")
    stamps = [c.updated_date_utc for c in ordered.contacts]
    assert stamps == sorted(stamps, reverse=True)


def test_contact_persons_only_on_detail_and_paged_reads(sb, acme):
    acme.accounting.update_contact(
        ORG_A,
        EXISTING,
        {
            "Contacts": [
                {
                    "ContactPersons": [
                        {
                            "FirstName": "Pat",
                            "LastName": "Lee",
                            "EmailAddress": "pat@example.com",
                            "IncludeInEmails": True,
                        }
                    ]
                }
            ]
        },
    )
    by_id = acme.accounting.get_contact(ORG_A, EXISTING).contacts[0]
    assert by_id.contact_persons[0].first_name == "Pat"
    paged = acme.accounting.get_contacts(ORG_A, page=1, i_ds=[EXISTING]).contacts[0]
    assert paged.contact_persons[0].email_address == "pat@example.com"
    unpaged = acme.accounting.get_contacts(ORG_A, i_ds=[EXISTING]).contacts[0]
    assert unpaged.contact_persons == []


def test_search_term(acme):
    result = acme.accounting.get_contacts(ORG_A, search_term="EXISTING.EXAMPLE")
    assert _names(result) == ["Existing Co"]
