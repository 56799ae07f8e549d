"""Malformed answers become XeroBadResponse (a clear error), never a crash."""

import pytest

from xero_core import answers, client, oauth
from xero_core.errors import XeroBadResponse


def test_list_answers():
    assert answers.records_of({"Users": [{"UserID": "u"}, "junk"]}, "Users") == [{"UserID": "u"}]
    assert answers.records_of({}, "Users") == []
    assert answers.first_of({"Organisations": []}, "Organisations") == {}
    for bad in ([], "text", {"Users": {"UserID": "u"}}):
        with pytest.raises(XeroBadResponse):
            answers.records_of(bad, "Users")


def test_write_answers_line_up_with_what_was_sent():
    sent = {"Invoices": [{"InvoiceID": "a"}, {"InvoiceID": "b"}]}
    assert answers.answers_of(sent, "Invoices") == sent["Invoices"]
    with pytest.raises(XeroBadResponse):
        answers.answers_of({"Invoices": [{"InvoiceID": "a"}, "junk"]}, "Invoices")
    with pytest.raises(XeroBadResponse):
        client.one([])
    assert client.one([{"PaymentID": "p"}]) == {"PaymentID": "p"}


def test_token_answers():
    with pytest.raises(XeroBadResponse):
        oauth.clean_token({"refresh_token": "r"})
    token = oauth.clean_token({"access_token": "a", "expires_in": "soon"}, now=1000)
    assert token["expires_at"] == 1000 + oauth.ACCESS_TOKEN_LIFETIME


def test_bodies_that_are_not_json_are_described_not_dumped():
    assert answers.body_summary(b"") == "an empty answer"
    assert answers.body_summary(b"<html><b>Bad gateway</b></html>") == "a web page"
    assert answers.body_summary("Service Unavailable") == "Service Unavailable"
    assert answers.body_summary(b"\xff\xfe\x00binary").startswith("an unreadable answer")
    assert answers.body_summary("x" * 500).startswith("an unreadable answer")
