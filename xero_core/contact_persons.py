"""A Xero contact's persons (ContactPersons, up to 5 besides the primary
person) and a partner's other child contacts, as one sync value.

Each side is a list of ``{name, email}`` (on Xero's side also ``first``,
``last`` and ``include``, its "Include in emails" tick) kept under
``PERSON_LIST`` beside the sync values; ``persons_text`` makes the one
value ("Ann Lee <ann@example.com>; Tom Hill") that diffs compare and show.
"""

from .names import join_person_name, split_person_name, text

PERSON_LIST = "person_list"  # not a field: the persons behind "persons"
MAX_PERSONS = 5  # additional contact persons Xero holds per contact
PERSON_MAX_LEN = 255  # first name, last name and email of a contact person


def persons_from_xero(persons):
    """Xero's ContactPersons -> [{name, email, first, last, include}]."""
    result = []
    for person in persons:
        if not isinstance(person, dict):
            continue
        first, last = text(person.get("FirstName")), text(person.get("LastName"))
        email = text(person.get("EmailAddress"))
        if first or last or email:
            result.append({"name": join_person_name(first, last), "email": email,
                           "first": first, "last": last,
                           "include": bool(person.get("IncludeInEmails"))})
    return result


def person_text(person):
    """'Ann Lee <ann@example.com>', 'Ann Lee' or '<ann@example.com>'."""
    name, email = text(person.get("name")).replace(";", "\\;"), text(person.get("email"))
    return " ".join(p for p in (name, f"<{email}>" if email else "") if p)


def persons_text(persons):
    """The persons as one value: what the diff compares and shows."""
    return "; ".join(t for t in (person_text(p) for p in persons or []) if t)


def same_person(left, right):
    """The same person: same email, or no email on either side and the
    same name (compared without regard to case)."""
    left_email, right_email = text(left.get("email")).casefold(), text(
        right.get("email")).casefold()
    if left_email or right_email:
        return left_email == right_email
    return text(left.get("name")).casefold() == text(right.get("name")).casefold()


def odoo_person(name, email):
    """A child contact as a contact person ({name, email}): a name that is
    only the email (a Xero person with no name came in so) is no name."""
    name, email = text(name), text(email)
    return {"name": "" if email and name.casefold() == email.casefold() else name,
            "email": email}


def match_persons(current, persons):
    """Pair Xero's ``persons`` with Odoo's ``current`` ones (both
    [{name, email}]): by email, else by name. Returns ([(index in
    ``current`` or None, person)], indexes of ``current`` left unpaired)."""
    left = list(range(len(current)))
    pairs = []
    for person in persons:
        name = text(person.get("name")).casefold()
        found = next((i for i in left if same_person(current[i], person)), None)
        if found is None and name:
            found = next((i for i in left
                          if text(current[i].get("name")).casefold() == name), None)
        if found is not None:
            left.remove(found)
        pairs.append((found, person))
    return pairs, left


def persons_to_xero(persons, current=None):
    """Odoo's persons ([{name, email}]) -> Xero's ContactPersons. A person
    Xero already has keeps its "Include in emails" flag and, while its
    name reads the same, Xero's split of it into first and last name."""
    result = []
    for person in persons or []:
        held = next((c for c in current or [] if same_person(person, c)), {})
        first, last = split_person_name(person.get("name"), (
            held.get("first", ""), held.get("last", "")) if held else None)
        result.append({"FirstName": first, "LastName": last,
                       "EmailAddress": text(person.get("email")),
                       "IncludeInEmails": bool(held.get("include"))})
    return result


def persons_problems(persons):
    """Why Xero cannot hold these persons (one message each), [] when it can."""
    problems = []
    if len(persons) > MAX_PERSONS:
        problems.append(
            f"Contact persons: Odoo has {len(persons)} ({persons_text(persons)}); Xero holds "
            f"at most {MAX_PERSONS} besides the primary person. Archive or move contacts in "
            f"Odoo, or ignore this difference: the other changes are then sent.")
    for person in persons:
        first, last = split_person_name(person.get("name"))
        for label, value in (("first name", first), ("last name", last),
                             ("email", text(person.get("email")))):
            if len(value) > PERSON_MAX_LEN:
                problems.append(
                    f"Contact person {person_text(person)[:40]}…: the {label} is {len(value)} "
                    f"characters long; Xero holds at most {PERSON_MAX_LEN}. Shorten it in "
                    f"Odoo: the change is then sent again.")
    return problems
