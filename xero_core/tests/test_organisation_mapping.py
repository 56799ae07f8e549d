from xero_core import organisation_mapping as om

CLIENT = {
    "OrganisationID": "22222222-2222-4222-8222-222222222222",
    "Name": "Client A Ltd",
    "LegalName": "Client A Limited",
    "RegistrationNumber": "NZBN 9429041234567",
    "TaxNumber": "111-222-333",
    "BaseCurrency": "NZD",
    "CountryCode": "NZ",
    "OrganisationType": "LOOK_THROUGH_COMPANY",
    "FinancialYearEndDay": 31,
    "FinancialYearEndMonth": 3,
    "ShortCode": "!abcde",
    "Addresses": [
        {
            "AddressType": "STREET",
            "AddressLine1": "1 Queen St",
            "City": "Auckland",
            "PostalCode": "1010",
        },
        {
            "AddressType": "POBOX",
            "AddressLine1": "PO Box 1",
            "AddressLine2": "Shortland St",
            "AddressLine3": "CBD",
            "City": "Auckland",
            "Region": "Auckland",
            "PostalCode": "1010",
            "Country": "New Zealand",
            "AttentionTo": "Accounts",
        },
    ],
    "Phones": [
        {
            "PhoneType": "DEFAULT",
            "PhoneCountryCode": "64",
            "PhoneAreaCode": "9",
            "PhoneNumber": "555 1234",
        },
        {"PhoneType": "FAX", "PhoneNumber": ""},
        {"PhoneType": "MOBILE", "PhoneNumber": "021 555"},
    ],
}


def test_partner_values_from_the_postal_address():
    values = om.partner_values(CLIENT)
    assert values == {
        "name": "Client A Ltd",
        "company_registry": "NZBN 9429041234567",
        "vat": "111-222-333",
        "street": "PO Box 1",
        "street2": "Shortland St",
        "street3": "CBD",
        "city": "Auckland",
        "zip": "1010",
        "state": "Auckland",
        "country": "New Zealand",
    }
    assert set(values) == set(om.IMPORT_KEYS)


def test_country_falls_back_on_the_organisation_country():
    org = dict(CLIENT, Addresses=[{"AddressType": "POBOX", "AddressLine1": "PO Box 9"}])
    values = om.partner_values(org)
    assert values["country"] == "NZ"
    assert values["street"] == "PO Box 9"
    assert values["city"] == ""


def test_details_for_display():
    details = om.details(CLIENT)
    assert details["legal_name"] == "Client A Limited"
    assert details["organisation_type"] == "Look through company"
    assert details["financial_year_end"] == "31 March"
    assert details["country_code"] == "NZ"
    assert details["postal"]["line3"] == "CBD"
    assert details["addresses"]["POBOX"] == (
        "Attn: Accounts\nPO Box 1\nShortland St\nCBD\nAuckland Auckland 1010\nNew Zealand"
    )
    assert details["addresses"]["STREET"] == "1 Queen St\nAuckland 1010"
    assert details["addresses"]["DELIVERY"] == ""
    assert details["phones"] == "Phone: 64 9 555 1234\nMobile: 021 555"


def test_a_bare_organisation_gives_blanks_and_notes():
    details = om.details({"Name": "Bare Ltd"})
    assert details["registration_number"] == ""
    assert details["financial_year_end"] == ""
    assert details["phones"] == ""
    assert om.partner_values(None)["name"] == ""
    assert om.missing_parts({"Name": "Bare Ltd"}) == [
        "registration_number",
        "tax_number",
        "address",
    ]
    assert om.missing_parts(CLIENT) == []


def test_financial_year_end_rejects_nonsense():
    assert (
        om.financial_year_end({"FinancialYearEndDay": 30, "FinancialYearEndMonth": 6}) == "30 June"
    )
    assert om.financial_year_end({"FinancialYearEndDay": 0, "FinancialYearEndMonth": 6}) == ""
    assert om.financial_year_end({"FinancialYearEndDay": "x", "FinancialYearEndMonth": 6}) == ""


def test_users_and_contacts():
    user = {
        "UserID": "u1",
        "FirstName": "Cara",
        "LastName": "Client",
        "EmailAddress": "cara@client-a.example",
        "OrganisationRole": "FINANCIALADVISER",
        "IsSubscriber": True,
    }
    line = om.user_values(user)
    assert line == {
        "xero_user_id": "u1",
        "first_name": "Cara",
        "last_name": "Client",
        "email": "cara@client-a.example",
        "role": "FINANCIALADVISER",
        "role_label": "Adviser",
        "is_subscriber": True,
    }
    assert om.contact_values(line) == {"name": "Cara Client", "email": "cara@client-a.example"}
    assert om.contact_values(user) == om.contact_values(line)
    assert om.contact_values({"EmailAddress": "x@y.example"}) == {
        "name": "x@y.example",
        "email": "x@y.example",
    }
    assert om.user_values({"OrganisationRole": "NEW_ROLE"})["role_label"] == "New role"


def test_overwrites_only_non_empty_different_values():
    current = {"name": "Client A", "vat": "", "city": "auckland", "zip": "1010"}
    incoming = {
        "name": "Client A Ltd",
        "vat": "111",
        "city": "Auckland",
        "zip": "",
        "street": "PO Box 1",
    }
    assert om.overwrites(current, incoming) == ["name"]
    assert om.overwrites(current, incoming, ["vat", "city"]) == []
