"""Paging follows Xero's pagination object and says whether a read was
complete (stub server: the sandbox's pagination is always truthful)."""

import math

import pytest

from xero_core.tests.stub_server import StubServer
from xero_core.tests.stub_xero import envelope, stub_client

RECORDS = [{"ContactID": f"c{i:03d}", "Name": f"Contact {i}"} for i in range(130)]


def contacts_server(per_page=100, pagination=True, page_count=None, item_count=None,
                    page_size=None):
    """Answers GET /Contacts with ``per_page`` records a page whatever
    pageSize asks; the pagination object is truthful unless told otherwise."""

    def respond(request):
        page = int(request["query"].get("page", 1))
        chunk = RECORDS[(page - 1) * per_page: page * per_page]
        info = None
        if pagination:
            info = {
                "page": page,
                "pageSize": page_size or per_page,
                "pageCount": page_count if page_count is not None
                else math.ceil(len(RECORDS) / per_page),
                "itemCount": item_count if item_count is not None else len(RECORDS),
            }
        return 200, {}, envelope("Contacts", chunk, info)

    return StubServer(respond)


def read(client, **kwargs):
    return [c["ContactID"] for _p, page in client.iter_contact_pages(**kwargs) for c in page]


def test_short_pages_with_truthful_pagination_read_everything():
    """100 a page for 130 records although 1000 were asked: the first page
    is short, yet pagination says there are two."""
    with contacts_server() as stub:
        client = stub_client(stub)
        ids = read(client)
    assert ids == [r["ContactID"] for r in RECORDS]
    assert client.calls == 2
    assert client.last_read_complete is True
    assert client.last_read["item_count"] == 130 and client.last_read["records"] == 130


def test_without_pagination_a_short_page_is_the_last():
    with contacts_server(pagination=False) as stub:
        client = stub_client(stub)
        ids = read(client, page_size=100)
        assert len(ids) == 130 and client.calls == 2
        client.calls = 0
        ids = read(client)  # 100 < 1000 asked: taken as the last page
    assert len(ids) == 100 and client.calls == 1
    assert client.last_read_complete is True


def test_page_count_too_small_reads_on_until_the_items_add_up():
    with contacts_server(page_count=1) as stub:
        client = stub_client(stub)
        ids = read(client)
    assert len(ids) == 130
    assert client.last_read_complete is True


def test_item_count_that_never_adds_up_is_an_incomplete_read():
    with contacts_server(item_count=500) as stub:
        client = stub_client(stub)
        ids = read(client)
    assert len(ids) == 130, "everything Xero had was still read"
    assert client.calls == 3, "read on until an empty page"
    assert client.last_read_complete is False
    assert "500" in client.last_read["reason"]


def test_empty_page_before_the_announced_last_is_incomplete():
    with contacts_server(page_count=5, item_count=130) as stub:
        client = stub_client(stub)
        read(client)
    assert client.calls == 3
    assert client.last_read_complete is True, "the items add up: 130 of 130"
    with contacts_server(page_count=5, item_count=450) as stub:
        client = stub_client(stub)
        read(client)
    assert client.last_read_complete is False
    assert "empty" in client.last_read["reason"]


def test_max_pages_and_an_abandoned_loop_are_incomplete():
    with contacts_server() as stub:
        client = stub_client(stub)
        assert len(read(client, max_pages=1)) == 100
        assert client.last_read_complete is False
        assert "max_pages" in client.last_read["reason"]
        for _page, _records in client.iter_contact_pages():
            break
        assert client.last_read_complete is False
        read(client)
        assert client.last_read_complete is True


def test_resumed_read_checks_the_items_left():
    with contacts_server() as stub:
        client = stub_client(stub)
        ids = read(client, start_page=2)
    assert len(ids) == 30
    assert client.last_read_complete is True


@pytest.mark.parametrize("pagination", [{}, {"page": 1}, {"pageCount": "two"}])
def test_pagination_without_counts_is_ignored(pagination):
    def respond(request):
        page = int(request["query"].get("page", 1))
        return 200, {}, envelope("Contacts", RECORDS[(page - 1) * 100: page * 100],
                                 dict(pagination, page=page))

    with StubServer(respond) as stub:
        client = stub_client(stub)
        assert len(read(client, page_size=100)) == 130
    assert client.last_read_complete is True


def test_each_read_can_keep_its_own_outcome():
    """A read nested in another one replaces last_read; ``read=`` keeps each."""
    with contacts_server() as stub:
        client = stub_client(stub)
        outer, inner = {}, {}
        for _page, _records in client.iter_contact_pages(read=outer):
            list(client.iter_contact_pages(max_pages=1, read=inner))
    assert outer["complete"] is True and outer["records"] == 130
    assert inner["complete"] is False
    assert client.last_read is outer and client.last_read_complete is True, \
        "last_read describes the latest read to end"
