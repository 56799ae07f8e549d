import time

from xero_core.matching import Matcher, normalise_name

PARTNERS = [
    {"id": 1, "name": "Bayside Club Ltd", "email": "office@bayside.example", "zip": "1011"},
    {"id": 2, "name": "Smith & Sons Pty Ltd", "phone": "+61 2 9999 0000"},
    {"id": 3, "name": "Smith and Sons", "phone": "+61 3 1111 2222"},
    {"id": 4, "name": "Northwind Traders", "vat": "GB 123 456 789"},
    {"id": 5, "name": "Contoso", "company_registry": "NZ-998877", "ref": "C-42"},
    {"id": 6, "name": "Acme Widgets Inc."},
    {"id": 7, "name": "Shared Mail One", "email": "accounts@shared.example"},
    {"id": 8, "name": "Shared Mail Two", "email": "accounts@shared.example"},
]


def test_normalise_name():
    assert normalise_name("Smith & Sons Pty Ltd.") == "smith and sons"
    assert normalise_name("  CAFÉ  Zoë, Inc ") == "cafe zoe"
    assert normalise_name("The Ltd") == "the ltd"  # nothing meaningful left: keep it


def test_identifiers_win_over_names():
    m = Matcher(PARTNERS)
    assert m.match({"name": "Whatever", "ref": "c-42"}).partner_id == 5
    assert m.match({"name": "Whatever", "email": "OFFICE@bayside.example"}).score == 98.0
    assert m.match({"name": "x", "vat": "gb123456789"}).partner_id == 4
    assert m.match({"name": "x", "company_registry": "nz998877"}).reason == "company number"


def test_name_similarity_with_suffixes_and_typos():
    m = Matcher(PARTNERS)
    match = m.match({"name": "Acme Widgets"})
    assert match.partner_id == 6 and match.score == 95.0 and not match.ambiguous
    assert m.match({"name": "Acme Widgetz Ltd"}).partner_id == 6
    assert not m.match({"name": "Completely Different Co"}).found


def test_two_close_partners_are_ambiguous_and_phone_breaks_the_tie():
    m = Matcher(PARTNERS)
    match = m.match({"name": "Smith & Sons"})
    assert match.ambiguous and {match.partner_id, match.runner_up_id} == {2, 3}
    tie_broken = m.match({"name": "Smith & Sons", "phone": "(02) 9999 0000"})
    assert tie_broken.partner_id == 2
    shared = m.match({"name": "Unrelated", "email": "accounts@shared.example"})
    assert shared.ambiguous


def test_scale_10k_contacts_against_100k_partners():
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
             "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"]
    partners = [
        {"id": i, "name": f"{words[i % 16]} {words[(i // 16) % 16]} trading {i}"}
        for i in range(100_000)
    ]
    started = time.perf_counter()
    m = Matcher(partners)
    found = sum(m.match({"name": f"{words[i % 16]} {words[(i // 16) % 16]} trading {i}"}).found
                for i in range(0, 100_000, 10))
    elapsed = time.perf_counter() - started
    assert found == 10_000
    assert elapsed < 60, elapsed
