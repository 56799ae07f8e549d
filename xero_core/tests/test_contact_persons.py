"""Xero's account number and additional contact persons, both ways."""

from xero_core import contact_mapping as cm
from xero_core import diff as xdiff
from xero_core.contact_persons import match_persons, odoo_person

PERSONS = [
    {"FirstName": "Accounts", "LastName": "Team", "EmailAddress": "accounts@bay.example",
     "IncludeInEmails": True},
    {"FirstName": "Jan", "LastName": "van der Berg", "EmailAddress": "jan@bay.example",
     "IncludeInEmails": False},
]
CONTACT = {"ContactID": "c1", "Name": "Bay Ltd", "AccountNumber": "CUST-7",
           "ContactNumber": "ODOO-1", "ContactPersons": PERSONS}


def test_account_number_is_the_reference_both_ways():
    values, _notes = cm.from_xero(CONTACT)
    assert values["ref"] == "CUST-7"
    payload = cm.to_xero({"ref": "CUST-8"}, "c1", ["ref"])
    assert payload == {"ContactID": "c1", "AccountNumber": "CUST-8"}, \
        "the ContactNumber (an API-only code) is never rewritten from the reference"


def test_contact_number_is_set_on_create_only():
    assert cm.to_xero({"name": "N"}, None, ["name"], contact_number="ODOO-ab-1") == {
        "ContactNumber": "ODOO-ab-1", "Name": "N"}
    assert "ContactNumber" not in cm.to_xero({"name": "N"}, "c1", ["name"],
                                             contact_number="ODOO-ab-1")


def test_persons_read_as_one_value_and_a_list():
    values, _notes = cm.from_xero(CONTACT)
    assert values["persons"] == ("Accounts Team <accounts@bay.example>; "
                                 "Jan van der Berg <jan@bay.example>")
    assert [p["include"] for p in values[cm.PERSON_LIST]] == [True, False]


def test_an_answer_without_persons_says_nothing_of_them():
    values, _notes = cm.from_xero({"Name": "Bay Ltd"})
    assert "persons" not in values and cm.PERSON_LIST not in values
    # ... so the diff does not read it as "every person removed in Xero".
    snapshot = dict(values, persons="Ann <a@x.example>")
    assert xdiff.three_way(snapshot, snapshot, values) == []


def test_persons_pushed_keep_xero_flags_and_name_split():
    current, _notes = cm.from_xero(CONTACT)
    odoo = {"persons": "x", cm.PERSON_LIST: [
        {"name": "Jan van der Berg", "email": "JAN@bay.example"},
        {"name": "Accounts Team", "email": "accounts@bay.example"},
        {"name": "Mary Ann Smith", "email": ""},
    ]}
    payload = cm.to_xero(odoo, "c1", ["persons"], current=current)
    assert payload["ContactPersons"] == [
        {"FirstName": "Jan", "LastName": "van der Berg", "EmailAddress": "JAN@bay.example",
         "IncludeInEmails": False},
        {"FirstName": "Accounts", "LastName": "Team", "EmailAddress": "accounts@bay.example",
         "IncludeInEmails": True},
        {"FirstName": "Mary Ann", "LastName": "Smith", "EmailAddress": "",
         "IncludeInEmails": False},
    ]


def test_persons_compare_in_any_order_and_case():
    assert xdiff.same("persons", "A <a@x.example>; B", "B; A <A@X.example>")
    assert not xdiff.same("persons", "A <a@x.example>; B", "A <a@x.example>")


def test_more_persons_than_xero_holds_are_refused_never_cut():
    people = [{"name": f"P{i}", "email": f"p{i}@x.example"} for i in range(7)]
    values = {"name": "Big Co", "persons": cm.persons_text(people), cm.PERSON_LIST: people}
    [problem] = cm.too_long(values, ["persons"])
    assert "Odoo has 7" in problem and "at most 5" in problem
    assert "persons" not in cm.nonblank_keys(values), \
        "a new contact is created with its other values; the persons stay a difference"
    assert cm.too_long(dict(values, **{cm.PERSON_LIST: people[:5]}), ["persons"]) == []
    long_name = [{"name": "F " + "x" * 256, "email": ""}]
    [problem] = cm.too_long({cm.PERSON_LIST: long_name}, ["persons"])
    assert "last name is 256 characters" in problem


def test_persons_changed_on_both_sides_always_wait():
    snapshot = {"persons": "A <a@x.example>"}
    odoo = {"persons": "A <a@x.example>; B <b@x.example>"}
    xero = {"persons": "C <c@x.example>"}
    differences = xdiff.three_way(snapshot, odoo, xero, keys=["persons"])
    assert [d.side for d in differences] == [xdiff.BOTH]
    for policy in ("ask", "odoo", "xero"):
        assert xdiff.resolve(differences, policy) == ([], [], ["persons"])
    # One side only: it follows that side.
    only_odoo = xdiff.three_way(snapshot, odoo, snapshot, keys=["persons"])
    assert xdiff.resolve(only_odoo, "ask") == (["persons"], [], [])
    only_xero = xdiff.three_way(snapshot, snapshot, xero, keys=["persons"])
    assert xdiff.resolve(only_xero, "ask") == ([], ["persons"], [])


def test_a_name_case_change_is_a_change_an_email_case_change_is_not():
    assert not xdiff.same("persons", "ann lee <a@x.example>", "Ann Lee <a@x.example>")
    assert xdiff.same("persons", "Ann Lee <A@X.example>", "Ann Lee <a@x.example>")


def test_a_semicolon_in_a_name_is_not_two_persons():
    one = cm.persons_text([{"name": "Lee; Ann", "email": ""}])
    two = cm.persons_text([{"name": "Lee", "email": ""}, {"name": "Ann", "email": ""}])
    assert not xdiff.same("persons", one, two)
    assert xdiff.same("persons", one, cm.persons_text([{"name": "Lee; Ann", "email": ""}]))


def test_a_field_added_after_the_link_takes_the_side_that_alone_has_a_value():
    """An upgrade marks the account number and persons as never synced
    (None in the snapshot): a value on one side only goes to the other; two
    different values wait, whatever the conflict policy."""
    snapshot = {"ref": None}
    only_odoo = xdiff.three_way(snapshot, {"ref": "BAY-1"}, {"ref": ""}, keys=["ref"])
    assert [d.side for d in only_odoo] == [xdiff.ODOO]
    only_xero = xdiff.three_way(snapshot, {"ref": ""}, {"ref": "CUST001"}, keys=["ref"])
    assert [d.side for d in only_xero] == [xdiff.XERO]
    both = xdiff.three_way(snapshot, {"ref": "BAY-1"}, {"ref": "CUST001"}, keys=["ref"])
    for policy in ("ask", "odoo", "xero"):
        assert xdiff.resolve(both, policy) == ([], [], ["ref"])


def test_persons_pair_by_email_then_by_name():

    current = [odoo_person("Jan Berg", "jan@x.example"), odoo_person("Ann", ""),
               odoo_person("o@x.example", "o@x.example"), odoo_person("Gone", "gone@x.example")]
    assert current[2] == {"name": "", "email": "o@x.example"}, "an email for a name is no name"
    pairs, left = match_persons(current, [
        {"name": "Jan van der Berg", "email": "JAN@x.example"},  # renamed: its email
        {"name": "ann", "email": "ann@x.example"},  # an email added: its name
        {"name": "", "email": "o@x.example"},
        {"name": "New", "email": "new@x.example"},
    ])
    assert [i for i, _p in pairs] == [0, 1, 2, None]
    assert left == [3]
