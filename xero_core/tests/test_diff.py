from xero_core import diff

SNAP = {"name": "Bayside Club", "first_name": "Bob", "email": "bob@bayside.example",
        "phone": "+64 9 555 1234", "website": "https://bayside.example"}


def test_senta_bob_robert_robbie():
    # Odoo renames Bob -> Robert: a push is offered.
    odoo = dict(SNAP, first_name="Robert")
    [d] = diff.three_way(SNAP, odoo, SNAP)
    assert (d.field, d.odoo_value, d.xero_value, d.side) == (
        "first_name", "Robert", "Bob", diff.ODOO)
    # Pushed: the snapshot follows. Then Xero says Robbie: a pull is offered.
    snapshot = dict(SNAP, first_name="Robert")
    [d] = diff.three_way(snapshot, snapshot, dict(snapshot, first_name="Robbie"))
    assert (d.side, d.xero_value) == (diff.XERO, "Robbie")


def test_both_sides_changed_is_a_conflict_unless_they_agree():
    [d] = diff.three_way(SNAP, dict(SNAP, name="A"), dict(SNAP, name="B"))
    assert d.side == diff.BOTH
    assert diff.three_way(SNAP, dict(SNAP, name="A"), dict(SNAP, name="A")) == []


def test_unsynced_link_reports_new_differences():
    [d] = diff.three_way(None, dict(SNAP, name="Odoo name"), SNAP)
    assert d.side == diff.NEW


def test_formatting_noise_is_not_a_difference():
    xero = dict(SNAP, email="BOB@Bayside.example", phone="+64 (9) 555-1234",
                website="https://bayside.example/")
    assert diff.three_way(SNAP, SNAP, xero) == []


def test_pull_only_field_edited_in_odoo_is_not_offered():
    odoo = dict(SNAP, website="https://new.example")
    assert diff.three_way(SNAP, odoo, SNAP) == []
    [d] = diff.three_way(SNAP, SNAP, dict(SNAP, website="https://x.example"))
    assert d.side == diff.XERO


def test_resolve_under_each_policy():
    diffs = [diff.Difference("name", "A", "B", diff.BOTH),
             diff.Difference("email", "a@x.io", "b@x.io", diff.ODOO),
             diff.Difference("city", "X", "Y", diff.XERO),
             diff.Difference("zip", "1", "2", diff.NEW)]
    assert diff.resolve(diffs, "ask") == (["email"], ["city"], ["name", "zip"])
    assert diff.resolve(diffs, "odoo") == (["name", "email"], ["city"], ["zip"])
    assert diff.resolve(diffs, "xero") == (["email"], ["name", "city"], ["zip"])


def test_changed_keys():
    assert diff.changed_keys(SNAP, dict(SNAP, name="Z", phone="+64 9 5551234")) == ["name"]


def test_fields_missing_from_the_snapshot_were_never_synced():
    snapshot = {"email": "a@x.example"}
    odoo = {"email": "a@x.example", "city": "Napier"}
    xero = {"email": "a@x.example", "city": "Auckland"}
    [difference] = diff.three_way(snapshot, odoo, xero)
    assert (difference.field, difference.side) == ("city", diff.NEW)
    assert diff.resolve([difference], "odoo") == ([], [], ["city"])


def test_an_empty_odoo_value_is_never_pushed_by_itself():
    # Cleared in Odoo after the last sync: it waits for an explicit push.
    cleared = dict(SNAP, phone="")
    [d] = diff.three_way(SNAP, cleared, SNAP)
    assert (d.side, d.empty_in_odoo) == (diff.ODOO, True)
    for policy in ("ask", "odoo", "xero"):
        assert diff.resolve([d], policy) == ([], [], ["phone"])
    # Changed on both sides, Odoo's side empty: Odoo winning does not clear Xero.
    [d] = diff.three_way(SNAP, cleared, dict(SNAP, phone="+64 9 555 9999"))
    assert diff.resolve([d], "odoo") == ([], [], ["phone"])
    assert diff.resolve([d], "xero") == ([], ["phone"], [])
    # A value Odoo has is pushed as before.
    [d] = diff.three_way(SNAP, dict(SNAP, phone="+64 9 555 0000"), SNAP)
    assert not d.empty_in_odoo
    assert diff.resolve([d], "ask") == (["phone"], [], [])


def test_a_name_xero_cut_is_never_pulled_over_the_longer_odoo_name():
    long_name = "Very Long Name " * 40
    cut = long_name[:255]
    snapshot = dict(SNAP, name=long_name)
    [d] = diff.three_way(snapshot, dict(SNAP, name=long_name), dict(SNAP, name=cut))
    assert d.side == diff.ODOO
    assert diff.resolve([d], "xero") == (["name"], [], [])
