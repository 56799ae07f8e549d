"""Shared pieces of the accounting endpoints: the call context, envelopes, errors."""

from .dates import envelope_date
from .rules import Ctx, is_guid
from .store import new_id
from .wire import json_response, text_response

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
NOT_FOUND = "The resource you're looking for cannot be found"


class Call:
    """One authorised accounting request against one organisation."""

    def __init__(self, store, org, req, app, match):
        self.store = store
        self.org = org
        self.req = req
        self.app = app
        self.client_id = app["client_id"]
        self.match = match
        self.now = store.clock.now()
        self.unitdp = 4 if req.arg("unitdp") == "4" else 2
        self.ctx = Ctx(self.now, self.client_id, self.unitdp)

    def envelope(self, key, items, pagination=None, status=200):
        data = {
            "Id": new_id(),
            "Status": "OK",
            "ProviderName": self.app.get("name") or "Xero Sandbox",
            "DateTimeUTC": envelope_date(self.now),
        }
        if pagination:
            data["pagination"] = pagination
        data[key] = items
        return json_response(data, status)


class RequestError(Exception):
    """Raised by a handler to answer ``response`` at once."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


def validation_error(elements):
    return json_response(
        {
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            "Elements": elements,
        },
        400,
    )


def simple_validation_error(message):
    return validation_error([{"ValidationErrors": [{"Message": message}]}])


def query_error(message):
    return json_response(
        {"ErrorNumber": 16, "Type": "QueryParseException", "Message": message}, 400
    )


def not_found():
    return text_response(NOT_FOUND, 404)


def lookup(table, key, number_field=None, records=None):
    key = (key or "").strip()
    if is_guid(key):
        return table.get(key.lower())
    if number_field:
        lowered = key.lower()
        for record in records if records is not None else table.values():
            if (record.get(number_field) or "").lower() == lowered:
                return record
    return None
